/**
 * The workload kinds podcap runs (apps/v1 Deployment, ReplicaSet, StatefulSet, DaemonSet; v1 Pod)
 * and the SecurityGroupPolicy that gives pods a branch ENI. Lenient about fields that do not matter,
 * strict about the types of those that do.
 */

import { z } from 'zod';
import type { LabelSelector, SecurityGroupPolicy, Workload, WorkloadKind } from '../../sim/model.js';
import { selectorMatches } from '../../sim/workload-pods.js';
import { DEFAULT_NAMESPACE, fieldError, type InputDocument, sourceRef } from './document.js';
import { labelName, labelSelector, optional, stringMap, subdomainName, withDefault } from './fields.js';
import { podSpec, podTemplateMetadata, toPodTemplate } from './pod-template.js';
import { validateDocument } from './validate.js';

const namespacedMetadata = z.looseObject({
  name: subdomainName,
  namespace: withDefault(labelName, DEFAULT_NAMESPACE),
  labels: withDefault(stringMap, {}),
});

/** apps/v1 ValidateStatefulSetName: a DNS label, since each pod's hostname is the name and an ordinal. */
const statefulSetMetadata = namespacedMetadata.extend({ name: labelName });

const podTemplateSpec = z.looseObject({
  metadata: withDefault(podTemplateMetadata, { labels: {} }),
  spec: podSpec,
});

/** spec.replicas is an int32 that defaults to 1 (apps/v1 defaults). */
const replicas = withDefault(z.int().min(0).max(2_147_483_647), 1);

const selector = optional(labelSelector);

const replicatedSchema = z.looseObject({
  metadata: namespacedMetadata,
  spec: z.looseObject({ replicas, selector, template: podTemplateSpec }),
});

const statefulSetSchema = z.looseObject({
  metadata: statefulSetMetadata,
  spec: z.looseObject({
    replicas,
    selector,
    podManagementPolicy: withDefault(z.enum(['OrderedReady', 'Parallel']), 'OrderedReady'),
    template: podTemplateSpec,
  }),
});

const daemonSetSchema = z.looseObject({
  metadata: namespacedMetadata,
  spec: z.looseObject({ selector, template: podTemplateSpec }),
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

/**
 * Where a workload comes from: a manifest as written, which the API server would still validate on
 * create, or an object read back from a cluster, which it has validated already.
 */
export type WorkloadOrigin = 'manifest' | 'cluster';

/**
 * The apps/v1 rule on spec.selector (apps/validation ValidateDeploymentSpec, ValidateReplicaSetSpec,
 * ValidateStatefulSetSpec, ValidateDaemonSetSpec): required, not empty, and matching the template's labels.
 */
function checkSelector(
  document: InputDocument,
  selector: LabelSelector | undefined,
  templateLabels: Readonly<Record<string, string>>,
): void {
  if (selector === undefined) {
    throw fieldError(
      document,
      ['spec', 'selector'],
      "a label selector that matches the template's labels (apps/v1 requires one)",
    );
  }
  if (Object.keys(selector.matchLabels).length === 0 && selector.matchExpressions.length === 0) {
    throw fieldError(
      document,
      ['spec', 'selector'],
      'matchLabels or matchExpressions (apps/v1 refuses an empty selector)',
    );
  }
  if (!selectorMatches(selector, templateLabels)) {
    throw fieldError(
      document,
      ['spec', 'template', 'metadata', 'labels'],
      'labels that spec.selector matches (apps/v1: "`selector` does not match template `labels`")',
    );
  }
}

export function parseWorkload(
  document: InputDocument,
  kind: WorkloadKind,
  origin: WorkloadOrigin = 'cluster',
): Workload {
  const source = sourceRef(document);
  const selectorRule = (
    selector: LabelSelector | undefined,
    templateLabels: Readonly<Record<string, string>>,
  ): void => {
    if (origin === 'manifest') checkSelector(document, selector, templateLabels);
  };
  switch (kind) {
    case 'Deployment':
    case 'ReplicaSet': {
      const { metadata, spec } = validateDocument(replicatedSchema, document);
      selectorRule(spec.selector, spec.template.metadata.labels);
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
      selectorRule(spec.selector, spec.template.metadata.labels);
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
      selectorRule(spec.selector, spec.template.metadata.labels);
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
