/**
 * One AWS subnet's IPv4 addresses as EC2 hands them out: single addresses (AssignPrivateIpAddresses,
 * CreateNetworkInterface) and /28 prefixes (prefix delegation), around AWS's five reserved addresses
 * and the subnet's CIDR reservations. Pure and persistent: every change returns a new subnet that
 * shares all untouched pages with the old one. No clock, no randomness: which free address EC2 picks
 * is undocumented (vpc-cni-ipam.md §13), so the model takes the lowest free one at or after a hint.
 *
 * Layout: the subnet is cut into aligned blocks of 16 addresses (the /28s a prefix can take). A block
 * is one 32-bit word, bits 0-15 the addresses in use and bit 16 "held as one prefix"; 64 blocks make a
 * page with its own counters, so a change copies the page table and the pages it touches, and a search
 * skips pages with nothing to offer.
 */
import { formatIpv4, type Ipv4Cidr, PREFIX_SIZE, SUBNET_PREFIX_LENGTH } from './cidr.js';

/** A subnet CIDR reservation (VPC user guide, "Subnet CIDR reservations"; EC2 CreateSubnetCidrReservation). */
export interface SubnetReservation {
  readonly cidr: Ipv4Cidr;
  /** `prefix`: EC2 assigns the range only as prefixes. `explicit`: EC2 never assigns it on its own. */
  readonly type: 'prefix' | 'explicit';
}

export interface SubnetSpec {
  readonly id: string;
  /** Already validated by `parseSubnetCidr` (/16 to /28, no host bits). */
  readonly cidr: Ipv4Cidr;
  readonly zone: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly reservations?: readonly SubnetReservation[];
}

/** Why a subnet spec was refused. */
export interface SubnetSpecError {
  readonly code: 'InvalidSubnetReservation';
  readonly message: string;
}

export type CreateSubnetResult =
  | { readonly ok: true; readonly subnet: Subnet }
  | { readonly ok: false; readonly error: SubnetSpecError };

export type Ec2ErrorCode = 'InsufficientFreeAddressesInSubnet' | 'InsufficientCidrBlocks';

/** An EC2 API error as EC2 words it: code and message. */
export interface Ec2Error {
  readonly code: Ec2ErrorCode;
  readonly message: string;
}

/** EC2's messages for address shortages (vpc-cni-ipam.md §7.3: PR aws/amazon-vpc-cni-k8s#1773, issue #1836). */
export const EC2_ERROR_MESSAGES: Readonly<Record<Ec2ErrorCode, string>> = {
  InsufficientFreeAddressesInSubnet: 'The specified subnet does not have enough free addresses to satisfy the request.',
  InsufficientCidrBlocks: 'The specified subnet does not have enough free cidr blocks to satisfy the request.',
};

export type AllocationResult =
  | { readonly ok: true; readonly addresses: readonly number[] }
  | { readonly ok: false; readonly error: Ec2Error };

/** The subnet after a request (the same value when it failed) and what EC2 answered. */
export interface Allocation {
  readonly subnet: Subnet;
  readonly result: AllocationResult;
}

/** Free space and how much of it a prefix can still use. */
export interface SubnetFragmentation {
  /** Addresses EC2 could still hand out, as single addresses or inside prefixes. */
  readonly freeAddresses: number;
  /** Whole free aligned /28 blocks a prefix can take. */
  readonly freePrefixBlocks: number;
  /** Of those, blocks inside `prefix` reservations. */
  readonly reservedPrefixBlocks: number;
  /** Free addresses outside any whole free /28 block: single addresses can take them, prefixes cannot. */
  readonly strandedAddresses: number;
}

/** What never changes after creation; shared by every version of a subnet. */
export interface AddressLayout {
  readonly blockCount: number;
  /** Per block, the addresses a single-address request may not take (AWS-reserved or in a reservation). */
  readonly singleForbidden: Uint16Array;
  /** Per block: 0 no prefix may take it, 1 the general pool, 2 inside a `prefix` reservation. */
  readonly prefixPool: Uint8Array;
  readonly usable: number;
}

/** 64 blocks and their counters. Never mutated once published in a subnet. */
export interface AddressPage {
  readonly words: Uint32Array;
  readonly freeSingles: number;
  readonly freeGeneralBlocks: number;
  readonly freeReservedBlocks: number;
}

