/**
 * A pod spec as the API server stores it and kube-scheduler reads it: requests defaulted from limits,
 * init and sidecar containers, pod-level resources and overhead folded into one ResourceRequests;
 * tolerations, affinity and topology spread with their API defaults.
 */

import { z } from 'zod';
import type { Quantity } from '../../core/quantity.js';
import type { PodTemplate, ResourceRequests, TopologySpreadConstraint } from '../../sim/model.js';
import {
  labelSelector,
  nodeSelectorTerm,
  nonEmptyString,
  nonNegativeQuantity,
  optional,
  STRING_VALUE_EXPECTED,
  stringMap,
  toleration,
  withDefault,
} from './fields.js';

const DEFAULT_SERVICE_ACCOUNT = 'default';

/** Resources podcap does not model: they neither count nor are extended resources. */
function isIgnoredResource(name: string): boolean {
  return name === 'ephemeral-storage' || name === 'storage' || name.startsWith('hugepages-');
}

/** A name with a domain, outside kubernetes.io (apis/core/helper IsExtendedResourceName). */
function isExtendedResource(name: string): boolean {
  const slash = name.indexOf('/');
  if (slash < 0) return false;
  const domain = name.slice(0, slash);
  return domain !== 'kubernetes.io' && !domain.endsWith('.kubernetes.io');
}

const RESOURCE_NAME_EXPECTED = 'a resource name such as cpu, memory, ephemeral-storage or example.com/device';

/** Quantities rounded up to thousandths, as SetDefaults_ResourceList stores them (pkg/apis/core/v1/defaults.go). */
type MilliList = Map<string, bigint>;

function ceilDivide(numerator: bigint, denominator: bigint): bigint {
  const quotient = numerator / denominator;
  return numerator % denominator > 0n ? quotient + 1n : quotient;
}

function toMillis(q: Quantity): bigint {
  return ceilDivide(q.numerator * 1000n, q.denominator);
}

const resourceList = z.record(z.string(), nonNegativeQuantity).superRefine((list, context) => {
  for (const [name, value] of Object.entries(list)) {
    if (!name.includes('/') && !['cpu', 'memory'].includes(name) && !isIgnoredResource(name)) {
      context.addIssue({ code: 'custom', message: RESOURCE_NAME_EXPECTED, path: [name] });
    } else if (isExtendedResource(name) && value.numerator % value.denominator !== 0n) {
      // Extended resources are whole units (apis/core/validation validateResourceQuantityValue).
      context.addIssue({ code: 'custom', message: 'a whole number for an extended resource', path: [name] });
    }
  }
});

type ResourceList = z.output<typeof resourceList>;

function milliList(list: ResourceList | undefined): MilliList {
  return new Map(Object.entries(list ?? {}).map(([name, value]) => [name, toMillis(value)] as const));
}

const resourceRequirements = z
  .looseObject({ requests: optional(resourceList), limits: optional(resourceList) })
  .superRefine((r, context) => {
    // apis/core/validation ValidateResourceRequirements: a request above its limit is refused, and an
    // extended resource, which cannot be overcommitted, needs request equal to limit.
    for (const [name, request] of Object.entries(r.requests ?? {})) {
      const limit = r.limits?.[name];
      if (limit === undefined) continue;
      const [requested, limited] = [toMillis(request), toMillis(limit)];
      if (isExtendedResource(name) && requested !== limited) {
        context.addIssue({ code: 'custom', message: 'a request equal to its limit', path: ['requests', name] });
      } else if (requested > limited) {
        context.addIssue({ code: 'custom', message: 'a request no greater than its limit', path: ['requests', name] });
      }
    }
  });

type Requirements = z.output<typeof resourceRequirements>;

const container = z.looseObject({
  name: optional(z.string()),
  resources: optional(resourceRequirements),
});

const initContainer = container.extend({
  // Only Always is valid on an init container: it makes it a sidecar (KEP-753).
  restartPolicy: optional(z.literal('Always')),
});

const topologySpreadConstraint = z
  .looseObject({
    maxSkew: z.int().min(1),
    topologyKey: nonEmptyString,
    whenUnsatisfiable: z.enum(['DoNotSchedule', 'ScheduleAnyway']),
    labelSelector: optional(labelSelector),
    minDomains: optional(z.int().min(1)),
    // Defaults of the TopologySpreadConstraint API type (k8s.io/api/core/v1 types.go).
    nodeAffinityPolicy: withDefault(z.enum(['Honor', 'Ignore']), 'Honor'),
    nodeTaintsPolicy: withDefault(z.enum(['Honor', 'Ignore']), 'Ignore'),
    matchLabelKeys: withDefault(z.array(z.string()), []),
  })
  .superRefine((c, context) => {
    // apis/core/validation validateMinDomains.
    if (c.minDomains !== undefined && c.whenUnsatisfiable !== 'DoNotSchedule') {
      context.addIssue({
        code: 'custom',
        message: 'no minDomains unless whenUnsatisfiable is DoNotSchedule',
        path: ['minDomains'],
      });
    }
  })
  .transform(
    (c): TopologySpreadConstraint => ({
      maxSkew: c.maxSkew,
      topologyKey: c.topologyKey,
      whenUnsatisfiable: c.whenUnsatisfiable,
      labelSelector: c.labelSelector ?? null,
      minDomains: c.minDomains ?? null,
      nodeAffinityPolicy: c.nodeAffinityPolicy,
      nodeTaintsPolicy: c.nodeTaintsPolicy,
      matchLabelKeys: c.matchLabelKeys,
    }),
  );

