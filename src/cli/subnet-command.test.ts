import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../input/input-error.js';
import { runSubnetCommand } from './subnet-command.js';

function json(cidr: string, used?: string): Record<string, unknown> {
  const result = runSubnetCommand(cidr, used === undefined ? { json: true } : { used, json: true });
  expect(result.exitCode).toBe(0);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

describe('podcap subnet', () => {
  it('prints a short aligned block for the empty subnet', () => {
    const result = runSubnetCommand('10.0.0.0/24', {});
    expect(result).toEqual({
      exitCode: 0,
      stdout: [
        'subnet 10.0.0.0/24',
        '  addresses     256  10.0.0.0 to 10.0.0.255',
        '  AWS reserved    5  10.0.0.0 to 10.0.0.3, and 10.0.0.255',
        '  usable        251',
        '  /28 prefixes   14  aligned /28 blocks but the first and the last',
        '',
      ].join('\n'),
    });
  });

  it('with --used: what remains free, single addresses and whole /28s', () => {
    const result = runSubnetCommand('10.0.0.0/24', { used: '100' });
    expect(result.stdout).toBe(
      [
        'subnet 10.0.0.0/24',
        '  addresses          256  10.0.0.0 to 10.0.0.255',
        '  AWS reserved         5  10.0.0.0 to 10.0.0.3, and 10.0.0.255',
        '  usable             251',
        '  /28 prefixes        14  aligned /28 blocks but the first and the last',
        '  used               100  handed out lowest-first: 10.0.0.4 to 10.0.0.103',
        '  free               151',
        '  free /28 prefixes    8  23 free addresses lie outside whole free /28s',
        '',
      ].join('\n'),
    );
    for (const line of result.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
  });

  it('JSON: one object with the documented fields', () => {
    expect(json('10.0.0.0/20', '1500')).toEqual({
      cidr: '10.0.0.0/20',
      prefixLength: 20,
      size: 4096,
      awsReserved: 5,
      usable: 4091,
      prefixes: 254,
      used: 1500,
      free: 2591,
      // 1500 addresses from offset 4 reach offset 1503, in block 93: blocks 1-93 are gone, 94-254 stay.
      freePrefixes: 161,
      stranded: 2591 - 161 * 16,
      usedRange: { first: '10.0.0.4', last: '10.0.5.223' },
    });
  });

  // Usable = size − 5 (EC2 CreateSubnet; vpc-cni-ipam.md §7.2); prefixes = /28 blocks − 2 (§4.4).
  it.each([
    ['10.0.0.0/16', 65536, 65531, 4094],
    ['10.0.0.0/24', 256, 251, 14],
    ['192.168.10.64/26', 64, 59, 2],
    ['10.0.0.0/27', 32, 27, 0],
    ['10.0.0.0/28', 16, 11, 0],
  ])('%s: %i addresses, %i usable, %i /28 prefixes', (cidr, size, usable, prefixes) => {
    expect(json(cidr)).toMatchObject({ size, usable, prefixes, used: 0, free: usable, freePrefixes: prefixes });
  });

  it('a /28 used up: nothing free, no prefixes', () => {
    expect(json('10.0.0.0/28', '11')).toMatchObject({ used: 11, free: 0, freePrefixes: 0, stranded: 0 });
    expect(runSubnetCommand('10.0.0.0/28', {}).stdout).toContain(
      '/28 prefixes   0  every aligned /28 holds an AWS-reserved address',
    );
  });

  it('the model agrees with the closed form for lowest-first use', () => {
    fc.assert(
      fc.property(fc.integer({ min: 16, max: 28 }), fc.nat(), (prefixLength, pick) => {
        const size = 2 ** (32 - prefixLength);
        const usable = size - 5;
        const used = pick % (usable + 1);
        const blocks = size / 16;
        const prefixes = Math.max(0, blocks - 2);
        // Offsets 4 to 3 + used are taken: blocks 1 to floor((3 + used) / 16) are lost to prefixes.
        const lost = used === 0 ? 0 : Math.min(Math.floor((3 + used) / 16), prefixes);
        const out = json(`10.0.0.0/${prefixLength}`, String(used));
        expect(out).toMatchObject({ usable, prefixes, used, free: usable - used, freePrefixes: prefixes - lost });
      }),
      { numRuns: 60 },
    );
  });

  it.each([
    ['10.0.0/24', {}, 'subnet CIDR "10.0.0/24": expected an IPv4 CIDR such as 10.0.0.0/24'],
    ['banana', {}, 'subnet CIDR "banana": expected an IPv4 CIDR such as 10.0.0.0/24'],
    ['10.0.0.5/24', {}, 'subnet CIDR "10.0.0.5/24": expected a network address without host bits (10.0.0.0/24)'],
    ['10.0.0.0/29', {}, 'subnet CIDR "10.0.0.0/29": expected a subnet prefix length from /16 to /28'],
    ['10.0.0.0/15', {}, 'subnet CIDR "10.0.0.0/15": expected a subnet prefix length from /16 to /28'],
    [
      '10.0.0.0/24',
      { used: 'ten' },
      '--used "ten": expected a whole number of addresses from 0 to 251 (the usable addresses of 10.0.0.0/24)',
    ],
    [
      '10.0.0.0/24',
      { used: '-1' },
      '--used "-1": expected a whole number of addresses from 0 to 251 (the usable addresses of 10.0.0.0/24)',
    ],
    [
      '10.0.0.0/24',
      { used: '2.5' },
      '--used "2.5": expected a whole number of addresses from 0 to 251 (the usable addresses of 10.0.0.0/24)',
    ],
    [
      '10.0.0.0/24',
      { used: '252' },
      '--used 252: expected a whole number of addresses from 0 to 251 (the usable addresses of 10.0.0.0/24)',
    ],
  ])('refuses %s %j with one line', (cidr, options, message) => {
    let thrown: unknown;
    try {
      runSubnetCommand(cidr, options);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UsageError);
    expect((thrown as UsageError).message).toBe(message);
    expect(message).not.toContain('\n');
  });
});
