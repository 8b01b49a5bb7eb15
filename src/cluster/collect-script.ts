/**
 * The shell script `podcap doctor --print-collect` prints: the kubectl and AWS CLI calls whose output
 * `podcap doctor <folder>` reads, each written to a file of the current folder.
 */

/** The files the script writes, by what they hold. */
export const COLLECT_FILES = {
  cluster: 'nodes-pods-workloads.json',
  karpenter: 'karpenter.json',
  events: 'events.json',
  awsNode: 'aws-node.json',
  karpenterDeployment: 'karpenter-deployment.json',
  subnets: 'subnets.json',
  quotas: 'quotas.json',
  securityGroupPolicies: 'securitygrouppolicies.json',
} as const;

const f = COLLECT_FILES;

/** A POSIX sh script; run it where the export should go, then `podcap doctor .`. */
export function collectScript(): string {
  return `#!/bin/sh
# Collects what \`podcap doctor <folder>\` reads, into the current folder.
# It only reads: kubectl get and AWS describe/list calls; nothing in the cluster or the account changes.
# Needs kubectl on the cluster's context, and the AWS CLI with read access in the cluster's region.
# The files hold your cluster's objects (environment variables included): keep them private.
set -eu
umask 077

kubectl get nodes,pods,deployments,statefulsets,daemonsets -A -o json > ${f.cluster}
kubectl get events -A -o json > ${f.events}

# Karpenter may not be installed: then there is no file (its CRDs are unknown to the API server).
kubectl get nodepools,ec2nodeclasses,nodeclaims -o json > ${f.karpenter} || rm -f ${f.karpenter}
# The Karpenter controller Deployment, in whichever namespace it runs (a List, empty without Karpenter).
kubectl get deploy -A -l app.kubernetes.io/name=karpenter -o json > ${f.karpenterDeployment} || rm -f ${f.karpenterDeployment}

# Security groups for pods: which pods get a branch ENI (the CRD exists once ENABLE_POD_ENI was turned on).
kubectl get securitygrouppolicies -A -o json > ${f.securityGroupPolicies} || rm -f ${f.securityGroupPolicies}

# The VPC CNI's DaemonSet; a cluster with another CNI has none.
kubectl -n kube-system get daemonset aws-node -o json > ${f.awsNode} || rm -f ${f.awsNode}

aws ec2 describe-subnets --output json > ${f.subnets}
# Optional: vCPU quota headroom (needs servicequotas:ListServiceQuotas).
aws service-quotas list-service-quotas --service-code ec2 --output json > ${f.quotas} || rm -f ${f.quotas}

echo "Wrote the cluster export here. Run: podcap doctor ."
`;
}
