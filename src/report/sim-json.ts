import { formatDuration } from '../core/duration.js';
import type { SimResult } from '../sim/result.js';

/** `podcap simulate --json`: one object, times Go-style, counts at the end of the simulated time. */
export function simulationJson(result: SimResult, options: { readonly events: boolean }): object {
  const at = (ms: number | null) => (ms === null ? null : formatDuration(Math.max(0, ms)));
  return {
    scenario: result.scenario,
    duration: formatDuration(result.durationMs),
    seed: result.seed,
    pods: result.pods,
    workloads: result.workloads,
    nodes: result.nodes,
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
