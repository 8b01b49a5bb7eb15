// The cluster simulator at scale: node groups grow from empty to N nodes and Deployments to 30·N pods over
// one simulated hour (a step every minute), at N = 500 and N = 5,000. Each size runs in its own process so
// that peak RSS is its own. Prints wall time, engine events per second, peak RSS and the ratio of the sizes.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { indexCatalog, readCatalogFile, simulate } from '../dist/index.js';

const MIB = 1024 * 1024;

function scenario(nodes) {
  const zones = ['us-west-2a', 'us-west-2b', 'us-west-2c'];
  // Six /16 subnets: 5,000 nodes with prefix delegation hold about 50 addresses each.
  const subnets = Array.from({ length: 6 }, (_, i) => ({
    id: `subnet-${i}`,
    zone: zones[i % 3],
    cidr: `10.${i}.0.0/16`,
    tags: {},
  }));
  const groups = zones.map((zone, g) => ({
    name: `ng-${g}`,
    instanceType: 'm5.2xlarge',
    desired: 0,
    amiFamily: 'al2023',
    capacityType: 'on-demand',
    subnets: subnets.filter((s) => s.zone === zone).map((s) => s.id),
    maxPods: null,
    labels: {},
    taints: [],
  }));
  const deployments = 10;
  const pods = nodes * 30;
  const template = {
    labels: {},
    serviceAccountName: 'default',
    requests: { cpuMillis: 200, memoryBytes: 512 * MIB, extended: new Map(), cpuUnset: false, memoryUnset: false },
    hostNetwork: false,
    nodeSelector: {},
    requiredNodeAffinity: null,
    tolerations: [],
    topologySpreadConstraints: [],
  };
  const workloads = Array.from({ length: deployments }, (_, d) => ({
    kind: 'Deployment',
    id: { kind: 'Deployment', namespace: 'default', name: `app-${d}` },
    replicas: 0,
    template: { ...template, labels: { app: `app-${d}` } },
    source: null,
  }));
  const timeline = [];
  for (let minute = 1; minute <= 60; minute += 1) {
    const atMs = (minute - 1) * 60_000;
    for (const group of groups) {
      timeline.push({
        atMs,
        action: { type: 'scale-node-group', nodeGroup: group.name, desired: Math.round((nodes / 3) * (minute / 60)) },
      });
    }
    for (const w of workloads) {
      timeline.push({
        atMs: atMs + 30_000,
        action: { type: 'scale-workload', target: w.id, replicas: Math.round((pods / deployments) * (minute / 60)) },
      });
    }
  }
  timeline.sort((a, b) => a.atMs - b.atMs);
  return {
    scenario: {
      name: `scale-${nodes}`,
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
      karpenter: null,
      nodeGroups: groups,
      nodes: [],
      addons: ['aws-node', 'kube-proxy'],
      timeline,
    },
    workloads,
    securityGroupPolicies: [],
    nodePools: [],
    nodeClasses: [],
    ignored: [],
  };
}

function runOne(nodes) {
  const catalog = indexCatalog(readCatalogFile());
  const input = scenario(nodes);
  const start = process.hrtime.bigint();
  const result = simulate(input, catalog, { recordEvents: false });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const rssMib = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(
    JSON.stringify({
      nodes: result.nodes.atEnd,
      pods: result.pods.total,
      running: result.pods.running,
      events: result.stats.events,
      attempts: result.stats.schedulingAttempts,
      seconds,
      rssMib,
    }),
  );
}

const sizeArg = process.argv.indexOf('--size');
if (sizeArg >= 0) {
  runOne(Number(process.argv[sizeArg + 1]));
} else {
  const self = fileURLToPath(import.meta.url);
  const measure = (nodes) =>
    JSON.parse(execFileSync(process.execPath, [self, '--size', String(nodes)], { encoding: 'utf8', maxBuffer: 1e7 }));
  const rows = [500, 5000].map((n) => ({ n, ...measure(n) }));
  const out = [];
  for (const r of rows) {
    out.push(
      `simulate scale-up to ${r.nodes} nodes, ${r.pods} pods (${r.running} running) over 1 h: ` +
        `${r.seconds.toFixed(2)} s wall, ${Math.round(r.events / r.seconds)} events/s (${r.events} events, ` +
        `${r.attempts} scheduling attempts), peak RSS ${Math.round(r.rssMib)} MiB`,
    );
  }
  const [small, large] = rows;
  out.push(
    `ratio 5,000 / 500 nodes: ${(large.seconds / small.seconds).toFixed(1)}x time for 10x size (goal ≤ 12x); ` +
      `large run ${large.seconds.toFixed(2)} s of 5 s goal (${(large.seconds / 5).toFixed(2)}), ` +
      `${Math.round(large.rssMib)} MiB of 2048 MiB goal`,
  );
  process.stdout.write(`${out.join('\n')}\n`);
}
