import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addPodToNode,
  createSchedulerState,
  createTopologyIndex,
  NodeChangeTable,
  removePodFromNode,
  type SchedulerNode,
  type SchedulerPod,
  schedulePod,
} from './kube-scheduler.js';
import type { PodTemplate, Taint, TopologySpreadConstraint } from './model.js';
import { createRandom } from './random.js';

/*
 * An engine's node list (every node sharing a change log) takes the scheduler's flat-array path: verdicts
 * forgotten by the log, spread scores worked out per (hostname count, zone). Nodes without a log take the
 * path that reads each node. Both must schedule the same pods on the same nodes with the same draws.
 */

const GIB = 1024 ** 3;

interface NodeSpec {
  readonly zone: string | null;
  readonly cpuMillis: number;
  readonly pods: number;
  readonly tainted: boolean;
  readonly rack: string | null;
}

type Step =
  | { readonly kind: 'pod'; readonly template: number }
  | { readonly kind: 'remove'; readonly pick: number }
  /** Nodes leave the list, as a node group scaled down leaves them: their pods go with them. */
  | { readonly kind: 'shrink'; readonly keep: number };

const spread = (
  topologyKey: string,
  whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway',
  maxSkew: number,
  app: string,
): TopologySpreadConstraint => ({
  maxSkew,
  topologyKey,
  whenUnsatisfiable,
  labelSelector: { matchLabels: { app }, matchExpressions: [] },
  minDomains: null,
  nodeAffinityPolicy: 'Honor',
  nodeTaintsPolicy: 'Ignore',
  matchLabelKeys: [],
});

function template(app: string, cpuMillis: number, constraints: TopologySpreadConstraint[]): PodTemplate {
  return {
    labels: { app },
    serviceAccountName: 'default',
    requests: { cpuMillis, memoryBytes: GIB / 4, extended: new Map(), cpuUnset: false, memoryUnset: false },
    hostNetwork: false,
    nodeSelector: {},
    requiredNodeAffinity: null,
    tolerations: [],
    topologySpreadConstraints: constraints,
  };
}

const TEMPLATES: readonly PodTemplate[] = [
  // No constraints: the system defaults (hostname and zone) for an owned pod.
  template('web', 250, []),
  template('api', 400, [spread('topology.kubernetes.io/zone', 'ScheduleAnyway', 2, 'api')]),
  template('db', 300, [
    spread('kubernetes.io/hostname', 'ScheduleAnyway', 1, 'db'),
    spread('topology.kubernetes.io/zone', 'ScheduleAnyway', 1, 'db'),
  ]),
  // A label other than hostname and zone: the general path.
  template('cache', 200, [spread('example.com/rack', 'ScheduleAnyway', 1, 'cache')]),
  template('queue', 150, [spread('topology.kubernetes.io/zone', 'DoNotSchedule', 3, 'queue')]),
];

const SOFT_TAINT: readonly Taint[] = [{ key: 'example.com/spare', value: 'yes', effect: 'PreferNoSchedule' }];

function makeNode(id: number, spec: NodeSpec, table: NodeChangeTable | null): SchedulerNode {
  const name = `node-${id}`;
  const labels: Record<string, string> = { 'kubernetes.io/hostname': name };
  if (spec.zone !== null) labels['topology.kubernetes.io/zone'] = spec.zone;
  if (spec.rack !== null) labels['example.com/rack'] = spec.rack;
  const node: SchedulerNode = {
    id,
    name,
    labels,
    zone: spec.zone,
    taints: spec.tainted ? SOFT_TAINT : [],
    unschedulable: false,
    allocatable: { cpuMillis: spec.cpuMillis, memoryBytes: 16 * GIB, pods: spec.pods, extended: new Map() },
    requested: {
      cpuMillis: 0,
      memoryBytes: 0,
      pods: 0,
      extended: new Map(),
      nonZeroCpuMillis: 0,
      nonZeroMemoryBytes: 0,
    },
  };
  return table === null ? node : { ...node, changes: 0, changeTable: table };
}

