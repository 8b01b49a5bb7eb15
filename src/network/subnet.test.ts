import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatIpv4,
  type Ipv4Cidr,
  parseIpv4Cidr,
  parseSubnetCidr,
  prefixBlocks,
  usableAddresses as usableOf,
} from './cidr.js';
import {
  allocateAddresses,
  allocatePrefixes,
  createSubnet,
  EC2_ERROR_MESSAGES,
  fragmentation,
  freeAddresses,
  freePrefixBlocks,
  freeSingleAddresses,
  isAllocated,
  releaseAddresses,
  releasePrefixes,
  type Subnet,
  type SubnetReservation,
  usableAddresses,
  usedAddresses,
} from './subnet.js';

function cidr(text: string): Ipv4Cidr {
  const parsed = parseIpv4Cidr(text);
  if (!parsed.ok) throw new Error(`${text}: ${parsed.expected}`);
  return parsed.value;
}

function reservation(text: string, type: 'prefix' | 'explicit'): SubnetReservation {
  return { cidr: cidr(text), type };
}

function subnet(text: string, reservations: SubnetReservation[] = []): Subnet {
  const parsed = parseSubnetCidr(text);
  if (!parsed.ok) throw new Error(`${text}: ${parsed.expected}`);
  const created = createSubnet({ id: 'subnet-a', cidr: parsed.value, zone: 'us-east-1a', reservations });
  if (!created.ok) throw new Error(created.error.message);
  return created.subnet;
}

function ip(text: string): number {
  return cidr(`${text}/32`).base;
}

function addressesOf(result: ReturnType<typeof allocateAddresses>): string[] {
  if (!result.result.ok) throw new Error(result.result.error.message);
  return result.result.addresses.map(formatIpv4);
}

describe('subnet: empty subnets', () => {
  // Usable: size less AWS's five (EC2 CreateSubnet; vpc-cni-ipam.md §7.2: "A /24 therefore has 251").
  // Prefix blocks: every aligned /28 but the first and the last (vpc-cni-ipam.md §4.4, simulator note).
  it.each([
    ['10.0.0.0/16', 65531, 4094],
    ['10.0.0.0/20', 4091, 254],
    ['10.0.0.0/24', 251, 14],
    ['10.0.0.0/26', 59, 2],
    ['10.0.0.0/27', 27, 0],
    ['10.0.0.0/28', 11, 0],
  ])('%s: %i usable addresses, %i /28 prefix blocks', (text, usable, blocks) => {
    const s = subnet(text);
    expect([usableAddresses(s), freeAddresses(s), freeSingleAddresses(s), usedAddresses(s)]).toEqual([
      usable,
      usable,
      usable,
      0,
    ]);
    expect(freePrefixBlocks(s)).toBe(blocks);
    expect([usableOf(s.cidr), prefixBlocks(s.cidr)]).toEqual([usable, blocks]);
  });

  it('never hands out the first four addresses or the last', () => {
    const s = subnet('10.0.0.0/28');
    const all = addressesOf(allocateAddresses(s, 11));
    expect(all).toEqual(Array.from({ length: 11 }, (_, i) => `10.0.0.${i + 4}`));
  });
});

