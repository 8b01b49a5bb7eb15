import type { CatalogIndex } from '../core/catalog.js';
import type { InstanceType } from '../core/instance-type.js';
import { formatKarpenterVersion, LATEST_KARPENTER_VERSION } from '../core/karpenter-version.js';
import { computeNodeCapacity, type NodeCapacity } from '../core/node-capacity.js';
import {
  AMI_FAMILIES,
  type AmiFamily,
  type CniMode,
  DEFAULT_VM_MEMORY_OVERHEAD_PERCENT,
  type Launcher,
  makeNodeConfig,
  type NodeConfigOverrides,
} from '../core/node-config.js';
import { UsageError } from '../input/input-error.js';
import { nodeCapacityJson } from '../report/node-json.js';
import { renderNodeText } from '../report/node-text.js';
import {
  parseCount,
  parseEvictionFlag,
  parseMemoryFlag,
  parseOverheadFlag,
  parseReservationFlag,
  parseVersionFlag,
  quote,
} from './flag-values.js';

/** `podcap node` options as commander hands them over: strings, booleans and repeated strings. */
export interface NodeCommandOptions {
  readonly all?: boolean;
  readonly ami?: string;
  readonly launchedBy?: string;
  readonly prefixDelegation?: boolean;
  readonly customNetworking?: boolean;
  readonly podEni?: boolean;
  readonly reservedEnis?: string;
  readonly maxEni?: string;
  readonly maxPods?: string;
  readonly podsPerCore?: string;
  readonly maxPodsExpression?: string;
  readonly karpenterVersion?: string;
  readonly vmMemoryOverheadPercent?: string;
  readonly memoryCapacity?: readonly string[];
  readonly kubeReserved?: string;
  readonly systemReserved?: string;
  readonly evictionHard?: string;
  readonly evictionSoft?: string;
  readonly onlineCpus?: string;
  readonly efaOnlyInterfaces?: string;
  readonly amiLacksType?: boolean;
  readonly json?: boolean;
  readonly verbose?: boolean;
}

export interface CommandOutput {
  readonly stdout: string;
  readonly exitCode: number;
}

function amiFamily(text: string): AmiFamily {
  const family = AMI_FAMILIES.find((f) => f === text.toLowerCase());
  if (!family) throw new UsageError(`--ami ${quote(text)}: expected one of ${AMI_FAMILIES.join(', ')}`);
  return family;
}

function launcher(text: string): Launcher {
  if (text !== 'karpenter' && text !== 'node-group') {
    throw new UsageError(`--launched-by ${quote(text)}: expected karpenter or node-group`);
  }
  return text;
}

function resolveTypes(names: readonly string[], all: boolean, catalog: CatalogIndex): InstanceType[] {
  if (all && names.length > 0) throw new UsageError('--all and instance-type names contradict: give one or the other');
  if (all) return [...catalog.catalog.instanceTypes];
  if (names.length === 0) throw new UsageError('podcap node: expected at least one instance type, or --all');
  return names.map((name) => {
    const found = catalog.lookup(name);
    if (found.status === 'found') return found.instanceType;
    const hint = found.suggestions.length > 0 ? `; did you mean ${found.suggestions.join(', ')}?` : '';
    throw new UsageError(`unknown instance type ${quote(name)}: not in the catalog${hint}`);
  });
}

/** `--memory-capacity 7948164Ki` for one type, or `TYPE=QUANTITY`, repeatable. */
function memoryCapacities(values: readonly string[], types: readonly InstanceType[]): Map<string, number> {
  const byType = new Map<string, number>();
  for (const value of values) {
    const at = value.indexOf('=');
    if (at < 0) {
      if (types.length !== 1) {
        throw new UsageError(
          `--memory-capacity ${quote(value)}: one node's memory cannot apply to ${types.length} types; write TYPE=QUANTITY`,
        );
      }
      byType.set(types[0]?.name ?? '', parseMemoryFlag('--memory-capacity', value));
      continue;
    }
    const name = value.slice(0, at).trim();
    if (!types.some((t) => t.name === name)) {
      throw new UsageError(`--memory-capacity ${quote(value)}: ${quote(name)} is not one of the types asked for`);
    }
    byType.set(name, parseMemoryFlag('--memory-capacity', value.slice(at + 1)));
  }
  return byType;
}

