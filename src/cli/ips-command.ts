/**
 * `podcap ips`: the subnet addresses N pods per node take under given aws-node settings, whether the
 * subnets hold the nodes, a few alternative settings and a recommendation.
 *
 * Input decisions:
 * - `--env NAME=VALUE` (repeatable) takes aws-node variables exactly as the DaemonSet spells them, over
 *   the EKS manifest defaults (WARM_ENI_TARGET=1, WARM_PREFIX_TARGET=1). The CLI is strict where ipamd
 *   is lenient: a value ipamd would replace (a negative or non-integer target, MAX_ENI=0, a boolean
 *   that does not parse) is refused. A variable podcap does not model is accepted and listed as not
 *   modelled, so a DaemonSet's whole env can be pasted; one that looks like a misspelt modelled
 *   variable (edit distance ≤ 2, or another case) is refused with a suggestion, since ipamd would
 *   silently ignore it. ENABLE_IPv6=true is refused: this model is IPv4 only.
 * - `--subnet CIDR` (repeatable) is a subnet the nodes launch in; `--subnet eniconfig:CIDR` an
 *   ENIConfig subnet for custom networking. With custom networking and no ENIConfig subnet given, only
 *   the node subnets are checked and the ENIConfig subnet size is part of the recommendation.
 * - `--headroom` defaults to 20 (percent more nodes).
 */
import { distance } from 'fastest-levenshtein';
import type { CatalogIndex } from '../core/catalog.js';
import type { InstanceType } from '../core/instance-type.js';
import { supportsPrefixDelegation } from '../core/instance-type.js';
import { UsageError } from '../input/input-error.js';
import { cidrsOverlap, type Ipv4Cidr, parseSubnetCidr } from '../network/cidr.js';
import {
  CUSTOM_NETWORKING_VARIABLE,
  DEFAULT_HEADROOM_PERCENT,
  type IpPlan,
  type NodePlan,
  planIps,
  prefixBlocksPerNode,
  type SettingPlan,
  type SubnetSizing,
  structuralEnv,
} from '../network/ip-plan.js';
import { EKS_MANIFEST_DEFAULTS, MODELLED_VARIABLES, parseVpcCniEnv } from '../network/vpc-cni-settings.js';
import { renderTable, wrapLine } from '../report/text-table.js';
import { parseCount, quote } from './flag-values.js';
import type { CommandOutput } from './node-command.js';

/** `podcap ips` options as commander hands them over: strings, and string arrays for repeated flags. */
export interface IpsCommandOptions {
  readonly instanceType?: string;
  readonly podsPerNode?: string;
  readonly nodes?: string;
  readonly pods?: string;
  readonly env?: readonly string[];
  readonly subnet?: readonly string[];
  readonly headroom?: string;
  readonly json?: boolean;
}

export { MODELLED_VARIABLES };

const ENI_CONFIG_MARK = 'eniconfig:';
const MAX_NODES = 100_000;
const MAX_PODS_PER_NODE = 10_000;

function resolveType(name: string | undefined, catalog: CatalogIndex): InstanceType {
  if (name === undefined || name.trim() === '') {
    throw new UsageError('--instance-type: expected an EC2 instance type such as m5.large');
  }
  const found = catalog.lookup(name);
  if (found.status === 'found') return found.instanceType;
  const hint = found.suggestions.length > 0 ? `; did you mean ${found.suggestions.join(', ')}?` : '';
  throw new UsageError(`--instance-type ${quote(name)}: expected an instance type in the catalog${hint}`);
}

function nodeCount(options: IpsCommandOptions, podsPerNode: number): { nodes: number; pods: number } {
  if (options.nodes !== undefined && options.pods !== undefined) {
    throw new UsageError('--nodes and --pods contradict: give one or the other');
  }
  if (options.nodes !== undefined) {
    const nodes = parseCount('--nodes', options.nodes, 1, MAX_NODES);
    return { nodes, pods: nodes * podsPerNode };
  }
  if (options.pods !== undefined) {
    const pods = parseCount('--pods', options.pods, 1, MAX_NODES * podsPerNode);
    // Every node is counted full: the last one may run fewer pods.
    return { nodes: Math.ceil(pods / podsPerNode), pods };
  }
  throw new UsageError('podcap ips: expected --nodes K or --pods P');
}