describe('subnet: single addresses', () => {
  it('takes the lowest free addresses and counts them', () => {
    const first = allocateAddresses(subnet('10.0.0.0/24'), 3);
    expect(addressesOf(first)).toEqual(['10.0.0.4', '10.0.0.5', '10.0.0.6']);
    expect([usedAddresses(first.subnet), freeAddresses(first.subnet)]).toEqual([3, 248]);
    expect(addressesOf(allocateAddresses(first.subnet, 1))).toEqual(['10.0.0.7']);
  });

  it('exhaustion: InsufficientFreeAddressesInSubnet with EC2 message, all or nothing', () => {
    const full = allocateAddresses(subnet('10.0.0.0/28'), 10).subnet;
    const tooMany = allocateAddresses(full, 2);
    expect(tooMany.result).toEqual({
      ok: false,
      error: {
        code: 'InsufficientFreeAddressesInSubnet',
        message: 'The specified subnet does not have enough free addresses to satisfy the request.',
      },
    });
    expect(tooMany.subnet).toBe(full);
    expect(freeAddresses(full)).toBe(1);
    const last = allocateAddresses(full, 1);
    expect(addressesOf(last)).toEqual(['10.0.0.14']);
    expect(allocateAddresses(last.subnet, 1).result).toMatchObject({
      ok: false,
      error: { code: 'InsufficientFreeAddressesInSubnet' },
    });
  });

  it('startHint: the lowest free address at or after the hint, wrapping around', () => {
    const s = subnet('10.0.0.0/24');
    expect(addressesOf(allocateAddresses(s, 7, 250))).toEqual([
      '10.0.0.250',
      '10.0.0.251',
      '10.0.0.252',
      '10.0.0.253',
      '10.0.0.254',
      '10.0.0.4',
      '10.0.0.5',
    ]);
    expect(addressesOf(allocateAddresses(s, 1, 255))).toEqual(['10.0.0.4']);
    expect(addressesOf(allocateAddresses(s, 1, 256 + 40))).toEqual(['10.0.0.40']);
    expect(addressesOf(allocateAddresses(s, 1, -6))).toEqual(['10.0.0.250']);
    const taken = allocateAddresses(s, 1, 40).subnet;
    expect(addressesOf(allocateAddresses(taken, 2, 40))).toEqual(['10.0.0.41', '10.0.0.42']);
  });

  it('count 0 is a no-op; a negative or fractional count is a bug in the caller', () => {
    const s = subnet('10.0.0.0/24');
    expect(allocateAddresses(s, 0)).toEqual({ subnet: s, result: { ok: true, addresses: [] } });
    expect(() => allocateAddresses(s, -1)).toThrow('allocateAddresses: count -1 is not a whole number of 0 or more');
    expect(() => allocatePrefixes(s, 1.5)).toThrow('allocatePrefixes: count 1.5 is not a whole number of 0 or more');
  });
});

describe('subnet: prefixes', () => {
  it('takes whole aligned /28 blocks, skipping blocks with any address in use', () => {
    const singles = allocateAddresses(subnet('10.0.0.0/24'), 13).subnet;
    const prefixes = allocatePrefixes(singles, 2);
    expect(addressesOf(prefixes)).toEqual(['10.0.0.32', '10.0.0.48']);
    expect([usedAddresses(prefixes.subnet), freePrefixBlocks(prefixes.subnet)]).toEqual([13 + 32, 11]);
    for (let offset = 32; offset < 64; offset += 1)
      expect(isAllocated(prefixes.subnet, ip('10.0.0.0') + offset)).toBe(true);
    expect(addressesOf(allocateAddresses(prefixes.subnet, 1, 30))).toEqual(['10.0.0.30']);
    expect(addressesOf(allocateAddresses(prefixes.subnet, 3, 31))).toEqual(['10.0.0.31', '10.0.0.64', '10.0.0.65']);
  });

  it('startHint: the first block starting at or after the hint, wrapping around', () => {
    const s = subnet('10.0.0.0/24');
    expect(addressesOf(allocatePrefixes(s, 2, 200))).toEqual(['10.0.0.208', '10.0.0.224']);
    expect(addressesOf(allocatePrefixes(s, 2, 225))).toEqual(['10.0.0.16', '10.0.0.32']);
  });

  it('the fragmented-subnet failure mode (§4.4): one address in every /28, then InsufficientCidrBlocks', () => {
    let s = subnet('10.0.0.0/24');
    for (let block = 1; block < 15; block += 1) s = allocateAddresses(s, 1, block * 16 + 7).subnet;
    const refused = allocatePrefixes(s, 1);
    expect(refused.result).toEqual({
      ok: false,
      error: {
        code: 'InsufficientCidrBlocks',
        message: 'The specified subnet does not have enough free cidr blocks to satisfy the request.',
      },
    });
    expect(refused.subnet).toBe(s);
    expect(freeAddresses(s)).toBe(251 - 14);
    expect(fragmentation(s)).toEqual({
      freeAddresses: 237,
      freePrefixBlocks: 0,
      reservedPrefixBlocks: 0,
      strandedAddresses: 237,
    });
    // Single addresses still come.
    expect(allocateAddresses(s, 200).result.ok).toBe(true);
  });

  it('asks for more blocks than are free: InsufficientCidrBlocks, nothing taken', () => {
    const s = subnet('10.0.0.0/24');
    const refused = allocatePrefixes(s, 15);
    expect(refused.result).toMatchObject({ ok: false, error: { code: 'InsufficientCidrBlocks' } });
    expect(refused.subnet).toBe(s);
    expect(allocatePrefixes(s, 14).result.ok).toBe(true);
  });

  it('a /28 subnet has no room for a prefix', () => {
    expect(allocatePrefixes(subnet('10.0.0.0/28'), 1).result).toMatchObject({
      ok: false,
      error: { code: 'InsufficientCidrBlocks' },
    });
  });
});

