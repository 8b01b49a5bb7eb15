import type { ClusterState } from '../cluster/cluster-state.js';
import type { CatalogIndex } from '../core/catalog.js';
import { parseDuration } from '../core/duration.js';
import { diagnose } from '../doctor/diagnose.js';
import type { DoctorResult } from '../doctor/doctor-result.js';
import { scenarioYaml } from '../doctor/export-scenario.js';
import {
  flagUsageError,
  parseAddPodsFlag,
  parseRequestsFlag,
  parseScaleFlag,
  runWhatIf,
  type WhatIfChange,
  type WhatIfResult,
} from '../doctor/what-if.js';
import { UsageError } from '../input/input-error.js';
import { doctorReportData } from '../report/doctor-report.js';
import { renderDoctorText } from '../report/doctor-text.js';
import { renderHtmlReport } from '../report/html-report.js';
import { simulationJson } from '../report/sim-json.js';
import type { SimProgress } from '../sim/result.js';
import { parseFailOn, reachesFailOn } from './fail-on.js';
import type { CommandOutput } from './node-command.js';
import { packageVersion } from './package-version.js';
import { readReportAssets } from './report-file.js';
import { checkOutputFiles, type OutputFile, writeOutputFiles } from './write-file.js';

/** `podcap doctor` options as commander hands them over. */
export interface DoctorCommandOptions {
  readonly live?: boolean;
  readonly context?: string;
  readonly region?: string;
  readonly vpc?: string;
  readonly printCollect?: boolean;
  readonly json?: boolean;
  readonly failOn?: string;
  readonly report?: string;
  readonly scale?: readonly string[];
  readonly addPods?: string;
  readonly requests?: string;
  readonly duration?: string;
  readonly exportScenario?: string;
}

/** Where the cluster comes from: exported files, or live calls. Injected so tests need no cluster. */
export interface ClusterReaders {
  readonly files: (paths: readonly string[]) => Promise<ClusterState>;
  readonly live: (options: { context?: string; region?: string; vpcId?: string }) => Promise<ClusterState>;
}

export interface DoctorHooks {
  readonly onProgress?: (progress: SimProgress) => void;
  /** The catalog file the run reads, which no output may replace. */
  readonly catalogFile?: string;
}

/** The what-if changes from --scale, --add-pods and --requests; flags checked before anything is read. */
function parseChanges(options: DoctorCommandOptions): WhatIfChange[] {
  const changes: WhatIfChange[] = [];
  for (const text of options.scale ?? []) {
    const scale = parseScaleFlag(text);
    if (!scale.ok) throw flagUsageError('--scale', text, scale);
    changes.push(scale.value);
  }
  if (options.addPods === undefined && options.requests !== undefined) {
    throw new UsageError('--requests: only with --add-pods N (the requests of the pods to add)');
  }
  if (options.addPods !== undefined) {
    const count = parseAddPodsFlag(options.addPods);
    if (!count.ok) throw flagUsageError('--add-pods', options.addPods, count);
    if (options.requests === undefined) {
      throw new UsageError('--add-pods: expected --requests cpu=…,memory=… too (what each added pod asks for)');
    }
    const requests = parseRequestsFlag(options.requests);
    if (!requests.ok) throw flagUsageError('--requests', options.requests, requests);
    changes.push({ type: 'add-pods', count: count.value, requests: requests.value });
  }
  return changes;
}

function parseDurationFlag(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const duration = parseDuration(text);
  if (!duration.ok) throw new UsageError(`--duration: expected ${duration.expected}, got "${text}"`);
  if (duration.value <= 0) throw new UsageError(`--duration: expected a duration above 0s, got "${text}"`);
  return duration.value;
}

function doctorJson(state: ClusterState, result: DoctorResult, whatIf: WhatIfResult | null): object {
  return {
    cluster: {
      nodes: state.nodes.length,
      pods: state.pods.length,
      subnets: state.subnets.length,
      read: state.read,
    },
    findings: result.findings,
    subnets: result.subnets,
    nodes: result.nodes,
    quotas: result.quotas,
    countsByCode: result.countsByCode,
    ...(whatIf
      ? {
          whatIf: {
            changes: whatIf.changes,
            firstBreak: whatIf.firstBreak,
            summary: whatIf.summary,
            notes: whatIf.notes,
            run: simulationJson(whatIf.result, { events: false }),
          },
        }
      : {}),
  };
}