/** A modelled variable `name` is probably meant to be: another case, or at most two edits away. */
function closeTo(name: string): string | null {
  const upper = name.toUpperCase();
  let best: { known: string; score: number } | null = null;
  for (const known of MODELLED_VARIABLES) {
    const score = distance(upper, known);
    if (best === null || score < best.score) best = { known, score };
  }
  return best !== null && best.score <= 2 ? best.known : null;
}

/** `--env NAME=VALUE`, repeatable, strict (see the module comment). */
export function parseEnvFlags(values: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const text of values) {
    const at = text.indexOf('=');
    const name = at < 0 ? '' : text.slice(0, at).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new UsageError(`--env ${quote(text)}: expected NAME=VALUE, such as WARM_IP_TARGET=2`);
    }
    const value = text.slice(at + 1);
    if (Object.hasOwn(env, name)) {
      throw new UsageError(`--env ${name} given twice (${quote(env[name] ?? '')}, ${quote(value)}): expected it once`);
    }
    if (!MODELLED_VARIABLES.includes(name)) {
      const known = closeTo(name);
      if (known !== null) {
        throw new UsageError(
          `--env ${name}: expected an aws-node variable; did you mean ${known}? ipamd ignores ${name}`,
        );
      }
    }
    if (name === 'ENABLE_IPv6' && value.trim().toLowerCase() === 'true') {
      throw new UsageError('--env ENABLE_IPv6=true: expected IPv4; podcap ips models IPv4 subnets only');
    }
    env[name] = value;
  }
  const parsed = parseVpcCniEnv(env, EKS_MANIFEST_DEFAULTS);
  const [issue] = parsed.issues;
  if (issue !== undefined) {
    throw new UsageError(
      `--env ${issue.name}=${quote(issue.value)}: expected ${issue.expected} (${issue.effect} instead)`,
    );
  }
  return env;
}

function parseSubnets(values: readonly string[]): { node: Ipv4Cidr[]; eniConfig: Ipv4Cidr[] } {
  const node: Ipv4Cidr[] = [];
  const eniConfig: Ipv4Cidr[] = [];
  const all: { text: string; cidr: Ipv4Cidr }[] = [];
  for (const text of values) {
    const marked = text.trim().toLowerCase().startsWith(ENI_CONFIG_MARK);
    const cidrText = marked ? text.trim().slice(ENI_CONFIG_MARK.length) : text;
    const parsed = parseSubnetCidr(cidrText);
    if (!parsed.ok) throw new UsageError(`--subnet ${quote(text)}: expected ${parsed.expected}`);
    const clash = all.find((other) => cidrsOverlap(other.cidr, parsed.value));
    if (clash !== undefined) {
      throw new UsageError(
        `--subnet ${parsed.value.text} overlaps --subnet ${clash.cidr.text}: expected subnets that do not overlap`,
      );
    }
    all.push({ text, cidr: parsed.value });
    (marked ? eniConfig : node).push(parsed.value);
  }
  if (eniConfig.length > 0 && node.length === 0) {
    throw new UsageError(
      `--subnet ${ENI_CONFIG_MARK}${eniConfig[0]?.text ?? ''}: expected the node subnets too (--subnet CIDR)`,
    );
  }
  return { node, eniConfig };
}

function parseHeadroom(text: string | undefined): number {
  if (text === undefined) return DEFAULT_HEADROOM_PERCENT;
  const trimmed = text.trim().replace(/%$/, '');
  const value = Number(trimmed);
  if (trimmed === '' || !Number.isFinite(value) || value < 0 || value > 1000) {
    throw new UsageError(`--headroom ${quote(text)}: expected a percentage from 0 to 1000, such as 20 or 20%`);
  }
  return value;
}

// ---------------------------------------------------------------------------------------------------
// JSON

function finite(value: number | null): number | null {
  return value !== null && Number.isFinite(value) ? value : null;
}

