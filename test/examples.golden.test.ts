// Golden tests: every example scenario, run with its own seed, and every example cluster export, read by
// the doctor, gives the committed summary beside it (examples/NAME/summary.txt). Regenerate after a
// deliberate change with UPDATE_GOLDEN=1 npx vitest run test/examples.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readClusterExport } from '../src/cluster/read-export.js';
import { diagnose } from '../src/doctor/diagnose.js';
import { loadSimInput } from '../src/input/scenario/load.js';
import { renderDoctorText } from '../src/report/doctor-text.js';
import { renderSimulationText } from '../src/report/sim-text.js';
import { simulate } from '../src/sim/simulate.js';
import { bundledCatalog } from '../src/test-support/fixtures.js';

const EXAMPLES = 'examples';
const folders = readdirSync(EXAMPLES)
  .filter((name) => statSync(join(EXAMPLES, name)).isDirectory())
  .sort();
const examples = folders.filter((name) => existsSync(join(EXAMPLES, name, 'scenario.yaml')));
const clusterExports = folders.filter((name) => !examples.includes(name));

describe('examples', () => {
  it('has at least the two the README promises', () => {
    expect(examples.length).toBeGreaterThanOrEqual(2);
  });

  it.each(examples)('%s gives its committed summary', (name) => {
    const folder = join(EXAMPLES, name);
    const input = loadSimInput([folder], { catalog: bundledCatalog() });
    const text = renderSimulationText(simulate(input, bundledCatalog(), { recordEvents: false }), { events: false });
    const golden = join(folder, 'summary.txt');
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(golden, text);
    expect(existsSync(golden), `${golden} is missing: run with UPDATE_GOLDEN=1`).toBe(true);
    expect(text).toBe(readFileSync(golden, 'utf8'));
  });

  it.each(clusterExports)('%s: the doctor gives its committed summary', async (name) => {
    const folder = join(EXAMPLES, name);
    const state = await readClusterExport([folder]);
    const text = renderDoctorText(state, diagnose(state, bundledCatalog()));
    const golden = join(folder, 'summary.txt');
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(golden, text);
    expect(existsSync(golden), `${golden} is missing: run with UPDATE_GOLDEN=1`).toBe(true);
    expect(text).toBe(readFileSync(golden, 'utf8'));
  });
});
