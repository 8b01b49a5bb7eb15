/**
 * Findings: what went wrong (or will), each with a stable code, a severity and a message a user can
 * act on, drawn from what the run recorded.
 */

import { formatDuration } from '../core/duration.js';
import { formatKarpenterVersion, karpenterVersionNote } from '../core/karpenter-version.js';
import { SIZED_RESOURCES } from './karpenter/pools.js';
import type { TimelineAction } from './model.js';
import { quotaCode, quotaErrorCode } from './quota.js';
import type { Finding, Severity } from './result.js';
import type { FailedAddressRequest, RunawayRecord, RunRecord } from './simulate.js';

type QuotaFailureRecord = RunRecord['quotaFailures'][number];

const SEVERITY_ORDER: Readonly<Record<Severity, number>> = { error: 0, warning: 1, info: 2 };

/** Idle warm-pool addresses worth a note even when no subnet ran dry: a tenth of the subnet. */
const IDLE_SHARE_WORTH_NOTING = 0.1;

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function launches(count: number): string {
  return `${count} launch${count === 1 ? '' : 'es'}`;
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '0%' : `${Math.round((part / whole) * 100)}%`;
}

/** What to do about the scheduler's reasons, in the order they matter most. */
function pendingAdvice(message: string): string {
  const advice: string[] = [];
  if (message.includes('Too many pods')) {
    advice.push('the nodes are at their maxPods: add nodes, or raise maxPods with prefix delegation');
  }
  if (message.includes('Insufficient cpu') || message.includes('Insufficient memory')) {
    advice.push('add nodes or larger instance types, or lower the requests');
  }
  if (message.includes('Insufficient vpc.amazonaws.com/pod-eni')) {
    advice.push('no node has a branch ENI left: set ENABLE_POD_ENI=true, use a trunking (Nitro) type, or add nodes');
  }
  if (message.includes('untolerated taint')) advice.push('add a toleration or nodes without the taint');
  if (message.includes("didn't match Pod's node affinity/selector")) {
    advice.push('no node carries the labels the pod selects');
  }
  if (message.includes('topology spread')) advice.push('the spread constraint needs nodes in more domains');
  if (message.includes('no nodes available')) advice.push('the cluster has no Ready node');
  return advice.length > 0 ? ` Fix: ${advice.join('; ')}.` : '';
}

/** What a failed EC2 request asked for: `10 addresses`, `1 address and 2 /28 prefixes`. */
function requestSize(request: FailedAddressRequest): string {
  const addresses = `${request.addresses} address${request.addresses === 1 ? '' : 'es'}`;
  if (request.prefixes === 0) return addresses;
  const prefixes = `${request.prefixes} /28 prefix${request.prefixes === 1 ? '' : 'es'}`;
  return request.addresses > 0 ? `${addresses} and ${prefixes}` : prefixes;
}

/** Why a request that exceeds the free addresses fails while some remain (vpc-cni-ipam.md §7.2). */
function requestConsequence(request: FailedAddressRequest): string {
  switch (request.api) {
    case 'CreateNetworkInterface':
      return "A new ENI takes all its addresses in one call or none, so ipamd could not add an ENI to grow the node's pool.";
    case 'AssignPrivateIpAddresses':
      return 'ipamd asks for a batch on an existing ENI and falls back to one address at a time.';
    default:
      return 'The node could not take its primary address.';
  }
}

/** Ends the text with a full stop unless it already ends a sentence, so a following "Fix:" starts a new one. */
function asSentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

function topMessage(messages: Readonly<Record<string, number>>): string | null {
  let best: string | null = null;
  let count = -1;
  for (const [message, n] of Object.entries(messages)) {
    if (n > count) {
      best = message;
      count = n;
    }
  }
  return best;
}