/** The internal state of a subnet's addresses; read it through the query functions. */
export interface AddressMap {
  readonly layout: AddressLayout;
  readonly pages: readonly AddressPage[];
  readonly used: number;
  readonly freeSingles: number;
  readonly freeGeneralBlocks: number;
  readonly freeReservedBlocks: number;
}

/** One subnet: immutable; every operation returns a new value. */
export interface Subnet {
  readonly id: string;
  readonly cidr: Ipv4Cidr;
  readonly zone: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly reservations: readonly SubnetReservation[];
  readonly addressMap: AddressMap;
}

/** A caller broke the model's contract (released what it did not hold, asked for −1 addresses). */
export class SubnetInvariantError extends Error {
  readonly code = 'SUBNET_INVARIANT';
  constructor(message: string) {
    super(message);
    this.name = 'SubnetInvariantError';
  }
}

const BLOCKS_PER_PAGE = 64;
const PAGE_SHIFT = 6;
const FULL_MASK = 0xffff;
const PREFIX_HELD = 0x10000;
const POOL_NONE = 0;
const POOL_GENERAL = 1;
const POOL_RESERVED = 2;
/** AWS keeps the first four addresses and the last of every subnet (EC2 CreateSubnet; vpc-cni-ipam.md §7.2). */
const AWS_RESERVED_HEAD_MASK = 0x000f;
const AWS_RESERVED_TAIL_MASK = 0x8000;

// ---------------------------------------------------------------------------------------------------
// Creation

/**
 * Builds an empty subnet. Reservations must lie inside the subnet and not overlap one another (VPC user
 * guide, "Subnet CIDR reservations"); a `prefix` reservation must cover whole aligned /28 blocks, since
 * EC2 hands it out only as /28 prefixes. A reservation may cover AWS-reserved addresses; they stay AWS's.
 * Throws only if the CIDR itself is not a valid subnet (the caller should have used `parseSubnetCidr`).
 */
export function createSubnet(spec: SubnetSpec): CreateSubnetResult {
  const { cidr } = spec;
  if (
    cidr.prefixLength < SUBNET_PREFIX_LENGTH.min ||
    cidr.prefixLength > SUBNET_PREFIX_LENGTH.max ||
    cidr.size !== 2 ** (32 - cidr.prefixLength) ||
    cidr.base % cidr.size !== 0
  ) {
    throw new SubnetInvariantError(`createSubnet: ${cidr.text} is not a subnet CIDR from /16 to /28`);
  }
  const reservations = spec.reservations ?? [];
  const invalid = checkReservations(spec.id, cidr, reservations);
  if (invalid !== null) return { ok: false, error: { code: 'InvalidSubnetReservation', message: invalid } };

  const layout = buildLayout(cidr, reservations);
  const pages: AddressPage[] = [];
  for (let first = 0; first < layout.blockCount; first += BLOCKS_PER_PAGE) {
    const count = Math.min(BLOCKS_PER_PAGE, layout.blockCount - first);
    const page: MutablePage = {
      words: new Uint32Array(count),
      freeSingles: 0,
      freeGeneralBlocks: 0,
      freeReservedBlocks: 0,
    };
    for (let i = 0; i < count; i += 1) {
      const block = first + i;
      page.freeSingles += bitCount(~(layout.singleForbidden[block] ?? FULL_MASK) & FULL_MASK);
      const pool = layout.prefixPool[block];
      if (pool === POOL_GENERAL) page.freeGeneralBlocks += 1;
      if (pool === POOL_RESERVED) page.freeReservedBlocks += 1;
    }
    pages.push(page);
  }
  const addressMap: AddressMap = {
    layout,
    pages,
    used: 0,
    freeSingles: sum(pages, (p) => p.freeSingles),
    freeGeneralBlocks: sum(pages, (p) => p.freeGeneralBlocks),
    freeReservedBlocks: sum(pages, (p) => p.freeReservedBlocks),
  };
  const subnet: Subnet = {
    id: spec.id,
    cidr,
    zone: spec.zone,
    tags: Object.freeze({ ...spec.tags }),
    reservations: Object.freeze([...reservations]),
    addressMap,
  };
  return { ok: true, subnet };
}

