import { describe, expect, it } from 'vitest';
import {
  addPodToNode,
  backoffDurationMs,
  createSchedulerState,
  createTopologyIndex,
  fitErrorMessage,
  numFeasibleNodesToFind,
  removePodFromNode,
  type SchedulerNode,
  type SchedulerPod,
  schedulePod,
  scoreNodes,
} from './kube-scheduler.js';
import type { PodTemplate } from './model.js';
import { createRandom } from './random.js';

describe('kube-scheduler rules', () => {
  // schedule_one.go numFeasibleNodesToFind: all below 100; max(5 %, 50 − n/125 %) of n, at least 100.
  it.each([
    [50, 50],
    [100, 100],
    [500, 230],
    [1000, 420],
    [5000, 500],
    [10000, 500],
  ])('examines %i nodes until %i are feasible', (nodes, feasible) => {
    expect(numFeasibleNodesToFind(nodes)).toBe(feasible);
  });

  it('sorts FitError reasons as Go sorts strings', () => {
    const reasons = new Map([
      ["node(s) didn't match Pod's node affinity/selector", 2],
      ['Insufficient cpu', 10],
    ]);
    expect(fitErrorMessage(12, reasons)).toBe(
      "0/12 nodes are available: 10 Insufficient cpu, 2 node(s) didn't match Pod's node affinity/selector.",
    );
    expect(fitErrorMessage(0, new Map())).toBe('no nodes available to schedule pods');
  });

  it('backs off 1 s, doubling to at most 10 s', () => {
    expect([1, 2, 3, 4, 5, 9].map(backoffDurationMs)).toEqual([1000, 2000, 4000, 8000, 10000, 10000]);
  });
});

describe('kube-scheduler caches', () => {
  const template: PodTemplate = {
    labels: { app: 'web' },
    serviceAccountName: 'default',
    requests: { cpuMillis: 1000, memoryBytes: 1024 ** 3, extended: new Map(), cpuUnset: false, memoryUnset: false },
    hostNetwork: false,
    nodeSelector: {},
    requiredNodeAffinity: null,
    tolerations: [],
    topologySpreadConstraints: [],
  };

  function node(id: number, zone: string, cpuMillis: number): SchedulerNode {
    const name = `node-${id}`;
    return {
      id,
      name,
      labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': zone },
      zone,
      taints: [],
      unschedulable: false,
      allocatable: { cpuMillis, memoryBytes: 8 * 1024 ** 3, pods: 110, extended: new Map() },
      requested: {
        cpuMillis: 0,
        memoryBytes: 0,
        pods: 0,
        extended: new Map(),
        nonZeroCpuMillis: 0,
        nonZeroMemoryBytes: 0,
      },
    };
  }

  function pod(i: number): SchedulerPod {
    return {
      key: `default/web-${i}`,
      namespace: 'default',
      template,
      defaultSpreadSelector: { matchLabels: { app: 'web' }, matchExpressions: [] },
      classId: 'web',
    };
  }

  it('sees a node fill up and free again between pods of one class', () => {
    const nodes = [node(0, 'a', 2000), node(1, 'b', 1000)];
    const state = createSchedulerState();
    const topology = createTopologyIndex();
    const random = createRandom(1);
    const bound: [SchedulerPod, SchedulerNode][] = [];
    for (let i = 0; i < 3; i += 1) {
      const p = pod(i);
      const result = schedulePod(state, p, nodes, topology, random);
      if (result.status !== 'scheduled') throw new Error(`pod ${i} did not schedule`);
      addPodToNode(result.node, p);
      topology.onBind(p, result.node);
      bound.push([p, result.node]);
    }
    const full = schedulePod(state, pod(3), nodes, topology, random);
    expect(full).toMatchObject({ status: 'unschedulable', message: '0/2 nodes are available: 2 Insufficient cpu.' });
    const [first, on] = bound[0] as [SchedulerPod, SchedulerNode];
    removePodFromNode(on, first);
    topology.onUnbind(first, on);
    expect(schedulePod(state, pod(4), nodes, topology, random)).toEqual({ status: 'scheduled', node: on });
  });

  it('picks as scoreNodes scores, with the same tie-break draws', () => {
    const nodes = Array.from({ length: 12 }, (_, i) => node(i, ['a', 'b', 'c'][i % 3] as string, 4000));
    const state = createSchedulerState();
    const topology = createTopologyIndex();
    const random = createRandom(7);
    const replay = createRandom(7);
    for (let i = 0; i < 30; i += 1) {
      const p = pod(i);
      const scores = scoreNodes(p, nodes, topology);
      // selectHost: the running best, ties broken by reservoir sampling, drawn as schedulePod draws.
      let chosen = 0;
      let best = scores[0] as number;
      let ties = 1;
      for (let n = 1; n < scores.length; n += 1) {
        const score = scores[n] as number;
        if (score > best) {
          best = score;
          chosen = n;
          ties = 1;
        } else if (score === best) {
          ties += 1;
          if (replay.int(ties) === 0) chosen = n;
        }
      }
      const result = schedulePod(state, p, nodes, topology, random);
      expect(result).toEqual({ status: 'scheduled', node: nodes[chosen] });
      addPodToNode(nodes[chosen] as SchedulerNode, p);
      topology.onBind(p, nodes[chosen] as SchedulerNode);
    }
  });
});
