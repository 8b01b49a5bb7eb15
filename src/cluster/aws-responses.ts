/**
 * The AWS CLI's JSON as records of the ClusterState: `aws ec2 describe-subnets` and
 * `aws service-quotas list-service-quotas`, as the CLI prints them (PascalCase fields, Tags as a list).
 */

import { z } from 'zod';
import type { InputDocument } from '../input/scenario/document.js';
import { nonEmptyString, optional, withDefault } from '../input/scenario/fields.js';
import { validateDocument } from '../input/scenario/validate.js';
import { AWS_RESERVED_ADDRESSES_PER_SUBNET, parseSubnetCidr, usableAddresses } from '../network/cidr.js';
import type { ClusterQuota, ClusterSubnet } from './cluster-state.js';
import type { StringPool } from './string-pool.js';

const SUBNET_CIDR_EXPECTED = 'an IPv4 CIDR block from /16 to /28 as AWS allows for a subnet, such as 10.0.0.0/19';

const subnetSchema = z
  .looseObject({
    SubnetId: nonEmptyString,
    CidrBlock: optional(z.string()),
    AvailabilityZone: nonEmptyString,
    AvailableIpAddressCount: z.int().min(0),
    VpcId: nonEmptyString,
    Ipv6Native: withDefault(z.boolean(), false),
    Ipv6CidrBlockAssociationSet: withDefault(z.array(z.unknown()), []),
    Tags: withDefault(z.array(z.looseObject({ Key: z.string(), Value: z.string() })), []),
  })
  .transform((s, context) => {
    // An IPv6-only subnet has no IPv4 block (EC2 prints no CidrBlock); pods of this cluster take no address there.
    if (s.CidrBlock === undefined) {
      if (s.Ipv6Native || s.Ipv6CidrBlockAssociationSet.length > 0) return null;
      context.addIssue({
        code: 'custom',
        path: ['CidrBlock'],
        message: `${SUBNET_CIDR_EXPECTED} (required unless the subnet is IPv6-only: Ipv6Native true)`,
      });
      return z.NEVER;
    }
    const cidr = parseSubnetCidr(s.CidrBlock);
    if (!cidr.ok) {
      const hostBits = cidr.expected.startsWith('a network address');
      context.addIssue({
        code: 'custom',
        path: ['CidrBlock'],
        message: hostBits ? cidr.expected : SUBNET_CIDR_EXPECTED,
      });
      return z.NEVER;
    }
    const usable = usableAddresses(cidr.value);
    if (s.AvailableIpAddressCount > usable) {
      context.addIssue({
        code: 'custom',
        path: ['AvailableIpAddressCount'],
        message:
          `at most ${usable}, the usable addresses of ${cidr.value.text} ` +
          `(${cidr.value.size} less the ${AWS_RESERVED_ADDRESSES_PER_SUBNET} AWS reserves)`,
      });
      return z.NEVER;
    }
    return { ...s, CidrBlock: s.CidrBlock };
  });

const subnetsSchema = z.looseObject({ Subnets: z.array(subnetSchema) });

export interface ParsedSubnets {
  readonly subnets: readonly ClusterSubnet[];
  /** IPv6-only subnets, left out. */
  readonly ipv6Only: number;
}

export function parseSubnets(document: InputDocument, pool: StringPool): ParsedSubnets {
  const { Subnets } = validateDocument(subnetsSchema, document);
  const subnets = Subnets.flatMap((s) =>
    s === null
      ? []
      : [
          {
            id: pool.intern(s.SubnetId),
            cidr: pool.intern(s.CidrBlock),
            zone: pool.intern(s.AvailabilityZone),
            availableAddresses: s.AvailableIpAddressCount,
            vpcId: pool.intern(s.VpcId),
            tags: pool.internMap(Object.fromEntries(s.Tags.map((t) => [t.Key, t.Value]))),
          },
        ],
  );
  return { subnets, ipv6Only: Subnets.length - subnets.length };
}

const quotasSchema = z.looseObject({
  Quotas: z.array(
    z.looseObject({
      QuotaCode: nonEmptyString,
      QuotaName: withDefault(z.string(), ''),
      Value: z.number().min(0),
    }),
  ),
});

export function parseQuotas(document: InputDocument, pool: StringPool): ClusterQuota[] {
  const { Quotas } = validateDocument(quotasSchema, document);
  return Quotas.map((q) => ({ code: pool.intern(q.QuotaCode), name: pool.intern(q.QuotaName), value: q.Value }));
}