describe('subnet: CIDR reservations', () => {
  it('a prefix reservation goes to prefixes first and never to single addresses', () => {
    const s = subnet('10.0.0.0/24', [reservation('10.0.0.128/27', 'prefix')]);
    expect([usableAddresses(s), freeSingleAddresses(s), freePrefixBlocks(s)]).toEqual([251, 219, 14]);
    expect(fragmentation(s).reservedPrefixBlocks).toBe(2);
    const prefixes = allocatePrefixes(s, 3);
    expect(addressesOf(prefixes)).toEqual(['10.0.0.128', '10.0.0.144', '10.0.0.16']);

    const singles = allocateAddresses(s, 219);
    const taken = addressesOf(singles).map((a) => ip(a) - ip('10.0.0.0'));
    expect(taken.filter((offset) => offset >= 128 && offset < 160)).toEqual([]);
    expect(allocateAddresses(singles.subnet, 1).result).toMatchObject({
      ok: false,
      error: { code: 'InsufficientFreeAddressesInSubnet' },
    });
    expect([freeAddresses(singles.subnet), freePrefixBlocks(singles.subnet)]).toEqual([32, 2]);
    expect(addressesOf(allocatePrefixes(singles.subnet, 2))).toEqual(['10.0.0.128', '10.0.0.144']);
  });

  it('explicit reservations are never handed out', () => {
    const s = subnet('10.0.0.0/24', [reservation('10.0.0.64/26', 'explicit'), reservation('10.0.0.20/30', 'explicit')]);
    expect([usableAddresses(s), freePrefixBlocks(s)]).toEqual([251 - 64 - 4, 14 - 4 - 1]);
    const all = allocateAddresses(s, usableAddresses(s));
    const offsets = addressesOf(all).map((a) => ip(a) - ip('10.0.0.0'));
    expect(offsets.filter((o) => (o >= 64 && o < 128) || (o >= 20 && o < 24))).toEqual([]);
    expect(allocateAddresses(all.subnet, 1).result.ok).toBe(false);
    const prefixes = allocatePrefixes(s, 9);
    expect(addressesOf(prefixes).map((a) => ip(a) - ip('10.0.0.0'))).toEqual([
      32, 48, 128, 144, 160, 176, 192, 208, 224,
    ]);
  });

  it('a reservation may cover AWS-reserved addresses; they stay unusable', () => {
    const explicit = subnet('10.0.0.0/24', [reservation('10.0.0.0/28', 'explicit')]);
    expect([usableAddresses(explicit), freePrefixBlocks(explicit), freeSingleAddresses(explicit)]).toEqual([
      251 - 12,
      14,
      251 - 12,
    ]);
    // A prefix reservation over the last block: no prefix can take it (10.0.0.255 is AWS's), nor can singles.
    const prefix = subnet('10.0.0.0/24', [reservation('10.0.0.240/28', 'prefix')]);
    expect([usableAddresses(prefix), freePrefixBlocks(prefix), freeSingleAddresses(prefix)]).toEqual([
      251 - 15,
      14,
      251 - 15,
    ]);
  });

  it.each([
    [
      '10.0.1.0/28',
      'explicit',
      [],
      'subnet subnet-a: explicit reservation 10.0.1.0/28 is not inside the subnet 10.0.0.0/24',
    ],
    [
      '10.0.0.0/23',
      'prefix',
      [],
      'subnet subnet-a: prefix reservation 10.0.0.0/23 is not inside the subnet 10.0.0.0/24',
    ],
    [
      '10.0.0.16/29',
      'prefix',
      [],
      'subnet subnet-a: prefix reservation 10.0.0.16/29 does not cover whole aligned /28 blocks; a prefix reservation needs /28 or shorter',
    ],
    [
      '10.0.0.36/30',
      'explicit',
      [reservation('10.0.0.32/28', 'prefix')],
      'subnet subnet-a: explicit reservation 10.0.0.36/30 overlaps prefix reservation 10.0.0.32/28',
    ],
  ] as const)('refuses reservation %s (%s) as data', (text, type, others, message) => {
    const created = createSubnet({
      id: 'subnet-a',
      cidr: cidr('10.0.0.0/24'),
      zone: 'us-east-1a',
      reservations: [...others, reservation(text, type)],
    });
    expect(created).toEqual({ ok: false, error: { code: 'InvalidSubnetReservation', message } });
  });
});

