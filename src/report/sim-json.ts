import { formatDuration } from '../core/duration.js';
import type { SimResult } from '../sim/result.js';

/**
 * `podcap simulate --json`: one object with a fixed key order, times Go-style (`12m30s`), counts at the
 * end of the simulated time; `events` only when asked for.
 */
export function simulationJson(result: SimResult, options: { readonly events: boolean }): object {
  const at = (ms: number | null) => (ms === null ? null : formatDuration(Math.max(0, ms)));
  const { pods, nodes } = result;
  return {
    scenario: result.scenario,
    duration: formatDuration(result.durationMs),
    seed: result.seed,
    pods: {
      running: pods.running,
      pending: pods.pending,
      containerCreating: pods.containerCreating,
      total: pods.total,
    },
    workloads: result.workloads.map((w) => ({
      kind: w.kind,
      namespace: w.namespace,
      name: w.name,
      desired: w.desired,
      running: w.running,
      pending: w.pending,
      containerCreating: w.containerCreating,
      reasons: { ...w.reasons },
      messages: { ...w.messages },
    })),
    nodes: {
      launched: nodes.launched,
      atEnd: nodes.atEnd,
      byType: { ...nodes.byType },
      byGroup: { ...nodes.byGroup },
    },
    costUsd: {
      total: result.costUsd.totalUsd,
      byType: { ...result.costUsd.byType },
      byGroup: { ...result.costUsd.byGroup },
    },
    subnets: result.subnets.map((s) => ({
      id: s.id,
      zone: s.zone,
      cidr: s.cidr,
      usable: s.usable,
      used: s.used,
      free: s.free,
      lowestFree: s.lowestFree,
      lowestFreeAt: at(s.lowestFreeAtMs),
      exhaustedAt: at(s.exhaustedAtMs),
      idleInWarmPools: s.idleInWarmPools,
    })),
    findings: result.findings.map((f) => ({ code: f.code, severity: f.severity, message: f.message, at: at(f.atMs) })),
    series: result.series.map((p) => ({
      at: at(p.atMs),
      running: p.running,
      pending: p.pending,
      containerCreating: p.containerCreating,
      nodes: p.nodes,
      nodesByType: { ...p.nodesByType },
      costUsd: p.costUsd,
      freeBySubnet: { ...p.freeBySubnet },
      quotaVcpus: { ...p.quotaVcpus },
    })),
    ...(options.events
      ? {
          events: (result.events ?? []).map((e) => ({
            at: at(e.atMs),
            type: e.type,
            reason: e.reason,
            object: e.object,
            message: e.message,
          })),
        }
      : {}),
  };
}
