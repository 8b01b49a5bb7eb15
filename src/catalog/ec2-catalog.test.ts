import { readFileSync } from 'node:fs';
import type { InstanceTypeInfo } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { type DescribeInstanceTypesPage, refreshCatalog } from './ec2-catalog.js';
import { catalogFromCsv } from './from-csv.js';

// Two pages of DescribeInstanceTypes in the documented response shape (EC2 API reference,
// DescribeInstanceTypes / InstanceTypeInfo), as `aws ec2 describe-instance-types --output json` prints them.
const recorded = JSON.parse(
  readFileSync(new URL('./recorded/describe-instance-types.json', import.meta.url), 'utf8'),
) as { pages: DescribeInstanceTypesPage[] };

const HEADER =
  'instance_type,family,vcpu,memory_mib,architecture,gpu,hypervisor,bare_metal,max_enis,ipv4_per_eni,network_cards,max_enis_per_card_default,trunking_compatible,branch_enis,on_demand_usd_per_hour_us_east_1';
const bundled = catalogFromCsv(
  [
    HEADER,
    'c5.large,c5,2,4096,amd64,0,nitro,false,3,10,1,3,true,10,0.085000',
    'm5.large,m5,2,8192,amd64,0,nitro,false,3,10,1,3,true,9,0.096000',
    'm8g.large,m8g,2,8192,arm64,0,nitro,false,3,10,1,3,true,9,0.089760',
    'p4d.24xlarge,p4d,96,1179648,amd64,8,nitro,false,15,50,4,15,true,62,21.957642',
  ].join('\n'),
  'inline.csv',
  '2026-11-01',
);

function pager(pages: readonly DescribeInstanceTypesPage[]) {
  const tokens: (string | undefined)[] = [];
  let index = 0;
  const fetchPage = async (token: string | undefined) => {
    tokens.push(token);
    const page = pages[index] ?? {};
    index += 1;
    return page;
  };
  return { fetchPage, tokens };
}

describe('refreshCatalog', () => {
  it('follows NextToken through every page', async () => {
    const { fetchPage, tokens } = pager(recorded.pages);
    const result = await refreshCatalog({ region: 'eu-west-1', bundled, fetchPage, fetchedAt: '2026-11-23' });
    expect(tokens).toEqual([undefined, recorded.pages[0]?.NextToken]);
    expect(result.fetched).toBe(5);
    expect(result.skipped).toEqual([]);
  });

  it('counts the default network card only, as the CNI and the AMIs do', async () => {
    const { fetchPage } = pager(recorded.pages);
    const { catalog } = await refreshCatalog({ region: 'eu-west-1', bundled, fetchPage, fetchedAt: '2026-11-23' });
    const p4d = catalog.instanceTypes.find((t) => t.name === 'p4d.24xlarge');
    expect(p4d).toMatchObject({ maxEnis: 15, ipv4PerEni: 50, networkCards: 4, gpus: 8 });
    expect(p4d?.hardware).toEqual({ vcpu: 96, memoryMib: 1179648, architecture: 'amd64' });
  });

  it('marks bare metal without a hypervisor as unknown, and reads arm64', async () => {
    const { fetchPage } = pager(recorded.pages);
    const { catalog } = await refreshCatalog({ region: 'eu-west-1', bundled, fetchPage, fetchedAt: '2026-11-23' });
    expect(catalog.instanceTypes.find((t) => t.name === 'm5.metal')).toMatchObject({
      hypervisor: 'unknown',
      bareMetal: true,
      maxEnis: 15,
      trunking: null,
      onDemandUsdPerHour: null,
    });
    const m8g = catalog.instanceTypes.find((t) => t.name === 'm8g.large');
    expect(m8g?.hardware?.architecture).toBe('arm64');
    expect(m8g?.trunking).toEqual({ compatible: true, branchEnis: 9 });
    expect(m8g?.onDemandUsdPerHour).toBe(0.08976);
  });

  it('adds new types, keeps bundled types the region lacks, sorts by name and records the source', async () => {
    const { fetchPage } = pager(recorded.pages);
    const { catalog } = await refreshCatalog({ region: 'eu-west-1', bundled, fetchPage, fetchedAt: '2026-11-23' });
    expect(catalog.instanceTypes.map((t) => t.name)).toEqual([
      'c5.large',
      'm5.large',
      'm5.metal',
      'm8g.large',
      'm9x.large',
      'p4d.24xlarge',
    ]);
    expect(catalog.instanceTypes.find((t) => t.name === 'c5.large')).toEqual(
      bundled.instanceTypes.find((t) => t.name === 'c5.large'),
    );
    expect(catalog.instanceTypes.find((t) => t.name === 'm9x.large')).toMatchObject({
      maxEnis: 4,
      ipv4PerEni: 15,
      trunking: null,
    });
    expect(catalog.sources.at(-1)).toEqual({
      name: 'EC2 DescribeInstanceTypes',
      region: 'eu-west-1',
      date: '2026-11-23',
    });
    expect(catalog.builtAt).toBe('2026-11-23');
  });

  it('skips a type without network facts and says so', async () => {
    const { fetchPage } = pager([
      { InstanceTypes: [{ InstanceType: 'x9.odd', VCpuInfo: { DefaultVCpus: 2 } } as unknown as InstanceTypeInfo] },
    ]);
    const result = await refreshCatalog({ region: 'eu-west-1', bundled, fetchPage, fetchedAt: '2026-11-23' });
    expect(result.skipped).toEqual(['x9.odd']);
    expect(result.catalog.instanceTypes).toHaveLength(4);
  });

  it('never counts the all-card total when the default card is missing from the listed cards', async () => {
    const odd = {
      InstanceType: 'x9.cards',
      NetworkInfo: {
        MaximumNetworkInterfaces: 60,
        Ipv4AddressesPerInterface: 50,
        DefaultNetworkCardIndex: 2,
        NetworkCards: [{ NetworkCardIndex: 0, MaximumNetworkInterfaces: 30 }],
      },
    } as unknown as InstanceTypeInfo;
    const { fetchPage } = pager([{ InstanceTypes: [odd] }]);
    const result = await refreshCatalog({ region: 'eu-west-1', bundled, fetchPage, fetchedAt: '2026-11-23' });
    expect(result.skipped).toEqual(['x9.cards']);
  });

  it('stops on a repeated NextToken instead of looping', async () => {
    const fetchPage = async () => ({ InstanceTypes: [], NextToken: 'same' });
    await expect(refreshCatalog({ region: 'eu-west-1', bundled, fetchPage, fetchedAt: '2026-11-23' })).rejects.toThrow(
      'NextToken same twice',
    );
  });
});
