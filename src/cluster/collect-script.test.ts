import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXPORT_FILES } from '../test-support/cluster-export.js';
import { COLLECT_FILES, collectScript } from './collect-script.js';
import { readClusterExport } from './read-export.js';

let folder: string;

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'podcap-collect-'));
});

afterEach(() => {
  rmSync(folder, { recursive: true, force: true });
});

const EMPTY_LIST = '{"apiVersion": "v1", "items": [], "kind": "List", "metadata": {"resourceVersion": ""}}';

/** Stand-ins for kubectl and aws: a cluster without Karpenter's CRDs, an account that denies quotas. */
function fakeTools(): string {
  const bin = join(folder, 'bin');
  mkdirSync(bin);
  const tool = (name: string, body: string): void => {
    writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  tool(
    'kubectl',
    `case "$*" in
  *nodepools*) echo 'error: the server doesn'"'"'t have a resource type "nodepools"' >&2; exit 1 ;;
  *securitygrouppolicies*) echo 'error: the server doesn'"'"'t have a resource type "securitygrouppolicies"' >&2; exit 1 ;;
  *"daemonset aws-node"*) echo '{"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "aws-node", "namespace": "kube-system"}, "spec": {"template": {"spec": {"containers": [{"name": "aws-node", "image": "602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.20.0-eksbuild.1"}]}}}}' ;;
  *) echo '${EMPTY_LIST}' ;;
esac`,
  );
  tool(
    'aws',
    `case "$*" in
  *describe-subnets*) echo '{"Subnets": [{"SubnetId": "subnet-1", "CidrBlock": "10.0.0.0/24", "AvailabilityZone": "us-west-2a", "AvailableIpAddressCount": 250, "VpcId": "vpc-1"}]}' ;;
  *) echo 'An error occurred (AccessDeniedException)' >&2; exit 254 ;;
esac`,
  );
  return bin;
}

describe('collectScript', () => {
  it('runs each command of the export, into its file', () => {
    const script = collectScript();
    expect(script.startsWith('#!/bin/sh\n')).toBe(true);
    for (const line of [
      `kubectl get nodes,pods,deployments,statefulsets,daemonsets -A -o json > ${COLLECT_FILES.cluster}`,
      `kubectl get events -A -o json > ${COLLECT_FILES.events}`,
      `kubectl get nodepools,ec2nodeclasses,nodeclaims -o json > ${COLLECT_FILES.karpenter}`,
      `kubectl get deploy -A -l app.kubernetes.io/name=karpenter -o json > ${COLLECT_FILES.karpenterDeployment}`,
      `kubectl -n kube-system get daemonset aws-node -o json > ${COLLECT_FILES.awsNode}`,
      `aws ec2 describe-subnets --output json > ${COLLECT_FILES.subnets}`,
      `aws service-quotas list-service-quotas --service-code ec2 --output json > ${COLLECT_FILES.quotas}`,
    ]) {
      expect(script).toContain(line);
    }
    expect(script).toContain('# It only reads');
  });

  it('names the files the test generator writes', () => {
    expect(EXPORT_FILES).toEqual(COLLECT_FILES);
  });

  it('is a POSIX sh script', () => {
    const file = join(folder, 'collect.sh');
    writeFileSync(file, collectScript());
    expect(() => execFileSync('sh', ['-n', file])).not.toThrow();
  });

  it('leaves out what a cluster without Karpenter or quota access cannot give, and podcap reads the rest', async () => {
    const bin = fakeTools();
    const out = join(folder, 'export');
    mkdirSync(out);
    writeFileSync(join(folder, 'collect.sh'), collectScript());
    execFileSync('sh', [join(folder, 'collect.sh')], {
      cwd: out,
      env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` },
      stdio: 'pipe',
    });
    expect(readdirSync(out).sort()).toEqual(
      [
        COLLECT_FILES.awsNode,
        COLLECT_FILES.cluster,
        COLLECT_FILES.events,
        COLLECT_FILES.karpenterDeployment,
        COLLECT_FILES.subnets,
      ].sort(),
    );
    expect(existsSync(join(out, COLLECT_FILES.karpenter))).toBe(false);
    expect(existsSync(join(out, COLLECT_FILES.securityGroupPolicies))).toBe(false);
    const state = await readClusterExport([out]);
    expect(state.vpcCni?.version).toBe('v1.20.0-eksbuild.1');
    expect(state.karpenter).toBeNull();
    expect(state.subnets).toHaveLength(1);
    expect(state.quotas).toBeNull();
  });
});