/**
 * Reads the cluster (files or live), checks it against podcap's models, and on request runs a what-if
 * forward; exit 1 when a finding (the cluster's or the what-if's) reaches --fail-on.
 */
export async function runDoctorCommand(
  paths: readonly string[],
  options: DoctorCommandOptions,
  catalog: () => CatalogIndex,
  readers: ClusterReaders,
  hooks: DoctorHooks = {},
): Promise<CommandOutput> {
  if (options.printCollect) {
    if (paths.length > 0 || options.live) throw new UsageError('--print-collect: takes no files and no --live');
    const { collectScript } = await import('../cluster/collect-script.js');
    return { stdout: collectScript(), exitCode: 0 };
  }
  const failOn = parseFailOn(options.failOn);
  const changes = parseChanges(options);
  const durationMs = parseDurationFlag(options.duration);
  if (durationMs !== undefined && changes.length === 0 && options.exportScenario === undefined) {
    throw new UsageError('--duration: only with --scale, --add-pods or --export-scenario (the what-if run)');
  }
  if (options.live && paths.length > 0) throw new UsageError('--live: reads the cluster itself; give no files');
  if (!options.live && paths.length === 0) {
    throw new UsageError('expected exported files or folders, or --live (podcap doctor --print-collect shows how)');
  }
  if (!options.live && (options.context !== undefined || options.vpc !== undefined)) {
    throw new UsageError(`${options.context !== undefined ? '--context' : '--vpc'}: only with --live`);
  }
  // Every file the command writes is checked before anything is read or run, and none is written until
  // all their texts are ready: a bad --report leaves no --export-scenario behind.
  const wantsOutput = options.report !== undefined || options.exportScenario !== undefined;
  const exportFiles =
    wantsOutput && !options.live ? (await import('../cluster/read-export.js')).collectExportFiles(paths) : [];
  const inputs = [
    ...exportFiles.map((file) => ({ file })),
    ...(hooks.catalogFile === undefined
      ? []
      : [{ file: hooks.catalogFile, label: `the catalog ${hooks.catalogFile}` }]),
  ];
  const outputs = checkOutputFiles(
    [
      { flag: '--export-scenario', file: options.exportScenario },
      { flag: '--report', file: options.report },
    ],
    inputs,
  );
  const exportFile = outputs.find((o) => o.flag === '--export-scenario');
  const reportFile = outputs.find((o) => o.flag === '--report');
  const assets = reportFile === undefined ? null : readReportAssets();

  const index = catalog();
  const state = options.live
    ? await readers.live({
        ...(options.context === undefined ? {} : { context: options.context }),
        ...(options.region === undefined ? {} : { region: options.region }),
        ...(options.vpc === undefined ? {} : { vpcId: options.vpc }),
      })
    : await readers.files(paths);
  const result = diagnose(state, index);
  const runWhat = changes.length > 0 || options.exportScenario !== undefined;
  const whatIf = runWhat
    ? runWhatIf(state, index, changes, {
        recordEvents: options.report !== undefined,
        ...(durationMs === undefined ? {} : { durationMs }),
        ...(options.region === undefined ? {} : { region: options.region }),
        ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}),
      })
    : null;

  const writes: { output: OutputFile; text: string }[] = [];
  if (exportFile !== undefined && whatIf) {
    writes.push({ output: exportFile, text: scenarioYaml(whatIf.input, whatIf.notes, { origin: state.read }) });
  }
  if (reportFile !== undefined && assets !== null) {
    const run =
      whatIf && changes.length > 0 ? { changes: whatIf.changes, input: whatIf.input, result: whatIf.result } : null;
    const data = doctorReportData(state, result, run, { podcapVersion: packageVersion() });
    writes.push({ output: reportFile, text: renderHtmlReport(data, assets) });
  }
  writeOutputFiles(writes);
  const shownWhatIf = whatIf && changes.length > 0 ? whatIf : null;
  const stdout = options.json
    ? `${JSON.stringify(doctorJson(state, result, shownWhatIf), null, 2)}\n`
    : renderDoctorText(
        state,
        result,
        shownWhatIf ? { changes: shownWhatIf.changes, summary: shownWhatIf.summary } : null,
      );
  const severities = [
    ...result.findings.map((f) => f.severity),
    ...(shownWhatIf ? shownWhatIf.result.findings.map((f) => f.severity) : []),
  ];
  const failed = reachesFailOn(severities, failOn);
  return { stdout, exitCode: failed ? 1 : 0 };
}
