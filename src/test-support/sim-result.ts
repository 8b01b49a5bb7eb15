import type { SimResult } from '../sim/result.js';

const SANDBOX_MESSAGE = 'failed to assign an IP address to container';

/**
 * A hand-built run of examples/node-group-outgrows-max-pods at 20m: 3 m5.large grown to 5 at 10m, the
 * /25 dry at 11m15s, 14 `web` pods without an IP. Reports are tested on it without running the engine.
 */
export function sampleSimResult(partial: Partial<SimResult> = {}): SimResult {
  return {
    scenario: 'node-group-outgrows-max-pods',
    durationMs: 20 * 60_000,
    seed: 1,
    pods: { running: 118, pending: 0, containerCreating: 14, total: 132 },
    workloads: [
      daemonSet('aws-node', 5),
      daemonSet('kube-proxy', 5),
      {
        kind: 'Deployment',
        namespace: 'kube-system',
        name: 'coredns',
        desired: 2,
        running: 2,
        pending: 0,
        containerCreating: 0,
        reasons: {},
        messages: {},
      },
      {
        kind: 'Deployment',
        namespace: 'default',
        name: 'web',
        desired: 120,
        running: 106,
        pending: 0,
        containerCreating: 14,
        reasons: { FailedCreatePodSandBox: 14 },
        messages: { [SANDBOX_MESSAGE]: 14 },
      },
    ],
    nodes: {
      launched: 2,
      atEnd: 5,
      byType: { 'm5.large': 5 },
      byGroup: { 'nodeGroup/general': 5 },
    },
    subnets: [
      {
        id: 'subnet-a',
        zone: 'us-west-2a',
        cidr: '10.0.0.0/25',
        usable: 123,
        used: 120,
        free: 3,
        lowestFree: 3,
        lowestFreeAtMs: 665_000,
        exhaustedAtMs: 675_000,
        idleInWarmPools: 0,
      },
    ],
    costUsd: { totalUsd: 0.384, byType: { 'm5.large': 0.384 }, byGroup: { 'nodeGroup/ng-1': 0.384 } },
    nodeShapes: [
      {
        origin: 'nodeGroup/ng-1',
        instanceType: 'm5.large',
        capacityType: 'on-demand',
        maxPods: 29,
        podIps: 27,
        allocatable: { cpuMillis: 1930, memoryBytes: 7_068_672 * 1024, pods: 29 },
        memoryEstimated: true,
        failure: null,
      },
    ],
    series: [],
    findings: [
      {
        code: 'PODS_STUCK_NO_IP',
        severity: 'error',
        message:
          '14 of 120 pods of Deployment default/web are stuck in ContainerCreating on 2 nodes: FailedCreatePodSandBox "failed to assign an IP address to container". Cause: subnet subnet-a ran out of addresses, so ipamd could not grow the nodes\' pools',
        atMs: 660_000,
      },
      {
        code: 'SUBNET_EXHAUSTED',
        severity: 'error',
        message:
          'Subnet subnet-a (10.0.0.0/25, us-west-2a) ran out of addresses at 11m15s: all 123 usable addresses (the CIDR less the 5 AWS keeps) were held or too fragmented for the request.',
        atMs: 675_000,
      },
      {
        code: 'OBSERVED_MEMORY_MISSING',
        severity: 'info',
        message:
          "Memory capacity of m5.large is podcap's estimate; give spec.aws.observedMemory for exact allocatable memory.",
        atMs: null,
      },
    ],
    events: [
      {
        atMs: 300_000,
        type: 'Normal',
        reason: 'ScalingReplicaSet',
        object: 'deployment/web',
        message: 'Scaled to 120',
      },
      {
        atMs: 300_000,
        type: 'Warning',
        reason: 'FailedScheduling',
        object: 'pod/web-q2zwz789r7-m5t5h',
        message: '0/3 nodes are available: 3 Too many pods.',
      },
      {
        atMs: 620_000,
        type: 'Normal',
        reason: 'NodeReady',
        object: 'node/ip-10-0-0-94.us-west-2.compute.internal',
        message: 'Node ip-10-0-0-94.us-west-2.compute.internal status is now: NodeReady',
      },
      {
        atMs: 675_000,
        type: 'Warning',
        reason: 'FailedCreatePodSandBox',
        object: 'pod/web-q2zwz789r7-8rwpf',
        message: `Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox: plugin type="aws-cni" name="aws-cni" failed (add): add cmd: ${SANDBOX_MESSAGE}`,
      },
    ],
    stats: { events: 1800, schedulingAttempts: 260, podsCreated: 132 },
    ...partial,
  };
}

function daemonSet(name: string, nodes: number): SimResult['workloads'][number] {
  return {
    kind: 'DaemonSet',
    namespace: 'kube-system',
    name,
    desired: nodes,
    running: nodes,
    pending: 0,
    containerCreating: 0,
    reasons: {},
    messages: {},
  };
}