describe('subnet: releases', () => {
  it('released addresses and prefixes come back', () => {
    const s = subnet('10.0.0.0/24');
    const singles = allocateAddresses(s, 3);
    const prefixes = allocatePrefixes(singles.subnet, 1);
    expect(addressesOf(prefixes)).toEqual(['10.0.0.16']);
    let back = releaseAddresses(prefixes.subnet, [ip('10.0.0.5')]);
    back = releasePrefixes(back, [ip('10.0.0.16')]);
    expect([usedAddresses(back), freePrefixBlocks(back), isAllocated(back, ip('10.0.0.5'))]).toEqual([2, 14, false]);
    expect(addressesOf(allocateAddresses(back, 1))).toEqual(['10.0.0.5']);
    expect(addressesOf(allocatePrefixes(back, 1))).toEqual(['10.0.0.16']);
    expect(releaseAddresses(back, [])).toBe(back);
  });

  it('releasing what was not allocated is a broken invariant', () => {
    const s = allocatePrefixes(allocateAddresses(subnet('10.0.0.0/24'), 1).subnet, 1).subnet;
    expect(() => releaseAddresses(s, [ip('10.0.0.9')])).toThrow(
      'releaseAddresses: 10.0.0.9 in subnet subnet-a is not allocated',
    );
    expect(() => releaseAddresses(s, [ip('10.0.0.4'), ip('10.0.0.4')])).toThrow(
      'releaseAddresses: 10.0.0.4 in subnet subnet-a is not allocated',
    );
    expect(() => releaseAddresses(s, [ip('10.0.0.17')])).toThrow(
      'releaseAddresses: 10.0.0.17 in subnet subnet-a is part of a prefix, not a single address',
    );
    expect(() => releaseAddresses(s, [ip('10.0.1.4')])).toThrow(
      'releaseAddresses: address 10.0.1.4 is not in subnet subnet-a',
    );
    expect(() => releasePrefixes(s, [ip('10.0.0.0')])).toThrow(
      'releasePrefixes: 10.0.0.0 in subnet subnet-a is not an allocated prefix',
    );
    expect(() => releasePrefixes(s, [ip('10.0.0.24')])).toThrow(
      'releasePrefixes: 10.0.0.24 in subnet subnet-a is not an allocated prefix',
    );
    // A failed release leaves the value as it was.
    expect([isAllocated(s, ip('10.0.0.4')), usedAddresses(s)]).toEqual([true, 17]);
  });
});

describe('subnet: persistence', () => {
  it('an allocation leaves the old value unchanged', () => {
    const before = subnet('10.0.0.0/24');
    const after = allocateAddresses(before, 5).subnet;
    const afterPrefix = allocatePrefixes(after, 1).subnet;
    expect([freeAddresses(before), isAllocated(before, ip('10.0.0.4')), freePrefixBlocks(before)]).toEqual([
      251,
      false,
      14,
    ]);
    expect([freeAddresses(after), isAllocated(after, ip('10.0.0.16')), freePrefixBlocks(after)]).toEqual([
      246,
      false,
      14,
    ]);
    expect([freeAddresses(afterPrefix), isAllocated(afterPrefix, ip('10.0.0.16'))]).toEqual([230, true]);
    const released = releaseAddresses(after, [ip('10.0.0.4')]);
    expect([isAllocated(after, ip('10.0.0.4')), isAllocated(released, ip('10.0.0.4'))]).toEqual([true, false]);
  });

  it('shares every page the change did not touch', () => {
    const before = subnet('10.0.0.0/16');
    const after = allocateAddresses(before, 2, 40_000).subnet;
    const changed = after.addressMap.pages.filter((page, i) => page !== before.addressMap.pages[i]);
    expect(changed).toHaveLength(1);
    expect(after.addressMap.layout).toBe(before.addressMap.layout);
    expect([after.id, after.zone, after.tags]).toEqual([before.id, before.zone, before.tags]);
  });
});

