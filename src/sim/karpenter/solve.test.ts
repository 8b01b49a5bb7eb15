import { describe, expect, it } from 'vitest';
import { instanceType, Mi } from '../../test-support/fixtures.js';
import { nodeClass, nodePool, podTemplate } from '../../test-support/sim-input.js';
import type { SchedulerNode } from '../kube-scheduler.js';
import type { NodePoolSpec, PodTemplate } from '../model.js';
import { buildPoolCatalog, podOfferingMasks } from './offerings.js';
import { type ExistingNode, type Resources, type SolvePod, type SolvePool, solve, sortPods } from './solve.js';

const zones = new Map([['subnet-a', 'us-west-2a']]);
// 2, 4 and 8 vCPUs; 8, 16 and 32 GiB.
const types = ['m5.large', 'm5.xlarge', 'm5.2xlarge'].map(instanceType);

/** A round allocatable per type: vCPUs less 100m, nominal memory less 1 GiB, 20 pods. */
function allocatable(vcpu: number, memoryMib: number): Resources {
  return { cpuMillis: vcpu * 1000 - 100, memoryBytes: Mi(memoryMib - 1024), pods: 20, extended: new Map() };
}

function pool(spec: NodePoolSpec, daemon: Resources | null = null): SolvePool {
  const catalog = buildPoolCatalog(spec, nodeClass(['subnet-a']), zones, types);
  return {
    catalog,
    allocatable: catalog.types.map((t) => allocatable(t.type.hardware?.vcpu ?? 0, t.type.hardware?.memoryMib ?? 0)),
    capacity: catalog.types.map((t) => ({
      cpuMillis: (t.type.hardware?.vcpu ?? 0) * 1000,
      memoryBytes: Mi(t.type.hardware?.memoryMib ?? 0),
      pods: 20,
      extended: new Map(),
    })),
    daemonOverhead: catalog.types.map(() => daemon ?? { cpuMillis: 0, memoryBytes: 0, pods: 0, extended: new Map() }),
    available: Int32Array.from(catalog.types.map((t) => t.mask)),
    limits: {
      cpuMillis: spec.limits.get('cpu') ?? null,
      memoryBytes: spec.limits.get('memory') ?? null,
      nodes: spec.limits.get('nodes') ?? null,
      others: new Map([...spec.limits].filter(([name]) => !['cpu', 'memory', 'nodes'].includes(name))),
    },
    podMasks: (pod) => podOfferingMasks(catalog, pod.template),
  };
}

function pods(count: number, template: PodTemplate, prefix = 'p', createdAtMs = 0): SolvePod[] {
  return Array.from({ length: count }, (_, i) => ({
    key: `default/${prefix}-${String(i).padStart(3, '0')}`,
    classKey: prefix,
    template,
    createdAtMs,
  }));
}

const names = (s: SolvePool, candidates: readonly number[]) => candidates.map((t) => s.catalog.types[t]?.type.name);