export function collectFindings(record: RunRecord): Finding[] {
  const findings: Finding[] = [];
  const add = (code: Finding['code'], severity: Severity, message: string, atMs: number | null) => {
    findings.push({ code, severity, message, atMs });
  };
  const scenario = record.input.scenario;

  for (const w of record.workloads) {
    const name = `${w.kind} ${w.namespace}/${w.name}`;
    const key = `${w.kind}/${w.namespace}/${w.name}`;
    if (w.pending > 0) {
      const karpenterReason = record.karpenter?.unplaced.find((u) => u.workload === key)?.failure.message;
      const message =
        (topMessage(record.pendingMessages.get(key) ?? {}) ?? 'not yet tried by the scheduler') +
        (karpenterReason ? `; Karpenter: ${karpenterReason}` : '');
      add(
        'PODS_PENDING',
        'error',
        `${w.pending} of ${w.desired} pods of ${name} are Pending: ${asSentence(message)}${pendingAdvice(message)}`,
        record.pendingSince.get(key) ?? null,
      );
    }
    const stuck = record.stuckPods.filter((p) => p.workload === key);
    if (stuck.length > 0) {
      const nodes = new Set(stuck.map((p) => p.node));
      const since = Math.min(...stuck.map((p) => p.sinceMs));
      const origins = [...new Set(stuck.map((p) => p.origin))];
      const causes: string[] = [];
      for (const origin of origins) {
        const template = record.templates.find((t) => t.origin === origin);
        const tooMany = template?.mismatches.find((m) => m.code === 'MAX_PODS_EXCEEDS_POD_IPS');
        if (template && tooMany) causes.push(`${origin} (${template.instanceType.name}): ${tooMany.message}`);
      }
      const karpenter = scenario.karpenter;
      if (
        karpenter !== null &&
        record.settings.customNetworking &&
        karpenter.reservedEnis === 0 &&
        origins.some((o) => o.startsWith('nodePool/'))
      ) {
        causes.push(
          'Karpenter gives its nodes maxPods from every ENI (RESERVED_ENIS=0), but custom networking takes the primary ' +
            'ENI away from pods; Karpenter cannot see pods stuck in ContainerCreating, so it launches nothing. ' +
            'Fix: set Karpenter reservedENIs: 1 (RESERVED_ENIS=1) so maxPods matches the pod IPs',
        );
      }
      const exhausted = [...record.subnetTracks.entries()]
        .filter(([, t]) => t.exhaustedAtMs !== null)
        .map(([id]) => id);
      if (causes.length === 0 && exhausted.length > 0) {
        causes.push(`subnet ${exhausted.join(', ')} ran out of addresses, so ipamd could not grow the nodes' pools`);
      }
      add(
        'PODS_STUCK_NO_IP',
        'error',
        `${stuck.length} of ${w.desired} pods of ${name} are stuck in ContainerCreating on ${plural(nodes.size, 'node')}: ` +
          `FailedCreatePodSandBox "failed to assign an IP address to container"` +
          (causes.length > 0 ? `. Cause: ${causes.join('; ')}` : '.'),
        since,
      );
    }
  }

  for (const subnet of scenario.subnets) {
    const track = record.subnetTracks.get(subnet.id);
    const state = record.subnets.get(subnet.id);
    if (!track || !state) continue;
    const usable = state.addressMap.layout.usable;
    if (track.exhaustedAtMs !== null) {
      const request = track.failedRequest;
      const at = formatDuration(track.exhaustedAtMs);
      const label = `Subnet ${subnet.id} (${subnet.cidr}, ${subnet.zone})`;
      const fix = 'Fix: a larger subnet, more subnets for the nodes (or ENIConfigs), or smaller warm pools.';
      // Ran dry, or left pods without an address: an error; a request refused while addresses remained: a warning.
      const hurt = track.lowestFree === 0 || record.stuckPods.length > 0;
      if (request === null || request.free === 0) {
        add(
          'SUBNET_EXHAUSTED',
          'error',
          `${label} ran out of addresses at ${at}: all ${usable} usable addresses (the CIDR less the 5 AWS keeps) were held` +
            `${request === null ? '' : `, so ${request.api} for ${requestSize(request)} failed (${request.code})`}. ${fix}`,
          track.exhaustedAtMs,
        );
      } else {
        const ranDry =
          track.lowestFree === 0 ? ` It ran out of addresses entirely at ${formatDuration(track.lowestFreeAtMs)}.` : '';
        const free =
          request.prefixes > 0
            ? `${request.free} of its ${usable} usable addresses were free, but not enough whole aligned /28 blocks`
            : request.free < request.addresses
              ? `only ${request.free} of its ${usable} usable addresses were free`
              : `${request.free} of its ${usable} usable addresses were free, but not enough outside /28 reservations`;
        add(
          'SUBNET_EXHAUSTED',
          hurt ? 'error' : 'warning',
          `${label} could not give ${request.api} the ${requestSize(request)} it needed at ${at}: ${free} ` +
            `(${request.code}). ${requestConsequence(request)}${ranDry} ${fix}`,
          track.exhaustedAtMs,
        );
      }
      const idle = track.idleAtExhaustion ?? 0;
      if (idle > 0) {
        add(
          'WARM_POOL_HOLDS_ADDRESSES',
          'warning',
          `When ${subnet.id} ran dry at ${formatDuration(track.exhaustedAtMs)}, ${idle} of its ${usable} usable addresses ` +
            `(${percent(idle, usable)}) sat idle in ipamd warm pools. Fix: set WARM_IP_TARGET and MINIMUM_IP_TARGET ` +
            '(or a lower WARM_ENI_TARGET / WARM_PREFIX_TARGET) so nodes hold fewer spare addresses.',
          track.exhaustedAtMs,
        );
      }
    } else {
      const idle = record.idleBySubnet.get(subnet.id) ?? 0;
      if (usable > 0 && idle / usable >= IDLE_SHARE_WORTH_NOTING) {
        add(
          'WARM_POOL_HOLDS_ADDRESSES',
          'info',
          `At the end ${idle} of ${subnet.id}'s ${usable} usable addresses (${percent(idle, usable)}) sit idle in ipamd warm pools ` +
            '(WARM_ENI_TARGET / WARM_IP_TARGET / WARM_PREFIX_TARGET decide how many).',
          scenario.durationMs,
        );
      }
    }
  }

  for (const template of record.templates) {
    const mismatch = template.mismatches.find((m) => m.code === 'MAX_PODS_EXCEEDS_POD_IPS');
    if (mismatch) {
      add(
        'MAX_PODS_EXCEEDS_POD_IPS',
        'warning',
        `${template.origin} (${template.instanceType.name}): ${mismatch.message}`,
        null,
      );
    }
    if (template.failure !== null) {
      add(
        'NODE_LAUNCH_FAILED',
        'error',
        `${template.origin} (${template.instanceType.name}): ${template.failure}`,
        null,
      );
    }
  }

  for (const f of record.noEniConfig) {
    add(
      'NODE_LAUNCH_FAILED',
      'error',
      `${f.origin} (${f.instanceType}): ${plural(f.nodes, 'node')} in ${f.zone} never became Ready: custom networking is on ` +
        `(AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true) but no ENIConfig gives a pod subnet for ${f.zone}, so ipamd cannot ` +
        `create the ENI pods need and stops ("Failed to attach any ENIs for custom networking"). ` +
        `Fix: add an ENIConfig for ${f.zone} (spec.vpcCni.eniConfigs), or keep these nodes out of ${f.zone}.`,
      f.firstAtMs,
    );
  }

  const failuresByGroup = new Map<string, { count: number; atMs: number; message: string }>();
  for (const failure of record.launchFailures) {
    const seen = failuresByGroup.get(failure.group);
    if (seen) seen.count += 1;
    else failuresByGroup.set(failure.group, { count: 1, atMs: failure.atMs, message: failure.message });
  }
  for (const [group, f] of failuresByGroup) {
    add(
      'NODE_LAUNCH_FAILED',
      'error',
      `${group}: ${plural(f.count, 'launch attempt')} failed, first at ${formatDuration(Math.max(0, f.atMs))}: ${f.message}`,
      Math.max(0, f.atMs),
    );
  }

  const ignoredByKind = new Map<string, number>();
  for (const doc of record.input.ignored) {
    const kind = `${doc.kind} (${doc.apiVersion})`;
    ignoredByKind.set(kind, (ignoredByKind.get(kind) ?? 0) + 1);
  }
  for (const [kind, count] of ignoredByKind) {
    add(
      'KIND_IGNORED',
      'warning',
      `Ignored ${plural(count, 'document')} of kind ${kind}: podcap does not model it.`,
      null,
    );
  }
  for (const entry of scenario.timeline) {
    // The run stops at its duration (Engine.run): a later entry never happens. A note, not a warning:
    // --duration shortens runs on purpose.
    if (entry.atMs <= scenario.durationMs) continue;
    add(
      'TIMELINE_AFTER_END',
      'info',
      `spec.timeline entry at ${formatDuration(entry.atMs)} (${timelineAction(entry.action)}) is after the end of the ` +
        `run at ${formatDuration(scenario.durationMs)}, so it is not applied. Fix: make spec.duration (or --duration) ` +
        `at least ${formatDuration(entry.atMs)}, or move the entry earlier.`,
      null,
    );
  }
  if (record.input.nodePools.length > 0 && scenario.karpenter === null) {
    add(
      'KARPENTER_NOT_SIMULATED',
      'warning',
      `${plural(record.input.nodePools.length, 'NodePool')} read, but the Scenario has no spec.karpenter: ` +
        'the cluster runs without Karpenter, so pending pods get no new nodes from it.',
      null,
    );
  }
  const versionNote = scenario.karpenter === null ? null : karpenterVersionNote(scenario.karpenter.version);
  if (versionNote !== null) add('KARPENTER_NOT_SIMULATED', 'warning', versionNote, null);
  if (scenario.karpenter !== null) nodePoolFindings(record, add);
  karpenterFindings(record, add);
  for (const issue of record.settingIssues) add('VPC_CNI_SETTING_IGNORED', 'warning', `aws-node ${issue}.`, null);

  const estimated = new Set(record.templates.filter((t) => t.memoryEstimated).map((t) => t.instanceType.name));
  if (estimated.size > 0) {
    add(
      'OBSERVED_MEMORY_MISSING',
      'info',
      `Memory capacity of ${[...estimated].sort().join(', ')} is podcap's estimate; give spec.aws.observedMemory ` +
        '(kubectl get node -o jsonpath={.status.capacity.memory}) for exact allocatable memory.',
      null,
    );
  }

  return findings.sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      (a.atMs ?? -1) - (b.atMs ?? -1) ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
}