// ---------------------------------------------------------------------------------------------------
// Properties: random sequences of requests and releases against a plain-set model.

interface Shape {
  readonly text: string;
  readonly reservations: readonly SubnetReservation[];
}

const SHAPES: readonly Shape[] = [
  { text: '10.0.0.0/24', reservations: [] },
  { text: '10.0.0.0/28', reservations: [] },
  {
    text: '10.0.4.0/22',
    reservations: [
      reservation('10.0.5.0/26', 'prefix'),
      reservation('10.0.6.0/28', 'prefix'),
      reservation('10.0.4.48/28', 'explicit'),
      reservation('10.0.7.5/32', 'explicit'),
      reservation('10.0.6.128/30', 'explicit'),
    ],
  },
  {
    text: '10.0.0.0/25',
    reservations: [reservation('10.0.0.64/27', 'prefix'), reservation('10.0.0.0/29', 'explicit')],
  },
];

type Step =
  | { readonly kind: 'addresses'; readonly count: number; readonly hint: number }
  | { readonly kind: 'prefixes'; readonly count: number; readonly hint: number }
  | { readonly kind: 'release-addresses'; readonly picks: readonly number[] }
  | { readonly kind: 'release-prefixes'; readonly picks: readonly number[] };

const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('addresses' as const),
    count: fc.integer({ min: 1, max: 40 }),
    hint: fc.integer({ min: -2000, max: 2000 }),
  }),
  fc.record({
    kind: fc.constant('prefixes' as const),
    count: fc.integer({ min: 1, max: 5 }),
    hint: fc.integer({ min: -2000, max: 2000 }),
  }),
  fc.record({ kind: fc.constant('release-addresses' as const), picks: fc.array(fc.nat(), { maxLength: 20 }) }),
  fc.record({ kind: fc.constant('release-prefixes' as const), picks: fc.array(fc.nat(), { maxLength: 3 }) }),
);

/** What the spec says about each offset, worked out without the model's bit tricks. */
function classify(shape: Shape): {
  size: number;
  aws: Set<number>;
  explicit: Set<number>;
  prefixReserved: Set<number>;
} {
  const whole = cidr(shape.text);
  const aws = new Set([0, 1, 2, 3, whole.size - 1]);
  const explicit = new Set<number>();
  const prefixReserved = new Set<number>();
  for (const r of shape.reservations) {
    for (let a = r.cidr.base; a < r.cidr.base + r.cidr.size; a += 1) {
      (r.type === 'explicit' ? explicit : prefixReserved).add(a - whole.base);
    }
  }
  return { size: whole.size, aws, explicit, prefixReserved };
}

function pickAll<T>(items: readonly T[], picks: readonly number[]): T[] {
  const pool = [...items];
  const chosen: T[] = [];
  for (const pick of picks) {
    if (pool.length === 0) break;
    chosen.push(...pool.splice(pick % pool.length, 1));
  }
  return chosen;
}

