import { describe, expect, it } from 'vitest';
import {
  amiFamilyOf,
  capacityTypeLabel,
  instanceTypeLabel,
  isSystemLabel,
  isTransientTaint,
  zoneLabel,
} from './node-labels.js';

describe('node labels', () => {
  it('reads the GA labels first and the beta ones older nodes still carry', () => {
    expect(instanceTypeLabel({ 'beta.kubernetes.io/instance-type': 'm4.large' })).toBe('m4.large');
    expect(
      instanceTypeLabel({ 'node.kubernetes.io/instance-type': 'm5.large', 'beta.kubernetes.io/instance-type': 'x' }),
    ).toBe('m5.large');
    expect(zoneLabel({ 'failure-domain.beta.kubernetes.io/zone': 'us-east-1a' })).toBe('us-east-1a');
    expect(zoneLabel({})).toBeNull();
  });

  it("takes Karpenter's capacity type before the managed node group's, and nothing from other values", () => {
    expect(
      capacityTypeLabel({ 'karpenter.sh/capacity-type': 'spot', 'eks.amazonaws.com/capacityType': 'ON_DEMAND' }),
    ).toBe('spot');
    expect(capacityTypeLabel({ 'eks.amazonaws.com/capacityType': 'SPOT' })).toBe('spot');
    expect(capacityTypeLabel({ 'eks.amazonaws.com/capacityType': 'CAPACITY_BLOCK' })).toBeNull();
  });

  it('keeps the user’s labels and node roles, not those EKS, Karpenter or the kubelet set', () => {
    expect(isSystemLabel('team')).toBe(false);
    expect(isSystemLabel('node-role.kubernetes.io/worker')).toBe(false);
    expect(isSystemLabel('example.com/tier')).toBe(false);
    expect(isSystemLabel('topology.kubernetes.io/zone')).toBe(true);
    expect(isSystemLabel('eks.amazonaws.com/nodegroup')).toBe(true);
    expect(isSystemLabel('karpenter.k8s.aws/instance-family')).toBe(true);
    expect(isTransientTaint({ key: 'node.kubernetes.io/not-ready' })).toBe(true);
    expect(isTransientTaint({ key: 'ToBeDeletedByClusterAutoscaler' })).toBe(true);
    expect(isTransientTaint({ key: 'dedicated' })).toBe(false);
  });

  it('names the AMI family from the OS image, AL2023 before AL2', () => {
    expect(amiFamilyOf('Amazon Linux 2023.7.20250512')).toBe('al2023');
    expect(amiFamilyOf('Amazon Linux 2')).toBe('al2');
    expect(amiFamilyOf('Bottlerocket OS 1.39.1 (aws-k8s-1.32)')).toBe('bottlerocket');
    expect(amiFamilyOf('Ubuntu 22.04.5 LTS')).toBeNull();
  });
});