type AddFinding = (code: Finding['code'], severity: Severity, message: string, atMs: number | null) => void;

/** The parts of a NodePool the simulation reads but cannot apply: scheduled budgets, limits on unsized resources. */
function nodePoolFindings(record: RunRecord, add: AddFinding): void {
  for (const pool of record.input.nodePools) {
    (pool.budgets ?? []).forEach((budget, i) => {
      if (budget.schedule === null) return;
      const nodes = budget.nodes.kind === 'count' ? `${budget.nodes.count}` : `${budget.nodes.percent}%`;
      const duration = budget.durationMs === null ? '' : `, duration ${formatDuration(budget.durationMs)}`;
      add(
        'KARPENTER_NOT_SIMULATED',
        'warning',
        `NodePool ${pool.name}: spec.disruption.budgets[${i}] (nodes "${nodes}", schedule "${budget.schedule}"${duration}) ` +
          'is not applied: simulated time has no calendar date to place its window on, so the run is taken as ' +
          'outside it. Remove the schedule to apply the budget throughout the run.',
        null,
      );
    });
    const unsized = [...pool.limits.keys()].filter((name) => !SIZED_RESOURCES.includes(name));
    if (unsized.length > 0) {
      add(
        'KARPENTER_NOT_SIMULATED',
        'warning',
        `NodePool ${pool.name}: spec.limits on ${unsized.join(', ')} ${unsized.length === 1 ? 'is' : 'are'} not enforced: ` +
          `podcap does not know the instance types' capacity of ${unsized.length === 1 ? 'it' : 'them'} ` +
          `(it sizes ${SIZED_RESOURCES.join(', ')}).`,
        null,
      );
    }
  }
}

