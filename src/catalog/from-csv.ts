import type { Catalog, CatalogSource } from '../core/catalog.js';
import { CATALOG_FORMAT } from '../core/catalog.js';
import type { Architecture, Hypervisor, InstanceType } from '../core/instance-type.js';
import { InputError } from '../input/input-error.js';

const COLUMNS = [
  'instance_type',
  'family',
  'vcpu',
  'memory_mib',
  'architecture',
  'gpu',
  'hypervisor',
  'bare_metal',
  'max_enis',
  'ipv4_per_eni',
  'network_cards',
  'max_enis_per_card_default',
  'trunking_compatible',
  'branch_enis',
  'on_demand_usd_per_hour_us_east_1',
] as const;

type Column = (typeof COLUMNS)[number];

/** The upstream files the shared CSV was assembled from (its README lists them with commits). */
export const CSV_SOURCES: readonly CatalogSource[] = [
  {
    name: 'VPC CNI instance limits (ENIs, IPv4 per ENI, hypervisor, bare metal, network cards)',
    repository: 'aws/amazon-vpc-cni-k8s',
    path: 'pkg/vpc/vpc_ip_resource_limit.go',
    commit: '6152e01c83bb8f04fdc8690e99134ebe1445db29',
    date: '2026-08-11',
  },
  {
    name: 'VPC resource controller limits (trunking, branch ENIs)',
    repository: 'aws/amazon-vpc-resource-controller-k8s',
    path: 'pkg/aws/vpc/limits.go',
    commit: '58c8559e6486e4c04453a5a5239ce1df0da10b30',
    date: '2026-03-20',
  },
  {
    name: 'Karpenter VPC limits (trunking, branch ENIs for types the resource controller lacks)',
    repository: 'aws/karpenter-provider-aws',
    path: 'pkg/providers/instancetype/zz_generated.vpclimits.go',
    commit: '7f27b4e85d3157418ab84eb04a3c91da7cb8fbba',
    date: '2026-08-18',
  },
  {
    name: 'Cluster Autoscaler static list (vCPU, memory, architecture, GPUs)',
    repository: 'kubernetes/autoscaler',
    path: 'cluster-autoscaler/cloudprovider/aws/ec2_instance_types.go',
    commit: 'e964265b7440c0faa751f28f77b18166584d001d',
    date: '2026-01-22',
  },
  {
    name: 'Karpenter on-demand prices, us-east-1',
    repository: 'aws/karpenter-provider-aws',
    path: 'pkg/providers/pricing/zz_generated.pricing_aws.go',
    commit: '6fc13b5236fd04fd16ff3f9dc7490d0813994099',
    date: '2026-07-20',
  },
];

/**
 * Turns the shared instance-type CSV (a plain comma-separated file without quoting) into the
 * project's catalog. Fails on the first malformed field, naming row and column.
 */
export function catalogFromCsv(text: string, file: string, builtAt: string): Catalog {
  const lines = text.split(/\r?\n/).filter((line) => line.length > 0);
  const header = lines[0]?.split(',') ?? [];
  const missing = COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    throw new InputError(file, 'header', `columns ${COLUMNS.join(',')}`, `missing ${missing.join(',')}`);
  }
  const position = new Map(header.map((name, i) => [name, i] as const));
  const instanceTypes = lines.slice(1).map((line, i) => {
    const fields = line.split(',');
    const row = i + 2;
    const cell = (column: Column): string => fields[position.get(column) ?? -1] ?? '';
    const where = (column: Column) => `line ${row}.${column}`;
    const integer = (column: Column): number | null => {
      const raw = cell(column);
      if (raw === '') return null;
      if (!/^\d+$/.test(raw)) throw new InputError(file, where(column), 'a whole number', raw);
      return Number(raw);
    };
    const required = (column: Column): number => {
      const value = integer(column);
      if (value === null) throw new InputError(file, where(column), 'a whole number', 'an empty field');
      return value;
    };
    const boolean = (column: Column): boolean | null => {
      const raw = cell(column);
      if (raw === '') return null;
      if (raw !== 'true' && raw !== 'false') throw new InputError(file, where(column), 'true or false', raw);
      return raw === 'true';
    };
    const vcpu = integer('vcpu');
    const memoryMib = integer('memory_mib');
    const architecture = cell('architecture');
    if (architecture !== '' && architecture !== 'amd64' && architecture !== 'arm64') {
      throw new InputError(file, where('architecture'), 'amd64 or arm64', architecture);
    }
    const hypervisor = cell('hypervisor');
    if (hypervisor !== '' && hypervisor !== 'nitro' && hypervisor !== 'xen' && hypervisor !== 'unknown') {
      throw new InputError(file, where('hypervisor'), 'nitro, xen or unknown', hypervisor);
    }
    const price = cell('on_demand_usd_per_hour_us_east_1');
    if (price !== '' && !/^\d+(\.\d+)?$/.test(price)) {
      throw new InputError(file, where('on_demand_usd_per_hour_us_east_1'), 'a price in USD', price);
    }
    const compatible = boolean('trunking_compatible');
    const branchEnis = integer('branch_enis');
    const type: InstanceType = {
      name: cell('instance_type'),
      family: cell('family'),
      hardware:
        vcpu !== null && memoryMib !== null && architecture !== ''
          ? { vcpu, memoryMib, architecture: architecture as Architecture }
          : null,
      gpus: integer('gpu'),
      hypervisor: hypervisor === '' ? null : (hypervisor as Hypervisor),
      bareMetal: boolean('bare_metal') ?? false,
      maxEnis: required('max_enis'),
      ipv4PerEni: required('ipv4_per_eni'),
      networkCards: integer('network_cards') ?? 1,
      trunking: compatible === null || branchEnis === null ? null : { compatible, branchEnis },
      onDemandUsdPerHour: price === '' ? null : Number(price),
    };
    return type;
  });
  return {
    format: CATALOG_FORMAT,
    builtAt,
    priceRegion: 'us-east-1',
    sources: CSV_SOURCES,
    instanceTypes,
  };
}
