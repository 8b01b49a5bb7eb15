// The workload controllers in the engine: which nodes a DaemonSet runs on, and what happens to a bare
// Pod whose node goes away.
import { describe, expect, it } from 'vitest';
import { bundledCatalog, Ki } from '../test-support/fixtures.js';
import {
  at,
  deployment,
  karpenterSettings,
  nodeClass,
  nodeGroup,
  nodePool,
  podTemplate,
  requirement,
  simInput,
} from '../test-support/sim-input.js';
import type { NodeSelectorTerm, PodTemplate, Workload } from './model.js';
import { simulate } from './simulate.js';

function daemonSet(name: string, template: PodTemplate): Workload {
  return {
    kind: 'DaemonSet',
    id: { kind: 'DaemonSet', namespace: 'kube-system', name },
    template: { ...template, labels: { app: name, ...template.labels } },
    source: null,
  };
}

function barePod(name: string, template: PodTemplate): Workload {
  return { kind: 'Pod', id: { kind: 'Pod', namespace: 'default', name }, template, source: null };
}

const notOnKarpenterNodes: NodeSelectorTerm[] = [
  {
    matchExpressions: [{ key: 'karpenter.sh/nodepool', operator: 'DoesNotExist', values: [] }],
    matchFields: [],
  },
];

describe('a DaemonSet with a required node affinity', () => {
  it('runs only on the nodes its affinity admits (nodeShouldRunDaemonPod checks the template, then pins)', () => {
    const onlyGpu: NodeSelectorTerm[] = [
      { matchExpressions: [{ key: 'role', operator: 'In', values: ['gpu'] }], matchFields: [] },
    ];
    const input = simInput(
      {
        addons: [],
        nodeGroups: [
          nodeGroup('general', 'm5.large', 3, ['subnet-a'], { labels: { role: 'general' } }),
          nodeGroup('gpu', 'm5.large', 2, ['subnet-a'], { labels: { role: 'gpu' } }),
        ],
      },
      [daemonSet('agent', podTemplate({ cpuMillis: 100, requiredNodeAffinity: onlyGpu }))],
    );
    const agent = simulate(input, bundledCatalog(), { recordEvents: false }).workloads.find((w) => w.name === 'agent');
    expect(agent).toMatchObject({ desired: 2, running: 2, pending: 0 });
  });

  it('keeps a non-Karpenter DaemonSet off Karpenter nodes, so the pod Karpenter sized a node for fits it', () => {
    // m5.large with 7,800,000Ki observed: Karpenter's allocatable leaves room for 6,800Mi but not 6,800Mi + 500Mi.
    const input = simInput(
      {
        addons: [],
        karpenter: karpenterSettings(),
        observedMemoryBytes: new Map([['m5.large', Ki(7_800_000)]]),
      },
      [
        daemonSet(
          'ng-only-agent',
          podTemplate({ cpuMillis: 0, memoryMib: 500, requiredNodeAffinity: notOnKarpenterNodes }),
        ),
        deployment('mem', 1, podTemplate({ cpuMillis: 0, memoryMib: 6800 })),
      ],
      {
        nodePools: [
          nodePool('default', {
            requirements: [requirement('node.kubernetes.io/instance-type', 'In', ['m5.large'])],
            consolidationPolicy: 'WhenEmpty',
            consolidateAfterMs: null,
          }),
        ],
        nodeClasses: [nodeClass(['subnet-a'])],
      },
    );
    const result = simulate(input, bundledCatalog(), { recordEvents: false });
    expect(result.findings.map((f) => f.code)).not.toContain('RUNAWAY_SCALE_OUT');
    expect(result.nodes).toMatchObject({ launched: 1, atEnd: 1 });
    expect(result.workloads.find((w) => w.name === 'mem')).toMatchObject({ running: 1, pending: 0 });
    expect(result.workloads.find((w) => w.name === 'ng-only-agent')).toMatchObject({ desired: 0, running: 0 });
  });
});

describe('a bare Pod', () => {
  it('is gone for good once its node is terminated: nothing owns it, nothing recreates it', () => {
    const input = simInput(
      {
        addons: [],
        nodeGroups: [nodeGroup('ng', 'm5.large', 1, ['subnet-a'])],
        timeline: [
          at(2, { type: 'scale-node-group', nodeGroup: 'ng', desired: 0 }),
          at(3, { type: 'scale-node-group', nodeGroup: 'ng', desired: 1 }),
        ],
      },
      [barePod('debug', podTemplate({ cpuMillis: 100 })), deployment('web', 1, podTemplate({ cpuMillis: 100 }))],
    );
    const result = simulate(input, bundledCatalog(), { recordEvents: true });
    expect(result.workloads.find((w) => w.name === 'debug')).toMatchObject({
      desired: 0,
      running: 0,
      pending: 0,
      containerCreating: 0,
    });
    // The Deployment's pod is replaced and runs on the new node; the bare Pod was created once.
    expect(result.workloads.find((w) => w.name === 'web')).toMatchObject({ desired: 1, running: 1 });
    const created = (result.events ?? []).filter((e) => e.reason === 'SuccessfulCreate' && e.object === 'pod/debug');
    expect(created).toHaveLength(1);
    expect(result.stats.podsCreated).toBe(3);
  });
});

describe('a DaemonSet pod that never fitted its node', () => {
  it('is deleted with the node, so no Pending pod outlives it (getUnscheduledPodsWithoutNode)', () => {
    // 3 vCPU does not fit an m5.large (2 vCPU): the pod stays Pending on each node.
    const input = simInput(
      {
        addons: [],
        nodeGroups: [nodeGroup('ng', 'm5.large', 3, ['subnet-a'])],
        timeline: [at(2, { type: 'scale-node-group', nodeGroup: 'ng', desired: 1 })],
      },
      [daemonSet('agent', podTemplate({ cpuMillis: 3000 }))],
    );
    const agent = simulate(input, bundledCatalog(), { recordEvents: false }).workloads.find((w) => w.name === 'agent');
    expect(agent).toMatchObject({ desired: 1, running: 0, pending: 1 });
  });
});
