/**
 * What `podcap doctor --live` and `podcap exporter --live` need, and nothing more: `list` on ten
 * Kubernetes collections (never get, watch or a write), and three read-only AWS actions. Tests hold these
 * texts to the calls the live source makes.
 */

/**
 * A ClusterRole for the reader (`kubectl apply -f`), bound with a ClusterRoleBinding to the user, group or
 * service account that runs podcap. The Karpenter and security-group-policy rules may stay when those
 * CRDs are absent: podcap skips what the cluster does not serve.
 */
export const CLUSTER_ROLE_YAML = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: podcap-reader
rules:
  - apiGroups: [""]
    resources: ["nodes", "pods", "events"]
    verbs: ["list"]
  - apiGroups: ["apps"]
    resources: ["deployments", "statefulsets", "daemonsets"]
    verbs: ["list"]
  - apiGroups: ["karpenter.sh"]
    resources: ["nodepools", "nodeclaims"]
    verbs: ["list"]
  - apiGroups: ["karpenter.k8s.aws"]
    resources: ["ec2nodeclasses"]
    verbs: ["list"]
  - apiGroups: ["vpcresources.k8s.aws"]
    resources: ["securitygrouppolicies"]
    verbs: ["list"]
`;

/**
 * An IAM policy for the AWS identity that runs podcap. These actions take no resource-level conditions
 * (Service Authorization Reference: Amazon EC2, Service Quotas), hence `"Resource": "*"`.
 * ec2:DescribeInstances finds the cluster's VPC from a node's instance; without it, pass `--vpc`.
 */
export const IAM_POLICY_JSON = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "PodcapReadSubnets",
      "Effect": "Allow",
      "Action": ["ec2:DescribeInstances", "ec2:DescribeSubnets"],
      "Resource": "*"
    },
    {
      "Sid": "PodcapReadQuotas",
      "Effect": "Allow",
      "Action": ["servicequotas:ListServiceQuotas"],
      "Resource": "*"
    }
  ]
}
`;