function kibibytes(bytes: number): string {
  return `${Math.round(bytes / 1024).toLocaleString('en-US')}Ki`;
}

/** A timeline entry's action as the Scenario states it. */
function timelineAction(action: TimelineAction): string {
  switch (action.type) {
    case 'scale-workload':
      return `scale ${action.target.kind} ${action.target.namespace}/${action.target.name} to ${action.replicas}`;
    case 'delete-workload':
      return `delete ${action.target.kind} ${action.target.namespace}/${action.target.name}`;
    case 'scale-node-group':
      return `scale node group ${action.nodeGroup} to ${action.desired}`;
  }
}

/** `Deployment/default/web` as `Deployment default/web`. */
function workloadName(key: string): string {
  const [kind, namespace, name] = key.split('/');
  return `${kind} ${namespace}/${name}`;
}

function usd(amount: number): string {
  return `$${amount.toFixed(2)}`;
}

/** Which resource Karpenter thinks fits and the kubelet does not, with both numbers. */
function runawayCause(r: RunawayRecord): { resource: 'memory' | 'cpu' | 'pods' | null; text: string; ceiling: string } {
  const needMemory = r.podRequests.memoryBytes + r.daemonOverhead.memoryBytes;
  const needCpu = r.podRequests.cpuMillis + r.daemonOverhead.cpuMillis;
  if (needMemory > r.real.memoryBytes && needMemory <= r.believed.memoryBytes) {
    return {
      resource: 'memory',
      text:
        `Karpenter believes an ${r.instanceType} has ${kibibytes(r.believed.memoryBytes)} memory allocatable; the kubelet ` +
        `reports ${kibibytes(r.real.memoryBytes)}. The pod asks ${kibibytes(r.podRequests.memoryBytes)} + DaemonSets ` +
        `${kibibytes(r.daemonOverhead.memoryBytes)} = ${kibibytes(needMemory)}`,
      ceiling: `lower the pod's memory request to at most ${kibibytes(r.real.memoryBytes - r.daemonOverhead.memoryBytes)}`,
    };
  }
  if (needCpu > r.real.cpuMillis && needCpu <= r.believed.cpuMillis) {
    return {
      resource: 'cpu',
      text:
        `Karpenter believes an ${r.instanceType} has ${r.believed.cpuMillis}m cpu allocatable; the kubelet reports ` +
        `${r.real.cpuMillis}m. The pod asks ${r.podRequests.cpuMillis}m + DaemonSets ${r.daemonOverhead.cpuMillis}m`,
      ceiling: `lower the pod's cpu request to at most ${r.real.cpuMillis - r.daemonOverhead.cpuMillis}m`,
    };
  }
  if (r.daemonOverhead.pods + 1 > r.real.pods && r.daemonOverhead.pods + 1 <= r.believed.pods) {
    return {
      resource: 'pods',
      text: `Karpenter believes an ${r.instanceType} takes ${r.believed.pods} pods; the kubelet's maxPods is ${r.real.pods}`,
      ceiling: 'set kubelet.maxPods in the EC2NodeClass',
    };
  }
  return {
    resource: null,
    text: `Karpenter's allocatable (${kibibytes(r.believed.memoryBytes)}, ${r.believed.cpuMillis}m) and the kubelet's (${kibibytes(r.real.memoryBytes)}, ${r.real.cpuMillis}m) disagree`,
    ceiling: "lower the pod's requests below the kubelet's allocatable less the DaemonSets",
  };
}

