// Karpenter in podcap at scale.
// 1. The shape of Karpenter's own scheduling benchmark (kubernetes-sigs/karpenter
//    scheduling_benchmark_test.go; research peers.md §C.6): 20,000 pending pods with requests drawn from
//    cpu {100, 250, 500, 1000, 1500}m × memory {100..4096}Mi, one NodePool, 400 instance types where
//    type i has i+1 vCPUs and 2(i+1) GiB. One Solve, timed: pods placed per second. (Karpenter's
//    benchmark also mixes topology spread and pod affinity, which podcap's Karpenter does not model.)
// 2. A scale-up to 150,000 pods over one simulated hour with one NodePool open to the whole catalog:
//    the full engine (kube-scheduler, Karpenter, kubelet, ipamd). Wall time and pods placed per second.
// Each run in its own process, so that peak RSS is its own.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildPoolCatalog, indexCatalog, podOfferingMasks, readCatalogFile, simulate, solve } from '../dist/index.js';

const MIB = 1024 * 1024;
/** The scale-up's size; PODCAP_BENCH_PODS runs a smaller one (for profiling). */
const PODS = Number(process.env.PODCAP_BENCH_PODS ?? 150_000);

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function template(cpuMillis, memoryBytes, labels = {}) {
  return {
    labels,
    serviceAccountName: 'default',
    requests: { cpuMillis, memoryBytes, extended: new Map(), cpuUnset: false, memoryUnset: false },
    hostNetwork: false,
    nodeSelector: {},
    requiredNodeAffinity: null,
    tolerations: [],
    topologySpreadConstraints: [],
  };
}

const nodePool = (requirements = []) => ({
  name: 'default',
  requirements,
  nodeClass: 'default',
  taints: [],
  labels: {},
  limits: new Map(),
  weight: 0,
  consolidationPolicy: 'WhenEmptyOrUnderutilized',
  consolidateAfterMs: 0,
});

const nodeClass = (subnetIds) => ({
  name: 'default',
  amiFamily: 'al2023',
  kubelet: {
    maxPods: null,
    podsPerCore: null,
    kubeReserved: { cpuMillis: null, memoryBytes: null },
    systemReserved: { cpuMillis: null, memoryBytes: null },
    evictionHard: { memoryAvailable: null },
    evictionSoft: { memoryAvailable: null },
  },
  subnetSelectorTerms: subnetIds.map((id) => ({ id, tags: {} })),
  subnetIds,
});

function solveBenchmark() {
  const types = Array.from({ length: 400 }, (_, i) => ({
    name: `fake-it-${i}.size`,
    family: 'fake',
    hardware: { vcpu: i + 1, memoryMib: 2 * (i + 1) * 1024, architecture: 'amd64' },
    gpus: 0,
    hypervisor: 'nitro',
    bareMetal: false,
    maxEnis: 15,
    ipv4PerEni: 50,
    networkCards: 1,
    trunking: null,
    onDemandUsdPerHour: 0.05 * (i + 1),
  }));
  const catalog = buildPoolCatalog(nodePool(), nodeClass(['subnet-a']), new Map([['subnet-a', 'zone-a']]), types);
  const pool = {
    catalog,
    allocatable: catalog.types.map((t) => ({
      cpuMillis: t.type.hardware.vcpu * 1000,
      memoryBytes: t.type.hardware.memoryMib * MIB,
      pods: 1000,
      extended: new Map(),
    })),
    capacity: catalog.types.map((t) => ({
      cpuMillis: t.type.hardware.vcpu * 1000,
      memoryBytes: t.type.hardware.memoryMib * MIB,
      pods: 1000,
      extended: new Map(),
    })),
    daemonOverhead: catalog.types.map(() => ({ cpuMillis: 0, memoryBytes: 0, pods: 0, extended: new Map() })),
    available: Int32Array.from(catalog.types.map((t) => t.mask)),
    limits: { cpuMillis: null, memoryBytes: null, nodes: null },
    podMasks: (pod) => podOfferingMasks(catalog, pod.template),
  };
  const random = mulberry32(42);
  const cpus = [100, 250, 500, 1000, 1500];
  const memories = [100, 256, 512, 1024, 2048, 4096];
  const templates = new Map();
  const pods = Array.from({ length: 20_000 }, (_, i) => {
    const cpu = cpus[Math.floor(random() * cpus.length)];
    const memory = memories[Math.floor(random() * memories.length)];
    const classKey = `${cpu}/${memory}`;
    let t = templates.get(classKey);
    if (!t) {
      t = template(cpu, memory * MIB);
      templates.set(classKey, t);
    }
    return { key: `default/pod-${i}`, classKey, template: t, createdAtMs: i };
  });
  const start = process.hrtime.bigint();
  const result = solve(pods, [], [pool]);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const placed = pods.length - result.failed.size;
  return { pods: pods.length, placed, nodeClaims: result.claims.length, seconds };
}

