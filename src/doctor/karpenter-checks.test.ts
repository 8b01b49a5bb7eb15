import { describe, expect, it } from 'vitest';
import type { ClusterNode, ClusterState } from '../cluster/cluster-state.js';
import { clusterNode, clusterState, daemonSetWorkload, hostNetworkPods } from '../test-support/cluster-state.js';
import { bundledCatalog } from '../test-support/fixtures.js';
import { nodeClass, nodePool, requirement } from '../test-support/sim-input.js';
import { checkKarpenterLaunchLoop, loopWindows } from './karpenter-checks.js';

const catalog = bundledCatalog();
const KI = 1024;

/** The write-up's m8g.large (capacity-models.md §7), its MemTotal 7,948,164Ki. */
function m8gLarge(name: string, where: { nodePool?: string; nodeGroup?: string }): ClusterNode {
  return clusterNode({
    name,
    instanceType: 'm8g.large',
    ...where,
    capacity: { cpu: '2', memory: '7948164Ki', pods: 20 },
    allocatable: { cpu: '1930m', memory: '7257988Ki', pods: 20 },
  });
}

/** NodePool default may launch m7g.large and m8g.large; Karpenter `version` with RESERVED_ENIS=1; a 184Mi DaemonSet. */
function state(version: string, nodes: readonly ClusterNode[]): ClusterState {
  return clusterState({
    nodes,
    pods: nodes.flatMap((n) => hostNetworkPods(n.name)),
    workloads: [daemonSetWorkload('logging', '10m', '184Mi')],
    karpenter: { version, env: { RESERVED_ENIS: '1' } },
    nodePools: [
      nodePool('default', {
        requirements: [requirement('node.kubernetes.io/instance-type', 'In', ['m7g.large', 'm8g.large'])],
      }),
    ],
    nodeClasses: [nodeClass([])],
  });
}

describe('loop windows of types no node of the NodePool has registered (capacity-models.md §4, §5.2, §7 items 4–5)', () => {
  it('gives an m7g.large window relative to MemTotal: it opens once one has registered', () => {
    const cluster = state('1.5.1', [m8gLarge('k1', { nodePool: 'default' })]);
    const windows = loopWindows(cluster, catalog).get('default') ?? [];
    expect(windows.map((w) => [w.instanceType, w.memory.kind, w.conditional])).toEqual([
      ['m8g.large', 'registered', false],
      ['m7g.large', 'unknown', false],
    ]);
    // Karpenter's estimate: 8192 − 64 − ceil(8128·0.075) = 7518MiB = 7,698,432Ki.
    expect(windows[1]?.memory).toEqual({ kind: 'unknown', estimateBytes: 7_698_432 * KI });
    const finding = checkKarpenterLaunchLoop(cluster, catalog)[0];
    expect(finding?.severity).toBe('error');
    // (MemTotal − 574Mi − 100Mi, MemTotal − 475Mi − 100Mi], less the DaemonSet's 184Mi (188,416Ki) for one pod.
    expect(finding?.message).toContain(
      "pods asking more than MemTotal − 878,592Ki and at most MemTotal − 777,216Ki memory on m7g.large (with its DaemonSets' 188,416Ki: (MemTotal − 690,176Ki, MemTotal − 588,800Ki], once one has registered)",
    );
    expect(finding?.message).toContain("the window opens once its cache holds the node's MemTotal");
    // The old window took the estimate for the kubelet's MemTotal.
    expect(finding?.message).not.toContain('7,008,256Ki');
  });

  it('computes the m7g.large window from a node of the type elsewhere in the cluster', () => {
    const m7g = clusterNode({
      name: 'ng-1',
      instanceType: 'm7g.large',
      nodeGroup: 'general',
      capacity: { cpu: '2', memory: '7948164Ki', pods: 29 },
      allocatable: { cpu: '1930m', memory: '7257988Ki', pods: 29 },
    });
    const cluster = state('1.5.1', [m8gLarge('k1', { nodePool: 'default' }), m7g]);
    const window = (loopWindows(cluster, catalog).get('default') ?? []).find((w) => w.instanceType === 'm7g.large');
    expect(window?.memory).toEqual({ kind: 'other-node', node: 'ng-1' });
    expect(window?.node).toEqual({ resource: 'memory', aboveExclusive: 7_257_988 * KI, upToInclusive: 7_359_364 * KI });
    expect(checkKarpenterLaunchLoop(cluster, catalog)[0]?.message).toContain(
      '(7,257,988Ki, 7,359,364Ki], with the MemTotal of node ng-1; it opens once an m7g.large of this EC2NodeClass has registered)',
    );
  });

  it('before v1.1.0 a window without a node is only a condition on MemTotal, and a warning', () => {
    // v1.0.5 plans every launch with its estimate: m8g.large 7518−475−100 = 6943MiB (7,109,632Ki) < 7,257,988Ki, no window.
    const cluster = state('1.0.5', [m8gLarge('k1', { nodePool: 'default' })]);
    const windows = loopWindows(cluster, catalog).get('default') ?? [];
    expect(windows.map((w) => [w.instanceType, w.conditional])).toEqual([['m7g.large', true]]);
    const finding = checkKarpenterLaunchLoop(cluster, catalog)[0];
    expect(finding?.severity).toBe('warning');
    // 7,698,432Ki + the 99Mi (101,376Ki) gap.
    expect(finding?.message).toContain('a window only if its MemTotal is below 7,799,808Ki');
    expect(finding?.message).toContain('at most 6,921,216Ki memory on m7g.large');
  });
});
