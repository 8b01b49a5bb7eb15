import { describe, expect, it } from 'vitest';
import { instanceType } from '../../test-support/fixtures.js';
import { nodeClass, nodePool, podTemplate, requirement } from '../../test-support/sim-input.js';
import { buildPoolCatalog, instanceTypeLabels, LABEL, offeringBit, podOfferingMasks } from './offerings.js';

const zones = new Map([
  ['subnet-a', 'us-west-2a'],
  ['subnet-b', 'us-west-2b'],
]);
const types = ['m5.large', 'm5.xlarge', 'c5.4xlarge', 'm8g.large', 't3.medium'].map(instanceType);

describe('instanceTypeLabels', () => {
  it('derives the well-known labels Karpenter puts on a node', () => {
    expect(instanceTypeLabels(instanceType('m5d.xlarge'))).toMatchObject({
      [LABEL.instanceType]: 'm5d.xlarge',
      [LABEL.family]: 'm5d',
      [LABEL.category]: 'm',
      [LABEL.generation]: '5',
      [LABEL.size]: 'xlarge',
      [LABEL.cpu]: '4',
      [LABEL.memory]: '16384',
      [LABEL.arch]: 'amd64',
    });
    expect(instanceTypeLabels(instanceType('m8g.large'))[LABEL.arch]).toBe('arm64');
  });
});

describe('buildPoolCatalog', () => {
  it('launches On-Demand when the NodePool does not name a capacity type, in the zones of its subnets', () => {
    const catalog = buildPoolCatalog(nodePool('default'), nodeClass(['subnet-b', 'subnet-a']), zones, types);
    expect(catalog.zones).toEqual(['us-west-2a', 'us-west-2b']);
    const onDemandEverywhere = offeringBit(0, 'on-demand') | offeringBit(1, 'on-demand');
    expect(catalog.types.map((t) => t.mask)).toEqual(types.map(() => onDemandEverywhere));
  });

  it('applies In, NotIn and Gt to type and offering labels', () => {
    const pool = nodePool('default', {
      requirements: [
        requirement(LABEL.capacityType, 'In', ['spot']),
        requirement(LABEL.cpu, 'Gt', ['2']),
        requirement(LABEL.family, 'NotIn', ['c5']),
        requirement(LABEL.zone, 'In', ['us-west-2b']),
      ],
    });
    const catalog = buildPoolCatalog(pool, nodeClass(['subnet-a', 'subnet-b']), zones, types);
    expect(catalog.types.map((t) => t.type.name)).toEqual(['m5.xlarge']);
    expect(catalog.types[0]?.mask).toBe(offeringBit(1, 'spot'));
  });

  it('turns a requirement on a key of its own into a node label without excluding types', () => {
    const pool = nodePool('default', { requirements: [requirement('team', 'In', ['payments'])] });
    const catalog = buildPoolCatalog(pool, nodeClass(['subnet-a']), zones, types);
    expect(catalog.types).toHaveLength(types.length);
    expect(catalog.poolLabels).toEqual({ team: 'payments', [LABEL.nodePool]: 'default' });
  });
});

describe('podOfferingMasks', () => {
  const pool = nodePool('default', {
    requirements: [requirement(LABEL.capacityType, 'In', ['spot', 'on-demand'])],
    taints: [{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }],
  });
  const catalog = buildPoolCatalog(pool, nodeClass(['subnet-a', 'subnet-b']), zones, types);

  it('is null for a pod that does not tolerate the NodePool taints', () => {
    expect(podOfferingMasks(catalog, podTemplate())).toBeNull();
  });

  it('narrows the offerings to the zone and architecture the pod selects', () => {
    const masks = podOfferingMasks(
      catalog,
      podTemplate({
        tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'batch', effect: 'NoSchedule' }],
        nodeSelector: { [LABEL.zone]: 'us-west-2b', [LABEL.arch]: 'arm64' },
      }),
    );
    const both = offeringBit(1, 'on-demand') | offeringBit(1, 'spot');
    expect([...(masks ?? [])]).toEqual(types.map((t) => (t.name === 'm8g.large' ? both : 0)));
  });
});
