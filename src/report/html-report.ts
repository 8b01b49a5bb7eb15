/**
 * The self-contained HTML report: one file with its script, its styles and its data inline. A strict
 * Content-Security-Policy forbids every request, so the file opens the same offline, from a ticket or a
 * mail, as on the machine that wrote it.
 */

import type { ReportData } from './report-data.js';

/** The built report front-end (web/report), read by the caller from the package's assets. */
export interface ReportAssets {
  readonly script: string;
  readonly style: string;
}

const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * JSON inside a script element ends at the first `</script`; escaping every `<` (and the two line
 * separators older parsers choke on) keeps names from a user's YAML from ever closing it.
 */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function scriptSafe(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1');
}

function styleSafe(css: string): string {
  return css.replace(/<\/(style)/gi, '<\\/$1');
}

export function renderHtmlReport(data: ReportData, assets: ReportAssets): string {
  const title = `podcap report: ${data.scenario}`;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="generator" content="podcap ${escapeHtml(data.podcapVersion)}">`,
    `<title>${escapeHtml(title)}</title>`,
    `<style>${styleSafe(assets.style)}</style>`,
    '</head>',
    '<body>',
    `<main id="podcap-report"><h1>${escapeHtml(title)}</h1><p>This report draws its charts with JavaScript; enable it to see them.</p></main>`,
    `<script type="application/json" id="podcap-data">${scriptSafeJson(data)}</script>`,
    `<script>${scriptSafe(assets.script)}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
