// Capacity of every catalog type under every CNI mode and AMI family: time per configuration and
// for the whole sweep, after a warm-up. Median of repeated runs; the machine is shared and noisy.
import { AMI_FAMILIES, CNI_MODES, computeNodeCapacity, makeNodeConfig, readCatalogFile } from '../dist/index.js';

const GOAL_MS = 50;
const RUNS = 25;
const types = readCatalogFile().instanceTypes;
const configurations = AMI_FAMILIES.flatMap((amiFamily) => CNI_MODES.map((mode) => ({ amiFamily, mode })));

function sweepOne({ amiFamily, mode }) {
  let mismatches = 0;
  for (const type of types) {
    mismatches += computeNodeCapacity(makeNodeConfig(type, { amiFamily, cni: { mode } })).mismatches.length;
  }
  return mismatches;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function time(fn) {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

for (let i = 0; i < 5; i += 1) for (const configuration of configurations) sweepOne(configuration);

const rows = configurations.map((configuration) => {
  const times = Array.from({ length: RUNS }, () => time(() => sweepOne(configuration)));
  return { ...configuration, ms: median(times) };
});
const sweeps = Array.from({ length: RUNS }, () => time(() => configurations.forEach(sweepOne)));
const sweepMs = median(sweeps);
const heapMiB = process.memoryUsage().heapUsed / 2 ** 20;

const out = [];
out.push(`capacity sweep: ${types.length} types x ${configurations.length} configurations (median of ${RUNS} runs)`);
for (const row of rows) {
  const perType = (row.ms * 1000) / types.length;
  out.push(
    `  ${row.amiFamily.padEnd(12)} ${row.mode.padEnd(36)} ${row.ms.toFixed(2).padStart(7)} ms  ${perType.toFixed(2).padStart(6)} us/type`,
  );
}
out.push(
  `whole sweep: ${sweepMs.toFixed(2)} ms for ${types.length * configurations.length} capacities (${((sweepMs * 1000) / (types.length * configurations.length)).toFixed(2)} us each)`,
);
out.push(
  `goal: ${GOAL_MS} ms; ratio sweep/goal = ${(sweepMs / GOAL_MS).toFixed(2)} (${sweepMs <= GOAL_MS ? 'within' : 'OVER'} goal)`,
);
out.push(`heap used after the sweep: ${heapMiB.toFixed(1)} MiB`);
process.stdout.write(`${out.join('\n')}\n`);
