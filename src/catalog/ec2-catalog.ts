import { DescribeInstanceTypesCommand, EC2Client, type InstanceTypeInfo } from '@aws-sdk/client-ec2';
import type { Catalog } from '../core/catalog.js';
import type { Architecture, Hypervisor, InstanceType } from '../core/instance-type.js';

/** One DescribeInstanceTypes page, as the SDK returns it and as `aws ec2 describe-instance-types` prints it. */
export interface DescribeInstanceTypesPage {
  readonly InstanceTypes?: readonly InstanceTypeInfo[] | undefined;
  readonly NextToken?: string | undefined;
}

/** Fetches the page after `nextToken` (the first page for undefined). Injected so tests need no network. */
export type FetchInstanceTypesPage = (nextToken: string | undefined) => Promise<DescribeInstanceTypesPage>;

export interface RefreshResult {
  readonly catalog: Catalog;
  /** Types EC2 returned without the network facts the models need. */
  readonly skipped: readonly string[];
  /** Types EC2 returned. */
  readonly fetched: number;
}

/** The live EC2 API, 100 types a page (the API's maximum). */
export function ec2Pager(region: string): FetchInstanceTypesPage {
  const client = new EC2Client({ region });
  return (nextToken) => client.send(new DescribeInstanceTypesCommand({ MaxResults: 100, NextToken: nextToken }));
}

/**
 * Pages through DescribeInstanceTypes and merges it over the bundled catalog: EC2's facts replace the
 * bundled ones type by type; trunking and prices, which EC2 does not publish, stay from the bundle;
 * bundled types the region does not offer are kept.
 */
export async function refreshCatalog(options: {
  readonly region: string;
  readonly bundled: Catalog;
  readonly fetchPage: FetchInstanceTypesPage;
  readonly fetchedAt: string;
}): Promise<RefreshResult> {
  const bundledByName = new Map(options.bundled.instanceTypes.map((t) => [t.name, t] as const));
  const merged = new Map(bundledByName);
  const skipped: string[] = [];
  const seenTokens = new Set<string>();
  let fetched = 0;
  let nextToken: string | undefined;
  do {
    const page = await options.fetchPage(nextToken);
    for (const info of page.InstanceTypes ?? []) {
      fetched += 1;
      const converted = fromEc2(info, bundledByName.get(info.InstanceType ?? ''));
      if (converted === null) skipped.push(info.InstanceType ?? '(no name)');
      else merged.set(converted.name, converted);
    }
    nextToken = page.NextToken === '' ? undefined : page.NextToken;
    if (nextToken !== undefined) {
      if (seenTokens.has(nextToken)) throw new Error(`DescribeInstanceTypes returned NextToken ${nextToken} twice`);
      seenTokens.add(nextToken);
    }
  } while (nextToken !== undefined);

  const instanceTypes = [...merged.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    catalog: {
      ...options.bundled,
      builtAt: options.fetchedAt,
      sources: [
        ...options.bundled.sources,
        { name: 'EC2 DescribeInstanceTypes', region: options.region, date: options.fetchedAt },
      ],
      instanceTypes,
    },
    skipped,
    fetched,
  };
}

/**
 * EC2's InstanceTypeInfo in the catalog's terms. The ENI count is the default network card's
 * MaximumNetworkInterfaces, which the VPC CNI, the AMIs and Karpenter count — not the all-card total
 * (EC2 API reference, NetworkInfo.NetworkCards and DefaultNetworkCardIndex; research capacity-models.md §2.1).
 */
export function fromEc2(info: InstanceTypeInfo, bundled: InstanceType | undefined): InstanceType | null {
  const name = info.InstanceType;
  const network = info.NetworkInfo;
  const ipv4PerEni = network?.Ipv4AddressesPerInterface;
  const defaultIndex = network?.DefaultNetworkCardIndex ?? 0;
  const cards = network?.NetworkCards ?? [];
  const defaultCard = cards.find((card) => (card.NetworkCardIndex ?? 0) === defaultIndex);
  // The all-card total stands in only when EC2 lists no cards; a listed set without the default card is unusable.
  const maxEnis = cards.length === 0 ? network?.MaximumNetworkInterfaces : defaultCard?.MaximumNetworkInterfaces;
  if (name === undefined || ipv4PerEni === undefined || maxEnis === undefined) return null;

  const vcpu = info.VCpuInfo?.DefaultVCpus;
  const memoryMib = info.MemoryInfo?.SizeInMiB;
  // Karpenter reads the first listed architecture (types.go memory(), computeRequirements).
  const firstArchitecture = info.ProcessorInfo?.SupportedArchitectures?.[0];
  const architecture: Architecture | null =
    firstArchitecture === 'arm64'
      ? 'arm64'
      : firstArchitecture === 'x86_64' || firstArchitecture === 'x86_64_mac'
        ? 'amd64'
        : null;
  const bareMetal = info.BareMetal ?? false;
  const hypervisor: Hypervisor | null =
    info.Hypervisor === 'nitro' || info.Hypervisor === 'xen' ? info.Hypervisor : bareMetal ? 'unknown' : null;
  return {
    name,
    family: name.split('.')[0] ?? name,
    hardware:
      vcpu !== undefined && memoryMib !== undefined && architecture !== null
        ? { vcpu, memoryMib, architecture }
        : (bundled?.hardware ?? null),
    gpus: (info.GpuInfo?.Gpus ?? []).reduce((sum, gpu) => sum + (gpu.Count ?? 0), 0),
    hypervisor,
    bareMetal,
    maxEnis,
    ipv4PerEni,
    networkCards: cards.length > 0 ? cards.length : (network?.MaximumNetworkCards ?? 1),
    trunking: bundled?.trunking ?? null,
    onDemandUsdPerHour: bundled?.onDemandUsdPerHour ?? null,
  };
}
