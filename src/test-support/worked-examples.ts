/**
 * Published worked examples that more than one model must reproduce: one table, every model tested
 * against it.
 */

/**
 * m5.large with WARM_IP_TARGET=5 and MINIMUM_IP_TARGET=10 (vpc-cni-ipam.md §3.9): pods that need an IP,
 * secondary IPs on each ENI, and free addresses.
 */
export const M5_LARGE_WARM_IP_5_MINIMUM_10: readonly (readonly [number, readonly number[], number])[] = [
  [0, [9, 1], 10],
  [1, [9, 1], 9],
  [5, [9, 1], 5],
  [6, [9, 2], 5],
  [9, [9, 5], 5],
  [10, [9, 6], 5],
  [13, [9, 9], 5],
  [14, [9, 9, 1], 5],
  [20, [9, 9, 7], 5],
  [22, [9, 9, 9], 5],
  [27, [9, 9, 9], 0],
];
