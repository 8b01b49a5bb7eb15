/** Karpenter releases and the behaviour each brought (capacity-models.md §5, §9). */
import { describe, expect, it } from 'vitest';
import {
  EARLIEST_KARPENTER_VERSION,
  formatKarpenterVersion,
  isAtLeast,
  type KarpenterFeatures,
  karpenterFeatures,
  karpenterVersionNote,
  LATEST_KARPENTER_VERSION,
  parseKarpenterVersion,
} from './karpenter-version.js';

function features(text: string): KarpenterFeatures {
  const parsed = parseKarpenterVersion(text);
  if (!parsed.ok) throw new Error(text);
  return karpenterFeatures(parsed.value);
}

describe('parseKarpenterVersion', () => {
  it.each([
    ['1.5.1', { major: 1, minor: 5, patch: 1 }],
    ['v1.6.0', { major: 1, minor: 6, patch: 0 }],
    ['1.6', { major: 1, minor: 6, patch: 0 }],
    ['0.28.0', { major: 0, minor: 28, patch: 0 }],
    ['1.5.2-rc.1', { major: 1, minor: 5, patch: 2 }],
    [' 1.14.1 ', { major: 1, minor: 14, patch: 1 }],
  ])('%j', (text, expected) => {
    expect(parseKarpenterVersion(text)).toEqual({ ok: true, value: expected });
  });

  it.each(['', '1', 'latest', '1.x', 'v', '1.5.1.2'])('rejects %j', (text) => {
    expect(parseKarpenterVersion(text).ok).toBe(false);
  });

  it('formats and compares numerically, not as text', () => {
    expect(formatKarpenterVersion({ major: 1, minor: 10, patch: 0 })).toBe('1.10.0');
    expect(isAtLeast({ major: 1, minor: 10, patch: 0 }, 1, 9, 0)).toBe(true);
    expect(isAtLeast({ major: 1, minor: 9, patch: 9 }, 1, 10, 0)).toBe(false);
  });

  it('the default is v1.14.1, the newest tag the research read', () => {
    expect(formatKarpenterVersion(LATEST_KARPENTER_VERSION)).toBe('1.14.1');
  });
});

describe('karpenterFeatures at each boundary (§9)', () => {
  it.each([
    ['reservedEnis', '0.27.9', '0.28.0'], // PR #3516
    ['graviton64MiB', '0.27.9', '0.28.0'], // PR #3940
    ['capacityCache', '1.0.9', '1.1.0'], // PR #7004
    ['kubeReservedIgnoresReservedEnis', '1.5.1', '1.5.2'], // PR #8214 (cherry-pick of #8205)
    ['onlyEvictionHard', '1.8.9', '1.9.0'], // PR #8565
    ['efaOnlyInterfaces', '1.10.9', '1.11.0'], // PR #9027
  ] as [keyof KarpenterFeatures, string, string][])('%s: off on %s, on from %s', (feature, before, from) => {
    expect(features(before)[feature]).toBe(false);
    expect(features(from)[feature]).toBe(true);
    expect(karpenterFeatures(LATEST_KARPENTER_VERSION)[feature]).toBe(true);
  });

  it('the kube-reserved fix is in v1.5.2-v1.5.8 and v1.6.0+, but in no v1.0-v1.4 patch line (§5.6, §7)', () => {
    for (const version of ['1.5.2', '1.5.8', '1.6.0', '1.6.1']) {
      expect(features(version).kubeReservedIgnoresReservedEnis).toBe(true);
    }
    for (const version of ['0.28.0', '1.0.9', '1.4.99', '1.5.0', '1.5.1']) {
      expect(features(version).kubeReservedIgnoresReservedEnis).toBe(false);
    }
  });
});

describe('karpenterVersionNote', () => {
  function note(text: string): string | null {
    const parsed = parseKarpenterVersion(text);
    if (!parsed.ok) throw new Error(text);
    return karpenterVersionNote(parsed.value);
  }

  it.each([
    [
      '0.1.0',
      'Karpenter v0.1.0 is older than the releases podcap models (v0.12.0 to v1.14.1): it is simulated as v0.12.0 behaves.',
    ],
    [
      '9.9.9',
      'Karpenter v9.9.9 is newer than the releases podcap models (v0.12.0 to v1.14.1): it is simulated as v1.14.1 behaves.',
    ],
    [
      '1.14.2',
      'Karpenter v1.14.2 is newer than the releases podcap models (v0.12.0 to v1.14.1): it is simulated as v1.14.1 behaves.',
    ],
  ])('%s', (text, expected) => {
    expect(note(text)).toBe(expected);
  });

  it.each(['0.12.0', '0.28.0', '1.5.1', '1.14.1'])('none for %s', (text) => {
    expect(note(text)).toBeNull();
  });

  it('a release outside the range behaves as its nearest end does', () => {
    expect(karpenterFeatures({ major: 0, minor: 1, patch: 0 })).toEqual(karpenterFeatures(EARLIEST_KARPENTER_VERSION));
    expect(karpenterFeatures({ major: 9, minor: 9, patch: 9 })).toEqual(karpenterFeatures(LATEST_KARPENTER_VERSION));
  });
});
