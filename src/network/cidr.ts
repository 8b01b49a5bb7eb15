import ipaddr from 'ipaddr.js';
import type { ParseResult } from '../core/quantity.js';

/** An IPv4 CIDR block: its first address as an unsigned 32-bit integer and its prefix length. */
export interface Ipv4Cidr {
  readonly text: string;
  readonly base: number;
  readonly prefixLength: number;
  /** Addresses in the block, 2^(32−prefixLength). */
  readonly size: number;
}

/** A subnet's prefix length must lie between /16 and /28 (EC2 CreateSubnet). */
export const SUBNET_PREFIX_LENGTH = { min: 16, max: 28 } as const;

/** The first four addresses and the last of every subnet are AWS's (EC2 CreateSubnet; vpc-cni-ipam.md §7.2). */
export const AWS_RESERVED_ADDRESSES_PER_SUBNET = 5;

/** Addresses in one prefix-delegation /28. */
export const PREFIX_SIZE = 16;

/** Parses `a.b.c.d/n` (four-part decimal only), refusing host bits set below the prefix. */
export function parseIpv4Cidr(text: string): ParseResult<Ipv4Cidr> {
  const trimmed = text.trim();
  const [address = '', length] = trimmed.split('/');
  if (length === undefined || !/^\d{1,2}$/.test(length) || !ipaddr.IPv4.isValidFourPartDecimal(address)) {
    return { ok: false, expected: 'an IPv4 CIDR such as 10.0.0.0/24' };
  }
  const prefixLength = Number(length);
  if (prefixLength > 32) return { ok: false, expected: 'a prefix length from /0 to /32' };
  const base = addressToNumber(ipaddr.IPv4.parse(address).octets);
  const size = 2 ** (32 - prefixLength);
  if (base % size !== 0) {
    return {
      ok: false,
      expected: `a network address without host bits (${formatIpv4(base - (base % size))}/${prefixLength})`,
    };
  }
  return { ok: true, value: { text: `${address}/${prefixLength}`, base, prefixLength, size } };
}

/** Parses a subnet CIDR: as {@link parseIpv4Cidr}, and its length within /16–/28. */
export function parseSubnetCidr(text: string): ParseResult<Ipv4Cidr> {
  const parsed = parseIpv4Cidr(text);
  if (!parsed.ok) return parsed;
  const { prefixLength } = parsed.value;
  if (prefixLength < SUBNET_PREFIX_LENGTH.min || prefixLength > SUBNET_PREFIX_LENGTH.max) {
    return { ok: false, expected: 'a subnet prefix length from /16 to /28' };
  }
  return parsed;
}

export function addressToNumber(octets: readonly number[]): number {
  return (((octets[0] ?? 0) * 256 + (octets[1] ?? 0)) * 256 + (octets[2] ?? 0)) * 256 + (octets[3] ?? 0);
}

export function formatIpv4(address: number): string {
  return [address >>> 24, (address >>> 16) & 255, (address >>> 8) & 255, address & 255].join('.');
}

export function cidrsOverlap(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  return a.base < b.base + b.size && b.base < a.base + a.size;
}

export function contains(outer: Ipv4Cidr, inner: Ipv4Cidr): boolean {
  return inner.base >= outer.base && inner.base + inner.size <= outer.base + outer.size;
}

/** Usable addresses of a subnet: its size less AWS's five. */
export function usableAddresses(cidr: Ipv4Cidr): number {
  return cidr.size - AWS_RESERVED_ADDRESSES_PER_SUBNET;
}

/**
 * Aligned /28 blocks that can become prefixes in an empty subnet: every block but the first (it holds
 * the four reserved addresses) and the last (it holds the broadcast one); a /28 subnet has none.
 */
export function prefixBlocks(cidr: Ipv4Cidr): number {
  const blocks = cidr.size / PREFIX_SIZE;
  return blocks <= 2 ? 0 : blocks - 2;
}
