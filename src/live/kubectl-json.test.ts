import { describe, expect, it } from 'vitest';
import { toKubectlItem, withTypeMeta } from './kubectl-json.js';

describe('toKubectlItem', () => {
  it('puts apiVersion and kind first, drops absent fields, and writes whole-second times as the API server does', () => {
    const serialized = {
      metadata: { name: 'n1', creationTimestamp: '2025-06-02T08:14:31.000Z', deletionTimestamp: undefined },
      spec: { providerID: 'aws:///us-west-2a/i-0a1b2c3d4e5f60001', taints: undefined },
      status: {
        conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: new Date('2025-06-02T10:41:07Z') }],
        eventTime: '2025-06-02T10:38:22.481203Z',
        lastProbeTime: null,
      },
    };
    const item = toKubectlItem(serialized, 'v1', 'Node');
    expect(Object.keys(item)).toEqual(['apiVersion', 'kind', 'metadata', 'spec', 'status']);
    expect(item).toEqual({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'n1', creationTimestamp: '2025-06-02T08:14:31Z' },
      spec: { providerID: 'aws:///us-west-2a/i-0a1b2c3d4e5f60001' },
      status: {
        conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: '2025-06-02T10:41:07Z' }],
        eventTime: '2025-06-02T10:38:22.481203Z',
        lastProbeTime: null,
      },
    });
  });

  it('refuses an item that is not an object', () => {
    expect(() => toKubectlItem('x', 'v1', 'Pod')).toThrow('a Pod list item is not an object');
  });
});

describe('withTypeMeta', () => {
  it('adds apiVersion and kind where the server left them out, and keeps them where it did not', () => {
    expect(withTypeMeta({ metadata: { name: 'default' } }, 'karpenter.sh/v1', 'NodePool')).toEqual({
      apiVersion: 'karpenter.sh/v1',
      kind: 'NodePool',
      metadata: { name: 'default' },
    });
    expect(
      withTypeMeta({ apiVersion: 'karpenter.sh/v1beta1', kind: 'NodePool' }, 'karpenter.sh/v1', 'NodePool'),
    ).toEqual({ apiVersion: 'karpenter.sh/v1beta1', kind: 'NodePool' });
  });
});