function checkReservations(id: string, cidr: Ipv4Cidr, reservations: readonly SubnetReservation[]): string | null {
  for (const [index, reservation] of reservations.entries()) {
    const r = reservation.cidr;
    const label = `subnet ${id}: ${reservation.type} reservation ${r.text}`;
    if (r.base < cidr.base || r.base + r.size > cidr.base + cidr.size) {
      return `${label} is not inside the subnet ${cidr.text}`;
    }
    if (reservation.type === 'prefix' && (r.base % PREFIX_SIZE !== 0 || r.size % PREFIX_SIZE !== 0)) {
      return `${label} does not cover whole aligned /28 blocks; a prefix reservation needs /28 or shorter`;
    }
    for (const other of reservations.slice(0, index)) {
      const o = other.cidr;
      if (r.base < o.base + o.size && o.base < r.base + r.size) {
        return `${label} overlaps ${other.type} reservation ${o.text}`;
      }
    }
  }
  return null;
}

function buildLayout(cidr: Ipv4Cidr, reservations: readonly SubnetReservation[]): AddressLayout {
  const blockCount = cidr.size / PREFIX_SIZE;
  const aws = new Uint16Array(blockCount);
  aws[0] = (aws[0] ?? 0) | AWS_RESERVED_HEAD_MASK;
  aws[blockCount - 1] = (aws[blockCount - 1] ?? 0) | AWS_RESERVED_TAIL_MASK;
  const explicit = new Uint16Array(blockCount);
  const prefixReserved = new Uint8Array(blockCount);
  for (const reservation of reservations) {
    const from = reservation.cidr.base - cidr.base;
    const to = from + reservation.cidr.size;
    if (reservation.type === 'prefix') {
      for (let block = from / PREFIX_SIZE; block < to / PREFIX_SIZE; block += 1) prefixReserved[block] = 1;
      continue;
    }
    for (let block = from >> 4; block <= (to - 1) >> 4; block += 1) {
      explicit[block] = (explicit[block] ?? 0) | rangeMask(block, from, to);
    }
  }
  const singleForbidden = new Uint16Array(blockCount);
  const prefixPool = new Uint8Array(blockCount);
  let usable = 0;
  for (let block = 0; block < blockCount; block += 1) {
    const blocked = (aws[block] ?? 0) | (explicit[block] ?? 0);
    const reserved = prefixReserved[block] === 1;
    singleForbidden[block] = reserved ? FULL_MASK : blocked;
    prefixPool[block] = blocked !== 0 ? POOL_NONE : reserved ? POOL_RESERVED : POOL_GENERAL;
    // Usable: what EC2 could hand out on its own, as singles or inside a prefix.
    usable += reserved ? (blocked === 0 ? PREFIX_SIZE : 0) : PREFIX_SIZE - bitCount(blocked);
  }
  return { blockCount, singleForbidden, prefixPool, usable };
}

// ---------------------------------------------------------------------------------------------------
// Changes

type MutablePage = { -readonly [K in keyof AddressPage]: AddressPage[K] };

/** A change under way: copies the page table once and each page on its first write. */
class Draft {
  readonly layout: AddressLayout;
  readonly pages: AddressPage[];
  private readonly copied = new Set<number>();
  used: number;
  freeSingles: number;
  freeGeneralBlocks: number;
  freeReservedBlocks: number;

  constructor(map: AddressMap) {
    this.layout = map.layout;
    this.pages = [...map.pages];
    this.used = map.used;
    this.freeSingles = map.freeSingles;
    this.freeGeneralBlocks = map.freeGeneralBlocks;
    this.freeReservedBlocks = map.freeReservedBlocks;
  }

  word(block: number): number {
    return this.pages[block >> PAGE_SHIFT]?.words[block & (BLOCKS_PER_PAGE - 1)] ?? 0;
  }

  writablePage(pageIndex: number): MutablePage {
    const page = this.pages[pageIndex] as AddressPage;
    if (this.copied.has(pageIndex)) return page;
    const copy: MutablePage = { ...page, words: page.words.slice() };
    this.pages[pageIndex] = copy;
    this.copied.add(pageIndex);
    return copy;
  }

  /** Marks the addresses in `bits` of a block in use as single addresses. */
  takeSingles(block: number, bits: number): void {
    const page = this.writablePage(block >> PAGE_SHIFT);
    const slot = block & (BLOCKS_PER_PAGE - 1);
    const before = page.words[slot] ?? 0;
    const count = bitCount(bits);
    page.words[slot] = before | bits;
    page.freeSingles -= count;
    this.freeSingles -= count;
    this.used += count;
    if (before === 0 && this.layout.prefixPool[block] === POOL_GENERAL) {
      page.freeGeneralBlocks -= 1;
      this.freeGeneralBlocks -= 1;
    }
  }