describe('solve', () => {
  it('packs pods into one NodeClaim while some type still fits them all', () => {
    const p = pool(nodePool('default'));
    // 1 CPU each: m5.2xlarge holds 7 (7,900m), so 10 pods take two NodeClaims: 7 and 3.
    const result = solve(pods(10, podTemplate({ cpuMillis: 1000, memoryMib: 512 })), [], [p]);
    expect(result.claims.map((c) => c.pods.length)).toEqual([7, 3]);
    expect(names(p, result.claims[0]?.candidates ?? [])).toEqual(['m5.2xlarge']);
    expect(names(p, result.claims[1]?.candidates ?? [])).toEqual(['m5.xlarge', 'm5.2xlarge']);
    expect(result.failed.size).toBe(0);
  });

  it('fills existing nodes first, the lowest index that fits, initialized before in-flight', () => {
    const sched = (name: string) =>
      ({ name, labels: {}, taints: [], unschedulable: false }) as unknown as SchedulerNode;
    const room = (cpuMillis: number) => ({ cpuMillis, memoryBytes: Mi(8192), pods: 10, extended: new Map() });
    const existing: ExistingNode[] = [
      { name: 'b-inflight', sched: sched('b-inflight'), initialized: false, remaining: room(4000) },
      { name: 'a-ready', sched: sched('a-ready'), initialized: true, remaining: room(1500) },
    ];
    const result = solve(pods(4, podTemplate({ cpuMillis: 1000 })), existing, [pool(nodePool('default'))]);
    expect(result.existing.get('a-ready')?.length).toBe(1);
    expect(result.existing.get('b-inflight')?.length).toBe(3);
    expect(result.claims).toHaveLength(0);
  });

  it('counts the DaemonSet overhead of each type', () => {
    // 3,000m of DaemonSets leaves an m5.large (1,900m) nothing and an m5.xlarge 900m.
    const p = pool(nodePool('default'), { cpuMillis: 3000, memoryBytes: 0, pods: 3, extended: new Map() });
    const result = solve(pods(1, podTemplate({ cpuMillis: 1000 })), [], [p]);
    expect(names(p, result.claims[0]?.candidates ?? [])).toEqual(['m5.2xlarge']);
  });

  it('prefers the heaviest NodePool that can take the pod', () => {
    const light = pool(nodePool('light', { weight: 10 }));
    const heavy = pool(nodePool('heavy', { weight: 50 }));
    const result = solve(pods(1, podTemplate()), [], [light, heavy]);
    expect(result.claims[0]?.pool).toBe(1);
  });

  it('drops types past the NodePool limits and says so when nothing is left', () => {
    const limited = pool(nodePool('small', { limits: new Map([['cpu', 4000]]) }));
    const first = solve(pods(1, podTemplate({ cpuMillis: 3000 })), [], [limited]);
    // Only an m5.xlarge (4 vCPUs) is within the limit; subtractMax then takes all of it.
    expect(names(limited, first.claims[0]?.candidates ?? [])).toEqual(['m5.xlarge']);
    expect(limited.limits.cpuMillis).toBe(0);
    const again = solve(pods(1, podTemplate({ cpuMillis: 3000 }), 'q'), [], [limited]);
    expect(again.failed.get('default/q-000')).toMatchObject({ kind: 'limits', limitedPools: ['small'] });
  });

  it('reports a pod no type can hold', () => {
    const result = solve(pods(1, podTemplate({ cpuMillis: 9000 })), [], [pool(nodePool('default'))]);
    expect(result.failed.get('default/p-000')?.message).toBe('no instance type has enough resources');
  });

  it('keeps minValues distinct instance types or opens another NodeClaim', () => {
    const spec = nodePool('default', {
      requirements: [{ key: 'node.kubernetes.io/instance-type', operator: 'Exists', values: [], minValues: 2 }],
    });
    const p = pool(spec);
    // Pods of 2 CPUs: two together fit only an m5.2xlarge, which alone breaks minValues 2, so each
    // pod opens its own NodeClaim (m5.xlarge or m5.2xlarge).
    const result = solve(pods(3, podTemplate({ cpuMillis: 2000 })), [], [p]);
    expect(result.claims.map((c) => c.pods.length)).toEqual([1, 1, 1]);
    expect(names(p, result.claims[2]?.candidates ?? [])).toEqual(['m5.xlarge', 'm5.2xlarge']);
  });

  it('orders pods by cpu, then memory, then age', () => {
    const small = pods(1, podTemplate({ cpuMillis: 100, memoryMib: 4096 }), 'small', 0)[0] as SolvePod;
    const big = pods(1, podTemplate({ cpuMillis: 2000 }), 'big', 5)[0] as SolvePod;
    const mid = pods(1, podTemplate({ cpuMillis: 100, memoryMib: 8192 }), 'mid', 9)[0] as SolvePod;
    expect(sortPods([small, big, mid]).map((p) => p.classKey)).toEqual(['big', 'mid', 'small']);
  });
});