function perNodeJson(node: NodePlan) {
  const s = node.steady;
  const prefixSide = node.eniConfigSubnet ?? node.nodeSubnet;
  return {
    mode: s.mode,
    enis: s.attachedEnis,
    podEnis: s.podEnis,
    trunkEni: s.trunkEni,
    perEni: s.perEni,
    secondaryIps: s.secondaryIps,
    prefixes: s.prefixes,
    addressesUsed: s.subnetAddresses.total,
    nodeSubnetAddresses: s.subnetAddresses.node,
    eniConfigSubnetAddresses: s.subnetAddresses.pod,
    prefixBlocks: prefixBlocksPerNode(prefixSide),
    heldForPods: s.held,
    podIps: s.assigned,
    warmIps: s.warm,
    podsWithoutIp: s.failed,
    podsPending: node.pendingPods,
    ipCapacity: s.capacity,
    maxPods: node.maxPods.value,
    maxPodsSource: node.maxPods.source,
    bound: s.bound,
    flapping: s.flapping,
  };
}

function sizingJson(sizing: SubnetSizing, custom: boolean) {
  return {
    subnetPrefixLength: sizing.nodeSubnetPrefixLength,
    subnets: sizing.nodeSubnets,
    ...(custom
      ? { eniConfigSubnetPrefixLength: sizing.eniConfigSubnetPrefixLength, eniConfigSubnets: sizing.eniConfigSubnets }
      : {}),
  };
}

function fitJson(plan: SettingPlan) {
  const placement = plan.placement;
  return {
    fits: placement?.fits ?? null,
    fitsWithHeadroom: placement?.fitsWithHeadroom ?? null,
    maxNodes: placement === null ? null : finite(placement.maxNodes),
    maxPods: placement === null ? null : finite(placement.maxNodes * plan.node.steady.assigned),
  };
}

function planJson(plan: IpPlan, findings: readonly Finding[], pods: number) {
  const { input, given } = plan;
  const placement = given.placement;
  const recommendation = plan.recommendation;
  return {
    instanceType: input.instanceType.name,
    podsPerNode: input.podsPerNode,
    nodes: input.nodes,
    pods,
    env: given.env,
    notModelled: plan.notModelled,
    headroomPercent: input.headroomPercent,
    nodesWithHeadroom: plan.nodesWithHeadroom,
    perNode: perNodeJson(given.node),
    subnets:
      placement === null
        ? null
        : {
            usable: placement.usable,
            used: placement.used,
            free: placement.free,
            eniConfigChecked: given.node.eniConfigSubnet === null ? null : !placement.eniConfigUnchecked,
            list: placement.subnets.map((use) => ({
              cidr: use.cidr.text,
              role: use.role,
              usable: use.usable,
              prefixBlocks: use.prefixBlocks,
              nodes: use.nodes,
              used: use.used,
              free: use.free,
              maxNodes: finite(use.maxNodes),
            })),
          },
    ...fitJson(given),
    findings,
    alternatives: plan.alternatives.map((alternative) => ({
      name: alternative.name,
      env: alternative.env,
      perNode: perNodeJson(alternative.node),
      ...fitJson(alternative),
      ...sizingJson(alternative.sizing, alternative.node.eniConfigSubnet !== null),
    })),
    omittedAlternatives: plan.omitted,
    recommendation:
      recommendation.status === 'none'
        ? null
        : {
            name: recommendation.plan.name,
            env: recommendation.plan.env,
            ...sizingJson(recommendation.plan.sizing, recommendation.plan.node.eniConfigSubnet !== null),
            nodes: plan.nodesWithHeadroom,
            reason: recommendation.reason,
          },
  };
}

// ---------------------------------------------------------------------------------------------------
// Text

