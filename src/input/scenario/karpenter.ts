/**
 * Karpenter's custom resources as its v1 CRDs admit them: karpenter.sh/v1 NodePool and
 * karpenter.k8s.aws/v1 EC2NodeClass. References (nodeClassRef, subnet selectors) are resolved later,
 * against the other documents and the Scenario.
 */

import { z } from 'zod';
import { parseDuration } from '../../core/duration.js';
import { parseMemoryThreshold } from '../../core/eviction.js';
import {
  type AmiFamily,
  type KubeletSettings,
  NO_RESERVATION,
  type ResourceReservation,
} from '../../core/node-config.js';
import { parseBytes, parseMillicores, type Quantity } from '../../core/quantity.js';
import type {
  DisruptionBudget,
  NodeClassSpec,
  NodePoolRequirement,
  NodePoolSpec,
  ScenarioSubnet,
  SubnetSelectorTerm,
} from '../../sim/model.js';
import { fieldError, type InputDocument, listNames } from './document.js';
import {
  nonEmptyString,
  nonNegativeQuantity,
  optional,
  STRING_VALUE_EXPECTED,
  stringMap,
  subdomainName,
  taint,
  withDefault,
} from './fields.js';
import { validateDocument } from './validate.js';

export const NODE_POOL_API_VERSION = 'karpenter.sh/v1';
export const NODE_CLASS_API_VERSION = 'karpenter.k8s.aws/v1';
export const NODE_CLASS_GROUP = 'karpenter.k8s.aws';

/** Custom resources' names are DNS-1123 subdomains (apiextensions-apiserver validates ObjectMeta so). */
const clusterMetadata = z.looseObject({ name: subdomainName });

const requirement = z
  .looseObject({
    key: nonEmptyString,
    operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt']),
    values: withDefault(z.array(z.string({ error: STRING_VALUE_EXPECTED })), []),
    minValues: optional(z.int().min(1).max(50)),
  })
  .superRefine((r, context) => {
    // The CEL rules on spec.template.spec.requirements of the karpenter.sh/v1 NodePool CRD.
    if (r.operator === 'In' && r.values.length === 0) {
      context.addIssue({ code: 'custom', message: 'at least one value for operator In', path: ['values'] });
    }
    if (
      (r.operator === 'Gt' || r.operator === 'Lt') &&
      (r.values.length !== 1 || !/^\+?\d+$/.test(r.values[0] ?? ''))
    ) {
      context.addIssue({
        code: 'custom',
        message: `one whole number, 0 or more, for operator ${r.operator}`,
        path: ['values'],
      });
    }
    if (r.operator === 'In' && r.minValues !== undefined && r.values.length < r.minValues) {
      context.addIssue({ code: 'custom', message: `at least minValues (${r.minValues}) values`, path: ['values'] });
    }
  })
  .transform(
    (r): NodePoolRequirement => ({
      key: r.key,
      operator: r.operator,
      values: r.values,
      minValues: r.minValues ?? null,
    }),
  );

/** The pattern of disruption.consolidateAfter in the NodePool CRD: whole s/m/h terms, or Never. */
const CONSOLIDATE_AFTER = /^(([0-9]+(s|m|h))+|Never)$/;

/** The patterns of a budget's nodes, schedule and duration in the karpenter.sh/v1 NodePool CRD. */
const BUDGET_NODES = /^((100|[0-9]{1,2})%|[0-9]+)$/;
const BUDGET_SCHEDULE = /^(@(annually|yearly|monthly|weekly|daily|midnight|hourly))|((.+)\s(.+)\s(.+)\s(.+)\s(.+))$/;
const BUDGET_DURATION = /^((([0-9]+(h|m))|([0-9]+h[0-9]+m))(0s)?)$/;

const budget = z
  .looseObject({
    nodes: withDefault(
      z
        .string({ error: 'a string: a count such as "1" or a percentage such as "10%" (quoted in YAML)' })
        .regex(BUDGET_NODES, { error: 'a count such as "1" or a percentage from "0%" to "100%"' }),
      '10%',
    ),
    reasons: optional(z.array(z.enum(['Underutilized', 'Empty', 'Drifted']))),
    schedule: optional(z.string().regex(BUDGET_SCHEDULE, { error: 'a cron schedule such as "0 9 * * mon-fri"' })),
    duration: optional(
      z.string().regex(BUDGET_DURATION, { error: 'a duration in whole hours and minutes such as 8h or 1h30m' }),
    ),
  })
  .superRefine((b, context) => {
    // The CEL rule on spec.disruption.budgets: 'schedule' must be set with 'duration'.
    if ((b.schedule === undefined) !== (b.duration === undefined)) {
      context.addIssue({
        code: 'custom',
        message: 'schedule and duration together (or neither)',
        path: [b.schedule === undefined ? 'schedule' : 'duration'],
      });
    }
  })
  .transform((b): DisruptionBudget => {
    const durationMs = b.duration === undefined ? null : parseDuration(b.duration);
    return {
      nodes: b.nodes.endsWith('%')
        ? { kind: 'percent', percent: Number(b.nodes.slice(0, -1)) }
        : { kind: 'count', count: Number(b.nodes) },
      reasons: b.reasons ?? null,
      schedule: b.schedule ?? null,
      durationMs: durationMs === null ? null : durationMs.ok ? durationMs.value : 0,
    };
  });

