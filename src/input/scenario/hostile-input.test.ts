/**
 * Input built to break the loader: self-referencing aliases, nesting deep enough to exhaust the stack,
 * numbers JavaScript cannot hold, terminal escapes. Each is one clean line naming file and field.
 */
import { describe, expect, it } from 'vitest';
import { bundledCatalog } from '../../test-support/fixtures.js';
import { InputError } from '../input-error.js';
import { parseSimInput } from './load.js';
import { MAX_NESTING_DEPTH } from './split-documents.js';

const options = { catalog: bundledCatalog() };

const SCENARIO = `apiVersion: podcap.dev/v1alpha1
kind: Scenario
metadata:
  name: demo
spec:
  duration: 30m
  region: us-west-2
  aws:
    subnets:
      - { id: subnet-a, zone: us-west-2a, cidr: 192.168.128.0/19 }
`;

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          resources:
            requests: { cpu: 250m, memory: 256Mi }
`;

/** The message of the InputError the sources raise: the one line the CLI prints. */
function messageOf(...sources: { file: string; text: string }[]): string {
  try {
    parseSimInput(sources, options);
  } catch (error) {
    if (error instanceof InputError) return error.message;
    throw error;
  }
  throw new Error('expected an InputError');
}

const scenario = { file: 'scenario.yaml', text: SCENARIO };

function nested(depth: number): string {
  return `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

describe('self-referencing YAML aliases', () => {
  it('refuses an alias inside its own anchor, as go-yaml does, naming where it recurs', () => {
    const text = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: &m {name: x, labels: *m}\nspec: 5\n';
    expect(messageOf(scenario, { file: 'circ.yaml', text })).toBe(
      'circ.yaml: Deployment default/x (document 1): metadata.labels: ' +
        'expected YAML whose aliases are not inside their own anchor, got an alias of an enclosing anchor',
    );
  });

  it('refuses one in a kind podcap ignores, which kubectl would refuse as well', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: &m\n  name: x\n  self: *m\n';
    expect(messageOf(scenario, { file: 'c.yaml', text })).toBe(
      'c.yaml: ConfigMap x (document 1): metadata.self: ' +
        'expected YAML whose aliases are not inside their own anchor, got an alias of an enclosing anchor',
    );
  });

  it('still reads an alias used twice side by side', () => {
    const text = DEPLOYMENT.replace(
      'requests: { cpu: 250m, memory: 256Mi }',
      'requests: &r { cpu: 250m, memory: 256Mi }\n          limits: *r',
    );
    expect(parseSimInput([scenario, { file: 'w.yaml', text }], options).workloads).toHaveLength(1);
  });
});

describe('nesting', () => {
  const tooDeep = `expected mappings and lists nested at most ${MAX_NESTING_DEPTH} levels deep, got deeper nesting (refused before it exhausts the stack)`;

  it('refuses JSON nested thousands of levels deep in a field the loader reads', () => {
    const text = `{"apiVersion":"podcap.dev/v1alpha1","kind":"Scenario","metadata":{"name":"x","labels":{"a":${nested(5000)}}}}`;
    expect(messageOf({ file: 'deep.json', text })).toBe(`deep.json: (file): ${tooDeep}`);
  });

  it('refuses YAML nested beyond what its parser can hold, and just beyond the limit', () => {
    expect(messageOf(scenario, { file: 'deep.yaml', text: `a: ${nested(5000)}\n` })).toBe(
      `deep.yaml: document 1: ${tooDeep}`,
    );
    const justOver = `a: ${nested(MAX_NESTING_DEPTH)}\n`;
    expect(messageOf(scenario, { file: 'd.yaml', text: `kind: X\n---\n${justOver}` })).toBe(
      `d.yaml: document 2: ${tooDeep}`,
    );
  });

  it('reads a document nested as deep as the limit', () => {
    const text = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: [] }).replace(
      '[]',
      nested(MAX_NESTING_DEPTH - 1),
    );
    expect(parseSimInput([scenario, { file: 'ok.json', text }], options).ignored).toHaveLength(1);
  });
});

describe('numbers as written', () => {
  it.each([
    [
      'seed .nan',
      SCENARIO.replace('  region:', '  seed: .nan\n  region:'),
      'spec.seed: expected a finite number, got .nan',
    ],
    [
      'seed beyond its uint32',
      SCENARIO.replace('  region:', '  seed: 99999999999999999999\n  region:'),
      'spec.seed: expected a number at most 4294967295, got 99999999999999999999',
    ],
    [
      'launchSeconds .inf',
      SCENARIO.replace('    subnets:', '    launchSeconds: .inf\n    subnets:'),
      'spec.aws.launchSeconds: expected a finite number, got .inf',
    ],
  ])('%s', (_, text, message) => {
    expect(messageOf({ file: 's.yaml', text })).toBe(`s.yaml: Scenario demo (document 1): ${message}`);
  });

  it.each([
    [
      'replicas 1e400',
      DEPLOYMENT.replace('replicas: 2', 'replicas: 1e400'),
      'spec.replicas: expected a finite number, got 1e400',
    ],
    [
      'replicas beyond its int32',
      DEPLOYMENT.replace('replicas: 2', 'replicas: 99999999999999999999'),
      'spec.replicas: expected a number at most 2147483647, got 99999999999999999999',
    ],
    [
      'a cpu request of 1e400',
      DEPLOYMENT.replace('cpu: 250m', 'cpu: 1e400'),
      'spec.template.spec.containers[0].resources.requests.cpu: expected a Kubernetes quantity such as 250m, 512Mi or 2, got 1e400',
    ],
  ])('%s', (_, text, message) => {
    expect(messageOf(scenario, { file: 'w.yaml', text })).toBe(
      `w.yaml: Deployment default/web (document 1): ${message}`,
    );
  });

  it('shows a JSON number as written too, inside a List item', () => {
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      items: [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'a' }, spec: { replicas: 'R' } }],
    };
    const text = JSON.stringify(list).replace('"R"', '1e400');
    expect(messageOf(scenario, { file: 'l.json', text })).toBe(
      'l.json: Deployment default/a (document 1, items[0]): spec.replicas: expected a finite number, got 1e400',
    );
  });
});

describe('control characters', () => {
  it('escapes the bytes JSON.parse copies into its message, so stderr gets no terminal escapes', () => {
    const message = messageOf({ file: 'esc.json', text: '\u001b]0;pwned\u0007\u001b[2J' });
    expect(message).toMatch(/^esc\.json: \(file\): expected JSON, got .*\\x1b/);
    expect(message).not.toMatch(/\p{Cc}/u);
  });

  it('escapes them in names, values and file names', () => {
    const text = DEPLOYMENT.replace('name: web', 'name: "w\\e[31m\\u202e"');
    expect(messageOf(scenario, { file: 'e\u001b[0m.yaml', text })).toBe(
      'e\\x1b[0m.yaml: Deployment default/w\\x1b[31m\\u202e (document 1): metadata.name: expected a DNS-1123 subdomain: ' +
        'lowercase letters, digits, "-" and ".", a letter or digit at each end, at most 253, got "w\\u001b[31m\\u202e"',
    );
  });

  it('cuts a huge key short in the field path', () => {
    const key = 'k'.repeat(1000);
    const text = SCENARIO.replace('  region:', `  ${key}: 1\n  region:`);
    const message = messageOf({ file: 's.yaml', text });
    expect(message.length).toBeLessThan(400);
    expect(message).toContain(`spec.${'k'.repeat(57)}...: expected one of the fields`);
  });
});
