/**
 * Findings: what went wrong (or will), each with a stable code, a severity and a message a user can
 * act on, drawn from what the run recorded.
 */

import { formatDuration } from '../core/duration.js';
import type { Finding, Severity } from './result.js';
import type { RunRecord } from './simulate.js';

const SEVERITY_ORDER: Readonly<Record<Severity, number>> = { error: 0, warning: 1, info: 2 };

/** Idle warm-pool addresses worth a note even when no subnet ran dry: a tenth of the subnet. */
const IDLE_SHARE_WORTH_NOTING = 0.1;

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
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
      const message = topMessage(w.messages) ?? 'not yet tried by the scheduler';
      add(
        'PODS_PENDING',
        'error',
        `${w.pending} of ${w.desired} pods of ${name} are Pending: ${message}${pendingAdvice(message)}`,
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
      add(
        'SUBNET_EXHAUSTED',
        'error',
        `Subnet ${subnet.id} (${subnet.cidr}, ${subnet.zone}) ran out of addresses at ${formatDuration(track.exhaustedAtMs)}: ` +
          `all ${usable} usable addresses (the CIDR less the 5 AWS keeps) were held or too fragmented for the request. ` +
          'Fix: a larger subnet, more subnets for the nodes (or ENIConfigs), or smaller warm pools.',
        track.exhaustedAtMs,
      );
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
  if (record.input.nodePools.length > 0) {
    add(
      'KARPENTER_NOT_SIMULATED',
      'warning',
      `${plural(record.input.nodePools.length, 'NodePool')} read, but this version does not simulate Karpenter provisioning: ` +
        'pending pods get no new nodes from it.',
      null,
    );
  }
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
