import { type ParseResult, parseBytes } from './quantity.js';

/** One `memory.available` threshold as written in evictionHard/evictionSoft: a quantity or a percentage. */
export type MemoryThreshold =
  | { readonly kind: 'quantity'; readonly bytes: number; readonly text: string }
  | { readonly kind: 'percentage'; readonly percent: number; readonly text: string };

export const MEMORY_AVAILABLE = 'memory.available';

/** The default hard threshold of kubelet, AL2 and AL2023 (kubelet eviction/defaults_linux.go; bootstrap.sh L526). */
export const DEFAULT_MEMORY_AVAILABLE_BYTES = 100 * 1024 * 1024;

export function parseMemoryThreshold(text: string): ParseResult<MemoryThreshold> {
  const trimmed = text.trim();
  if (trimmed.endsWith('%')) {
    const percent = Number(trimmed.slice(0, -1));
    if (!/^\d+(\.\d+)?%$/.test(trimmed) || percent > 100) {
      return { ok: false, expected: 'a percentage from 0% to 100% or a quantity such as 100Mi' };
    }
    return { ok: true, value: { kind: 'percentage', percent, text: trimmed } };
  }
  const bytes = parseBytes(trimmed);
  if (!bytes.ok) return { ok: false, expected: 'a percentage such as 5% or a quantity such as 100Mi' };
  return { ok: true, value: { kind: 'quantity', bytes: bytes.value, text: trimmed } };
}

/**
 * How kubelet resolves a threshold against memory capacity (MemTotal): a percentage is parsed as
 * float32 and the product truncated (kubernetes pkg/kubelet/eviction/api GetThresholdQuantity;
 * pkg/kubelet/cm/helpers.go hardEvictionReservation).
 */
export function kubeletThresholdBytes(threshold: MemoryThreshold, capacityBytes: number): number {
  if (threshold.kind === 'quantity') return threshold.bytes;
  const fraction = Math.fround(Math.fround(threshold.percent) / 100);
  return Math.trunc(capacityBytes * fraction);
}

/**
 * How Karpenter resolves a threshold against its capacity estimate: `ceil(capacity/100·p)` in float64,
 * 100% meaning disabled on newer releases (karpenter-provider-aws instancetype/types.go computeEvictionSignal).
 */
export function karpenterThresholdBytes(threshold: MemoryThreshold, capacityBytes: number): number {
  if (threshold.kind === 'quantity') return threshold.bytes;
  const percent = threshold.percent === 100 ? 0 : threshold.percent;
  return Math.ceil((capacityBytes / 100) * percent);
}
