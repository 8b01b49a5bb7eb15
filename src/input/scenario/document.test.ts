/** How messages show a value: JSON cut at 60 characters, with bounded work however large, deep or circular. */
import { describe, expect, it } from 'vitest';
import { describeValue, formatFieldPath } from './document.js';

describe('describeValue', () => {
  it.each([
    [undefined, 'nothing'],
    [null, 'null'],
    [true, 'true'],
    [3, '3'],
    [Number.NaN, '.nan'],
    [Number.POSITIVE_INFINITY, '.inf'],
    [Number.NEGATIVE_INFINITY, '-.inf'],
    ['3', '"3"'],
    [{ app: 'web', tier: [1, 2] }, '{"app":"web","tier":[1,2]}'],
    ['x'.repeat(100), `"${'x'.repeat(56)}...`],
  ])('%j as %s', (value, text) => {
    expect(describeValue(value)).toBe(text);
  });

  it('shows a value that contains itself without following it forever', () => {
    const metadata: Record<string, unknown> = { name: 'x' };
    metadata.labels = metadata;
    expect(describeValue(metadata)).toBe('{"name":"x","labels":<circular>}');
  });

  it('reads no more of a huge or deep value than it shows', () => {
    let deep: unknown = [];
    for (let i = 0; i < 100_000; i += 1) deep = [deep];
    expect(describeValue(deep)).toBe(`${'['.repeat(57)}...`);
    const wide = Array.from({ length: 1_000_000 }, (_, i) => i);
    expect(describeValue(wide)).toBe('[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,...');
  });
});

describe('formatFieldPath', () => {
  it('writes indexes and odd keys in brackets and cuts a huge key short', () => {
    expect(formatFieldPath(['spec', 'containers', 0, 'resources', 'requests', 'nvidia.com/gpu'])).toBe(
      'spec.containers[0].resources.requests["nvidia.com/gpu"]',
    );
    expect(formatFieldPath(['spec', 'k'.repeat(1000)])).toBe(`spec.${'k'.repeat(57)}...`);
  });
});
