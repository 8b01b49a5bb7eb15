/**
 * Entry of the self-contained HTML report: the data sits in a JSON script element of the page itself,
 * so the file opens from disk with no request to any host.
 */

import type { ReportData } from '../../src/report/report-data.js';
import { renderReport } from './render.js';

const source = document.getElementById('podcap-data');
const root = document.getElementById('podcap-report');
if (source?.textContent && root) {
  renderReport(root, JSON.parse(source.textContent) as ReportData);
}