const nodePoolSchema = z.looseObject({
  metadata: clusterMetadata,
  spec: z.looseObject({
    template: z.looseObject({
      metadata: withDefault(z.looseObject({ labels: withDefault(stringMap, {}) }), { labels: {} }),
      spec: z.looseObject({
        requirements: z.array(requirement),
        nodeClassRef: z.looseObject({ group: nonEmptyString, kind: nonEmptyString, name: nonEmptyString }),
        taints: withDefault(z.array(taint), []),
      }),
    }),
    limits: withDefault(z.record(z.string(), nonNegativeQuantity), {}),
    weight: optional(z.int().min(1).max(100)),
    disruption: withDefault(
      z.looseObject({
        consolidationPolicy: withDefault(z.enum(['WhenEmpty', 'WhenEmptyOrUnderutilized']), 'WhenEmptyOrUnderutilized'),
        consolidateAfter: withDefault(
          z
            .string()
            .regex(CONSOLIDATE_AFTER, { error: 'a duration in whole s, m or h (such as 30s or 1h30m), or Never' }),
          '0s',
        ),
        budgets: optional(z.array(budget).max(50)),
      }),
      { consolidationPolicy: 'WhenEmptyOrUnderutilized', consolidateAfter: '0s' },
    ),
  }),
});

export interface NodeClassRef {
  readonly group: string;
  readonly kind: string;
  readonly name: string;
}

/** A NodePool whose nodeClassRef is still to be checked against the EC2NodeClasses. */
export interface ParsedNodePool {
  readonly spec: NodePoolSpec;
  readonly nodeClassRef: NodeClassRef;
  readonly document: InputDocument;
}

function ceilDivide(numerator: bigint, denominator: bigint): bigint {
  const quotient = numerator / denominator;
  return numerator % denominator > 0n ? quotient + 1n : quotient;
}

/** NodePool limits: cpu in millicores, memory in bytes, the rest in whole units, each rounded up. */
function limitValue(name: string, q: Quantity): number {
  const scale = name === 'cpu' ? 1000n : 1n;
  return Number(ceilDivide(q.numerator * scale, q.denominator));
}

export function parseNodePool(document: InputDocument): ParsedNodePool {
  const { metadata, spec } = validateDocument(nodePoolSchema, document);
  const { consolidateAfter, consolidationPolicy, budgets } = spec.disruption;
  const after = consolidateAfter === 'Never' ? null : parseDuration(consolidateAfter);
  const { nodeClassRef } = spec.template.spec;
  return {
    spec: {
      name: metadata.name,
      requirements: spec.template.spec.requirements,
      nodeClass: nodeClassRef.name,
      taints: spec.template.spec.taints,
      labels: spec.template.metadata.labels,
      limits: new Map(Object.entries(spec.limits).map(([name, q]) => [name, limitValue(name, q)] as const)),
      // A NodePool without a weight counts as weight 0 (karpenter.sh/v1 NodePoolSpec.Weight).
      weight: spec.weight ?? 0,
      consolidationPolicy,
      consolidateAfterMs: after === null ? null : after.ok ? after.value : 0,
      // Absent budgets stay absent: the CRD's default (nodes: 10%) applies; an empty list sets no limit.
      ...(budgets === undefined ? {} : { budgets }),
    },
    nodeClassRef: { group: nodeClassRef.group, kind: nodeClassRef.kind, name: nodeClassRef.name },
    document,
  };
}

const RESERVED_KEYS = ['cpu', 'memory', 'ephemeral-storage', 'pid'];
const EVICTION_SIGNALS = [
  'memory.available',
  'nodefs.available',
  'nodefs.inodesFree',
  'imagefs.available',
  'imagefs.inodesFree',
  'pid.available',
];

