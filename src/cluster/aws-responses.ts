/**
 * The AWS CLI's JSON as records of the ClusterState: `aws ec2 describe-subnets` and
 * `aws service-quotas list-service-quotas`, as the CLI prints them (PascalCase fields, Tags as a list).
 */

import { z } from 'zod';
import type { InputDocument } from '../input/scenario/document.js';
import { nonEmptyString, optional, withDefault } from '../input/scenario/fields.js';
import { validateDocument } from '../input/scenario/validate.js';
import type { ClusterQuota, ClusterSubnet } from './cluster-state.js';
import type { StringPool } from './string-pool.js';

/** An IPv4 CIDR block as EC2 prints it. */
const CIDR = /^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/;

const subnetsSchema = z.looseObject({
  Subnets: z.array(
    z.looseObject({
      SubnetId: nonEmptyString,
      // An IPv6-only subnet has no IPv4 block; pods of this cluster take no address there.
      CidrBlock: optional(z.string().regex(CIDR, { error: 'an IPv4 CIDR block such as 10.0.0.0/19' })),
      AvailabilityZone: nonEmptyString,
      AvailableIpAddressCount: z.int().min(0),
      VpcId: nonEmptyString,
      Tags: withDefault(z.array(z.looseObject({ Key: z.string(), Value: z.string() })), []),
    }),
  ),
});

export interface ParsedSubnets {
  readonly subnets: readonly ClusterSubnet[];
  /** IPv6-only subnets, left out. */
  readonly ipv6Only: number;
}

export function parseSubnets(document: InputDocument, pool: StringPool): ParsedSubnets {
  const { Subnets } = validateDocument(subnetsSchema, document);
  const subnets = Subnets.flatMap((s) => (s.CidrBlock === undefined ? [] : [{ ...s, CidrBlock: s.CidrBlock }])).map(
    (s) => ({
      id: pool.intern(s.SubnetId),
      cidr: pool.intern(s.CidrBlock),
      zone: pool.intern(s.AvailabilityZone),
      availableAddresses: s.AvailableIpAddressCount,
      vpcId: pool.intern(s.VpcId),
      tags: pool.internMap(Object.fromEntries(s.Tags.map((t) => [t.Key, t.Value]))),
    }),
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
