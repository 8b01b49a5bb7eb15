import type { ParseResult } from './quantity.js';

/** A Karpenter release, compared by (major, minor, patch). */
export interface KarpenterVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

/** The newest release the research read (aws/karpenter-provider-aws tag v1.14.1); the default. */
export const LATEST_KARPENTER_VERSION: KarpenterVersion = { major: 1, minor: 14, patch: 1 };

/**
 * The oldest release the research's version history covers (v0.12.0, VM_MEMORY_OVERHEAD, aws/karpenter-provider-aws
 * PR #1953); every behaviour change podcap models came later, so a release before it behaves as this one does.
 */
export const EARLIEST_KARPENTER_VERSION: KarpenterVersion = { major: 0, minor: 12, patch: 0 };

export function parseKarpenterVersion(text: string): ParseResult<KarpenterVersion> {
  const match = /^v?(\d{1,3})\.(\d{1,3})(?:\.(\d{1,4}))?(?:-[0-9A-Za-z.-]+)?$/.exec(text.trim());
  if (!match) return { ok: false, expected: 'a Karpenter version such as 1.5.1 or v1.6.0' };
  return {
    ok: true,
    value: { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3] ?? 0) },
  };
}

export function formatKarpenterVersion(version: KarpenterVersion): string {
  return `${version.major}.${version.minor}.${version.patch}`;
}

function compare(a: KarpenterVersion, b: KarpenterVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/**
 * A note for a version outside the releases podcap models, naming the one whose behaviour it simulates
 * instead (the features of an older release are the earliest's, those of a newer one the latest's); null inside.
 */
export function karpenterVersionNote(version: KarpenterVersion): string | null {
  const range = `v${formatKarpenterVersion(EARLIEST_KARPENTER_VERSION)} to v${formatKarpenterVersion(LATEST_KARPENTER_VERSION)}`;
  const given = `Karpenter v${formatKarpenterVersion(version)}`;
  if (compare(version, EARLIEST_KARPENTER_VERSION) < 0) {
    return `${given} is older than the releases podcap models (${range}): it is simulated as v${formatKarpenterVersion(EARLIEST_KARPENTER_VERSION)} behaves.`;
  }
  if (compare(version, LATEST_KARPENTER_VERSION) > 0) {
    return `${given} is newer than the releases podcap models (${range}): it is simulated as v${formatKarpenterVersion(LATEST_KARPENTER_VERSION)} behaves.`;
  }
  return null;
}

export function isAtLeast(version: KarpenterVersion, major: number, minor: number, patch: number): boolean {
  return compare(version, { major, minor, patch }) >= 0;
}

/**
 * Behaviour changes by release (research capacity-models.md §5, §9), each with the PR that made it.
 */
export interface KarpenterFeatures {
  /** RESERVED_ENIS exists and lowers ENI-limited pods; arm64 loses 64 MiB (v0.28.0, PRs #3516, #3940). */
  readonly reservedEnis: boolean;
  readonly graviton64MiB: boolean;
  /** Registered nodes' memory capacity replaces the estimate (v1.1.0, PR #7004). */
  readonly capacityCache: boolean;
  /** kube-reserved ignores RESERVED_ENIS for AL2/AL2023/Custom (v1.5.2 #8214, v1.6.0 #8205). */
  readonly kubeReservedIgnoresReservedEnis: boolean;
  /** evictionSoft no longer counts in allocatable (v1.9.0, PR #8565). */
  readonly onlyEvictionHard: boolean;
  /** EFA-only interfaces on card 0 lower ENI-limited pods and kube-reserved (v1.11.0, PR #9027). */
  readonly efaOnlyInterfaces: boolean;
}

export function karpenterFeatures(version: KarpenterVersion): KarpenterFeatures {
  return {
    reservedEnis: isAtLeast(version, 0, 28, 0),
    graviton64MiB: isAtLeast(version, 0, 28, 0),
    capacityCache: isAtLeast(version, 1, 1, 0),
    kubeReservedIgnoresReservedEnis: isAtLeast(version, 1, 5, 2),
    onlyEvictionHard: isAtLeast(version, 1, 9, 0),
    efaOnlyInterfaces: isAtLeast(version, 1, 11, 0),
  };
}
