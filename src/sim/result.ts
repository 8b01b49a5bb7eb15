/**
 * What a simulation run returns: counts at the end of the simulated time, findings, and (on request)
 * the event log. Times are milliseconds of simulated time; the report layer formats them.
 */

import type { WorkloadKind } from './model.js';

export type Severity = 'error' | 'warning' | 'info';

export type FindingCode =
  | 'PODS_PENDING'
  | 'PODS_STUCK_NO_IP'
  | 'SUBNET_EXHAUSTED'
  | 'MAX_PODS_EXCEEDS_POD_IPS'
  | 'WARM_POOL_HOLDS_ADDRESSES'
  | 'NODE_LAUNCH_FAILED'
  | 'KIND_IGNORED'
  | 'KARPENTER_NOT_SIMULATED'
  | 'TIMELINE_AFTER_END'
  | 'OBSERVED_MEMORY_MISSING'
  | 'VPC_CNI_SETTING_IGNORED'
  | 'RUNAWAY_SCALE_OUT'
  | 'QUOTA_EXCEEDED'
  | 'NODEPOOL_LIMIT_REACHED'
  | 'NODEPOOL_NO_PODS'
  | 'LAUNCH_FAILED';

export interface Finding {
  readonly code: FindingCode;
  readonly severity: Severity;
  readonly message: string;
  /** When it was first seen in simulated time; null for facts of the input. */
  readonly atMs: number | null;
}

export interface PodCounts {
  readonly running: number;
  readonly pending: number;
  readonly containerCreating: number;
  readonly total: number;
}

export interface WorkloadSummary {
  readonly kind: WorkloadKind;
  readonly namespace: string;
  readonly name: string;
  /** Replicas asked for at the end (DaemonSet: nodes that admit it; deleted workloads: 0). */
  readonly desired: number;
  readonly running: number;
  readonly pending: number;
  readonly containerCreating: number;
  /** Pods not running, by the event reason that holds them (FailedScheduling, FailedCreatePodSandBox, …). */
  readonly reasons: Readonly<Record<string, number>>;
  /** Pods not running, by their last event message. */
  readonly messages: Readonly<Record<string, number>>;
}

export interface NodeSummary {
  /** Nodes launched during the run, including those terminated again. */
  readonly launched: number;
  readonly atEnd: number;
  readonly byType: Readonly<Record<string, number>>;
  /** Nodes at the end by node group (`nodeGroup/NAME`) or other origin (`static`). */
  readonly byGroup: Readonly<Record<string, number>>;
}

export interface SubnetSummary {
  readonly id: string;
  readonly zone: string;
  readonly cidr: string;
  readonly usable: number;
  readonly used: number;
  readonly free: number;
  /** The fewest free addresses seen during the run, and when. */
  readonly lowestFree: number;
  readonly lowestFreeAtMs: number;
  /** First time an EC2 call into it failed for lack of addresses; null if never. */
  readonly exhaustedAtMs: number | null;
  /** Addresses ipamd held for pods at the end without a pod on them (warm pool, cooling). */
  readonly idleInWarmPools: number;
}

export interface SimEvent {
  readonly atMs: number;
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  /** `kind/name` as `kubectl get events` shows it, e.g. `pod/web-7d9c-x2x4p`, `node/ip-10-0-0-5…`. */
  readonly object: string;
  readonly message: string;
}

export interface SimStats {
  /** Queue events the engine processed. */
  readonly events: number;
  readonly schedulingAttempts: number;
  readonly podsCreated: number;
}

/** The cluster once a simulated minute, for charts over time. */
export interface SeriesPoint {
  readonly atMs: number;
  readonly running: number;
  readonly pending: number;
  readonly containerCreating: number;
  readonly nodes: number;
  /** Nodes that exist, by instance type. */
  readonly nodesByType: Readonly<Record<string, number>>;
  /** Cumulative cost of every node so far, to a hundredth of a cent. */
  readonly costUsd: number;
  readonly freeBySubnet: Readonly<Record<string, number>>;
  /** vCPUs in use by `capacity-type/class` (`on-demand/standard`, `spot/standard`, …). */
  readonly quotaVcpus: Readonly<Record<string, number>>;
}

/** What the nodes cost over the run: on-demand prices of the catalog, spot at the scenario's share. */
export interface CostSummary {
  readonly totalUsd: number;
  readonly byType: Readonly<Record<string, number>>;
  /** By node group, NodePool or `static`. */
  readonly byGroup: Readonly<Record<string, number>>;
}

/** A kind of node the run set up (one per node group, NodePool type and capacity type): what it holds. */
export interface NodeShape {
  /** `nodeGroup/NAME`, `nodePool/NAME` or `static`. */
  readonly origin: string;
  readonly instanceType: string;
  readonly capacityType: 'on-demand' | 'spot';
  /** null when the node never becomes Ready. */
  readonly maxPods: number | null;
  readonly podIps: number;
  readonly allocatable: { readonly cpuMillis: number; readonly memoryBytes: number; readonly pods: number };
  /** The memory is podcap's estimate of MemTotal, not an observed node's. */
  readonly memoryEstimated: boolean;
  readonly failure: string | null;
}

export interface SimResult {
  readonly scenario: string;
  readonly durationMs: number;
  readonly seed: number;
  readonly pods: PodCounts;
  readonly workloads: readonly WorkloadSummary[];
  readonly nodes: NodeSummary;
  readonly subnets: readonly SubnetSummary[];
  /** Errors first, then warnings, then info; within a severity by time. */
  readonly findings: readonly Finding[];
  /** Every node that ran during the run, including those terminated before the end. */
  readonly costUsd: CostSummary;
  /** The kinds of node the run set up, in the order it set them up. */
  readonly nodeShapes: readonly NodeShape[];
  readonly series: readonly SeriesPoint[];
  /** The event log, when asked for. */
  readonly events: readonly SimEvent[] | null;
  readonly stats: SimStats;
}

/** How far a run has got, for a progress bar. */
export interface SimProgress {
  readonly simulatedMs: number;
  readonly durationMs: number;
  /** Queue events processed so far. */
  readonly events: number;
}

export interface SimOptions {
  /** Keep the event log (it can be large). */
  readonly recordEvents: boolean;
  /** Called every few thousand events and once at the end; it must not throw. */
  readonly onProgress?: (progress: SimProgress) => void;
}
