/** What the API server refuses in a workload manifest, podcap refuses with the field named: names and selectors. */
import { describe, expect, it } from 'vitest';
import { bundledCatalog } from '../../test-support/fixtures.js';
import { InputError } from '../input-error.js';
import type { InputDocument } from './document.js';
import { parseSimInput } from './load.js';
import { parseWorkload } from './workloads.js';

const options = { catalog: bundledCatalog() };

const SCENARIO = `apiVersion: podcap.dev/v1alpha1
kind: Scenario
metadata: { name: demo }
spec:
  duration: 30m
  region: us-west-2
  aws:
    subnets: [ { id: subnet-a, zone: us-west-2a, cidr: 192.168.128.0/19 } ]
`;

function workload(kind: string, name: string, spec: string): string {
  return `apiVersion: apps/v1
kind: ${kind}
metadata: { name: ${name} }
spec:
${spec}  template:
    metadata: { labels: { app: web, tier: front } }
    spec: { containers: [ { name: c } ] }
`;
}

function messageOf(text: string): string {
  try {
    parseSimInput(
      [
        { file: 'scenario.yaml', text: SCENARIO },
        { file: 'w.yaml', text },
      ],
      options,
    );
  } catch (error) {
    if (error instanceof InputError) return error.message;
    throw error;
  }
  throw new Error('expected an InputError');
}

const DNS_SUBDOMAIN =
  'a DNS-1123 subdomain: lowercase letters, digits, "-" and ".", a letter or digit at each end, at most 253';
const DNS_LABEL = 'a DNS-1123 label: lowercase letters, digits and "-", a letter or digit at each end, at most 63';

describe('spec.selector (apps/v1 ValidateDeploymentSpec and its kin)', () => {
  it.each(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet'])('%s without one', (kind) => {
    expect(messageOf(workload(kind, 'web', ''))).toBe(
      `w.yaml: ${kind} default/web (document 1): spec.selector: ` +
        "expected a label selector that matches the template's labels (apps/v1 requires one), got nothing",
    );
  });

  it('an empty one', () => {
    expect(messageOf(workload('Deployment', 'web', '  selector: {}\n'))).toBe(
      'w.yaml: Deployment default/web (document 1): spec.selector: ' +
        'expected matchLabels or matchExpressions (apps/v1 refuses an empty selector), got {}',
    );
  });

  it("one that does not match the template's labels", () => {
    expect(messageOf(workload('Deployment', 'web', '  selector: { matchLabels: { app: api } }\n'))).toBe(
      'w.yaml: Deployment default/web (document 1): spec.template.metadata.labels: ' +
        'expected labels that spec.selector matches (apps/v1: "`selector` does not match template `labels`"), ' +
        'got {"app":"web","tier":"front"}',
    );
  });

  it('reads one that selects a subset of the labels, by labels or expressions', () => {
    const bySubset = workload('Deployment', 'a', '  selector: { matchLabels: { app: web } }\n');
    const byExpression = workload(
      'StatefulSet',
      'b',
      '  selector: { matchExpressions: [ { key: tier, operator: In, values: [front, back] } ] }\n',
    );
    const input = parseSimInput(
      [
        { file: 's.yaml', text: SCENARIO },
        { file: 'w.yaml', text: `${bySubset}---\n${byExpression}` },
      ],
      options,
    );
    expect(input.workloads.map((w) => w.id.name)).toEqual(['a', 'b']);
  });

  it('leaves objects read back from a cluster, which the API server validated, to the cluster reader', () => {
    const document: InputDocument = {
      file: 'export.json',
      documentIndex: 0,
      itemIndex: null,
      value: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web' },
        spec: { template: { spec: { containers: [{ name: 'c' }] } } },
      },
    };
    expect(parseWorkload(document, 'Deployment').id.name).toBe('web');
    expect(() => parseWorkload(document, 'Deployment', 'manifest')).toThrow(
      'export.json: Deployment default/web (document 1): spec.selector: expected a label selector',
    );
  });
});

describe('names (apimachinery NameIsDNSSubdomain, NameIsDNSLabel)', () => {
  const selector = '  selector: { matchLabels: { app: web } }\n';

  it.each([
    ['Web_Bad/../x', 'Deployment', 'Deployment default/Web_Bad/../x', '"Web_Bad/../x"', DNS_SUBDOMAIN],
    ['-web', 'DaemonSet', 'DaemonSet default/-web', '"-web"', DNS_SUBDOMAIN],
    ['db.v1', 'StatefulSet', 'StatefulSet default/db.v1', '"db.v1"', DNS_LABEL],
    ['x'.repeat(254), 'Deployment', `Deployment default/${'x'.repeat(49)}...`, `"${'x'.repeat(56)}...`, DNS_SUBDOMAIN],
  ])('refuses %s as a %s name', (name, kind, label, found, expected) => {
    expect(messageOf(workload(kind, JSON.stringify(name), selector))).toBe(
      `w.yaml: ${label} (document 1): metadata.name: expected ${expected}, got ${found}`,
    );
  });

  it('refuses a namespace that is not a DNS label', () => {
    const text = workload('Deployment', 'web', selector).replace('{ name: web }', '{ name: web, namespace: team.a }');
    expect(messageOf(text)).toBe(
      `w.yaml: Deployment team.a/web (document 1): metadata.namespace: expected ${DNS_LABEL}, got "team.a"`,
    );
  });

  it('reads dotted names where Kubernetes allows them', () => {
    const text = workload('Deployment', 'web.v2', selector);
    const input = parseSimInput(
      [
        { file: 's.yaml', text: SCENARIO },
        { file: 'w.yaml', text },
      ],
      options,
    );
    expect(input.workloads[0]?.id.name).toBe('web.v2');
  });
});
