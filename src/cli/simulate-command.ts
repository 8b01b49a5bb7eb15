import type { CatalogIndex } from '../core/catalog.js';
import { parseDuration } from '../core/duration.js';
import { UsageError } from '../input/input-error.js';
import { loadSimInput } from '../input/scenario/load.js';
import { simulationJson } from '../report/sim-json.js';
import { renderSimulationText } from '../report/sim-text.js';
import type { Severity } from '../sim/result.js';
import { simulate } from '../sim/simulate.js';
import type { CommandOutput } from './node-command.js';

/** `podcap simulate` options as commander hands them over. */
export interface SimulateCommandOptions {
  readonly json?: boolean;
  readonly events?: boolean;
  readonly failOn?: string;
  readonly seed?: string;
  readonly duration?: string;
}

const SEVERITY_RANK: Readonly<Record<Severity, number>> = { error: 2, warning: 1, info: 0 };

function parseFailOn(text: string | undefined): Severity | null {
  if (text === undefined) return null;
  if (text === 'warning' || text === 'error') return text;
  throw new UsageError(`--fail-on: expected warning or error, got "${text}"`);
}

function parseSeed(text: string | undefined): number | null {
  if (text === undefined) return null;
  if (!/^\d+$/.test(text) || Number(text) > 0xffffffff) {
    throw new UsageError(`--seed: expected a whole number from 0 to 4294967295, got "${text}"`);
  }
  return Number(text);
}

function parseDurationFlag(text: string | undefined): number | null {
  if (text === undefined) return null;
  const duration = parseDuration(text);
  if (!duration.ok) throw new UsageError(`--duration: expected ${duration.expected}, got "${text}"`);
  if (duration.value <= 0) throw new UsageError(`--duration: expected a duration above 0s, got "${text}"`);
  return duration.value;
}

/** Loads the files and folders, runs the simulation and renders it; exit 1 when a finding reaches --fail-on. */
export function runSimulateCommand(
  paths: readonly string[],
  options: SimulateCommandOptions,
  catalog: CatalogIndex,
): CommandOutput {
  const failOn = parseFailOn(options.failOn);
  const seed = parseSeed(options.seed);
  const durationMs = parseDurationFlag(options.duration);
  const loaded = loadSimInput(paths, { catalog });
  const input = {
    ...loaded,
    scenario: {
      ...loaded.scenario,
      ...(seed === null ? {} : { seed }),
      ...(durationMs === null ? {} : { durationMs }),
    },
  };
  const events = options.events === true;
  const result = simulate(input, catalog, { recordEvents: events });
  const stdout = options.json
    ? `${JSON.stringify(simulationJson(result, { events }), null, 2)}\n`
    : renderSimulationText(result, { events });
  const failed = failOn !== null && result.findings.some((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK[failOn]);
  return { stdout, exitCode: failed ? 1 : 0 };
}
