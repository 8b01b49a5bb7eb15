/**
 * What `podcap doctor` finds in a real cluster: findings with their evidence and fix, each subnet's
 * addresses and forecast, and each node's pod IPs against the pods it admits. Pure data.
 */

import type { Severity } from '../sim/result.js';
import type { QuotaHeadroom } from './quota-checks.js';

export type DoctorCode =
  /** A node's real allocatable cpu or memory differs from what the capacity model predicts for it. */
  | 'ALLOCATABLE_DIFFERS_FROM_MODEL'
  /** A node's real maxPods (status.capacity.pods) differs from what its AMI and launcher would set. */
  | 'MAX_PODS_DIFFERS_FROM_MODEL'
  /** Karpenter believes a NodePool's type holds more than the real nodes of that type allocate. */
  | 'KARPENTER_OVERESTIMATES_NODE'
  /** Nodes admit more pods that need an IP than the CNI can give them. */
  | 'MAX_PODS_EXCEEDS_POD_IPS'
  /** Pods in ContainerCreating with the CNI's "failed to assign an IP address" event. */
  | 'PODS_STUCK_NO_IP'
  /** Karpenter's version and settings can loop; with the pod requests that would trigger it. */
  | 'KARPENTER_LAUNCH_LOOP_RISK'
  /** A subnet has few addresses left, or none, at the current density and warm settings. */
  | 'SUBNET_NEAR_EXHAUSTION'
  | 'SUBNET_EXHAUSTED'
  /** Prefix delegation: free addresses remain but too few free aligned /28s may be left for prefixes. */
  | 'PREFIX_FRAGMENTATION_RISK'
  /** Warm pools hold a large share of a subnet idle. */
  | 'WARM_POOL_HOLDS_ADDRESSES'
  /** vCPU quota headroom by class is low or gone. */
  | 'QUOTA_HEADROOM_LOW'
  /** Something podcap needed was not in the input (a node without instance type, no subnets file…). */
  | 'INPUT_INCOMPLETE';

export interface DoctorEvidence {
  readonly nodes?: readonly string[];
  readonly pods?: readonly string[];
  readonly subnets?: readonly string[];
  readonly nodePools?: readonly string[];
  readonly instanceTypes?: readonly string[];
}

export interface DoctorFinding {
  readonly code: DoctorCode;
  readonly severity: Severity;
  /** Evidence in words, then ` Fix: …` where podcap knows one (the report splits it there). */
  readonly message: string;
  /** The objects it is about; lists are cut to a few names, the message gives the counts. */
  readonly evidence: DoctorEvidence;
}

/** Where a subnet's used addresses go, as far as the cluster's objects tell. */
export interface SubnetUse {
  /** Nodes' primary addresses (one per node whose InternalIP is in the subnet). */
  readonly nodes: number;
  /** Primary addresses of the secondary ENIs ipamd attached (estimated from each node's pod count). */
  readonly enis: number;
  /** Pods with an IP in the subnet. */
  readonly pods: number;
  /** Held by ipamd on the nodes without a pod on them: the warm pool (estimated by the ipamd model). */
  readonly warm: number;
  /** What EC2 counts as used beyond the above: load balancers, other ENIs, addresses podcap cannot see. */
  readonly other: number;
}

export interface SubnetForecast {
  readonly id: string;
  readonly zone: string;
  readonly cidr: string;
  /** The CIDR less the 5 addresses AWS keeps. */
  readonly usable: number;
  /** `AvailableIpAddressCount`. */
  readonly free: number;
  readonly use: SubnetUse;
  /** More pods that fit before the subnet runs dry at the current density and warm settings; null if unknown. */
  readonly podsUntilDry: number | null;
  /** With prefix delegation: more pods before a /28 cannot be found (worst case fragmentation); null otherwise. */
  readonly podsUntilPrefixFailure: number | null;
  /** How the forecast was made, in one sentence (density, addresses per new node, warm settings). */
  readonly basis: string;
}

/** One node's pod IPs against the pods it admits and holds. */
export interface NodeIpUse {
  readonly node: string;
  readonly instanceType: string | null;
  /** status.capacity.pods. */
  readonly maxPods: number;
  /** Pods on the node in the host's network namespace: they take a pod slot but no pod IP. */
  readonly hostNetworkPods: number;
  /** Pod IPs the CNI can give on this node under the cluster's settings; null for an unknown type. */
  readonly podIps: number | null;
  /** Pods on the node that need an IP (not hostNetwork). */
  readonly podsNeedingIp: number;
  /** Of those, pods that have one. */
  readonly podsWithIp: number;
}

export interface DoctorResult {
  /** Errors first, then warnings, then info. */
  readonly findings: readonly DoctorFinding[];
  readonly subnets: readonly SubnetForecast[];
  readonly nodes: readonly NodeIpUse[];
  /** vCPU quota headroom by class; null when no quota file was read. */
  readonly quotas: readonly QuotaHeadroom[] | null;
  /** Findings counted by code (for the exporter's mismatch counts). */
  readonly countsByCode: Readonly<Partial<Record<DoctorCode, number>>>;
}

/** The node's kubelet admits more pods that need an IP than the CNI can give it (host-network pods need none). */
export function admitsMoreThanIps(node: NodeIpUse): boolean {
  return node.podIps !== null && node.maxPods - node.hostNetworkPods > node.podIps;
}