function scaleUpBenchmark() {
  const catalog = indexCatalog(readCatalogFile());
  const zones = ['us-west-2a', 'us-west-2b', 'us-west-2c'];
  const subnets = Array.from({ length: 6 }, (_, i) => ({
    id: `subnet-${i}`,
    zone: zones[i % 3],
    cidr: `10.${i}.0.0/16`,
    tags: {},
  }));
  const deployments = 10;
  const workloads = Array.from({ length: deployments }, (_, d) => ({
    kind: 'Deployment',
    id: { kind: 'Deployment', namespace: 'default', name: `app-${d}` },
    replicas: 0,
    template: template(200, 512 * MIB, { app: `app-${d}` }),
    source: null,
  }));
  const timeline = [];
  for (let minute = 1; minute <= 60; minute += 1) {
    for (const w of workloads) {
      timeline.push({
        atMs: (minute - 1) * 60_000,
        action: { type: 'scale-workload', target: w.id, replicas: Math.round((PODS / deployments) * (minute / 60)) },
      });
    }
  }
  const input = {
    scenario: {
      name: 'karpenter-scale-150k',
      durationMs: 3_600_000,
      seed: 1,
      region: 'us-west-2',
      subnets,
      quotas: { onDemand: {}, spot: {} },
      launchMs: 60_000,
      spotPriceRatio: 0.35,
      observedMemoryBytes: new Map(),
      vpcCniEnv: { ENABLE_PREFIX_DELEGATION: 'true' },
      eniConfigs: new Map(),
      karpenter: {
        version: { major: 1, minor: 14, patch: 1 },
        reservedEnis: 0,
        vmMemoryOverheadPercent: 0.075,
        batchIdleDurationMs: 1_000,
        batchMaxDurationMs: 10_000,
      },
      nodeGroups: [],
      nodes: [],
      addons: ['aws-node', 'kube-proxy'],
      timeline,
    },
    workloads,
    securityGroupPolicies: [],
    nodePools: [nodePool([{ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64', 'arm64'], minValues: null }])],
    nodeClasses: [nodeClass(subnets.map((s) => s.id))],
    ignored: [],
  };
  const start = process.hrtime.bigint();
  const result = simulate(input, catalog, { recordEvents: false });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return {
    pods: result.pods.total,
    placed: result.pods.running + result.pods.containerCreating,
    nodes: result.nodes.atEnd,
    launched: result.nodes.launched,
    byType: Object.entries(result.nodes.byType)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([t, n]) => `${n} ${t}`)
      .join(', '),
    costUsd: result.costUsd.totalUsd,
    events: result.stats.events,
    seconds,
  };
}

const which = process.argv.indexOf('--run');
if (which >= 0) {
  const name = process.argv[which + 1];
  const out = name === 'solve' ? solveBenchmark() : scaleUpBenchmark();
  process.stdout.write(JSON.stringify({ ...out, rssMib: process.resourceUsage().maxRSS / 1024 }));
} else {
  const self = fileURLToPath(import.meta.url);
  const measure = (name) =>
    JSON.parse(execFileSync(process.execPath, [self, '--run', name], { encoding: 'utf8', maxBuffer: 1e7 }));
  const s = measure('solve');
  const perSecond = (n, seconds) => Math.round(n / seconds).toLocaleString('en-US');
  process.stdout.write(
    `karpenter solve, 20,000 pending pods over 400 instance types: ${s.placed} placed on ${s.nodeClaims} NodeClaims in ` +
      `${s.seconds.toFixed(3)} s = ${perSecond(s.placed, s.seconds)} pods/s (goal ≥ 50,000; Karpenter ≈ 480), ` +
      `peak RSS ${Math.round(s.rssMib)} MiB\n`,
  );
  const u = measure('scale-up');
  process.stdout.write(
    `karpenter scale-up to ${PODS.toLocaleString('en-US')} pods over the whole catalog in 1 h: ${u.placed} of ${u.pods} pods placed on ` +
      `${u.nodes} nodes (${u.byType}; ${u.launched} launched, $${u.costUsd.toFixed(2)}) in ${u.seconds.toFixed(2)} s wall ` +
      `= ${perSecond(u.placed, u.seconds)} pods/s, ${u.events} events (goal < 10 s: ${(u.seconds / 10).toFixed(2)}), ` +
      `peak RSS ${Math.round(u.rssMib)} MiB\n`,
  );
}