  releaseSingle(block: number, bit: number): void {
    const page = this.writablePage(block >> PAGE_SHIFT);
    const slot = block & (BLOCKS_PER_PAGE - 1);
    const after = (page.words[slot] ?? 0) & ~bit;
    page.words[slot] = after;
    page.freeSingles += 1;
    this.freeSingles += 1;
    this.used -= 1;
    if (after === 0 && this.layout.prefixPool[block] === POOL_GENERAL) {
      page.freeGeneralBlocks += 1;
      this.freeGeneralBlocks += 1;
    }
  }

  setPrefix(block: number, held: boolean): void {
    const page = this.writablePage(block >> PAGE_SHIFT);
    page.words[block & (BLOCKS_PER_PAGE - 1)] = held ? FULL_MASK | PREFIX_HELD : 0;
    const sign = held ? -1 : 1;
    this.used -= sign * PREFIX_SIZE;
    if (this.layout.prefixPool[block] === POOL_RESERVED) {
      page.freeReservedBlocks += sign;
      this.freeReservedBlocks += sign;
    } else {
      page.freeGeneralBlocks += sign;
      this.freeGeneralBlocks += sign;
      page.freeSingles += sign * PREFIX_SIZE;
      this.freeSingles += sign * PREFIX_SIZE;
    }
  }

  finish(subnet: Subnet): Subnet {
    const addressMap: AddressMap = {
      layout: this.layout,
      pages: this.pages,
      used: this.used,
      freeSingles: this.freeSingles,
      freeGeneralBlocks: this.freeGeneralBlocks,
      freeReservedBlocks: this.freeReservedBlocks,
    };
    return { ...subnet, addressMap };
  }
}

function failure(subnet: Subnet, code: Ec2ErrorCode): Allocation {
  return { subnet, result: { ok: false, error: { code, message: EC2_ERROR_MESSAGES[code] } } };
}

function checkCount(operation: string, count: number): void {
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new SubnetInvariantError(`${operation}: count ${count} is not a whole number of 0 or more`);
  }
}

function normalizeHint(operation: string, hint: number, size: number): number {
  if (!Number.isSafeInteger(hint)) throw new SubnetInvariantError(`${operation}: startHint ${hint} is not an integer`);
  return ((hint % size) + size) % size;
}

/**
 * Assigns `count` single addresses in one request, all or none (one AssignPrivateIpAddresses or
 * CreateNetworkInterface call). Takes the lowest free addresses at or after `startHint` (an offset into
 * the subnet, wrapping around), never AWS-reserved, reserved or used ones. Fails with
 * InsufficientFreeAddressesInSubnet when fewer are free. Returns absolute addresses, lowest-first from
 * the hint.
 */
export function allocateAddresses(subnet: Subnet, count: number, startHint = 0): Allocation {
  checkCount('allocateAddresses', count);
  const map = subnet.addressMap;
  const hint = normalizeHint('allocateAddresses', startHint, subnet.cidr.size);
  if (count === 0) return { subnet, result: { ok: true, addresses: [] } };
  if (count > map.freeSingles) return failure(subnet, 'InsufficientFreeAddressesInSubnet');
  const draft = new Draft(map);
  const offsets: number[] = [];
  takeSinglesIn(draft, hint, subnet.cidr.size, count, offsets);
  if (offsets.length < count) takeSinglesIn(draft, 0, hint, count, offsets);
  const base = subnet.cidr.base;
  return { subnet: draft.finish(subnet), result: { ok: true, addresses: offsets.map((o) => base + o) } };
}

