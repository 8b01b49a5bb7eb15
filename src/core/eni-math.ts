/**
 * The ENI arithmetic every component shares. Each ENI's primary address is the ENI's own; the "+2"
 * is for the host-network pods aws-node and kube-proxy (amazon-vpc-cni-k8s misc/eni-max-pods.txt
 * header; scripts/gen_vpc_ip_limits.go). Research: capacity-models.md notation, vpc-cni-ipam.md §1, §8.
 */

/**
 * ENIs ipamd may attach on the default card: MAX_ENI caps the type's limit; a value below 1 is ignored
 * (getMaxENI, ipamd.go 1406-1422; vpc-cni-ipam.md §1).
 */
export function effectiveMaxEnis(typeLimit: number, maxEni: number | null): number {
  return maxEni !== null && maxEni >= 1 ? Math.min(typeLimit, maxEni) : typeLimit;
}

/** IPv4 addresses per prefix-delegation slot: one /28. */
export const ADDRESSES_PER_PREFIX = 16;

/** Pods the "+2" is for: aws-node and kube-proxy, both hostNetwork. */
export const HOST_NETWORK_PODS_ASSUMED = 2;

/** `ENI(e) = e·(I−1)+2`, and 0 when no ENI is left (Karpenter's ENILimitedPods clamps the same way). */
export function eniLimitedPods(enis: number, ipv4PerEni: number): number {
  return enis > 0 ? enis * (ipv4PerEni - 1) + 2 : 0;
}

/** `PD(e) = e·(I−1)·16+2`: each secondary slot holds a /28 (max-pods-calculator.sh, AL2). */
export function prefixDelegationPods(enis: number, ipv4PerEni: number): number {
  return enis * (ipv4PerEni - 1) * ADDRESSES_PER_PREFIX + 2;
}

/**
 * The VPC CNI's pod-IP capacity on the default card: `U·S` secondary IPs, or `U·S·16` with prefixes,
 * where `S = I−1` and `U` counts ENIs that carry pod addresses (vpc-cni-ipam.md §1, §4.1, §5, §6).
 */
export function podIpCapacity(podEnis: number, ipv4PerEni: number, prefixDelegation: boolean): number {
  if (podEnis <= 0) return 0;
  const slots = podEnis * (ipv4PerEni - 1);
  return prefixDelegation ? slots * ADDRESSES_PER_PREFIX : slots;
}

/**
 * max-pods-calculator.sh's recommendation ceiling: 110 up to 30 vCPUs, 250 above
 * (awslabs/amazon-eks-ami templates/al2/runtime/max-pods-calculator.sh L148-L161 @0ab8428).
 */
export function recommendedMaxPodsCeiling(vcpu: number): number {
  return vcpu > 30 ? 250 : 110;
}
