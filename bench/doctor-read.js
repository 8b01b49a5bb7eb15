// podcap doctor's reader at scale: an export of 5,000 nodes and 150,000 pods (kubectl's JSON, about 1.3 GB)
// read into a ClusterState. The export is written by the test generator (src/test-support/cluster-export.ts,
// which the build leaves out: it is compiled here on its own), then read in a process of its own with a
// 2 GiB heap so that its peak RSS is the reader's. Prints wall time, items/s, MB/s and peak RSS against the
// goals (under 60 s, under 2 GiB). `--nodes N --pods P` for another size.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HEAP_MIB = 2048;
const root = fileURLToPath(new URL('..', import.meta.url));

function argument(name, fallback) {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : fallback;
}

async function readOne(folder) {
  const { readClusterExport } = await import('../dist/cluster/read-export.js');
  const start = process.hrtime.bigint();
  const state = await readClusterExport([folder]);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const items =
    state.nodes.length +
    state.pods.length +
    state.workloads.length +
    state.events.length +
    state.nodePools.length +
    state.nodeClasses.length +
    state.nodeClaims.length;
  process.stdout.write(
    JSON.stringify({
      nodes: state.nodes.length,
      pods: state.pods.length,
      items,
      seconds,
      rssMib: process.resourceUsage().maxRSS / 1024,
    }),
  );
}

async function generate(work, nodes, pods) {
  const compiled = join(work, 'generator');
  execFileSync(
    process.execPath,
    [
      join(root, 'node_modules/typescript/bin/tsc'),
      '--ignoreConfig',
      join(root, 'src/test-support/cluster-export.ts'),
      '--outDir',
      compiled,
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--target',
      'es2022',
      '--types',
      'node',
      '--skipLibCheck',
    ],
    { stdio: 'inherit' },
  );
  writeFileSync(join(compiled, 'package.json'), '{"type": "module"}\n');
  const { writeClusterExport } = await import(pathToFileURL(join(compiled, 'cluster-export.js')).href);
  const start = process.hrtime.bigint();
  const summary = await writeClusterExport(join(work, 'export'), { nodes, pods });
  return { summary, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
}

const readArg = process.argv.indexOf('--read');
if (readArg >= 0) {
  await readOne(process.argv[readArg + 1]);
} else {
  const nodes = Number(argument('--nodes', '5000'));
  const pods = Number(argument('--pods', '150000'));
  const work = mkdtempSync(join(tmpdir(), 'podcap-doctor-read-'));
  try {
    const { summary, seconds: writeSeconds } = await generate(work, nodes, pods);
    const r = JSON.parse(
      execFileSync(
        process.execPath,
        [`--max-old-space-size=${HEAP_MIB}`, fileURLToPath(import.meta.url), '--read', join(work, 'export')],
        { encoding: 'utf8', maxBuffer: 1e7 },
      ),
    );
    const count = (n) => n.toLocaleString('en-US');
    process.stdout.write(
      `doctor read of an export of ${count(r.nodes)} nodes and ${count(r.pods)} pods ` +
        `(${(summary.bytes / 1e9).toFixed(2)} GB of JSON, written in ${writeSeconds.toFixed(1)} s): ` +
        `${r.seconds.toFixed(1)} s wall, ${count(Math.round(r.items / r.seconds))} items/s, ` +
        `${Math.round(summary.bytes / 1e6 / r.seconds)} MB/s, peak RSS ${Math.round(r.rssMib)} MiB ` +
        `(goals: under 60 s: ${(r.seconds / 60).toFixed(2)}; under ${HEAP_MIB} MiB: ${(r.rssMib / HEAP_MIB).toFixed(2)})\n`,
    );
    if (r.pods !== summary.pods || r.nodes !== summary.nodes) {
      throw new Error(`read ${r.nodes} nodes and ${r.pods} pods of ${summary.nodes} and ${summary.pods} written`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