/** Takes free single addresses at offsets [from, to) until `offsets` holds `count`. */
function takeSinglesIn(draft: Draft, from: number, to: number, count: number, offsets: number[]): void {
  if (from >= to) return;
  const { singleForbidden } = draft.layout;
  const firstBlock = from >> 4;
  const lastBlock = (to - 1) >> 4;
  for (let pageIndex = firstBlock >> PAGE_SHIFT; pageIndex <= lastBlock >> PAGE_SHIFT; pageIndex += 1) {
    if ((draft.pages[pageIndex]?.freeSingles ?? 0) === 0) continue;
    const start = Math.max(firstBlock, pageIndex << PAGE_SHIFT);
    const end = Math.min(lastBlock, ((pageIndex + 1) << PAGE_SHIFT) - 1);
    for (let block = start; block <= end; block += 1) {
      let free = ~(draft.word(block) | (singleForbidden[block] ?? FULL_MASK)) & rangeMask(block, from, to);
      if (free === 0) continue;
      let taken = 0;
      while (free !== 0 && offsets.length < count) {
        const bit = free & -free;
        free ^= bit;
        taken |= bit;
        offsets.push((block << 4) + 31 - Math.clz32(bit));
      }
      draft.takeSingles(block, taken);
      if (offsets.length === count) return;
    }
  }
}

/**
 * Assigns `count` /28 prefixes in one request, all or none. Each is a whole free aligned /28 with no
 * AWS-reserved or explicitly reserved address. Blocks inside `prefix` reservations go first, then the
 * general pool, as EC2 tries a reservation first (vpc-cni-ipam.md §4.4, issue #2749); within each, the
 * lowest block at or after `startHint`, wrapping. Fails with InsufficientCidrBlocks when too few whole
 * blocks are free, however many single addresses are. Returns the prefixes' first addresses.
 */
export function allocatePrefixes(subnet: Subnet, count: number, startHint = 0): Allocation {
  checkCount('allocatePrefixes', count);
  const map = subnet.addressMap;
  const hint = normalizeHint('allocatePrefixes', startHint, subnet.cidr.size);
  if (count === 0) return { subnet, result: { ok: true, addresses: [] } };
  if (count > map.freeGeneralBlocks + map.freeReservedBlocks) return failure(subnet, 'InsufficientCidrBlocks');
  const draft = new Draft(map);
  const blocks: number[] = [];
  const startBlock = Math.ceil(hint / PREFIX_SIZE) % map.layout.blockCount;
  for (const pool of [POOL_RESERVED, POOL_GENERAL]) {
    takePrefixesIn(draft, pool, startBlock, map.layout.blockCount, count, blocks);
    takePrefixesIn(draft, pool, 0, startBlock, count, blocks);
  }
  const base = subnet.cidr.base;
  return { subnet: draft.finish(subnet), result: { ok: true, addresses: blocks.map((b) => base + b * PREFIX_SIZE) } };
}

function takePrefixesIn(draft: Draft, pool: number, from: number, to: number, count: number, blocks: number[]): void {
  if (from >= to || blocks.length === count) return;
  const { prefixPool } = draft.layout;
  for (let pageIndex = from >> PAGE_SHIFT; pageIndex <= (to - 1) >> PAGE_SHIFT; pageIndex += 1) {
    const page = draft.pages[pageIndex];
    const free = pool === POOL_RESERVED ? page?.freeReservedBlocks : page?.freeGeneralBlocks;
    if ((free ?? 0) === 0) continue;
    const end = Math.min(to, (pageIndex + 1) << PAGE_SHIFT);
    for (let block = Math.max(from, pageIndex << PAGE_SHIFT); block < end; block += 1) {
      if (prefixPool[block] !== pool || draft.word(block) !== 0) continue;
      draft.setPrefix(block, true);
      blocks.push(block);
      if (blocks.length === count) return;
    }
  }
}

function offsetOf(operation: string, subnet: Subnet, address: number): number {
  const offset = address - subnet.cidr.base;
  if (!Number.isSafeInteger(address) || offset < 0 || offset >= subnet.cidr.size) {
    throw new SubnetInvariantError(`${operation}: address ${formatAddress(address)} is not in subnet ${subnet.id}`);
  }
  return offset;
}

/** Gives single addresses back. Throws SubnetInvariantError if one was not allocated as a single address. */
export function releaseAddresses(subnet: Subnet, addresses: readonly number[]): Subnet {
  if (addresses.length === 0) return subnet;
  const draft = new Draft(subnet.addressMap);
  for (const address of addresses) {
    const offset = offsetOf('releaseAddresses', subnet, address);
    const block = offset >> 4;
    const bit = 1 << (offset & 15);
    const word = draft.word(block);
    if ((word & PREFIX_HELD) !== 0) {
      throw new SubnetInvariantError(
        `releaseAddresses: ${formatAddress(address)} in subnet ${subnet.id} is part of a prefix, not a single address`,
      );
    }
    if ((word & bit) === 0) {
      throw new SubnetInvariantError(
        `releaseAddresses: ${formatAddress(address)} in subnet ${subnet.id} is not allocated`,
      );
    }
    draft.releaseSingle(block, bit);
  }
  return draft.finish(subnet);
}

