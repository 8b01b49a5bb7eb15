/**
 * What a real node's labels, taints and OS image say about it: the well-known label names, which labels
 * and taints EKS, Karpenter and the control plane set themselves (so a user's own remain), the capacity
 * type and the AMI family. Shared by the doctor's reader, its what-if and the scenario loader's Node
 * manifests, which must read a node the same way.
 */

import type { AmiFamily } from './node-config.js';

/** Well-known labels (k8s.io/api/core/v1 well_known_labels.go, Karpenter, EKS managed node groups). */
export const NODE_LABEL = {
  instanceType: 'node.kubernetes.io/instance-type',
  instanceTypeBeta: 'beta.kubernetes.io/instance-type',
  zone: 'topology.kubernetes.io/zone',
  zoneBeta: 'failure-domain.beta.kubernetes.io/zone',
  karpenterCapacityType: 'karpenter.sh/capacity-type',
  eksCapacityType: 'eks.amazonaws.com/capacityType',
  nodePool: 'karpenter.sh/nodepool',
  nodeGroup: 'eks.amazonaws.com/nodegroup',
  computeType: 'eks.amazonaws.com/compute-type',
} as const;

type Labels = Readonly<Record<string, string>>;

/** The instance type label, or the beta one older nodes still carry; null when neither is set. */
export function instanceTypeLabel(labels: Labels): string | null {
  return labels[NODE_LABEL.instanceType] ?? labels[NODE_LABEL.instanceTypeBeta] ?? null;
}

/** The zone label, or the beta one older nodes still carry; null when neither is set. */
export function zoneLabel(labels: Labels): string | null {
  return labels[NODE_LABEL.zone] ?? labels[NODE_LABEL.zoneBeta] ?? null;
}

/** Karpenter's `spot`/`on-demand`, else the managed node group's `SPOT`/`ON_DEMAND`; other values say nothing. */
export function capacityTypeLabel(labels: Labels): 'spot' | 'on-demand' | null {
  switch (labels[NODE_LABEL.karpenterCapacityType]) {
    case 'spot':
      return 'spot';
    case 'on-demand':
      return 'on-demand';
  }
  switch (labels[NODE_LABEL.eksCapacityType]) {
    case 'SPOT':
      return 'spot';
    case 'ON_DEMAND':
      return 'on-demand';
  }
  return null;
}

/** The AMI family from the os-release PRETTY_NAME the kubelet reports ("Amazon Linux 2023.7.20250512"). */
export function amiFamilyOf(osImage: string): Exclude<AmiFamily, 'custom'> | null {
  if (osImage.startsWith('Amazon Linux 2023')) return 'al2023';
  if (osImage.startsWith('Amazon Linux 2')) return 'al2';
  if (osImage.startsWith('Bottlerocket')) return 'bottlerocket';
  return null;
}

/** Labels EKS, Karpenter, the kubelet and controllers set themselves: not the user's node labels. */
export function isSystemLabel(key: string): boolean {
  const slash = key.indexOf('/');
  if (slash < 0) return false;
  const domain = key.slice(0, slash);
  if (domain === 'node-role.kubernetes.io') return false;
  return [
    'kubernetes.io',
    'k8s.io',
    'amazonaws.com',
    'k8s.aws',
    'karpenter.sh',
    'karpenter.k8s.aws',
    'csi.aws.com',
  ].some((suffix) => domain === suffix || domain.endsWith(`.${suffix}`));
}

/** Taints the control plane and autoscalers put on for a while (not-ready, disrupted, …): not a node group's own. */
export function isTransientTaint(taint: { readonly key: string }): boolean {
  return (
    isSystemLabel(taint.key) ||
    taint.key === 'ToBeDeletedByClusterAutoscaler' ||
    taint.key === 'DeletionCandidateOfClusterAutoscaler'
  );
}
