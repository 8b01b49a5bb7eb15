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
import { formatCpu, formatMebibytes, MEBIBYTE } from '../core/quantity.js';
import { UsageError } from '../input/input-error.js';
import { nodeCapacityJson } from '../report/node-json.js';
import { renderNodeText } from '../report/node-text.js';
import { wrapLine } from '../report/text-table.js';
import {
  parseCount,
  parseEvictionFlag,
  parseMaxPodsExpressionFlag,
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
  const overrides: NodeConfigOverrides = {
    amiFamily: ami,
    launchedBy,
    maxPodsExpression:
      options.maxPodsExpression === undefined
        ? null
        : parseMaxPodsExpressionFlag('--max-pods-expression', options.maxPodsExpression),
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

/** The flags among `names` that were given, with their values, for a message: `--kube-reserved "memory=1Gi"`. */
function givenFlags(
  options: NodeCommandOptions,
  type: string,
  flags: readonly (readonly [string, keyof NodeCommandOptions])[],
): string {
  return flags
    .flatMap(([flag, key]) => {
      const value = options[key];
      if (value === undefined || typeof value === 'boolean') return [];
      // --memory-capacity is repeatable, TYPE=QUANTITY each: the one for this type, if any.
      const text = Array.isArray(value)
        ? (value.find((v: string) => v.startsWith(`${type}=`)) ??
          (value.length === 1 && !value[0]?.includes('=') ? value[0] : undefined))
        : String(value);
      if (text === undefined) return [];
      return [`${flag} ${/^\d+$/.test(text) ? text : quote(text)}`];
    })
    .join(' with ');
}

/**
 * A flag value that no node of this type can have: more online CPUs than vCPUs, a MemTotal at or
 * above EC2's memory. Always bad input.
 */
function checkHardwareFlags(result: NodeCapacity, options: NodeCommandOptions, observedMemory: number | null): void {
  const type = result.config.instanceType;
  const hardware = type.hardware;
  if (hardware === null) return;
  const cpus = result.config.onlineCpus;
  if (cpus !== null && cpus > hardware.vcpu) {
    throw new UsageError(
      `--online-cpus ${cpus}: expected at most the ${hardware.vcpu} vCPUs of ${type.name} (CPU options only turn CPUs off)`,
    );
  }
  // MemTotal leaves out the kernel image, early reservations and firmware: always below EC2's figure (capacity-models.md §1.1, §4).
  const ec2Bytes = hardware.memoryMib * MEBIBYTE;
  if (observedMemory !== null && observedMemory >= ec2Bytes) {
    throw new UsageError(
      `${givenFlags(options, type.name, [['--memory-capacity', 'memoryCapacity']])}: expected less than the EC2 memory of ${type.name}, ${formatMebibytes(ec2Bytes)} (a node's MemTotal is always below it), got ${formatMebibytes(observedMemory)}`,
    );
  }
}

/** A setting that works on some types and not on one: which, the flags that set it, the error for that type. */
interface TypeProblem {
  readonly kind: 'memory' | 'cpu' | 'enis';
  readonly flags: string;
  readonly message: string;
}

/** How a problem reads for several types at once, with --all. */
const PROBLEM_SUMMARY: Readonly<Record<TypeProblem['kind'], string>> = {
  memory: 'reserves more memory than these types have (the kubelet refuses to start on them)',
  cpu: 'reserves more CPU than these types have (the kubelet refuses to start on them)',
  enis: 'leaves no ENI on network card 0 of these types (Karpenter gives them 0 pods and never launches them)',
};

/**
 * Settings that work on some types and not on this one: one that reserves more than the node has
 * (the kubelet refuses to start: "Expected capacity >= reservation", kubernetes/kubernetes
 * pkg/kubelet/cm/node_container_manager_linux.go validateNodeAllocatable), or RESERVED_ENIS and
 * EFA-only interfaces that leave Karpenter no ENI (ENILimitedPods gives 0 pods, so no pod fits and
 * Karpenter never launches the type; capacity-models.md §5.1). Only what the user's flags cause.
 */
function typeProblem(result: NodeCapacity, options: NodeCommandOptions): TypeProblem | null {
  const { config, node, karpenter } = result;
  const name = config.instanceType.name;
  if (node.status === 'ready') {
    const reserved = node.reserved;
    const memoryReserved =
      reserved.kubeReservedMemoryBytes + reserved.systemReservedMemoryBytes + (reserved.evictionMemoryBytes ?? 0);
    const memoryFlags = givenFlags(options, name, [
      ['--kube-reserved', 'kubeReserved'],
      ['--system-reserved', 'systemReserved'],
      ['--eviction-hard', 'evictionHard'],
      ['--memory-capacity', 'memoryCapacity'],
    ]);
    const memoryCapacity = node.capacity.memoryBytes;
    if (memoryFlags !== '' && memoryCapacity !== null && memoryReserved > memoryCapacity) {
      const estimated =
        node.memorySource === 'estimate' ? " as Karpenter estimates it (--memory-capacity gives a node's own)" : '';
      return {
        kind: 'memory',
        flags: memoryFlags,
        message: `${memoryFlags}: expected kubeReserved + systemReserved + evictionHard memory of at most the ${formatMebibytes(memoryCapacity)} of ${name}${estimated}, got ${formatMebibytes(memoryReserved)}: the kubelet refuses to start`,
      };
    }
    const cpuReserved = (reserved.kubeReservedCpuMillis ?? 0) + reserved.systemReservedCpuMillis;
    const cpuFlags = givenFlags(options, name, [
      ['--kube-reserved', 'kubeReserved'],
      ['--system-reserved', 'systemReserved'],
      ['--online-cpus', 'onlineCpus'],
    ]);
    const cpuCapacity = node.capacity.cpuMillis;
    if (cpuFlags !== '' && cpuCapacity !== null && cpuReserved > cpuCapacity) {
      return {
        kind: 'cpu',
        flags: cpuFlags,
        message: `${cpuFlags}: expected kubeReserved + systemReserved CPU of at most the ${formatCpu(cpuCapacity)} CPUs of ${name}, got ${formatCpu(cpuReserved)}: the kubelet refuses to start`,
      };
    }
  }
  const efa = karpenter.features.efaOnlyInterfaces ? config.karpenter.efaOnlyInterfaces : 0;
  const taken = karpenter.reservedEnis + efa;
  if (config.launchedBy === 'karpenter' && config.kubelet.maxPods === null && karpenter.maxPods === 0 && taken > 0) {
    const flags = givenFlags(options, name, [
      ['--reserved-enis', 'reservedEnis'],
      ['--efa-only-interfaces', 'efaOnlyInterfaces'],
    ]);
    return {
      kind: 'enis',
      flags,
      message: `${flags}: expected RESERVED_ENIS and EFA-only interfaces fewer than the ${config.instanceType.maxEnis} ENIs of ${name} on network card 0, got ${taken}: Karpenter gives the type 0 pods and never launches it`,
    };
  }
  return null;
}

/** With --all, one line per problem: the flags, what they do, the types. */
function summarizeProblems(problems: readonly (TypeProblem & { readonly type: string })[]): string[] {
  const groups = new Map<string, { problem: TypeProblem; types: string[] }>();
  for (const problem of problems) {
    const key = `${problem.kind} ${problem.flags}`;
    const group = groups.get(key) ?? { problem, types: [] };
    group.types.push(problem.type);
    groups.set(key, group);
  }
  return [...groups.values()].map(({ problem, types }) => {
    const shown = types.slice(0, 12).join(', ');
    const more = types.length > 12 ? ` and ${types.length - 12} more` : '';
    return `${problem.flags}: ${PROBLEM_SUMMARY[problem.kind]}: ${shown}${more}`;
  });
}

/** The capacity of each type the options name and the defaults assumed; throws UsageError for bad options. */
export function computeNodeCapacities(
  names: readonly string[],
  options: NodeCommandOptions,
  catalog: CatalogIndex,
): {
  results: NodeCapacity[];
  assumed: string[];
  /** With --all, a line for each setting some types cannot take (for a type named, that is an error). */
  unusable: string[];
} {
  const { overrides, assumed } = buildOverrides(options);
  const all = options.all === true;
  const types = resolveTypes(names, all, catalog);
  const memory = memoryCapacities(options.memoryCapacity ?? [], types);
  const problems: (TypeProblem & { type: string })[] = [];
  const results = types.map((type) => {
    const observed = memory.get(type.name) ?? null;
    const result = computeNodeCapacity(makeNodeConfig(type, { ...overrides, observedMemoryCapacityBytes: observed }));
    checkHardwareFlags(result, options, observed);
    const problem = typeProblem(result, options);
    if (problem !== null && !all) throw new UsageError(problem.message);
    if (problem !== null) problems.push({ ...problem, type: type.name });
    return result;
  });
  return { results, assumed, unusable: summarizeProblems(problems) };
}

export function runNodeCommand(
  names: readonly string[],
  options: NodeCommandOptions,
  catalog: CatalogIndex,
): CommandOutput {
  const { results, assumed, unusable } = computeNodeCapacities(names, options, catalog);
  const problems = unusable.map((line) => wrapLine(`✗ ${line}`)).join('\n');
  const stdout = options.json
    ? `${JSON.stringify(
        results.map((r) => nodeCapacityJson(r, assumed)),
        null,
        2,
      )}\n`
    : `${renderNodeText(results, assumed, options.verbose === true)}\n${problems === '' ? '' : `\n${problems}\n`}`;
  return { stdout, exitCode: 0 };
}
