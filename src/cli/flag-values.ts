import { Environment } from '@marcbachmann/cel-js';
import { type MemoryThreshold, parseMemoryThreshold } from '../core/eviction.js';
import { type KarpenterVersion, parseKarpenterVersion } from '../core/karpenter-version.js';
import type { ResourceReservation } from '../core/node-config.js';
import { parseBytes, parseMillicores } from '../core/quantity.js';
import { UsageError } from '../input/input-error.js';

/** A whole number within bounds that keep the models meaningful. */
export function parseCount(flag: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text.trim()))
    throw new UsageError(`${flag} ${quote(text)}: expected a whole number from ${min} to ${max}`);
  const value = Number(text);
  if (value < min || value > max) {
    throw new UsageError(`${flag} ${value}: expected a whole number from ${min} to ${max}`);
  }
  return value;
}

export function parseMemoryFlag(flag: string, text: string): number {
  const bytes = parseBytes(text);
  if (!bytes.ok) throw new UsageError(`${flag} ${quote(text)}: expected ${bytes.expected}`);
  if (bytes.value <= 0)
    throw new UsageError(`${flag} ${quote(text)}: expected a memory size above 0, such as 7948164Ki`);
  return bytes.value;
}

export function parseVersionFlag(flag: string, text: string): KarpenterVersion {
  const version = parseKarpenterVersion(text);
  if (!version.ok) throw new UsageError(`${flag} ${quote(text)}: expected ${version.expected}`);
  return version.value;
}

/** `0.075` as Karpenter's variable takes it, or `7.5%`. */
export function parseOverheadFlag(flag: string, text: string): number {
  const trimmed = text.trim();
  const percent = trimmed.endsWith('%');
  const number = Number(percent ? trimmed.slice(0, -1) : trimmed);
  const fraction = percent ? number / 100 : number;
  if (trimmed === '' || !Number.isFinite(number) || fraction < 0 || fraction >= 1) {
    throw new UsageError(
      `${flag} ${quote(text)}: expected a fraction from 0 to below 1 (0.075) or a percentage (7.5%)`,
    );
  }
  return fraction;
}

function keyValues(flag: string, text: string, keys: readonly string[]): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const part of text.split(',')) {
    const [key = '', value, ...extra] = part.split('=');
    const expected = keys.map((k) => `${k}=VALUE`).join(',');
    if (value === undefined || extra.length > 0 || !keys.includes(key.trim())) {
      throw new UsageError(`${flag} ${quote(text)}: expected ${expected}`);
    }
    // As `doctor --requests`: a key given twice is a typo, not "the last one wins".
    if (pairs.has(key.trim()))
      throw new UsageError(`${flag} ${quote(text)}: expected ${expected}, each key once (${key.trim()} twice)`);
    pairs.set(key.trim(), value.trim());
  }
  return pairs;
}

/** `cpu=100m,memory=512Mi`, either key optional. */
export function parseReservationFlag(flag: string, text: string): ResourceReservation {
  const pairs = keyValues(flag, text, ['cpu', 'memory']);
  const cpu = pairs.get('cpu');
  const memory = pairs.get('memory');
  let cpuMillis: number | null = null;
  if (cpu !== undefined) {
    const parsed = parseMillicores(cpu);
    if (!parsed.ok) throw new UsageError(`${flag} cpu=${quote(cpu)}: expected ${parsed.expected}`);
    cpuMillis = parsed.value;
  }
  let memoryBytes: number | null = null;
  if (memory !== undefined) {
    const parsed = parseBytes(memory);
    if (!parsed.ok) throw new UsageError(`${flag} memory=${quote(memory)}: expected ${parsed.expected}`);
    memoryBytes = parsed.value;
  }
  return { cpuMillis, memoryBytes };
}

/** `memory.available=5%` or `memory.available=200Mi`. */
export function parseEvictionFlag(flag: string, text: string): MemoryThreshold {
  const value = keyValues(flag, text, ['memory.available']).get('memory.available') ?? '';
  const threshold = parseMemoryThreshold(value);
  if (!threshold.ok) throw new UsageError(`${flag} memory.available=${quote(value)}: expected ${threshold.expected}`);
  return threshold.value;
}

/** The variables nodeadm declares for maxPodsExpression, all CEL ints (eni_max_pods.go L79-L114 @81fec2e). */
const MAX_PODS_EXPRESSION_ENVIRONMENT = new Environment()
  .registerVariable('default_enis', 'int')
  .registerVariable('ips_per_eni', 'int')
  .registerVariable('max_pods', 'int');

/** Result types nodeadm takes as they are; a double or a string it converts to an int first (ConvertToType). */
const MAX_PODS_EXPRESSION_TYPES = new Set(['int', 'uint', 'dyn']);

/**
 * nodeadm's maxPodsExpression as a flag: an expression that does not compile (a syntax error, an unknown
 * variable, no such overload) is refused here, though nodeadm would silently fall back to the standard
 * value (capacity-models.md §2.4), because on the command line it is a typo. So is a result type other
 * than int: write int(…) for nodeadm's conversion. An expression that compiles and fails when evaluated
 * (a division by zero, a result out of range) keeps nodeadm's fallback, as it does in a node's config.
 */
export function parseMaxPodsExpressionFlag(flag: string, text: string): string {
  const expected = 'a CEL expression over default_enis, ips_per_eni and max_pods such as "max_pods + 2"';
  if (text.trim() === '') throw new UsageError(`${flag} "": expected ${expected}`);
  const checked = MAX_PODS_EXPRESSION_ENVIRONMENT.check(text);
  if (!checked.valid) {
    const error = checked.error;
    const kind = error?.name === 'ParseError' ? 'a syntax error' : 'a type error';
    const at = error?.range === undefined ? '' : ` at column ${error.range.start + 1}`;
    const reason = error?.summary ?? (error?.message ?? '').split('\n')[0] ?? '';
    throw new UsageError(`${flag} ${quote(text)}: expected ${expected}, got ${kind}${at}: ${reason}`);
  }
  const type = checked.type ?? 'dyn';
  if (!MAX_PODS_EXPRESSION_TYPES.has(type)) {
    const hint = type === 'double' || type === 'string' ? ' (write int(…) for the conversion nodeadm would make)' : '';
    throw new UsageError(`${flag} ${quote(text)}: expected an expression of CEL type int, got ${type}${hint}`);
  }
  return text;
}

export function quote(text: string): string {
  return JSON.stringify(text);
}