function envText(env: Readonly<Record<string, string>>): string {
  const pairs = Object.entries(env).map(([name, value]) => `${name}=${value}`);
  return pairs.length === 0 ? 'EKS defaults (WARM_ENI_TARGET=1, WARM_PREFIX_TARGET=1)' : pairs.join(' ');
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** Wraps at 100 columns: `indent` before every line, `hanging` more before continuation lines. */
function wrapped(text: string, indent = '  ', hanging = '  '): string {
  return wrapLine(text, 100 - indent.length, hanging)
    .split('\n')
    .map((line) => `${indent}${line}`)
    .join('\n');
}

/** A prefix length, or `>/16` when even a /16 is too small. */
function prefixLengthText(length: number | null): string {
  return length === null ? '>/16' : `/${length}`;
}

function sizingText(plan: SettingPlan): string {
  const { sizing } = plan;
  const node = prefixLengthText(sizing.nodeSubnetPrefixLength);
  return plan.node.eniConfigSubnet === null
    ? node
    : `${node} + ${prefixLengthText(sizing.eniConfigSubnetPrefixLength)}`;
}

/** What set the addresses a node holds for pods. */
function boundText(plan: SettingPlan): string {
  const s = plan.node.steady;
  const { settings } = plan;
  const unit = s.mode === 'prefix-delegation' ? 'prefixes' : 'IPs';
  switch (s.bound) {
    case 'eni-capacity':
      return `ENI limit: ${plural(s.podEniLimit, 'ENI')} for pods × ${s.slotsPerEni} ${unit}`;
    case 'max-pods':
      return `ipamd stops growing at maxPods (${plan.node.maxPods.value}) addresses`;
    case 'minimum-ip-target':
      return `MINIMUM_IP_TARGET=${settings.minimumIpTarget} without WARM_IP_TARGET: frozen there, README 346`;
    case 'warm-target':
      if (settings.warmIpTarget > 0) {
        return `WARM_IP_TARGET=${settings.warmIpTarget}, MINIMUM_IP_TARGET=${settings.minimumIpTarget}`;
      }
      return s.mode === 'prefix-delegation'
        ? `WARM_PREFIX_TARGET=${settings.warmPrefixTarget}`
        : `WARM_ENI_TARGET=${settings.warmEniTarget}`;
  }
}

export type FindingSeverity = 'ok' | 'error' | 'warning' | 'info';

/** One line of the findings, most important first: whether it fits, what runs dry, what fails. */
export interface Finding {
  readonly severity: FindingSeverity;
  readonly message: string;
}

const SEVERITY_MARK: Readonly<Record<FindingSeverity, string>> = { ok: '✓', error: '✗', warning: '!', info: 'i' };

function fitFindings(plan: IpPlan, pods: number): Finding[] {
  const { input, given } = plan;
  const placement = given.placement;
  if (placement === null)
    return [{ severity: 'info', message: 'No --subnet given: per-node figures and a recommendation only.' }];
  const s = given.node.steady;
  const names = placement.subnets.map((use) => use.cidr.text);
  const subject = names.length === 1 ? `${names[0]} holds` : `the ${names.length} subnets hold`;
  const findings: Finding[] = [];
  if (placement.fits) {
    findings.push({
      severity: 'ok',
      message:
        `Fits: ${subject} the ${plural(input.nodes, 'node')} (${placement.used} of ${placement.usable} addresses, ` +
        `${placement.free} free); at most ${plural(placement.maxNodes, 'node')}, ` +
        `${placement.maxNodes * s.assigned} pods at this density.`,
    });
  } else {
    const dry = names.length === 1 ? 'it runs dry' : `${placement.bottleneck.cidr.text} runs dry first`;
    findings.push({
      severity: 'error',
      message:
        `Does not fit: ${subject} ${placement.maxNodes} of the ${plural(input.nodes, 'node')} ` +
        `(${placement.maxNodes * s.assigned} of ${pods} pods); ${dry} at node ${placement.maxNodes + 1}.`,
    });
  }
  if (placement.fitsWithHeadroom) {
    findings.push({
      severity: 'ok',
      message: `With ${input.headroomPercent} % headroom (${plan.nodesWithHeadroom} nodes) it still fits.`,
    });
  } else if (placement.fits) {
    findings.push({
      severity: 'warning',
      message:
        `With ${input.headroomPercent} % headroom (${plan.nodesWithHeadroom} nodes) it does not: ` +
        `${plan.nodesWithHeadroom - placement.maxNodes} nodes short.`,
    });
  }
  if (placement.eniConfigUnchecked) {
    findings.push({
      severity: 'warning',
      message:
        `Custom networking: each node's ${s.subnetAddresses.pod} pod addresses come from ENIConfig subnets, ` +
        `not given (--subnet ${ENI_CONFIG_MARK}CIDR); only the node subnets were checked.`,
    });
  }
  return findings;
}

function nodeFindings(plan: IpPlan): Finding[] {
  const { input, given } = plan;
  const node = given.node;
  const s = node.steady;
  const findings: Finding[] = [];
  if (node.pendingPods > 0) {
    findings.push({
      severity: 'error',
      message:
        `${input.podsPerNode} pods + 2 host-network pods exceed maxPods ${node.maxPods.value} ` +
        `(${node.maxPods.source}): ${node.pendingPods} per node stay Pending (Too many pods).`,
    });
  }
  if (s.failed > 0) {
    findings.push({
      severity: 'error',
      message:
        `Each node gives ${s.assigned} pods an IP (${boundText(given)}); ${s.failed} of its ${node.admittedPods} ` +
        'stay ContainerCreating (failed to assign an IP address to container).',
    });
  }
  if (s.flapping) {
    const [variable, unit] =
      s.mode === 'prefix-delegation' ? ['WARM_PREFIX_TARGET', 'prefix'] : ['WARM_ENI_TARGET', 'ENI'];
    findings.push({
      severity: 'warning',
      message: `${variable}=0 leaves an empty ${unit} that ipamd frees and creates again, over and over.`,
    });
  }
  if (s.mode === 'prefix-delegation' && given.placement !== null) {
    const side = node.eniConfigSubnet ?? node.nodeSubnet;
    findings.push({
      severity: 'info',
      message:
        `Prefix delegation: each node takes ${plural(side.prefixes, 'aligned /28')} and ` +
        `${plural(side.singles, 'single address', 'single addresses')}; each single is counted as a /28, since EC2 ` +
        'may place it anywhere (a prefix-type subnet CIDR reservation avoids that).',
    });
  }
  if (given.settings.podEni) {
    findings.push({
      severity: 'info',
      message: s.trunkEni
        ? 'ENABLE_POD_ENI: the trunk ENI is counted; each SecurityGroupPolicy pod takes one more address.'
        : `ENABLE_POD_ENI: ${input.instanceType.name} cannot attach a trunk ENI; no branch ENIs.`,
    });
  }
  return findings;
}

function findingsFor(plan: IpPlan, pods: number): Finding[] {
  const findings = [...fitFindings(plan, pods), ...nodeFindings(plan)];
  if (plan.input.eniConfigSubnets.length > 0 && !plan.given.settings.customNetworking) {
    findings.push({
      severity: 'info',
      message: `ENIConfig subnets given without ${CUSTOM_NETWORKING_VARIABLE}=true: only the alternative uses them.`,
    });
  }
  if (plan.recommendation.status === 'none') {
    findings.push({ severity: 'error', message: `No recommendation: ${plan.recommendation.reason}.` });
  }
  if (plan.notModelled.length > 0) {
    findings.push({ severity: 'info', message: `Not modelled, ignored: ${plan.notModelled.join(', ')}.` });
  }
  return findings;
}

function perNodeBlock(plan: SettingPlan, input: IpPlan['input']): string {
  const s = plan.node.steady;
  const prefixMode = s.mode === 'prefix-delegation';
  const podEnisBesidePrimary = s.attachedEnis - 1 - (s.trunkEni ? 1 : 0);
  const enis = [
    'primary',
    podEnisBesidePrimary > 0 ? `${podEnisBesidePrimary} for pods` : '',
    s.trunkEni ? 'trunk' : '',
  ]
    .filter((part) => part !== '')
    .join(' + ');
  const otherPrimaries = s.attachedEnis - 1;
  const where =
    plan.node.eniConfigSubnet === null
      ? [
          "the node's own",
          otherPrimaries > 0 ? plural(otherPrimaries, 'ENI primary', 'ENI primaries') : '',
          prefixMode ? `${plural(s.prefixes, 'prefix', 'prefixes')} × 16` : plural(s.secondaryIps, 'secondary IP'),
        ]
          .filter((part) => part !== '')
          .join(', ')
      : `node subnet ${s.subnetAddresses.node}, ENIConfig subnet ${s.subnetAddresses.pod}`;
  const fit = plan.node.pendingPods === 0 ? 'fit' : 'do not fit';
  const rows: [string, number, string][] = [
    ['ENIs', s.attachedEnis, `${enis}; limit ${s.maxEnis}`],
    [
      prefixMode ? 'prefixes' : 'secondary IPs',
      prefixMode ? s.prefixes : s.secondaryIps,
      s.perEni.length > 1 ? s.perEni.join(' + ') : '',
    ],
    ['held for pods', s.held, `${s.assigned} assigned, ${s.warm} warm (${boundText(plan)}); capacity ${s.capacity}`],
    ['subnet addresses', s.subnetAddresses.total, where],
    [
      'maxPods',
      plan.node.maxPods.value,
      `${plan.node.maxPods.source}; ${input.podsPerNode} pods + 2 host-network pods ${fit}`,
    ],
  ];
  const labelWidth = Math.max(...rows.map(([label]) => label.length));
  const valueWidth = Math.max(...rows.map(([, value]) => String(value).length));
  const hanging = ' '.repeat(labelWidth + valueWidth + 4);
  const lines = rows.map(([label, value, note]) =>
    wrapped(`${label.padEnd(labelWidth)}  ${String(value).padStart(valueWidth)}  ${note}`.trimEnd(), '  ', hanging),
  );
  return [`Per node: ${input.instanceType.name}, ${prefixMode ? 'prefix delegation' : 'secondary IPs'}`, ...lines].join(
    '\n',
  );
}

function subnetsBlock(plan: IpPlan): string | null {
  const placement = plan.given.placement;
  if (placement === null) return null;
  const prefixMode = plan.given.node.steady.mode === 'prefix-delegation';
  const table = renderTable(
    [
      { header: 'SUBNET' },
      { header: 'ROLE' },
      { header: 'USABLE', align: 'right' },
      ...(prefixMode ? [{ header: '/28s', align: 'right' as const }] : []),
      { header: 'NODES', align: 'right' },
      { header: 'USED', align: 'right' },
      { header: 'FREE', align: 'right' },
      { header: 'MAX NODES', align: 'right' },
    ],
    placement.subnets.map((use) => [
      use.cidr.text,
      use.role,
      String(use.usable),
      ...(prefixMode ? [String(use.prefixBlocks)] : []),
      String(use.nodes),
      String(use.used),
      use.free < 0 ? `short ${-use.free}` : String(use.free),
      use.maxNodes === null ? '-' : String(use.maxNodes),
    ]),
  );
  const indented = table
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
  return `Subnets: nodes round-robin, each node's addresses in one subnet\n${indented}`;
}

function alternativesBlock(plan: IpPlan): string {
  const rows = plan.alternatives.map((alternative) => {
    const s = alternative.node.steady;
    const placement = alternative.placement;
    const addresses =
      alternative.node.eniConfigSubnet === null
        ? String(s.subnetAddresses.total)
        : `${s.subnetAddresses.node} + ${s.subnetAddresses.pod}`;
    return [
      alternative.name,
      String(s.attachedEnis),
      s.mode === 'prefix-delegation' ? String(s.prefixes) : '-',
      addresses,
      String(s.warm),
      String(s.failed),
      String(alternative.node.pendingPods),
      placement === null ? '-' : placement.fits ? 'yes' : 'no',
      placement === null ? '-' : String(placement.maxNodes),
      sizingText(alternative),
    ];
  });
  const table = renderTable(
    [
      { header: 'SETTING' },
      { header: 'ENIs', align: 'right' },
      { header: 'PREFIXES', align: 'right' },
      { header: 'ADDRESSES', align: 'right' },
      { header: 'WARM', align: 'right' },
      { header: 'NO IP', align: 'right' },
      { header: 'PENDING', align: 'right' },
      { header: 'FITS' },
      { header: 'MAX NODES', align: 'right' },
      { header: 'SUBNET' },
    ],
    rows,
  );
  const settings = plan.alternatives.map((alternative) => {
    const notes: string[] = [];
    if (alternative.name === 'custom-networking') notes.push('over the given variables');
    if (alternative.node.maxPods.source === 'max-pods-calculator') {
      notes.push(`kubelet maxPods ${alternative.node.maxPods.value} (max-pods-calculator; not the default)`);
    }
    if (alternative.placement?.eniConfigUnchecked === true) notes.push('ENIConfig subnets not checked');
    return wrapped(
      `${alternative.name}: ${envText(alternative.changes)}${notes.length > 0 ? `; ${notes.join('; ')}` : ''}`,
    );
  });
  const kept = structuralEnv(plan.input.env);
  if (Object.keys(kept).length > 0) settings.push(wrapped(`the others keep the given ${envText(kept)}`));
  const omitted = plan.omitted.map((o) => wrapped(`not listed, ${o.name}: ${o.reason}`));
  const indented = table
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
  return [
    `Alternatives: per node; SUBNET is the smallest that holds ${plan.nodesWithHeadroom} nodes`,
    indented,
    ...settings,
    ...omitted,
  ].join('\n');
}

function subnetsText(count: number, what: string, length: number | null): string {
  return length === null
    ? `${plural(count, what)}: a /16 each is too small, add subnets`
    : `${plural(count, what)} of /${length} or larger`;
}

function recommendationBlock(plan: IpPlan): string {
  const recommendation = plan.recommendation;
  if (recommendation.status === 'none') return `Recommendation\n  none: ${recommendation.reason}`;
  const chosen = recommendation.plan;
  const { sizing } = chosen;
  const subnets = subnetsText(sizing.nodeSubnets, 'subnet', sizing.nodeSubnetPrefixLength);
  const eniConfig =
    chosen.node.eniConfigSubnet === null
      ? ''
      : `, ${subnetsText(sizing.eniConfigSubnets, 'ENIConfig subnet', sizing.eniConfigSubnetPrefixLength)}`;
  const { nodes, headroomPercent } = plan.input;
  return [
    'Recommendation',
    wrapped(`${chosen.name}: ${envText(chosen.env)}`),
    wrapped(`${subnets}${eniConfig}: ${plan.nodesWithHeadroom} nodes (${nodes} + ${headroomPercent} % headroom)`),
    wrapped(`why: ${recommendation.reason}`),
  ].join('\n');
}

function renderText(plan: IpPlan, findings: readonly Finding[]): string {
  const { input } = plan;
  const header = wrapped(
    `${plural(input.nodes, 'node')} of ${input.instanceType.name}, ${input.podsPerNode} pods per node ` +
      `that need an IP; aws-node: ${envText(input.env)}`,
    '',
  );
  const blocks = [
    header,
    ['Findings', ...findings.map((f) => wrapped(`${SEVERITY_MARK[f.severity]} ${f.message}`))].join('\n'),
    perNodeBlock(plan.given, input),
    subnetsBlock(plan),
    alternativesBlock(plan),
    recommendationBlock(plan),
  ].filter((block): block is string => block !== null);
  return blocks.join('\n\n');
}

/** The plan, its findings and the pods counted; throws UsageError for bad options (see the module comment). */
function planFromOptions(
  options: IpsCommandOptions,
  catalog: CatalogIndex,
): { plan: IpPlan; findings: Finding[]; pods: number } {
  const instanceType = resolveType(options.instanceType, catalog);
  if (options.podsPerNode === undefined)
    throw new UsageError('--pods-per-node: expected pods per node that need an IP');
  const podsPerNode = parseCount('--pods-per-node', options.podsPerNode, 1, MAX_PODS_PER_NODE);
  const { nodes, pods } = nodeCount(options, podsPerNode);
  const env = parseEnvFlags(options.env ?? []);
  const settings = parseVpcCniEnv(env, EKS_MANIFEST_DEFAULTS).settings;
  if (settings.prefixDelegation && !supportsPrefixDelegation(instanceType)) {
    throw new UsageError(
      `--env ENABLE_PREFIX_DELEGATION=${env.ENABLE_PREFIX_DELEGATION ?? 'true'}: expected a Nitro or bare-metal type; ` +
        `${instanceType.name} runs on ${instanceType.hypervisor ?? 'an unknown hypervisor'} (ipamd would keep secondary IPs)`,
    );
  }
  const subnets = parseSubnets(options.subnet ?? []);
  const headroomPercent = parseHeadroom(options.headroom);
  const plan = planIps({
    instanceType,
    podsPerNode,
    nodes,
    env,
    nodeSubnets: subnets.node,
    eniConfigSubnets: subnets.eniConfig,
    headroomPercent,
  });
  return { plan, findings: findingsFor(plan, pods), pods };
}

/** The object `podcap ips --json` prints, for callers that want it unprinted (the local web UI). */
export function ipsPlanJson(options: IpsCommandOptions, catalog: CatalogIndex): IpsPlanJson {
  const { plan, findings, pods } = planFromOptions(options, catalog);
  return planJson(plan, findings, pods);
}

export type IpsPlanJson = ReturnType<typeof planJson>;

/** `podcap ips`: see the module comment for the input decisions. */
export function runIpsCommand(options: IpsCommandOptions, catalog: CatalogIndex): CommandOutput {
  const { plan, findings, pods } = planFromOptions(options, catalog);
  const stdout = options.json
    ? `${JSON.stringify(planJson(plan, findings, pods), null, 2)}\n`
    : `${renderText(plan, findings)}\n`;
  return { stdout, exitCode: 0 };
}
