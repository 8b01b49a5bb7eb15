import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../input/input-error.js';
import { type ReportAssets, renderHtmlReport } from '../report/html-report.js';
import type { ReportData } from '../report/report-data.js';
import { writeFileAtomically } from './write-file.js';

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

/** Writes the self-contained HTML report, whole or not at all. */
export function writeHtmlReport(file: string, data: ReportData): void {
  writeFileAtomically(file, renderHtmlReport(data, readReportAssets()));
}

/** Fails before a long run, not after it, when a file could not be written where asked. */
export function checkReportFolder(file: string, flag = '--report'): void {
  if (file === '') throw new UsageError(`${flag}: expected a file name, got ""`);
  const folder = dirname(resolve(file));
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    throw new UsageError(`${flag}: expected a file in an existing folder, got "${file}" (no folder ${folder})`);
  }
}