function keysIn(allowed: readonly string[]) {
  return (map: Readonly<Record<string, string>>, context: z.RefinementCtx): void => {
    for (const key of Object.keys(map)) {
      if (!allowed.includes(key))
        context.addIssue({ code: 'custom', message: `one of the keys ${allowed.join(', ')}`, path: [key] });
    }
  };
}

/** kubeReserved / systemReserved: cpu and memory are read, ephemeral-storage and pid only checked. */
const reservation = stringMap.superRefine(keysIn(RESERVED_KEYS)).transform((map, context): ResourceReservation => {
  let cpuMillis: number | null = null;
  let memoryBytes: number | null = null;
  if (map.cpu !== undefined) {
    const parsed = parseMillicores(map.cpu);
    if (parsed.ok) cpuMillis = parsed.value;
    else context.addIssue({ code: 'custom', message: parsed.expected, path: ['cpu'] });
  }
  if (map.memory !== undefined) {
    const parsed = parseBytes(map.memory);
    if (parsed.ok) memoryBytes = parsed.value;
    else context.addIssue({ code: 'custom', message: parsed.expected, path: ['memory'] });
  }
  return { cpuMillis, memoryBytes };
});

const evictionSignals = stringMap.superRefine(keysIn(EVICTION_SIGNALS)).transform((map, context) => {
  const text = map['memory.available'];
  if (text === undefined) return { memoryAvailable: null };
  const parsed = parseMemoryThreshold(text);
  if (parsed.ok) return { memoryAvailable: parsed.value };
  context.addIssue({ code: 'custom', message: parsed.expected, path: ['memory.available'] });
  return z.NEVER;
});

const kubelet = z.looseObject({
  maxPods: optional(z.int().min(0).max(2_147_483_647)),
  podsPerCore: optional(z.int().min(0).max(2_147_483_647)),
  kubeReserved: optional(reservation),
  systemReserved: optional(reservation),
  evictionHard: optional(evictionSignals),
  evictionSoft: optional(evictionSignals),
});

const AMI_FAMILY_FIELD = { AL2: 'al2', AL2023: 'al2023', Bottlerocket: 'bottlerocket', Custom: 'custom' } as const;
const ALIAS_FAMILIES = ['al2', 'al2023', 'bottlerocket'] as const;

const amiSelectorTerm = z.looseObject({
  alias: optional(
    z
      .string()
      .regex(/^[a-zA-Z0-9]+@.+$/, { error: 'an alias family@version such as al2023@latest' })
      .refine((alias) => (ALIAS_FAMILIES as readonly string[]).includes(alias.split('@')[0] ?? ''), {
        error: `an alias family of ${ALIAS_FAMILIES.join(', ')} (Windows is not modelled)`,
      }),
  ),
});

const subnetSelectorTerm = z
  .looseObject({
    id: optional(nonEmptyString),
    tags: optional(z.record(z.string().min(1), z.string({ error: STRING_VALUE_EXPECTED }).min(1))),
    cidr: optional(z.string()),
  })
  .superRefine((term, context) => {
    if (term.cidr !== undefined) {
      context.addIssue({
        code: 'custom',
        message: 'a term by id or tags (podcap does not read cidr terms)',
        path: ['cidr'],
      });
    } else if (term.id === undefined && term.tags === undefined) {
      context.addIssue({ code: 'custom', message: 'a term with id or tags' });
    } else if (term.id !== undefined && term.tags !== undefined) {
      context.addIssue({ code: 'custom', message: 'either id or tags, not both', path: ['tags'] });
    }
  })
  .transform((term): SubnetSelectorTerm => ({ id: term.id ?? null, tags: term.tags ?? {} }));

const nodeClassSchema = z.looseObject({
  metadata: clusterMetadata,
  spec: z
    .looseObject({
      amiFamily: optional(
        z.enum(['AL2', 'AL2023', 'Bottlerocket', 'Custom'], {
          error: 'one of AL2, AL2023, Bottlerocket, Custom (Windows is not modelled)',
        }),
      ),
      amiSelectorTerms: z.array(amiSelectorTerm).min(1).max(30),
      kubelet: optional(kubelet),
      subnetSelectorTerms: z.array(subnetSelectorTerm).min(1).max(30),
    })
    .superRefine((spec, context) => {
      // The CEL rules of the karpenter.k8s.aws/v1 EC2NodeClass CRD on amiFamily and alias terms.
      const aliasIndex = spec.amiSelectorTerms.findIndex((t) => t.alias !== undefined);
      const alias = spec.amiSelectorTerms[aliasIndex]?.alias;
      if (alias === undefined) {
        if (spec.amiFamily === undefined) {
          context.addIssue({
            code: 'custom',
            message: 'an amiFamily when no amiSelectorTerms alias is given',
            path: ['amiFamily'],
          });
        }
        return;
      }
      if (spec.amiSelectorTerms.length !== 1) {
        context.addIssue({
          code: 'custom',
          message: 'an alias term as the only amiSelectorTerm',
          path: ['amiSelectorTerms'],
        });
      }
      const family = alias.split('@')[0];
      if (spec.amiFamily !== undefined && spec.amiFamily !== 'Custom' && AMI_FAMILY_FIELD[spec.amiFamily] !== family) {
        context.addIssue({ code: 'custom', message: `Custom or the alias's family (${family})`, path: ['amiFamily'] });
      }
    }),
});

