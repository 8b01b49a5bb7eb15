// Golden tests: every example scenario, run with its own seed, gives the committed summary beside it
// (examples/NAME/summary.txt). Regenerate after a deliberate change with UPDATE_GOLDEN=1 npx vitest run test/examples.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSimInput } from '../src/input/scenario/load.js';
import { renderSimulationText } from '../src/report/sim-text.js';
import { simulate } from '../src/sim/simulate.js';
import { bundledCatalog } from '../src/test-support/fixtures.js';

const EXAMPLES = 'examples';
const examples = readdirSync(EXAMPLES)
  .filter((name) => statSync(join(EXAMPLES, name)).isDirectory())
  .sort();

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
});
