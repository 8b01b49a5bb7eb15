/**
 * The workload kinds podcap runs (apps/v1 Deployment, ReplicaSet, StatefulSet, DaemonSet; v1 Pod)
 * and the SecurityGroupPolicy that gives pods a branch ENI. Lenient about fields that do not matter,
 * strict about the types of those that do.
 */

import { z } from 'zod';
import type { SecurityGroupPolicy, Workload, WorkloadKind } from '../../sim/model.js';
import { DEFAULT_NAMESPACE, type InputDocument, sourceRef } from './document.js';
import { labelSelector, nonEmptyString, optional, stringMap, withDefault } from './fields.js';
import { podSpec, podTemplateMetadata, toPodTemplate } from './pod-template.js';
import { validateDocument } from './validate.js';

const namespacedMetadata = z.looseObject({
  name: nonEmptyString,
  namespace: withDefault(nonEmptyString, DEFAULT_NAMESPACE),
  labels: withDefault(stringMap, {}),
});

const podTemplateSpec = z.looseObject({
  metadata: withDefault(podTemplateMetadata, { labels: {} }),
  spec: podSpec,
});

/** spec.replicas is an int32 that defaults to 1 (apps/v1 defaults). */
const replicas = withDefault(z.int().min(0).max(2_147_483_647), 1);

const replicatedSchema = z.looseObject({
  metadata: namespacedMetadata,
  spec: z.looseObject({ replicas, template: podTemplateSpec }),
});

const statefulSetSchema = z.looseObject({
  metadata: namespacedMetadata,
  spec: z.looseObject({
    replicas,
    podManagementPolicy: withDefault(z.enum(['OrderedReady', 'Parallel']), 'OrderedReady'),
    template: podTemplateSpec,
  }),
});

const daemonSetSchema = z.looseObject({
  metadata: namespacedMetadata,
  spec: z.looseObject({ template: podTemplateSpec }),
});

const podSchema = z.looseObject({ metadata: namespacedMetadata, spec: podSpec });

const securityGroupPolicySchema = z.looseObject({
  metadata: namespacedMetadata,
  spec: z.looseObject({
    podSelector: optional(labelSelector),
    serviceAccountSelector: optional(labelSelector),
  }),
});

/** The apiVersion each workload kind is read in. */
export const WORKLOAD_API_VERSIONS: Readonly<Record<WorkloadKind, string>> = {
  Deployment: 'apps/v1',
  ReplicaSet: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  Pod: 'v1',
};

export function isWorkloadKind(kind: string): kind is WorkloadKind {
  return Object.hasOwn(WORKLOAD_API_VERSIONS, kind);
}

export function parseWorkload(document: InputDocument, kind: WorkloadKind): Workload {
  const source = sourceRef(document);
  switch (kind) {
    case 'Deployment':
    case 'ReplicaSet': {
      const { metadata, spec } = validateDocument(replicatedSchema, document);
      return {
        kind,
        id: { kind, namespace: metadata.namespace, name: metadata.name },
        replicas: spec.replicas,
        template: toPodTemplate(spec.template.metadata.labels, spec.template.spec),
        source,
      };
    }
    case 'StatefulSet': {
      const { metadata, spec } = validateDocument(statefulSetSchema, document);
      return {
        kind,
        id: { kind, namespace: metadata.namespace, name: metadata.name },
        replicas: spec.replicas,
        podManagementPolicy: spec.podManagementPolicy,
        template: toPodTemplate(spec.template.metadata.labels, spec.template.spec),
        source,
      };
    }
    case 'DaemonSet': {
      const { metadata, spec } = validateDocument(daemonSetSchema, document);
      return {
        kind,
        id: { kind, namespace: metadata.namespace, name: metadata.name },
        template: toPodTemplate(spec.template.metadata.labels, spec.template.spec),
        source,
      };
    }
    case 'Pod': {
      const { metadata, spec } = validateDocument(podSchema, document);
      return {
        kind,
        id: { kind, namespace: metadata.namespace, name: metadata.name },
        template: toPodTemplate(metadata.labels, spec),
        source,
      };
    }
  }
}

export const SECURITY_GROUP_POLICY_API_VERSION = 'vpcresources.k8s.aws/v1beta1';

export function parseSecurityGroupPolicy(document: InputDocument): SecurityGroupPolicy {
  const { metadata, spec } = validateDocument(securityGroupPolicySchema, document);
  return {
    namespace: metadata.namespace,
    name: metadata.name,
    podSelector: spec.podSelector ?? null,
    serviceAccountSelector: spec.serviceAccountSelector ?? null,
  };
}