/** Turns flags into node settings; every absent setting is a current EKS default, listed in `assumed`. */
function buildOverrides(options: NodeCommandOptions): { overrides: NodeConfigOverrides; assumed: string[] } {
  const assumed: string[] = [];
  const ami = options.ami === undefined ? 'al2023' : amiFamily(options.ami);
  if (options.ami === undefined) assumed.push('AMI family al2023');
  const launchedBy = options.launchedBy === undefined ? 'karpenter' : launcher(options.launchedBy);
  if (options.launchedBy === undefined) assumed.push('launched by Karpenter');
  const version =
    options.karpenterVersion === undefined
      ? LATEST_KARPENTER_VERSION
      : parseVersionFlag('--karpenter-version', options.karpenterVersion);
  if (options.karpenterVersion === undefined) assumed.push(`Karpenter ${formatKarpenterVersion(version)}`);
  const mode: CniMode =
    options.prefixDelegation && options.customNetworking
      ? 'prefix-delegation+custom-networking'
      : options.prefixDelegation
        ? 'prefix-delegation'
        : options.customNetworking
          ? 'custom-networking'
          : 'secondary-ip';
  if (mode === 'secondary-ip') assumed.push('VPC CNI secondary IPs');
  const reservedEnis =
    options.reservedEnis === undefined ? 0 : parseCount('--reserved-enis', options.reservedEnis, 0, 32);
  if (options.reservedEnis === undefined) assumed.push('RESERVED_ENIS=0');
  const vmMemoryOverheadPercent =
    options.vmMemoryOverheadPercent === undefined
      ? DEFAULT_VM_MEMORY_OVERHEAD_PERCENT
      : parseOverheadFlag('--vm-memory-overhead-percent', options.vmMemoryOverheadPercent);
  if (options.maxPodsExpression !== undefined && ami !== 'al2023' && ami !== 'custom') {
    throw new UsageError(`--max-pods-expression is nodeadm's (AL2023); it contradicts --ami ${ami}`);
  }
  if (options.maxPodsExpression !== undefined && options.maxPodsExpression.trim() === '') {
    throw new UsageError('--max-pods-expression "": expected a CEL expression such as "max_pods + 2"');
  }
  const overrides: NodeConfigOverrides = {
    amiFamily: ami,
    launchedBy,
    maxPodsExpression: options.maxPodsExpression ?? null,
    onlineCpus: options.onlineCpus === undefined ? null : parseCount('--online-cpus', options.onlineCpus, 1, 4096),
    amiKnowsInstanceType: options.amiLacksType !== true,
    cni: {
      mode,
      podEni: options.podEni === true,
      maxEni: options.maxEni === undefined ? null : parseCount('--max-eni', options.maxEni, 1, 64),
    },
    kubelet: {
      maxPods: options.maxPods === undefined ? null : parseCount('--max-pods', options.maxPods, 1, 100000),
      podsPerCore:
        options.podsPerCore === undefined ? null : parseCount('--pods-per-core', options.podsPerCore, 1, 10000),
      kubeReserved:
        options.kubeReserved === undefined
          ? { cpuMillis: null, memoryBytes: null }
          : parseReservationFlag('--kube-reserved', options.kubeReserved),
      systemReserved:
        options.systemReserved === undefined
          ? { cpuMillis: null, memoryBytes: null }
          : parseReservationFlag('--system-reserved', options.systemReserved),
      evictionHard: {
        memoryAvailable:
          options.evictionHard === undefined ? null : parseEvictionFlag('--eviction-hard', options.evictionHard),
      },
      evictionSoft: {
        memoryAvailable:
          options.evictionSoft === undefined ? null : parseEvictionFlag('--eviction-soft', options.evictionSoft),
      },
    },
    karpenter: {
      version,
      reservedEnis,
      vmMemoryOverheadPercent,
      efaOnlyInterfaces:
        options.efaOnlyInterfaces === undefined
          ? 0
          : parseCount('--efa-only-interfaces', options.efaOnlyInterfaces, 0, 32),
    },
  };
  return { overrides, assumed };
}

/** The capacity of each type the options name, and the defaults assumed; throws UsageError for bad options. */
export function computeNodeCapacities(
  names: readonly string[],
  options: NodeCommandOptions,
  catalog: CatalogIndex,
): { results: NodeCapacity[]; assumed: string[] } {
  const { overrides, assumed } = buildOverrides(options);
  const types = resolveTypes(names, options.all === true, catalog);
  const memory = memoryCapacities(options.memoryCapacity ?? [], types);
  const results = types.map((type) =>
    computeNodeCapacity(
      makeNodeConfig(type, { ...overrides, observedMemoryCapacityBytes: memory.get(type.name) ?? null }),
    ),
  );
  return { results, assumed };
}

export function runNodeCommand(
  names: readonly string[],
  options: NodeCommandOptions,
  catalog: CatalogIndex,
): CommandOutput {
  const { results, assumed } = computeNodeCapacities(names, options, catalog);
  const stdout = options.json
    ? `${JSON.stringify(
        results.map((r) => nodeCapacityJson(r, assumed)),
        null,
        2,
      )}\n`
    : `${renderNodeText(results, assumed, options.verbose === true)}\n`;
  return { stdout, exitCode: 0 };
}
