/**
 * Kubernetes quantities as k8s.io/apimachinery resource.Quantity reads them: binary and decimal
 * suffixes, exponents, and Value()/MilliValue() rounding up.
 */
import { describe, expect, it } from 'vitest';
import {
  formatCpu,
  formatMebibytes,
  formatMemory,
  parseBytes,
  parseMillicores,
  parseQuantity,
  quantityToMillis,
  quantityToUnits,
} from './quantity.js';

const bytes = (text: string) => {
  const parsed = parseBytes(text);
  return parsed.ok ? parsed.value : `error: ${parsed.expected}`;
};
const millicores = (text: string) => {
  const parsed = parseMillicores(text);
  return parsed.ok ? parsed.value : `error: ${parsed.expected}`;
};

describe('parseBytes', () => {
  it.each([
    ['100Mi', 104_857_600], // AL2/AL2023 evictionHard memory.available (capacity-models.md §2.3)
    ['574Mi', 601_882_624], // KR_mem(29), §7
    ['7257988Ki', 7_432_179_712], // the write-up's allocatable, §7
    ['1Gi', 1_073_741_824],
    ['1.5Gi', 1_610_612_736],
    ['.5Ki', 512],
    ['+1Ki', 1024],
    ['1k', 1000],
    ['1M', 1_000_000],
    ['1e3', 1000],
    ['1E3', 1000],
    ['12e-1', 2], // 1.2 rounds up
    ['0.1', 1], // Value() rounds up
    ['1m', 1], // 0.001 rounds up
    ['0', 0],
    ['  64Mi  ', 67_108_864],
  ])('%s is %i bytes', (text, expected) => {
    expect(bytes(text)).toBe(expected);
  });

  it.each(['', 'Mi', 'abc', '1.2.3', '5MB', '5mi', '1 Gi', '1Ki2', '-1Mi'])('rejects %j', (text) => {
    expect(bytes(text)).toMatch(/^error: /);
  });
});

describe('parseMillicores', () => {
  it.each([
    ['250m', 250],
    ['2', 2000],
    ['1.5', 1500],
    ['0.1', 100],
    ['1930m', 1930],
    ['100u', 1], // 0.1 m rounds up
    ['1n', 1],
    ['2k', 2_000_000],
  ])('%s is %i millicores', (text, expected) => {
    expect(millicores(text)).toBe(expected);
  });

  it('rejects negatives and garbage', () => {
    expect(millicores('-1')).toMatch(/^error: /);
    expect(millicores('one')).toMatch(/^error: /);
  });
});

describe('exact fractions', () => {
  it('keeps a decimal fraction exact: 0.1 + 0.2 style errors cannot arise', () => {
    const parsed = parseQuantity('0.3');
    expect(parsed.ok && parsed.value).toEqual({ numerator: 3n, denominator: 10n });
    if (!parsed.ok) return;
    expect(quantityToUnits(parsed.value)).toBe(1);
    expect(quantityToMillis(parsed.value)).toBe(300);
  });
});

describe('formatting', () => {
  it('prints memory as Kubernetes prints a binary quantity', () => {
    expect(formatMemory(7_432_179_712)).toBe('7257988Ki');
    expect(formatMemory(1000)).toBe('1000');
    expect(formatMemory(0)).toBe('0');
  });

  it('prints CPU as cores when whole, else millicores', () => {
    expect(formatCpu(1930)).toBe('1930m');
    expect(formatCpu(2000)).toBe('2');
    expect(formatCpu(0)).toBe('0');
  });

  it('prints MiB with one decimal where needed', () => {
    expect(formatMebibytes(601_882_624)).toBe('574Mi');
    expect(formatMebibytes(255_725_568)).toBe('243.9Mi'); // §8 M4 for m8g.large
  });
});
