/**
 * The podcap.dev/v1alpha1 Scenario document (contract: shared scenario.md). Strict: an unknown field
 * is an error that names it, so that a typo does not silently fall back to a default.
 */

import { z } from 'zod';
import { parseKarpenterVersion } from '../../core/karpenter-version.js';
import { DEFAULT_VM_MEMORY_OVERHEAD_PERCENT } from '../../core/node-config.js';
import { parseSubnetCidr } from '../../network/cidr.js';
import type { AddonName, CapacityType, WorkloadKind } from '../../sim/model.js';
import type { InputDocument } from './document.js';
import {
  duration,
  nonEmptyString,
  nonNegativeQuantity,
  optional,
  STRING_VALUE_EXPECTED,
  strictTaint,
  stringMap,
  withDefault,
} from './fields.js';
import { validateDocument } from './validate.js';

export const SCENARIO_API_VERSION = 'podcap.dev/v1alpha1';

/**
 * EC2 vCPU quota classes of Service Quotas, by the letters in their names: "Running On-Demand
 * Standard (A, C, D, H, I, M, R, T, Z) instances" is `standard`, "Running On-Demand G and VT
 * instances" is `g`, and so on; the same classes for "All … Spot Instance Requests".
 */
export const QUOTA_CLASSES = ['standard', 'f', 'g', 'inf', 'p', 'x', 'dl', 'trn', 'highMemory', 'hpc'] as const;

export const ADDON_NAMES: readonly AddonName[] = ['aws-node', 'kube-proxy', 'coredns'];

const vcpuCount = z.int().min(0);

const quotaClasses = z.strictObject(
  Object.fromEntries(QUOTA_CLASSES.map((name) => [name, optional(vcpuCount)])) as Record<
    (typeof QUOTA_CLASSES)[number],
    ReturnType<typeof optional<typeof vcpuCount>>
  >,
);

const subnetCidr = z.string().transform((text, context): string => {
  const parsed = parseSubnetCidr(text);
  if (parsed.ok) return parsed.value.text;
  context.addIssue({ code: 'custom', message: parsed.expected });
  return z.NEVER;
});

const subnet = z.strictObject({
  id: nonEmptyString,
  zone: nonEmptyString,
  cidr: subnetCidr,
  tags: withDefault(stringMap, {}),
});

const positiveDuration = duration.refine((ms) => ms > 0, { error: 'a duration above 0s' });

const karpenterVersion = z
  .string({ error: 'a Karpenter version such as 1.5.1 (quoted, so YAML reads it as a string)' })
  .transform((text, context) => {
    const parsed = parseKarpenterVersion(text);
    if (parsed.ok) return parsed.value;
    context.addIssue({ code: 'custom', message: parsed.expected });
    return z.NEVER;
  });

const KARPENTER_SETTINGS_DEFAULTS = {
  reservedENIs: 0,
  vmMemoryOverheadPercent: DEFAULT_VM_MEMORY_OVERHEAD_PERCENT,
  // BATCH_IDLE_DURATION and BATCH_MAX_DURATION defaults (kubernetes-sigs/karpenter pkg/operator/options).
  batchIdleDuration: 1_000,
  batchMaxDuration: 10_000,
  // FEATURE_GATES: SpotToSpotConsolidation is off by default (kubernetes-sigs/karpenter pkg/operator/options).
  featureGates: { spotToSpotConsolidation: false },
};

const capacityType = z.enum(['on-demand', 'spot']) satisfies z.ZodType<CapacityType>;

/** An EKS managed node group name (CreateNodegroup nodegroupName: 1 to 63 of letters, digits, - and _). */
const NODE_GROUP_NAME = /^[0-9A-Za-z][A-Za-z0-9\-_]{0,62}$/;

const nodeGroup = z.strictObject({
  name: z.string().regex(NODE_GROUP_NAME, { error: 'a node group name such as ng-1 (letters, digits, - and _)' }),
  instanceType: nonEmptyString,
  desired: z.int().min(0).max(1_000_000),
  amiFamily: withDefault(z.enum(['al2', 'al2023', 'bottlerocket']), 'al2023'),
  capacityType: withDefault(capacityType, 'on-demand'),
  subnets: z.array(nonEmptyString).min(1),
  maxPods: optional(z.int().min(1).max(1_000_000)),
  labels: withDefault(stringMap, {}),
  taints: withDefault(z.array(strictTaint), []),
});

const staticNodes = z.strictObject({
  instanceType: nonEmptyString,
  count: z.int().min(1).max(1_000_000),
  nodePool: optional(nonEmptyString),
  zone: optional(nonEmptyString),
  capacityType: withDefault(capacityType, 'on-demand'),
});

/** `namespace/name` or `name`. */
const objectName = z.string().regex(/^[^/\s]+(\/[^/\s]+)?$/, { error: 'namespace/name or name' });

/** The timeline keys for each workload kind, as the contract spells them. */
export const TIMELINE_KINDS: Readonly<Record<string, WorkloadKind>> = {
  deployment: 'Deployment',
  statefulSet: 'StatefulSet',
  replicaSet: 'ReplicaSet',
  daemonSet: 'DaemonSet',
  pod: 'Pod',
};

function exactlyOne(
  object: Readonly<Record<string, unknown>>,
  keys: readonly string[],
  context: z.RefinementCtx,
): string | null {
  const given = keys.filter((key) => object[key] !== undefined);
  if (given.length !== 1) {
    context.addIssue({ code: 'custom', message: `exactly one of ${keys.join(', ')}` });
    return null;
  }
  return given[0] ?? null;
}

