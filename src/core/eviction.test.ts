/**
 * memory.available thresholds: parsing, the kubelet's resolution on MemTotal (float32 percentage,
 * truncated; capacity-models.md §1.2) and Karpenter's on its estimate (ceil(cap/100·p); §5.3).
 */
import { describe, expect, it } from 'vitest';
import { Ki, Mi } from '../test-support/fixtures.js';
import {
  DEFAULT_MEMORY_AVAILABLE_BYTES,
  karpenterThresholdBytes,
  kubeletThresholdBytes,
  type MemoryThreshold,
  parseMemoryThreshold,
} from './eviction.js';

function threshold(text: string): MemoryThreshold {
  const parsed = parseMemoryThreshold(text);
  if (!parsed.ok) throw new Error(`${text}: ${parsed.expected}`);
  return parsed.value;
}

describe('parseMemoryThreshold', () => {
  it('reads quantities and percentages', () => {
    expect(threshold('100Mi')).toEqual({ kind: 'quantity', bytes: Mi(100), text: '100Mi' });
    expect(threshold('5%')).toEqual({ kind: 'percentage', percent: 5, text: '5%' });
    expect(threshold(' 10.5% ')).toEqual({ kind: 'percentage', percent: 10.5, text: '10.5%' });
    expect(threshold('0%')).toMatchObject({ kind: 'percentage', percent: 0 });
    expect(threshold('100%')).toMatchObject({ kind: 'percentage', percent: 100 });
  });

  it.each(['101%', '-5%', '5 %', '%', 'abc', '5MB', '-100Mi', ''])('rejects %j', (text) => {
    expect(parseMemoryThreshold(text).ok).toBe(false);
  });
});

describe('the default', () => {
  it('is 100Mi (kubelet defaults_linux.go; AL2 bootstrap.sh; nodeadm)', () => {
    expect(DEFAULT_MEMORY_AVAILABLE_BYTES).toBe(Mi(100));
  });
});

describe('kubelet: percentage resolved on MemTotal as float32, truncated (§1.2)', () => {
  it('a quantity is itself', () => {
    expect(kubeletThresholdBytes(threshold('100Mi'), Ki(7948164))).toBe(Mi(100));
  });

  it('10 % of 1 GiB is 107,374,184 B (float32 0.1 = 13421773/2^27), not 107,374,182', () => {
    expect(kubeletThresholdBytes(threshold('10%'), 2 ** 30)).toBe(107_374_184);
  });

  it('5 % of the m8g.large MemTotal (8,138,919,936 B, §7) is 406,946,002 B', () => {
    expect(kubeletThresholdBytes(threshold('5%'), Ki(7948164))).toBe(406_946_002);
  });
});

describe('Karpenter: percentage resolved on its estimate, ceil(cap/100·p) (§5.3)', () => {
  it('a quantity is itself', () => {
    expect(karpenterThresholdBytes(threshold('250Mi'), Mi(7518))).toBe(Mi(250));
  });

  it('5 % of 7518 MiB (the m8g.large estimate) is ceil(394,159,718.4) = 394,159,719 B', () => {
    expect(karpenterThresholdBytes(threshold('5%'), Mi(7518))).toBe(394_159_719);
  });

  it('10 % of 1 GiB is ceil(107,374,182.4) = 107,374,183 B', () => {
    expect(karpenterThresholdBytes(threshold('10%'), 2 ** 30)).toBe(107_374_183);
  });
});