describe('subnet: properties', () => {
  it('no address twice, counters equal a recount, releases come back, reservations respected', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SHAPES), fc.array(stepArbitrary, { maxLength: 40 }), (shape, steps) => {
        const facts = classify(shape);
        let s = subnet(shape.text, [...shape.reservations]);
        const base = s.cidr.base;
        const singles = new Set<number>();
        const prefixes = new Set<number>();
        const history: { subnet: Subnet; used: number; free: number }[] = [];
        // Usable: not AWS's, not explicit, and in a prefix reservation only where a prefix can go.
        const blockHasAws = (o: number) => [...facts.aws].some((a) => a - (a % 16) === o - (o % 16));
        const usable = Array.from({ length: facts.size }, (_, o) => o).filter(
          (o) => !facts.aws.has(o) && !facts.explicit.has(o) && !(facts.prefixReserved.has(o) && blockHasAws(o)),
        ).length;

        const singleFree = (o: number) =>
          !facts.aws.has(o) && !facts.explicit.has(o) && !facts.prefixReserved.has(o) && !isHeld(o);
        const isHeld = (o: number) => singles.has(o) || prefixes.has(o - (o % 16));
        const blockFree = (b: number) => {
          for (let o = b; o < b + 16; o += 1) if (facts.aws.has(o) || facts.explicit.has(o) || isHeld(o)) return false;
          return true;
        };
        const blocks = () => Array.from({ length: facts.size / 16 }, (_, i) => i * 16);

        for (const step of steps) {
          if (step.kind === 'addresses' || step.kind === 'prefixes') {
            const free =
              step.kind === 'addresses'
                ? Array.from({ length: facts.size }, (_, o) => o).filter(singleFree).length
                : blocks().filter(blockFree).length;
            const taken =
              step.kind === 'addresses'
                ? allocateAddresses(s, step.count, step.hint)
                : allocatePrefixes(s, step.count, step.hint);
            if (!taken.result.ok) {
              expect(step.count).toBeGreaterThan(free);
              expect(taken.result.error.code).toBe(
                step.kind === 'addresses' ? 'InsufficientFreeAddressesInSubnet' : 'InsufficientCidrBlocks',
              );
              expect(taken.result.error.message).toBe(EC2_ERROR_MESSAGES[taken.result.error.code]);
              expect(taken.subnet).toBe(s);
              continue;
            }
            expect(step.count).toBeLessThanOrEqual(free);
            const offsets = taken.result.addresses.map((a) => a - base);
            expect(offsets).toHaveLength(step.count);
            expect(new Set(offsets).size).toBe(step.count);
            for (const o of offsets) {
              if (step.kind === 'addresses') {
                expect(singleFree(o)).toBe(true);
                singles.add(o);
              } else {
                expect(o % 16).toBe(0);
                expect(blockFree(o)).toBe(true);
                prefixes.add(o);
              }
            }
            if (step.kind === 'prefixes') {
              // Reserved blocks first: a general block is taken only when no reserved one was left.
              const general = offsets.filter((o) => !facts.prefixReserved.has(o));
              if (general.length > 0)
                expect(blocks().filter((b) => blockFree(b) && facts.prefixReserved.has(b))).toEqual([]);
            }
            s = taken.subnet;
          } else if (step.kind === 'release-addresses') {
            const chosen = pickAll([...singles], step.picks);
            s = releaseAddresses(
              s,
              chosen.map((o) => base + o),
            );
            for (const o of chosen) {
              singles.delete(o);
              // Comes back: the next request starting at it gets exactly it.
              const again = allocateAddresses(s, 1, o).result;
              expect(again).toEqual({ ok: true, addresses: [base + o] });
            }
          } else {
            const chosen = pickAll([...prefixes], step.picks);
            s = releasePrefixes(
              s,
              chosen.map((o) => base + o),
            );
            for (const o of chosen) prefixes.delete(o);
            for (const o of chosen) expect(blockFree(o)).toBe(true);
          }

          const used = singles.size + prefixes.size * 16;
          let allocated = 0;
          for (let o = 0; o < facts.size; o += 1) {
            const held = isAllocated(s, base + o);
            expect(held).toBe(isHeld(o));
            if (held) allocated += 1;
            if (held) expect(facts.aws.has(o) || facts.explicit.has(o)).toBe(false);
            if (singles.has(o)) expect(facts.prefixReserved.has(o)).toBe(false);
          }
          expect(allocated).toBe(used);
          expect(usedAddresses(s)).toBe(used);
          expect(usableAddresses(s)).toBe(usable);
          expect(freeAddresses(s)).toBe(usable - used);
          expect(freeSingleAddresses(s)).toBe(
            Array.from({ length: facts.size }, (_, o) => o).filter(singleFree).length,
          );
          expect(freePrefixBlocks(s)).toBe(blocks().filter(blockFree).length);
          expect(fragmentation(s).strandedAddresses).toBe(freeAddresses(s) - 16 * freePrefixBlocks(s));
          history.push({ subnet: s, used, free: usable - used });
        }
        // Every earlier value still says what it said.
        for (const past of history) {
          expect([usedAddresses(past.subnet), freeAddresses(past.subnet)]).toEqual([past.used, past.free]);
        }
      }),
      { numRuns: 150 },
    );
  });
});