/** A timeline action with its target still a name; `field` is the key that named it. */
export type TimelineActionText =
  | { readonly type: 'scale-workload'; readonly field: string; readonly target: string; readonly replicas: number }
  | { readonly type: 'delete-workload'; readonly field: string; readonly target: string }
  | { readonly type: 'scale-node-group'; readonly field: string; readonly nodeGroup: string; readonly desired: number };

const SCALE_TARGETS = ['deployment', 'statefulSet', 'replicaSet', 'nodeGroup'];
const DELETE_TARGETS = ['deployment', 'statefulSet', 'replicaSet', 'daemonSet', 'pod'];

const scale = z
  .strictObject({
    deployment: optional(objectName),
    statefulSet: optional(objectName),
    replicaSet: optional(objectName),
    nodeGroup: optional(nonEmptyString),
    replicas: optional(z.int().min(0).max(2_147_483_647)),
    desired: optional(z.int().min(0).max(1_000_000)),
  })
  .transform((s, context): TimelineActionText => {
    const field = exactlyOne(s, SCALE_TARGETS, context);
    if (field === null) return z.NEVER;
    if (field === 'nodeGroup') {
      if (s.desired === undefined || s.replicas !== undefined) {
        context.addIssue({ code: 'custom', message: 'desired (not replicas) with nodeGroup', path: ['desired'] });
        return z.NEVER;
      }
      return { type: 'scale-node-group', field, nodeGroup: s.nodeGroup ?? '', desired: s.desired };
    }
    if (s.replicas === undefined || s.desired !== undefined) {
      context.addIssue({ code: 'custom', message: `replicas (not desired) with ${field}`, path: ['replicas'] });
      return z.NEVER;
    }
    return { type: 'scale-workload', field, target: String(s[field as keyof typeof s]), replicas: s.replicas };
  });

const remove = z
  .strictObject(
    Object.fromEntries(DELETE_TARGETS.map((key) => [key, optional(objectName)])) as Record<
      string,
      ReturnType<typeof optional<typeof objectName>>
    >,
  )
  .transform((d, context): TimelineActionText => {
    const field = exactlyOne(d, DELETE_TARGETS, context);
    if (field === null) return z.NEVER;
    return { type: 'delete-workload', field, target: String(d[field]) };
  });

const timelineEntry = z
  .strictObject({ at: duration, scale: optional(scale), delete: optional(remove) })
  .transform((entry, context) => {
    const key = exactlyOne(entry, ['scale', 'delete'], context);
    const action = entry.scale ?? entry.delete;
    if (key === null || action === undefined) return z.NEVER;
    return { atMs: entry.at, key, action };
  });

const scenarioSchema = z.strictObject({
  apiVersion: z.literal(SCENARIO_API_VERSION),
  kind: z.literal('Scenario'),
  metadata: z.strictObject({
    name: nonEmptyString,
    labels: optional(stringMap),
    annotations: optional(stringMap),
  }),
  spec: z.strictObject({
    duration: positiveDuration,
    seed: withDefault(z.int().min(0).max(4_294_967_295), 1),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, { error: 'an AWS region such as us-west-2' }),
    aws: z.strictObject({
      subnets: z.array(subnet).min(1),
      quotas: withDefault(
        z.strictObject({ onDemand: withDefault(quotaClasses, {}), spot: withDefault(quotaClasses, {}) }),
        { onDemand: {}, spot: {} },
      ),
      launchSeconds: withDefault(z.number().min(0).max(86_400), 60),
      spotPriceRatio: withDefault(z.number().gt(0).max(1), 0.35),
      observedMemory: withDefault(z.record(z.string(), nonNegativeQuantity), {}),
    }),
    vpcCni: withDefault(
      z.strictObject({
        env: withDefault(
          z.record(
            z.string(),
            z.string({ error: `${STRING_VALUE_EXPECTED}, as the aws-node environment takes only strings` }),
          ),
          {},
        ),
        eniConfigs: withDefault(z.record(z.string(), nonEmptyString), {}),
      }),
      { env: {}, eniConfigs: {} },
    ),
    karpenter: optional(
      z.strictObject({
        version: optional(karpenterVersion),
        settings: withDefault(
          z.strictObject({
            reservedENIs: withDefault(z.int().min(0).max(64), KARPENTER_SETTINGS_DEFAULTS.reservedENIs),
            vmMemoryOverheadPercent: withDefault(
              z.number().min(0).lt(1),
              KARPENTER_SETTINGS_DEFAULTS.vmMemoryOverheadPercent,
            ),
            batchIdleDuration: withDefault(positiveDuration, KARPENTER_SETTINGS_DEFAULTS.batchIdleDuration),
            batchMaxDuration: withDefault(positiveDuration, KARPENTER_SETTINGS_DEFAULTS.batchMaxDuration),
            // The Helm chart's settings.featureGates; only the gate the simulator models.
            featureGates: withDefault(
              z.strictObject({ spotToSpotConsolidation: withDefault(z.boolean(), false) }),
              KARPENTER_SETTINGS_DEFAULTS.featureGates,
            ),
          }),
          KARPENTER_SETTINGS_DEFAULTS,
        ),
      }),
    ),
    nodeGroups: withDefault(z.array(nodeGroup), []),
    nodes: withDefault(z.array(staticNodes), []),
    addons: withDefault(
      z.array(z.enum(['aws-node', 'kube-proxy', 'coredns'], { error: `one of ${ADDON_NAMES.join(', ')}` })),
      [],
    ),
    timeline: withDefault(z.array(timelineEntry), []),
  }),
});

export type ScenarioDocument = z.output<typeof scenarioSchema>;

export function parseScenarioDocument(document: InputDocument): ScenarioDocument {
  return validateDocument(scenarioSchema, document);
}
