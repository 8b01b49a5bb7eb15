import { UsageError } from '../input/input-error.js';
import {
  AWS_RESERVED_ADDRESSES_PER_SUBNET,
  formatIpv4,
  type Ipv4Cidr,
  parseSubnetCidr,
  prefixBlocks,
  usableAddresses,
} from '../network/cidr.js';
import { allocateAddresses, createSubnet, fragmentation } from '../network/subnet.js';
import { quote } from './flag-values.js';
import type { CommandOutput } from './node-command.js';

/** `podcap subnet` options as commander hands them over. */
export interface SubnetCommandOptions {
  readonly used?: string;
  readonly json?: boolean;
}

/** What `podcap subnet --json` prints. */
export interface SubnetSummary {
  readonly cidr: string;
  readonly prefixLength: number;
  readonly size: number;
  readonly awsReserved: number;
  readonly usable: number;
  /** Aligned /28 blocks a prefix can take in the empty subnet. */
  readonly prefixes: number;
  readonly used: number;
  readonly free: number;
  /** Whole /28 blocks still free after `used` addresses were handed out lowest-first. */
  readonly freePrefixes: number;
  /** Free addresses outside those whole blocks: single addresses can take them, prefixes cannot. */
  readonly stranded: number;
  /** The addresses taken by `used`, lowest-first: first and last, or null when none. */
  readonly usedRange: { readonly first: string; readonly last: string } | null;
}

function parseCidrArgument(text: string): Ipv4Cidr {
  const parsed = parseSubnetCidr(text);
  if (!parsed.ok) throw new UsageError(`subnet CIDR ${quote(text)}: expected ${parsed.expected}`);
  return parsed.value;
}

function parseUsed(text: string, usable: number, cidr: Ipv4Cidr): number {
  const expected = `expected a whole number of addresses from 0 to ${usable} (the usable addresses of ${cidr.text})`;
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) throw new UsageError(`--used ${quote(text)}: ${expected}`);
  const used = Number(trimmed);
  if (used > usable) throw new UsageError(`--used ${trimmed}: ${expected}`);
  return used;
}

/** Runs the subnet model: an empty subnet, then `used` addresses taken lowest-first in one request. */
function summarizeSubnet(cidr: Ipv4Cidr, used: number): SubnetSummary {
  const created = createSubnet({ id: cidr.text, cidr, zone: '' });
  if (!created.ok) throw new Error(`summarizeSubnet: ${created.error.message}`);
  const taken = allocateAddresses(created.subnet, used);
  if (!taken.result.ok) throw new Error(`summarizeSubnet: ${used} of ${cidr.text}: ${taken.result.error.message}`);
  const after = fragmentation(taken.subnet);
  const addresses = taken.result.addresses;
  const first = addresses[0];
  const last = addresses[addresses.length - 1];
  return {
    cidr: cidr.text,
    prefixLength: cidr.prefixLength,
    size: cidr.size,
    awsReserved: AWS_RESERVED_ADDRESSES_PER_SUBNET,
    usable: usableAddresses(cidr),
    prefixes: prefixBlocks(cidr),
    used,
    free: after.freeAddresses,
    freePrefixes: after.freePrefixBlocks,
    stranded: after.strandedAddresses,
    usedRange: first === undefined || last === undefined ? null : { first: formatIpv4(first), last: formatIpv4(last) },
  };
}

function renderSubnetText(summary: SubnetSummary, withUsed: boolean, cidr: Ipv4Cidr): string {
  const broadcast = formatIpv4(cidr.base + cidr.size - 1);
  const rows: [string, number, string][] = [
    ['addresses', summary.size, `${formatIpv4(cidr.base)} to ${broadcast}`],
    ['AWS reserved', summary.awsReserved, `${formatIpv4(cidr.base)} to ${formatIpv4(cidr.base + 3)}, and ${broadcast}`],
    ['usable', summary.usable, ''],
    [
      '/28 prefixes',
      summary.prefixes,
      summary.prefixes === 0
        ? 'every aligned /28 holds an AWS-reserved address'
        : 'aligned /28 blocks but the first and the last',
    ],
  ];
  if (withUsed) {
    const range = summary.usedRange;
    rows.push(
      ['used', summary.used, range === null ? '' : `handed out lowest-first: ${range.first} to ${range.last}`],
      ['free', summary.free, ''],
      [
        'free /28 prefixes',
        summary.freePrefixes,
        summary.stranded === 0 ? '' : `${summary.stranded} free addresses lie outside whole free /28s`,
      ],
    );
  }
  const labelWidth = Math.max(...rows.map(([label]) => label.length));
  const valueWidth = Math.max(...rows.map(([, value]) => String(value).length));
  const lines = rows.map(([label, value, note]) =>
    `  ${label.padEnd(labelWidth)}  ${String(value).padStart(valueWidth)}  ${note}`.trimEnd(),
  );
  return [`subnet ${summary.cidr}`, ...lines].join('\n');
}

/** `podcap subnet CIDR [--used N] [--json]`: usable addresses and /28 prefixes, before and after N are used. */
export function runSubnetCommand(cidrText: string, options: SubnetCommandOptions): CommandOutput {
  const cidr = parseCidrArgument(cidrText);
  const used = options.used === undefined ? 0 : parseUsed(options.used, usableAddresses(cidr), cidr);
  const summary = summarizeSubnet(cidr, used);
  const stdout = options.json
    ? `${JSON.stringify(summary, null, 2)}\n`
    : `${renderSubnetText(summary, options.used !== undefined, cidr)}\n`;
  return { stdout, exitCode: 0 };
}