const nodeAffinity = z.looseObject({
  requiredDuringSchedulingIgnoredDuringExecution: optional(
    z.looseObject({ nodeSelectorTerms: z.array(nodeSelectorTerm).min(1) }),
  ),
});

export const podSpec = z.looseObject({
  containers: z.array(container).min(1),
  initContainers: withDefault(z.array(initContainer), []),
  overhead: optional(resourceList),
  resources: optional(resourceRequirements),
  hostNetwork: withDefault(z.boolean(), false),
  nodeSelector: withDefault(stringMap, {}),
  affinity: optional(z.looseObject({ nodeAffinity: optional(nodeAffinity) })),
  tolerations: withDefault(z.array(toleration), []),
  topologySpreadConstraints: withDefault(z.array(topologySpreadConstraint), []),
  serviceAccountName: optional(z.string({ error: STRING_VALUE_EXPECTED })),
  serviceAccount: optional(z.string({ error: STRING_VALUE_EXPECTED })),
});

export type PodSpec = z.output<typeof podSpec>;

export const podTemplateMetadata = z.looseObject({ labels: withDefault(stringMap, {}) });

/** Requests after SetDefaults_Pod: a limit without a request becomes the request (pkg/apis/core/v1/defaults.go). */
function effectiveRequests(requirements: Requirements | undefined): MilliList {
  const requests = milliList(requirements?.requests);
  for (const [name, limit] of milliList(requirements?.limits)) if (!requests.has(name)) requests.set(name, limit);
  return requests;
}

function add(target: MilliList, source: MilliList): void {
  for (const [name, value] of source) target.set(name, (target.get(name) ?? 0n) + value);
}

function max(target: MilliList, source: MilliList): void {
  for (const [name, value] of source) {
    const current = target.get(name);
    if (current === undefined || value > current) target.set(name, value);
  }
}

/** Only cpu and memory are read from pod-level resources (component-helpers/resource IsSupportedPodLevelResource). */
const POD_LEVEL_RESOURCES = ['cpu', 'memory'];

/**
 * A pod's requests as kube-scheduler counts them (k8s.io/component-helpers/resource PodRequests):
 * the sum over containers and sidecars, at least the largest init container plus the sidecars started
 * before it, then pod-level requests where set, then overhead.
 */
export function computePodRequests(spec: PodSpec): ResourceRequests {
  const total: MilliList = new Map();
  for (const c of spec.containers) add(total, effectiveRequests(c.resources));
  const sidecars: MilliList = new Map();
  const initPeak: MilliList = new Map();
  for (const c of spec.initContainers) {
    const requests = effectiveRequests(c.resources);
    if (c.restartPolicy === 'Always') {
      add(total, requests);
      add(sidecars, requests);
      max(initPeak, sidecars);
    } else {
      const running = new Map(requests);
      add(running, sidecars);
      max(initPeak, running);
    }
  }
  max(total, initPeak);

  // PodLevelResources (beta, on by default since 1.34): pod-level requests replace the containers'
  // for cpu and memory; with only pod-level limits set, a resource no container requests takes the
  // limit (pkg/apis/core/v1/defaults.go defaultPodRequests).
  const podRequests = milliList(spec.resources?.requests);
  const podLimits = milliList(spec.resources?.limits);
  for (const name of POD_LEVEL_RESOURCES) {
    const value = podRequests.get(name) ?? (total.has(name) ? undefined : podLimits.get(name));
    if (value !== undefined) total.set(name, value);
  }
  const cpuUnset = !total.has('cpu');
  const memoryUnset = !total.has('memory');
  add(total, milliList(spec.overhead));

  const extended = new Map<string, number>();
  for (const [name, value] of [...total].sort(([a], [b]) => a.localeCompare(b))) {
    if (isExtendedResource(name)) extended.set(name, Number(ceilDivide(value, 1000n)));
  }
  return {
    cpuMillis: Number(total.get('cpu') ?? 0n),
    memoryBytes: Number(ceilDivide(total.get('memory') ?? 0n, 1000n)),
    extended,
    cpuUnset,
    memoryUnset,
  };
}

/** The typed template of a pod: labels from its metadata, the rest from its spec. */
export function toPodTemplate(labels: Readonly<Record<string, string>>, spec: PodSpec): PodTemplate {
  const required = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  return {
    labels,
    // The v1 conversion reads the deprecated serviceAccount when serviceAccountName is empty, and the
    // ServiceAccount admission plugin sets "default" (plugin/pkg/admission/serviceaccount).
    serviceAccountName: spec.serviceAccountName || spec.serviceAccount || DEFAULT_SERVICE_ACCOUNT,
    requests: computePodRequests(spec),
    hostNetwork: spec.hostNetwork,
    nodeSelector: spec.nodeSelector,
    requiredNodeAffinity: required === undefined ? null : required.nodeSelectorTerms,
    tolerations: spec.tolerations,
    topologySpreadConstraints: spec.topologySpreadConstraints,
  };
}