function karpenterFindings(record: RunRecord, add: AddFinding): void {
  const karpenter = record.karpenter;
  if (karpenter !== null) {
    const version = formatKarpenterVersion(karpenter.settings.version);
    for (const r of karpenter.runaways) {
      const cause = runawayCause(r);
      const span = formatDuration(r.lastMs - r.firstMs);
      let why = '';
      let fix = cause.ceiling;
      const node = r.template.ready;
      const believedReserved = r.template.capacity.karpenter.relaunch.reserved;
      if (
        cause.resource === 'memory' &&
        node &&
        believedReserved.kubeReservedMemoryBytes < node.reserved.kubeReservedMemoryBytes
      ) {
        const ours = believedReserved.kubeReservedMemoryPods;
        const theirs = node.reserved.kubeReservedMemoryPods;
        why =
          ` Why: Karpenter v${version} reserves ${kibibytes(believedReserved.kubeReservedMemoryBytes)} kube-reserved memory` +
          (ours !== null ? ` (11·${ours}+255 MiB)` : '') +
          `, the AMI ${kibibytes(node.reserved.kubeReservedMemoryBytes)}` +
          (theirs !== null ? ` (11·${theirs}+255 MiB)` : '') +
          '.';
        const features = r.template.capacity.karpenter.features;
        if (!features.kubeReservedIgnoresReservedEnis && karpenter.settings.reservedEnis > 0) {
          why += ` With RESERVED_ENIS=${karpenter.settings.reservedEnis} this version counts kube-reserved from fewer ENIs than the AMI.`;
          fix = `upgrade Karpenter to v1.5.2 or later (kube-reserved then follows the AMI's ENI count), or ${cause.ceiling}`;
        }
      }
      add(
        'RUNAWAY_SCALE_OUT',
        'error',
        `Karpenter launched ${plural(r.nodes, `${r.instanceType} node`)} of NodePool ${r.nodePool} in ${span} for pod ${r.pod} ` +
          `(${workloadName(r.workload)}), and none could hold it: ` +
          `${usd(r.costUsd)} so far${r.stillPending ? ', and the pod is still Pending' : ''}. ${cause.text}.${why} Fix: ${fix}.`,
        r.firstMs,
      );
    }

    const limited = new Map<string, { pods: number; atMs: number }>();
    for (const u of karpenter.unplaced) {
      if (u.failure.kind !== 'limits') continue;
      for (const pool of u.failure.limitedPools) {
        const seen = limited.get(pool);
        if (seen) {
          seen.pods += 1;
          seen.atMs = Math.min(seen.atMs, u.atMs);
        } else limited.set(pool, { pods: 1, atMs: u.atMs });
      }
    }
    for (const [pool, info] of limited) {
      const spec = record.input.nodePools.find((p) => p.name === pool);
      const limits = spec
        ? [...spec.limits.entries()]
            .map(([k, v]) => `${k}=${k === 'cpu' ? `${v / 1000}` : k === 'memory' ? kibibytes(v) : v}`)
            .join(', ')
        : '';
      add(
        'NODEPOOL_LIMIT_REACHED',
        'warning',
        `NodePool ${pool} reached its limits (${limits}): Karpenter left ${plural(info.pods, 'pod')} Pending ` +
          `("all available instance types exceed limits"). Fix: raise spec.limits or add a NodePool.`,
        info.atMs,
      );
    }

    for (const p of karpenter.podlessPools) {
      const why =
        p.source === 'eni-limited'
          ? `RESERVED_ENIS=${karpenter.settings.reservedEnis} is not below the ENIs of any of its ${plural(p.types, 'instance type')} ` +
            `(${p.maxEnis} at most), so Karpenter counts 0 pods for each`
          : `its EC2NodeClass gives the kubelet maxPods 0, so Karpenter counts 0 pods for each of its ${plural(p.types, 'instance type')}`;
      const fix =
        p.source === 'eni-limited'
          ? 'set RESERVED_ENIS to the ENIs pods cannot use (1 for custom networking or security groups for pods)'
          : 'set spec.kubelet.maxPods above 0 or leave it out';
      add(
        'NODEPOOL_NO_PODS',
        'error',
        `NodePool ${p.nodePool} launches nothing: ${why}, and every pod needs a pods slot. Fix: ${fix}.`,
        null,
      );
    }

    const failures = new Map<string, { count: number; atMs: number; message: string }>();
    for (const e of karpenter.launchErrors) {
      if (e.message.includes('VcpuLimitExceeded') || e.message.includes('MaxSpotInstanceCountExceeded')) continue;
      const seen = failures.get(e.origin);
      if (seen) seen.count += 1;
      else failures.set(e.origin, { count: 1, atMs: e.atMs, message: e.message });
    }
    for (const [origin, f] of failures) {
      add(
        'LAUNCH_FAILED',
        'error',
        `${origin}: ${launches(f.count)} failed, first at ${formatDuration(f.atMs)}: ${f.message}. ` +
          'Karpenter marks the offering unavailable for 3m and tries the next.',
        f.atMs,
      );
    }
  }

  const quotas = new Map<string, { first: QuotaFailureRecord; count: number; maxAsked: number }>();
  for (const q of record.quotaFailures) {
    const key = `${q.capacityType}/${q.cls}`;
    const seen = quotas.get(key);
    if (seen) {
      seen.count += 1;
      seen.maxAsked = Math.max(seen.maxAsked, q.askedVcpus);
    } else quotas.set(key, { first: q, count: 1, maxAsked: q.askedVcpus });
  }
  for (const q of quotas.values()) {
    const code = quotaCode(q.first.capacityType, q.first.cls);
    const name = `${q.first.capacityType === 'spot' ? 'Spot' : 'On-Demand'} ${q.first.cls}`;
    add(
      'QUOTA_EXCEEDED',
      'error',
      `The ${name} vCPU quota (${q.first.limitVcpus} vCPUs${code ? `, ${code}` : ''}) stopped ${launches(q.count)} ` +
        `from ${formatDuration(q.first.atMs)} (${quotaErrorCode(q.first.capacityType)}): up to ${q.maxAsked} vCPUs were asked, ` +
        `${q.first.limitVcpus} allowed; ` +
        (record.pendingPods > 0
          ? `${plural(record.pendingPods, 'pod')} stayed Pending at the end. `
          : 'no pod stayed Pending at the end: other capacity was launched instead, at its price. ') +
        `Fix: raise the quota in Service Quotas${q.first.capacityType === 'spot' ? ', or let the NodePool use on-demand' : ''}.`,
      q.first.atMs,
    );
  }
}