/** Runs the steps on one world and returns the node id each pod went to (−1: unschedulable) and the next draw. */
function run(specs: readonly NodeSpec[], joinAt: number, steps: readonly Step[], logged: boolean): number[] {
  const table = logged ? new NodeChangeTable() : null;
  const all = specs.map((spec, id) => makeNode(id, spec, table));
  const state = createSchedulerState();
  const topology = createTopologyIndex();
  const random = createRandom(11);
  const bound: [SchedulerPod, SchedulerNode][] = [];
  const out: number[] = [];
  const gone = new Set<SchedulerNode>();
  // The list grows once mid-run, as an engine's does when nodes join, and shrinks: a new array each time.
  let nodes = all.slice(0, joinAt);
  steps.forEach((step, index) => {
    if (index === Math.floor(steps.length / 2)) nodes = all.filter((node) => !gone.has(node));
    if (step.kind === 'shrink') {
      if (nodes.length <= 1) return;
      const left = nodes.slice(0, 1 + (step.keep % (nodes.length - 1)));
      for (const node of nodes.slice(left.length)) gone.add(node);
      for (let k = bound.length - 1; k >= 0; k -= 1) {
        const [pod, node] = bound[k] as [SchedulerPod, SchedulerNode];
        if (!gone.has(node)) continue;
        bound.splice(k, 1);
        removePodFromNode(node, pod);
        topology.onUnbind(pod, node);
      }
      nodes = left;
      return;
    }
    if (step.kind === 'remove') {
      if (bound.length === 0) return;
      const [pod, node] = bound.splice(step.pick % bound.length, 1)[0] as [SchedulerPod, SchedulerNode];
      removePodFromNode(node, pod);
      topology.onUnbind(pod, node);
      return;
    }
    const t = TEMPLATES[step.template] as PodTemplate;
    const app = t.labels.app as string;
    const pod: SchedulerPod = {
      key: `default/${app}-${index}`,
      namespace: 'default',
      template: t,
      defaultSpreadSelector: { matchLabels: { app }, matchExpressions: [] },
      classId: app,
    };
    const result = schedulePod(state, pod, nodes, topology, random);
    if (result.status !== 'scheduled') {
      out.push(-1);
      return;
    }
    if (!nodes.includes(result.node)) throw new Error(`${pod.key} went to ${result.node?.name}, not in the list`);
    addPodToNode(result.node, pod);
    topology.onBind(pod, result.node);
    bound.push([pod, result.node]);
    out.push(result.node.id);
  });
  out.push(random.next());
  return out;
}

const nodeSpec: fc.Arbitrary<NodeSpec> = fc.record({
  zone: fc.constantFrom<string | null>('a', 'b', 'c', null),
  cpuMillis: fc.constantFrom(1000, 2000, 4000),
  pods: fc.integer({ min: 1, max: 12 }),
  tainted: fc.boolean(),
  rack: fc.constantFrom<string | null>('r1', 'r2', null),
});

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('pod' as const), template: fc.nat(TEMPLATES.length - 1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), pick: fc.nat(1000) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('shrink' as const), keep: fc.nat(1000) }) },
);

describe('kube-scheduler on an engine node list', () => {
  it('schedules as it does node by node (property)', () => {
    fc.assert(
      fc.property(
        fc.array(nodeSpec, { minLength: 1, maxLength: 130, size: 'max' }),
        fc.nat(130),
        fc.array(step, { minLength: 1, maxLength: 250, size: 'max' }),
        (specs, join, steps) => {
          const joinAt = Math.max(1, Math.min(specs.length, join));
          expect(run(specs, joinAt, steps, true)).toEqual(run(specs, joinAt, steps, false));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('also when every node is alike and ties are broken by draws', () => {
    const specs: NodeSpec[] = Array.from({ length: 240 }, (_, i) => ({
      zone: ['a', 'b', 'c'][i % 3] as string,
      cpuMillis: 4000,
      pods: 110,
      tainted: false,
      rack: null,
    }));
    const steps: Step[] = Array.from({ length: 600 }, (_, i) =>
      i === 400
        ? { kind: 'shrink', keep: 9 }
        : i % 7 === 6
          ? { kind: 'remove', pick: i * 31 }
          : { kind: 'pod', template: i % 3 },
    );
    expect(run(specs, 200, steps, true)).toEqual(run(specs, 200, steps, false));
  });
});
