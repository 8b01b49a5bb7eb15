import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { METRIC_NAMES } from './metrics.js';

interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

const FILE = fileURLToPath(new URL('../../docs/prometheus-alerts.yaml', import.meta.url));

function rules(): readonly AlertRule[] {
  const document = parse(readFileSync(FILE, 'utf8')) as { groups: { name: string; rules: AlertRule[] }[] };
  return document.groups.flatMap((group) => group.rules);
}

describe('docs/prometheus-alerts.yaml', () => {
  it('parses as YAML into alerting rules with a severity and a summary each', () => {
    const all = rules();
    expect(all.length).toBeGreaterThanOrEqual(2);
    for (const rule of all) {
      expect(rule.alert, JSON.stringify(rule)).toMatch(/^Podcap[A-Za-z]+$/);
      expect(rule.expr.trim()).not.toBe('');
      expect(rule.for ?? '15m').toMatch(/^\d+[smh]$/);
      expect(['warning', 'critical']).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary).toBeTruthy();
    }
  });

  it('references only metrics the exporter exports', () => {
    const referenced = rules().flatMap((rule) => rule.expr.match(/\bpodcap_[a-z_]+\b/g) ?? []);
    expect(referenced.length).toBeGreaterThan(0);
    expect(referenced.filter((name) => !METRIC_NAMES.includes(name))).toEqual([]);
  });

  it('alerts on a subnet near exhaustion and on nodes needing more pod IPs than they have', () => {
    const exprs = rules().map((rule) => [rule.expr, rule.for]);
    expect(exprs).toContainEqual(['podcap_subnet_pods_until_exhaustion < 100', '15m']);
    expect(exprs).toContainEqual(['podcap_node_pods_needing_ip > podcap_node_pod_ips', '15m']);
  });
});
