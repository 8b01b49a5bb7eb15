import { describe, expect, it } from 'vitest';
import { formatFieldPath } from '../input/scenario/document.js';
import { lineOfFieldPath, parseFieldLocation, parseFieldPath } from './yaml-line.js';

describe('parseFieldPath reads formatFieldPath back', () => {
  it.each<readonly (string | number)[]>([
    [],
    ['spec'],
    ['spec', 'replicas'],
    ['spec', 'template', 'spec', 'containers', 0, 'resources', 'requests', 'nvidia.com/gpu'],
    ['metadata', 'labels', 'app.kubernetes.io/name'],
    ['items', 12, 'kind'],
    ['weird "key"', 3],
  ])('%j', (...path) => {
    expect(parseFieldPath(formatFieldPath(path))).toEqual(path);
  });

  it('refuses text that is not a field path', () => {
    expect(parseFieldPath('spec..replicas')).toBeNull();
    expect(parseFieldPath('spec[')).toBeNull();
    expect(parseFieldPath('(file)')).toBeNull();
  });
});

describe('parseFieldLocation', () => {
  it.each([
    [
      'Deployment default/web (document 2): spec.replicas',
      { documentIndex: 1, itemIndex: null, path: ['spec', 'replicas'] },
    ],
    ['document 3: kind', { documentIndex: 2, itemIndex: null, path: ['kind'] }],
    ['document 1, items[4]: (root)', { documentIndex: 0, itemIndex: 4, path: [] }],
    [
      'NodePool default (document 7, items[0]): spec.limits.cpu',
      { documentIndex: 6, itemIndex: 0, path: ['spec', 'limits', 'cpu'] },
    ],
    ['document 2', { documentIndex: 1, itemIndex: null, path: [] }],
  ])('%s', (fieldPath, location) => {
    expect(parseFieldLocation(fieldPath)).toEqual(location);
  });

  it.each(['(all documents)', '(file)', '(paths)'])('%s names no document', (fieldPath) => {
    expect(parseFieldLocation(fieldPath)).toBeNull();
  });
});

describe('lineOfFieldPath', () => {
  const text = [
    '# a comment', // 1
    'apiVersion: podcap.dev/v1alpha1', // 2
    'kind: Scenario', // 3
    '---', // 4
    '---', // 5: an empty document still counts
    'apiVersion: apps/v1', // 6
    'kind: Deployment', // 7
    'metadata: { name: web }', // 8
    'spec:', // 9
    '  template:', // 10
    '    spec:', // 11
    '      containers:', // 12
    '        - name: a', // 13
    '        - name: b', // 14
    '          resources:', // 15
    '            requests: { cpu: lots }', // 16
  ].join('\n');

  it.each([
    ['Scenario x (document 1): kind', 3],
    ['Deployment default/web (document 3): spec', 9],
    ['Deployment default/web (document 3): spec.template.spec.containers[1]', 14],
    ['Deployment default/web (document 3): spec.template.spec.containers[1].resources.requests.cpu', 16],
    // A field that is not there: the deepest one that is.
    ['Deployment default/web (document 3): spec.replicas', 9],
    ['Deployment default/web (document 3): spec.template.spec.containers[5].image', 12],
    ['document 3: (root)', 6],
  ])('%s is on line %i', (fieldPath, line) => {
    expect(lineOfFieldPath(text, fieldPath)).toBe(line);
  });

  it('is null for a document that is not there or a message about no document', () => {
    expect(lineOfFieldPath(text, 'document 9: kind')).toBeNull();
    expect(lineOfFieldPath(text, '(all documents)')).toBeNull();
  });

  it('finds List items and syntax errors', () => {
    const list =
      'apiVersion: v1\nkind: List\nitems:\n  - kind: Pod\n  - kind: Deployment\n    spec:\n      replicas: x\n';
    expect(lineOfFieldPath(list, 'Deployment default/a (document 1, items[1]): spec.replicas')).toBe(7);
    expect(lineOfFieldPath('a: 1\n---\nb: [1,\nc: 2\n', 'document 2')).toBeGreaterThanOrEqual(3);
  });
});
