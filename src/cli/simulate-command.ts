import type { CatalogIndex } from '../core/catalog.js';
import { formatDuration, parseDuration } from '../core/duration.js';
import { UsageError } from '../input/input-error.js';
import { MAX_SIMULATED_DURATION_MS } from '../input/scenario/limits.js';
import { loadSimInput } from '../input/scenario/load.js';
import { collectInputFiles } from '../input/scenario/read-inputs.js';
import { buildReportData } from '../report/report-data.js';
import { simulationJson } from '../report/sim-json.js';
import { renderSimulationText } from '../report/sim-text.js';
import type { SimProgress } from '../sim/result.js';
import { simulate } from '../sim/simulate.js';
import { parseFailOn, reachesFailOn } from './fail-on.js';
import type { CommandOutput } from './node-command.js';
import { packageVersion } from './package-version.js';
import { readReportAssets, writeHtmlReport } from './report-file.js';
import { checkOutputFiles } from './write-file.js';

/** `podcap simulate` options as commander hands them over. */
export interface SimulateCommandOptions {
  readonly json?: boolean;
  readonly events?: boolean;
  readonly failOn?: string;
  readonly seed?: string;
  readonly duration?: string;
  readonly report?: string;
}

/** What the command may do besides returning its output: report progress while it runs. */
export interface SimulateHooks {
  readonly onProgress?: (progress: SimProgress) => void;
  /** The catalog file the run reads, which --report must not replace. */
  readonly catalogFile?: string;
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
  // The same cap as spec.duration: the flag overrides the Scenario after it was checked.
  if (duration.value > MAX_SIMULATED_DURATION_MS) {
    throw new UsageError(
      `--duration: expected at most ${formatDuration(MAX_SIMULATED_DURATION_MS)} (podcap's limit), got "${text}"`,
    );
  }
  return duration.value;
}

/** Loads the files and folders, runs the simulation and renders it; exit 1 when a finding reaches --fail-on. */
export function runSimulateCommand(
  paths: readonly string[],
  options: SimulateCommandOptions,
  catalog: CatalogIndex,
  hooks: SimulateHooks = {},
): CommandOutput {
  const failOn = parseFailOn(options.failOn);
  const seed = parseSeed(options.seed);
  const durationMs = parseDurationFlag(options.duration);
  // Checked before the run: a path --report cannot take, or one of the inputs, fails now, not after it.
  const inputs = [
    ...(options.report === undefined ? [] : collectInputFiles(paths).map((file) => ({ file }))),
    ...(hooks.catalogFile === undefined
      ? []
      : [{ file: hooks.catalogFile, label: `the catalog ${hooks.catalogFile}` }]),
  ];
  const [reportFile = null] = checkOutputFiles([{ flag: '--report', file: options.report }], inputs);
  const assets = reportFile === null ? null : readReportAssets();
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
  const result = simulate(input, catalog, {
    recordEvents: events || reportFile !== null,
    ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}),
  });
  if (reportFile !== null && assets !== null) {
    writeHtmlReport(reportFile, buildReportData(result, input, { podcapVersion: packageVersion() }), assets);
  }
  const stdout = options.json
    ? `${JSON.stringify(simulationJson(result, { events }), null, 2)}\n`
    : renderSimulationText(result, { events });
  const failed = reachesFailOn(
    result.findings.map((f) => f.severity),
    failOn,
  );
  return { stdout, exitCode: failed ? 1 : 0 };
}