/** An EC2NodeClass whose subnet selector terms are still to be matched against the Scenario's subnets. */
export interface ParsedNodeClass {
  readonly name: string;
  readonly amiFamily: AmiFamily;
  readonly kubelet: KubeletSettings;
  readonly subnetSelectorTerms: readonly SubnetSelectorTerm[];
  readonly document: InputDocument;
}

export function parseNodeClass(document: InputDocument): ParsedNodeClass {
  const { metadata, spec } = validateDocument(nodeClassSchema, document);
  // spec.amiFamily first, then the alias's family (EC2NodeClass.AMIFamily(), karpenter-provider-aws apis/v1).
  const aliasFamily = spec.amiSelectorTerms.find((t) => t.alias !== undefined)?.alias?.split('@')[0];
  const amiFamily: AmiFamily =
    spec.amiFamily !== undefined
      ? AMI_FAMILY_FIELD[spec.amiFamily]
      : (ALIAS_FAMILIES.find((family) => family === aliasFamily) ?? 'custom');
  const k = spec.kubelet;
  return {
    name: metadata.name,
    amiFamily,
    kubelet: {
      maxPods: k?.maxPods ?? null,
      podsPerCore: k?.podsPerCore ?? null,
      kubeReserved: k?.kubeReserved ?? NO_RESERVATION,
      systemReserved: k?.systemReserved ?? NO_RESERVATION,
      evictionHard: k?.evictionHard ?? { memoryAvailable: null },
      evictionSoft: k?.evictionSoft ?? { memoryAvailable: null },
    },
    subnetSelectorTerms: spec.subnetSelectorTerms,
    document,
  };
}

/** A NodePool's nodeClassRef must name an EC2NodeClass of the inputs. */
export function resolveNodePool(pool: ParsedNodePool, nodeClasses: readonly string[]): NodePoolSpec {
  const path = ['spec', 'template', 'spec', 'nodeClassRef'];
  const { group, kind, name } = pool.nodeClassRef;
  if (group !== NODE_CLASS_GROUP) throw fieldError(pool.document, [...path, 'group'], JSON.stringify(NODE_CLASS_GROUP));
  if (kind !== 'EC2NodeClass') throw fieldError(pool.document, [...path, 'kind'], '"EC2NodeClass"');
  if (!nodeClasses.includes(name)) {
    throw fieldError(pool.document, [...path, 'name'], `an EC2NodeClass of the inputs (${listNames(nodeClasses)})`);
  }
  return pool.spec;
}

/**
 * The Scenario subnets an EC2NodeClass selects: terms are ORed; a term's id must match, or each of its
 * tags, where `*` matches any value (karpenter-provider-aws SubnetSelectorTerm).
 */
export function resolveNodeClass(nodeClass: ParsedNodeClass, subnets: readonly ScenarioSubnet[]): NodeClassSpec {
  const matches = (term: SubnetSelectorTerm, subnet: ScenarioSubnet): boolean =>
    term.id !== null
      ? term.id === subnet.id
      : Object.entries(term.tags).every(
          ([key, value]) => subnet.tags[key] !== undefined && (value === '*' || subnet.tags[key] === value),
        );
  const subnetIds = subnets
    .filter((subnet) => nodeClass.subnetSelectorTerms.some((term) => matches(term, subnet)))
    .map((subnet) => subnet.id);
  if (subnetIds.length === 0) {
    throw fieldError(
      nodeClass.document,
      ['spec', 'subnetSelectorTerms'],
      `terms that select a subnet of the Scenario (${listNames(subnets.map((s) => s.id))})`,
    );
  }
  return {
    name: nodeClass.name,
    amiFamily: nodeClass.amiFamily,
    kubelet: nodeClass.kubelet,
    subnetSelectorTerms: nodeClass.subnetSelectorTerms,
    subnetIds,
  };
}
