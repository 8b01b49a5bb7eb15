import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../input/input-error.js';
import { type ReportAssets, renderHtmlReport } from '../report/html-report.js';
import type { ReportData } from '../report/report-data.js';
import { type OutputFile, resolveOutputFile, writeOutputFiles } from './write-file.js';

// Two levels below the package root both as src/cli and as dist/cli; the front-end is built by Vite.
const ASSET_DIR = new URL('../../dist/web/report/', import.meta.url);

/** The built report front-end: the one script and stylesheet every report inlines. */
export function readReportAssets(): ReportAssets {
  const script = fileURLToPath(new URL('report.js', ASSET_DIR));
  const style = fileURLToPath(new URL('report.css', ASSET_DIR));
  if (!existsSync(script) || !existsSync(style)) {
    throw new UsageError(`--report: the report front-end is not built (${script}); run npm run build`);
  }
  return { script: readFileSync(script, 'utf8'), style: readFileSync(style, 'utf8') };
}

/** Writes the self-contained HTML report, whole or not at all (see write-file.ts for what a path may be). */
export function writeHtmlReport(
  file: string | OutputFile,
  data: ReportData,
  assets: ReportAssets = readReportAssets(),
): void {
  const output = typeof file === 'string' ? resolveOutputFile('--report', file) : file;
  writeOutputFiles([{ output, text: renderHtmlReport(data, assets) }]);
}
