import { describe, expect, it } from 'vitest';
import { simInput } from '../test-support/sim-input.js';
import { sampleSimResult } from '../test-support/sim-result.js';
import { renderHtmlReport, scriptSafeJson } from './html-report.js';
import { buildReportData } from './report-data.js';

const assets = { script: 'window.ok = "</script>";', style: 'body { color: red }' };

describe('scriptSafeJson', () => {
  it('cannot close the script element it sits in', () => {
    const text = scriptSafeJson({ name: '</script><script>alert(1)</script>', sep: '\u2028' });
    expect(text).not.toMatch(/<\/script/i);
    expect(text).not.toContain('\u2028');
    expect(JSON.parse(text)).toEqual({ name: '</script><script>alert(1)</script>', sep: '\u2028' });
  });
});

describe('renderHtmlReport', () => {
  const data = buildReportData(sampleSimResult({ scenario: 'web <&> "quoted"' }), simInput({}, []), {
    podcapVersion: '1.2.3',
  });
  const html = renderHtmlReport(data, assets);

  it('inlines the script, the style and the data, and forbids every request', () => {
    expect(html).toContain('<style>body { color: red }</style>');
    expect(html).toContain('window.ok = "<\\/script>";');
    expect(html).toMatch(/Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'/);
    expect(html).not.toMatch(/\b(?:src|href)\s*=/);
  });

  it('escapes names in the title and carries the data whole', () => {
    expect(html).toContain('<title>podcap report: web &lt;&amp;&gt; &quot;quoted&quot;</title>');
    const json = /<script type="application\/json" id="podcap-data">(.*)<\/script>/.exec(html)?.[1] ?? '';
    expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(data)));
  });

  it('has exactly two script elements and one style element', () => {
    expect(html.match(/<script[ >]/g)).toHaveLength(2);
    expect(html.match(/<style>/g)).toHaveLength(1);
  });
});
