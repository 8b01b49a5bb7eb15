import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { writeClusterExport } from '../test-support/cluster-export.js';

const run = promisify(execFile);

// The built reader (tests run after `npm run build`), in a process of its own so that its heap limit is
// the assertion: 30,000 pods are about 260 MB of kubectl JSON, more than twice the heap the reader is given. The
// full size (5,000 nodes, 150,000 pods, under 2 GiB) is bench/doctor-read.js.
const READER = new URL('../../dist/cluster/read-export.js', import.meta.url);
const NODES = 1_000;
const PODS = 30_000;
const HEAP_MIB = 96;

let folder: string;

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'podcap-scale-'));
});

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

it(`reads ${NODES} nodes and ${PODS} pods with a ${HEAP_MIB} MiB heap`, async () => {
  if (!existsSync(fileURLToPath(READER)))
    throw new Error(`${fileURLToPath(READER)} is missing: run npm run build first`);
  const summary = await writeClusterExport(join(folder, 'export'), { nodes: NODES, pods: PODS });
  expect(summary.bytes).toBeGreaterThan(HEAP_MIB * 1024 * 1024);
  const script = join(folder, 'read.mjs');
  writeFileSync(
    script,
    `import { readClusterExport } from ${JSON.stringify(READER.href)};
const state = await readClusterExport([process.argv[2]]);
process.stdout.write(JSON.stringify({
  nodes: state.nodes.length,
  pods: state.pods.length,
  workloads: state.workloads.length,
  events: state.events.length,
  nodeClaims: state.nodeClaims.length,
  stuck: state.pods.filter((p) => p.containerCreating).length,
}));
`,
  );
  const { stdout } = await run(process.execPath, [`--max-old-space-size=${HEAP_MIB}`, script, join(folder, 'export')]);
  expect(JSON.parse(stdout)).toEqual({
    nodes: summary.nodes,
    pods: summary.pods,
    workloads: summary.deployments + summary.statefulsets + summary.daemonsets,
    events: summary.events,
    nodeClaims: summary.nodeClaims,
    stuck: summary.stuckPods,
  });
}, 120_000);
