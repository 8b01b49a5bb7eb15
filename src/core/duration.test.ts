/** Go durations as time.ParseDuration reads them (Go src/time/time_test.go parseDurationTests), in milliseconds. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.js';

const milliseconds = (text: string): number | string => {
  const parsed = parseDuration(text);
  return parsed.ok ? parsed.value : `error: ${parsed.expected}`;
};

describe('parseDuration', () => {
  it.each([
    ['0', 0],
    ['0s', 0],
    ['-0', 0],
    ['+5s', 5_000],
    ['5s', 5_000],
    ['30s', 30_000],
    ['90s', 90_000],
    ['1m30s', 90_000],
    ['30m', 1_800_000],
    ['2h', 7_200_000],
    ['1.5h', 5_400_000],
    ['1h30m', 5_400_000],
    ['.5s', 500],
    ['1.s', 1_000],
    ['1.004s', 1_004],
    ['500ms', 500],
    ['100ms', 100],
    ['1h1m1s1ms', 3_661_001],
    ['1000us', 1],
    ['1000µs', 1], // U+00B5
    ['1000μs', 1], // U+03BC
    ['1500000ns', 1.5],
    ['500us', 0.5],
    ['39h9m14.425s', 140_954_425], // Go's "39h9m14.425s" = 140954425ms
    ['9223372036854775807ns', 9_223_372_036_854.775], // Go's largest Duration, to the float's precision
  ])('%j is %d ms', (text, expected) => {
    expect(milliseconds(text)).toBe(expected);
  });

  it.each(['', ' ', '3', '-1s', '-1m30s', 's', '.s', '1.5', '1h30', '1d', '1 s', '1S', '1e3s', 'Never', '--1s'])(
    'rejects %j',
    (text) => {
      expect(parseDuration(text).ok).toBe(false);
    },
  );

  it('says why a negative duration is refused', () => {
    expect(parseDuration('-5s')).toEqual({ ok: false, expected: 'a duration that is not negative' });
  });

  it('refuses what overflows Go int64 nanoseconds', () => {
    expect(parseDuration('9223372036854775808ns')).toEqual({ ok: false, expected: 'a duration of at most 2562047h' });
    expect(parseDuration('2562048h')).toEqual({ ok: false, expected: 'a duration of at most 2562047h' });
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [1_500, '1.5s'],
    [90_000, '1m30s'],
    [750_000, '12m30s'],
    [1_800_000, '30m'],
    [3_600_000, '1h'],
    [3_605_000, '1h5s'],
    [5_400_000, '1h30m'],
    [3_661_001, '1h1m1.001s'],
    [500, '500ms'],
    [1.5, '1.5ms'],
    [0.5, '500µs'],
    [0.000_001, '1ns'],
    [-90_000, '-1m30s'],
  ])('%d ms is %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('refuses what is not a number of milliseconds', () => {
    expect(() => formatDuration(Number.NaN)).toThrow(RangeError);
  });

  it('gives text that parses back to the same duration', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000_000_000 }), (ms) => {
        expect(parseDuration(formatDuration(ms))).toEqual({ ok: true, value: ms });
      }),
    );
  });
});
