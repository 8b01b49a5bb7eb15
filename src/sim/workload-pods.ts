/**
 * What the workload controllers decide about pods, apart from the engine: the names they give them,
 * the order a ReplicaSet deletes them in when it scales down, the tolerations a DaemonSet adds, and the
 * pod-ENI request a SecurityGroupPolicy adds.
 */

import type { LabelSelector, PodTemplate, SecurityGroupPolicy, Toleration, WorkloadId } from './model.js';
import type { Random } from './random.js';

/** The alphabet of generated name suffixes: no vowels, no confusable digits (apimachinery util/rand). */
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function randomSuffix(random: Random, length = 5): string {
  let text = '';
  for (let i = 0; i < length; i += 1) text += SUFFIX_ALPHABET[random.int(SUFFIX_ALPHABET.length)];
  return text;
}

/** A stable stand-in for a ReplicaSet's pod-template-hash: the same workload always gets the same one. */
export function templateHash(id: WorkloadId): string {
  let hash = 0x811c9dc5;
  const text = `${id.namespace}/${id.name}`;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  let out = '';
  for (let i = 0; i < 10; i += 1) {
    out += SUFFIX_ALPHABET[hash % SUFFIX_ALPHABET.length];
    hash = Math.floor(hash / SUFFIX_ALPHABET.length) ^ Math.imul(i + 1, 0x9e3779b1);
    hash >>>= 0;
  }
  return out;
}

/**
 * Tolerations the DaemonSet controller adds to every daemon pod (pkg/controller/daemon/util
 * AddOrUpdateDaemonPodTolerations): not-ready and unreachable (NoExecute), the pressure conditions and
 * unschedulable (NoSchedule), and network-unavailable for host-network pods.
 */
export function daemonTolerations(template: PodTemplate): Toleration[] {
  const exists = (key: string, effect: 'NoSchedule' | 'NoExecute'): Toleration => ({
    key,
    operator: 'Exists',
    value: '',
    effect,
  });
  const added = [
    exists('node.kubernetes.io/not-ready', 'NoExecute'),
    exists('node.kubernetes.io/unreachable', 'NoExecute'),
    exists('node.kubernetes.io/disk-pressure', 'NoSchedule'),
    exists('node.kubernetes.io/memory-pressure', 'NoSchedule'),
    exists('node.kubernetes.io/pid-pressure', 'NoSchedule'),
    exists('node.kubernetes.io/unschedulable', 'NoSchedule'),
  ];
  if (template.hostNetwork) added.push(exists('node.kubernetes.io/network-unavailable', 'NoSchedule'));
  return [...template.tolerations, ...added];
}

/** A daemon pod is pinned to its node by a required `metadata.name` field affinity (ReplaceDaemonSetPodNodeNameNodeAffinity). */
export function pinToNode(template: PodTemplate, nodeName: string): PodTemplate {
  return {
    ...template,
    tolerations: daemonTolerations(template),
    requiredNodeAffinity: [
      { matchExpressions: [], matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] },
    ],
  };
}

export function selectorMatches(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels)) if (labels[key] !== value) return false;
  for (const requirement of selector.matchExpressions) {
    const value = labels[requirement.key];
    switch (requirement.operator) {
      case 'In':
        if (value === undefined || !requirement.values.includes(value)) return false;
        break;
      case 'NotIn':
        if (value !== undefined && requirement.values.includes(value)) return false;
        break;
      case 'Exists':
        if (value === undefined) return false;
        break;
      case 'DoesNotExist':
        if (value !== undefined) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/**
 * Whether a SecurityGroupPolicy selects a pod: same namespace, and every selector it sets matches
 * (vpc-resource-controller webhook). ServiceAccount objects are not part of a scenario, so a
 * serviceAccountSelector is matched against a service account without labels.
 */
export function policySelects(
  policy: SecurityGroupPolicy,
  namespace: string,
  labels: Readonly<Record<string, string>>,
): boolean {
  if (policy.namespace !== namespace) return false;
  if (policy.podSelector === null && policy.serviceAccountSelector === null) return false;
  if (policy.podSelector !== null && !selectorMatches(policy.podSelector, labels)) return false;
  if (policy.serviceAccountSelector !== null && !selectorMatches(policy.serviceAccountSelector, {})) return false;
  return true;
}