/** Gives prefixes back by their first address. Throws SubnetInvariantError if one is not an allocated prefix. */
export function releasePrefixes(subnet: Subnet, prefixBases: readonly number[]): Subnet {
  if (prefixBases.length === 0) return subnet;
  const draft = new Draft(subnet.addressMap);
  for (const address of prefixBases) {
    const offset = offsetOf('releasePrefixes', subnet, address);
    const block = offset >> 4;
    if (offset % PREFIX_SIZE !== 0 || (draft.word(block) & PREFIX_HELD) === 0) {
      throw new SubnetInvariantError(
        `releasePrefixes: ${formatAddress(address)} in subnet ${subnet.id} is not an allocated prefix`,
      );
    }
    draft.setPrefix(block, false);
  }
  return draft.finish(subnet);
}

// ---------------------------------------------------------------------------------------------------
// Queries: all O(1), read from the counters.

/**
 * Addresses EC2 may hand out on its own: the subnet's size less AWS's five, less explicitly reserved
 * addresses, less the addresses of a `prefix` reservation that no prefix can take (its blocks holding
 * AWS-reserved addresses). Addresses in `prefix` reservations count: prefixes take them.
 */
export function usableAddresses(subnet: Subnet): number {
  return subnet.addressMap.layout.usable;
}

/** Addresses handed out, as single addresses or inside prefixes. */
export function usedAddresses(subnet: Subnet): number {
  return subnet.addressMap.used;
}

/** Usable addresses not handed out (single-address space and prefix space together). */
export function freeAddresses(subnet: Subnet): number {
  return subnet.addressMap.layout.usable - subnet.addressMap.used;
}

/** Free addresses a single-address request can take: outside `prefix` reservations. */
export function freeSingleAddresses(subnet: Subnet): number {
  return subnet.addressMap.freeSingles;
}

/** Whole free aligned /28 blocks a prefix request can take, reserved and general pool together. */
export function freePrefixBlocks(subnet: Subnet): number {
  return subnet.addressMap.freeGeneralBlocks + subnet.addressMap.freeReservedBlocks;
}

/** Whether an address is in use (alone or in a prefix). False outside the subnet and for AWS's five. */
export function isAllocated(subnet: Subnet, address: number): boolean {
  const offset = address - subnet.cidr.base;
  if (!Number.isSafeInteger(address) || offset < 0 || offset >= subnet.cidr.size) return false;
  const pages = subnet.addressMap.pages;
  const block = offset >> 4;
  const word = pages[block >> PAGE_SHIFT]?.words[block & (BLOCKS_PER_PAGE - 1)] ?? 0;
  return (word & (1 << (offset & 15))) !== 0;
}

export function fragmentation(subnet: Subnet): SubnetFragmentation {
  const free = freeAddresses(subnet);
  const blocks = freePrefixBlocks(subnet);
  return {
    freeAddresses: free,
    freePrefixBlocks: blocks,
    reservedPrefixBlocks: subnet.addressMap.freeReservedBlocks,
    strandedAddresses: free - blocks * PREFIX_SIZE,
  };
}

// ---------------------------------------------------------------------------------------------------
// Bits

/** The bits of `block` whose offsets lie in [from, to). */
function rangeMask(block: number, from: number, to: number): number {
  const blockStart = block << 4;
  const low = Math.max(0, from - blockStart);
  const high = Math.min(16, to - blockStart);
  if (high <= low) return 0;
  return (FULL_MASK << low) & (FULL_MASK >>> (16 - high)) & FULL_MASK;
}

function bitCount(mask: number): number {
  let v = mask - ((mask >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

function sum<T>(items: readonly T[], value: (item: T) => number): number {
  return items.reduce((total, item) => total + value(item), 0);
}

function formatAddress(address: number): string {
  return Number.isSafeInteger(address) && address >= 0 && address <= 0xffffffff ? formatIpv4(address) : String(address);
}
