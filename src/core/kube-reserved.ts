import { MEBIBYTE } from './quantity.js';

/**
 * kubeReserved.cpu tiers shared by AL2 bootstrap.sh, AL2023 nodeadm, Bottlerocket and Karpenter:
 * 6% of the first core, 1% of the second, 0.5% of cores 3-4, 0.25% above, truncated per tier
 * (amazon-eks-ami bootstrap.sh L243-L302 @0ab8428; nodeadm config.go L410-L444; research
 * capacity-models.md §2.3, §3, §5.3: all three agree for every whole CPU count).
 */
const CPU_TIERS: readonly { startMillis: number; endMillis: number; basisPoints: number }[] = [
  { startMillis: 0, endMillis: 1000, basisPoints: 600 },
  { startMillis: 1000, endMillis: 2000, basisPoints: 100 },
  { startMillis: 2000, endMillis: 4000, basisPoints: 50 },
  { startMillis: 4000, endMillis: Number.POSITIVE_INFINITY, basisPoints: 25 },
];

export function kubeReservedCpuMillis(cpus: number): number {
  const totalMillis = cpus * 1000;
  let reserved = 0;
  for (const tier of CPU_TIERS) {
    if (totalMillis <= tier.startMillis) continue;
    reserved += Math.trunc(((Math.min(totalMillis, tier.endMillis) - tier.startMillis) * tier.basisPoints) / 10000);
  }
  return reserved;
}

/** kubeReserved.memory = 11·pods + 255 MiB (amazon-eks-ami PR #419; Karpenter types.go kubeReservedResources). */
export function kubeReservedMemoryBytes(pods: number): number {
  return (11 * pods + 255) * MEBIBYTE;
}
