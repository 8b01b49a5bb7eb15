import type { ParseResult } from './quantity.js';

/**
 * Go `time.Duration` text (Go src/time/format.go ParseDuration): a sequence of decimal numbers, each
 * with an optional fraction and a unit, such as `90s`, `1m30s`, `1.5h` or `500ms`; `0` alone is zero.
 * Values are held in milliseconds; a sub-millisecond part stays as a fraction of a millisecond.
 */

export const DURATION_EXPECTED = 'a Go duration such as 90s, 1m30s or 2h';

const MICROSECOND = 1_000n;
const MILLISECOND = 1_000_000n;
const SECOND = 1_000_000_000n;
const MINUTE = 60n * SECOND;
const HOUR = 60n * MINUTE;

/** Nanoseconds per unit, as Go's unitMap. */
const UNIT_NANOSECONDS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: MICROSECOND,
  µs: MICROSECOND, // U+00B5 micro sign
  μs: MICROSECOND, // U+03BC Greek mu
  ms: MILLISECOND,
  s: SECOND,
  m: MINUTE,
  h: HOUR,
};

/** Go's int64 nanoseconds cap a duration at about 2562047h. */
const MAX_NANOSECONDS = (1n << 63n) - 1n;

const TERM = /^(\d*)(?:\.(\d*))?([^\d.]+)/;

export function parseDuration(text: string): ParseResult<number> {
  let rest = text.trim();
  const sign = rest[0];
  if (sign === '-' || sign === '+') rest = rest.slice(1);
  if (rest === '0') return { ok: true, value: 0 };
  if (rest === '') return { ok: false, expected: DURATION_EXPECTED };
  let total = 0n;
  while (rest !== '') {
    const match = TERM.exec(rest);
    if (!match) return { ok: false, expected: DURATION_EXPECTED };
    const [term, whole = '', fraction = '', unitText = ''] = match;
    const unit = UNIT_NANOSECONDS[unitText];
    if ((whole === '' && fraction === '') || unit === undefined) return { ok: false, expected: DURATION_EXPECTED };
    // Go truncates the fractional nanoseconds of each term.
    const fractionNanoseconds = fraction === '' ? 0n : (BigInt(fraction) * unit) / 10n ** BigInt(fraction.length);
    total += BigInt(whole || '0') * unit + fractionNanoseconds;
    if (total > MAX_NANOSECONDS) return { ok: false, expected: 'a duration of at most 2562047h' };
    rest = rest.slice(term.length);
  }
  if (sign === '-' && total > 0n) return { ok: false, expected: 'a duration that is not negative' };
  return { ok: true, value: nanosecondsToMilliseconds(total) };
}

function nanosecondsToMilliseconds(nanoseconds: bigint): number {
  const whole = nanoseconds / MILLISECOND;
  const remainder = nanoseconds % MILLISECOND;
  return Number(whole) + Number(remainder) / 1e6;
}

/** `amount / unit` as a decimal without trailing zeros, exact. */
function decimal(amount: bigint, unit: bigint): string {
  const whole = amount / unit;
  const remainder = amount % unit;
  if (remainder === 0n) return String(whole);
  const digits = String(unit).length - 1;
  const fraction = String(remainder).padStart(digits, '0').replace(/0+$/, '');
  return `${whole}.${fraction}`;
}

/**
 * Go-like text for a duration in milliseconds, with zero components left out: 750000 → `12m30s`,
 * 3600000 → `1h`, 1500 → `1.5s`, 0.5 → `500µs`, 0 → `0s`.
 */
export function formatDuration(milliseconds: number): string {
  if (!Number.isFinite(milliseconds)) throw new RangeError(`formatDuration: ${milliseconds} is not a duration`);
  if (milliseconds < 0) return `-${formatDuration(-milliseconds)}`;
  const wholeMilliseconds = Math.floor(milliseconds);
  const nanoseconds =
    BigInt(wholeMilliseconds) * MILLISECOND + BigInt(Math.round((milliseconds - wholeMilliseconds) * 1e6));
  if (nanoseconds === 0n) return '0s';
  if (nanoseconds < MICROSECOND) return `${nanoseconds}ns`;
  if (nanoseconds < MILLISECOND) return `${decimal(nanoseconds, MICROSECOND)}µs`;
  if (nanoseconds < SECOND) return `${decimal(nanoseconds, MILLISECOND)}ms`;
  const hours = nanoseconds / HOUR;
  const minutes = (nanoseconds % HOUR) / MINUTE;
  const seconds = nanoseconds % MINUTE;
  return [
    hours > 0n ? `${hours}h` : '',
    minutes > 0n ? `${minutes}m` : '',
    seconds > 0n ? `${decimal(seconds, SECOND)}s` : '',
  ].join('');
}
