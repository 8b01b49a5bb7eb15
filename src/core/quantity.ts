/**
 * Kubernetes resource quantities (k8s.io/apimachinery resource.Quantity), exact.
 * A value is held as a fraction of bigints so that "1.5Gi" or "0.1" convert without rounding error;
 * conversion to bytes or millicores rounds up, as Quantity.Value() and MilliValue() do.
 */
export interface Quantity {
  readonly numerator: bigint;
  readonly denominator: bigint;
}

export type ParseResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly expected: string };

const BINARY_SUFFIX: Readonly<Record<string, bigint>> = {
  Ki: 1n << 10n,
  Mi: 1n << 20n,
  Gi: 1n << 30n,
  Ti: 1n << 40n,
  Pi: 1n << 50n,
  Ei: 1n << 60n,
};

const DECIMAL_EXPONENT: Readonly<Record<string, number>> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};

const QUANTITY_PATTERN = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$/;

export const QUANTITY_EXPECTED = 'a Kubernetes quantity such as 512Mi, 1.5Gi, 250m or 2';

export function parseQuantity(text: string): ParseResult<Quantity> {
  const match = QUANTITY_PATTERN.exec(text.trim());
  if (!match) return { ok: false, expected: QUANTITY_EXPECTED };
  const [, sign = '', digits = '', suffix = '', exponentText] = match;
  const [whole = '', fraction = ''] = digits.split('.');
  let numerator = BigInt(`${whole}${fraction}` || '0');
  let denominator = 10n ** BigInt(fraction.length);
  const binary = BINARY_SUFFIX[suffix];
  if (binary !== undefined) {
    numerator *= binary;
  } else {
    const exponent = exponentText !== undefined ? Number(exponentText) : (DECIMAL_EXPONENT[suffix] ?? 0);
    if (Math.abs(exponent) > 30) return { ok: false, expected: QUANTITY_EXPECTED };
    if (exponent >= 0) numerator *= 10n ** BigInt(exponent);
    else denominator *= 10n ** BigInt(-exponent);
  }
  if (sign === '-') numerator = -numerator;
  return { ok: true, value: { numerator, denominator } };
}

function ceilDivide(numerator: bigint, denominator: bigint): bigint {
  const quotient = numerator / denominator;
  return numerator % denominator > 0n ? quotient + 1n : quotient;
}

/** Whole units, rounded up (Quantity.Value()). */
export function quantityToUnits(quantity: Quantity): number {
  return Number(ceilDivide(quantity.numerator, quantity.denominator));
}

/** Thousandths, rounded up (Quantity.MilliValue()). */
export function quantityToMillis(quantity: Quantity): number {
  return Number(ceilDivide(quantity.numerator * 1000n, quantity.denominator));
}

/** Parses a memory-like quantity to whole bytes. */
export function parseBytes(text: string): ParseResult<number> {
  const parsed = parseQuantity(text);
  if (!parsed.ok) return parsed;
  if (parsed.value.numerator < 0n) return { ok: false, expected: 'a quantity that is not negative' };
  return { ok: true, value: quantityToUnits(parsed.value) };
}

/** Parses a CPU quantity to millicores. */
export function parseMillicores(text: string): ParseResult<number> {
  const parsed = parseQuantity(text);
  if (!parsed.ok) return parsed;
  if (parsed.value.numerator < 0n) return { ok: false, expected: 'a quantity that is not negative' };
  return { ok: true, value: quantityToMillis(parsed.value) };
}

export const KIBIBYTE = 1024;
export const MEBIBYTE = 1024 * 1024;

/** Memory as Kubernetes prints a binary quantity: Ki when whole, plain bytes otherwise. */
export function formatMemory(bytes: number): string {
  if (bytes === 0) return '0';
  return bytes % KIBIBYTE === 0 ? `${bytes / KIBIBYTE}Ki` : String(bytes);
}

/** CPU as Kubernetes prints it: whole cores when whole, millicores otherwise. */
export function formatCpu(millicores: number): string {
  return millicores % 1000 === 0 ? String(millicores / 1000) : `${millicores}m`;
}

/** A human figure for tables: MiB with one decimal where needed. */
export function formatMebibytes(bytes: number): string {
  const mib = bytes / MEBIBYTE;
  return Number.isInteger(mib) ? `${mib}Mi` : `${mib.toFixed(1)}Mi`;
}
