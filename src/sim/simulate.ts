/**
 * The cluster simulator: a discrete-event run of an EKS cluster over simulated time. One queue ordered
 * by (time, sequence), one seeded random source, and actors — workload controllers, the DaemonSet
 * controller, the kube-scheduler with its queue, node groups, the kubelet and the VPC CNI's ipamd on
 * every node — that react to events and schedule new ones. Same input, same output.
 *
 * Inside one run the world is mutated in place (a run of 150,000 pods cannot copy it per event); the
 * run itself is a pure function of its input: no clock, no I/O, no global state.
 */

import type { CatalogIndex } from '../core/catalog.js';
import type { InstanceType } from '../core/instance-type.js';
import type { KarpenterMaxPodsSource } from '../core/karpenter-view.js';
import { type KubeletSettings, NO_RESERVATION } from '../core/node-config.js';
import { parseSubnetCidr } from '../network/cidr.js';
import {
  addBranchPod,
  addPod,
  BRANCH_ENI_COOLDOWN_MS,
  deleteBranchPod,
  deletePod,
  ENI_MINIMUM_AGE_MS,
  INSUFFICIENT_ADDRESS_BACKOFF_MS,
  IPAMD_CYCLE_MS,
  type IpamdEffect,
  type IpamdState,
  type IpamdStep,
  idleAddressesBySubnet,
  launchNode,
  POOL_DECREASE_INTERVAL_MS,
  poolStats,
  SANDBOX_FAILURE_MESSAGE,
  terminateNode,
  tickIpamd,
} from '../network/ipamd.js';
import { createSubnet, freeAddresses, type Subnet, usableAddresses, usedAddresses } from '../network/subnet.js';
import { EKS_MANIFEST_DEFAULTS, parseVpcCniEnv, type VpcCniSettings } from '../network/vpc-cni-settings.js';
import { addonWorkload } from './addons.js';
import { EventQueue } from './event-queue.js';
import { collectFindings } from './findings.js';
import { LABEL, offeringBit, podOfferingMasks } from './karpenter/offerings.js';
import { hourlyPrice, KarpenterPools, UNAVAILABLE_OFFERINGS_TTL_MS } from './karpenter/pools.js';
import {
  capacityOf,
  type ExistingNode,
  type NewClaim,
  podRequests,
  type RemainingLimits,
  type Resources,
  type SolveFailure,
  type SolvePod,
  type SolvePool,
  type SpreadRule,
  satisfiesMinValues,
  solve,
} from './karpenter/solve.js';
import {
  addPodToNode,
  backoffDurationMs,
  constraintSelector,
  createSchedulerState,
  createTopologyIndex,
  NodeChangeTable,
  nodePassesStaticFilters,
  POD_MAX_IN_UNSCHEDULABLE_PODS_MS,
  removePodFromNode,
  type SchedulerNode,
  type SchedulerPod,
  type SchedulerState,
  schedulePod,
  type TopologyIndex,
  UNSCHEDULABLE_FLUSH_INTERVAL_MS,
} from './kube-scheduler.js';
import {
  type CapacityType,
  type DisruptionBudget,
  type DisruptionReason,
  type KarpenterScenarioSettings,
  type LabelSelector,
  type NodeClassSpec,
  type PodTemplate,
  type SimInput,
  type StaticNodesSpec,
  type Workload,
  workloadKey,
} from './model.js';
import { makeNodeTemplate, type NodeTemplate, nodeName, POD_ENI_RESOURCE } from './node-setup.js';
import { type QuotaClass, QuotaUsage, quotaClass, quotaErrorCode } from './quota.js';
import { createRandom, type Random } from './random.js';
import type {
  CostSummary,
  NodeShape,
  SeriesPoint,
  SimEvent,
  SimOptions,
  SimProgress,
  SimResult,
  WorkloadSummary,
} from './result.js';
import {
  daemonTolerations,
  pinToNode,
  policySelects,
  randomSuffix,
  selectorMatches,
  templateHash,
} from './workload-pods.js';

/** Initial nodes boot this long before time 0, so their warm pools are settled when the run starts. */
/** Progress is reported every 8,192 events: often enough for a bar, rare enough to cost nothing. */
const PROGRESS_EVERY_MASK = 8191;

const PREROLL_MS = 10 * 60_000;
/**
 * A pod worker whose sync failed (no sandbox) is requeued after backOffPeriod 10 s with jitter 0.5
 * (kubelet pkg/kubelet/pod_workers.go completeWork; kubelet.go backOffPeriod).
 */
const KUBELET_RETRY_MS = 10_000;
const KUBELET_RETRY_JITTER = 0.5;
/** An Auto Scaling group retries a launch that failed for lack of addresses (our choice: every 60 s). */
const NODE_GROUP_RETRY_MS = 60_000;

/** Karpenter's disruption controller polls every 10 s and validates a decision for 15 s (peers.md §C.5). */
const DISRUPTION_POLL_MS = 10_000;
const DISRUPTION_VALIDATION_MS = 15_000;
/** A NodePool without `budgets` gets the CRD default, nodes: 10% (kubernetes-sigs/karpenter pkg/apis/v1 nodepool.go). */
const DEFAULT_BUDGETS: readonly DisruptionBudget[] = [
  { nodes: { kind: 'percent', percent: 10 }, reasons: null, schedule: null, durationMs: null },
];
/** Spot-to-spot consolidation needs this many cheaper Spot types and launches from that many (consolidation.go MinInstanceTypesForSpotToSpotConsolidation). */
const MIN_TYPES_FOR_SPOT_TO_SPOT = 15;
/** Single-node consolidation tries at most this many candidates per pass (our bound on its 3-minute timeout). */
const CONSOLIDATION_CANDIDATES_PER_PASS = 20;
/** …and simulates at most this many of their pods per pass (our bound on that timeout, for big nodes). */
const CONSOLIDATION_PODS_PER_PASS = 1_000;
/** Consolidation looks again after this long even when nothing changed (our reading of ConsolidationState). */
const CONSOLIDATION_RECHECK_MS = 5 * 60_000;
/** AWS CreateFleet gets the 60 cheapest types of a NodeClaim (karpenter-provider-aws instance.go). */
const FLEET_MAX_TYPES = 60;
/** Addresses in one /28 prefix. */
const PREFIX_ADDRESSES = 16;
/** A sample of the cluster every simulated minute, for charts. */
const SERIES_INTERVAL_MS = 60_000;
/** A cost line in the event log every five simulated minutes. */
const COST_EVENT_INTERVAL_MS = 5 * 60_000;

/** Launches for one workload and type that never held its pods, from which on we call it a loop. */
const RUNAWAY_MIN_NODES = 3;
const ZERO_RESOURCES: Resources = { cpuMillis: 0, memoryBytes: 0, pods: 0, extended: new Map() };

export type PodPhase = 'Pending' | 'ContainerCreating' | 'Running';
type QueueState = 'active' | 'backoff' | 'unschedulable' | 'none';

interface WorkloadRuntime {
  readonly workload: Workload;
  readonly key: string;
  readonly template: PodTemplate;
  /**
   * A DaemonSet's template with the tolerations its controller adds: what nodeShouldRunDaemonPod checks
   * against each node, before the pod is pinned (null for other kinds).
   */
  readonly daemonTemplate: PodTemplate | null;
  readonly defaultSpread: LabelSelector | null;
  readonly needsBranchEni: boolean;
  /** What generated pod names start with: a Deployment's name and pod-template-hash, else the name. */
  readonly namePrefix: string;
  desired: number;
  deleted: boolean;
  readonly pods: Map<string, SimPod>;
  nextOrdinal: number;
  failureCache: { mutation: number; message: string; reasons: ReadonlyMap<string, number> } | null;
}

interface SimPod {
  readonly name: string;
  readonly key: string;
  readonly workload: WorkloadRuntime;
  readonly ordinal: number;
  readonly sched: SchedulerPod;
  readonly daemonNode: SimNode | null;
  readonly createdAtMs: number;
  phase: PodPhase;
  node: SimNode | null;
  queue: QueueState;
  attempts: number;
  lastFailureAtMs: number;
  backoffUntilMs: number;
  deleted: boolean;
  reason: string | null;
  message: string | null;
  troubleSinceMs: number | null;
}

interface NodeGroupRuntime {
  readonly name: string;
  readonly template: NodeTemplate;
  readonly subnets: readonly string[];
  desired: number;
  readonly nodes: SimNode[];
  /** The group's nodes not terminated, by subnet: what the zone balancing counts at every launch. */
  readonly liveBySubnet: Map<string, number>;
  retryPending: boolean;
}

interface SimNode {
  readonly name: string;
  readonly template: NodeTemplate;
  readonly zone: string;
  readonly subnetId: string;
  readonly group: NodeGroupRuntime | null;
  readonly sched: SchedulerNode;
  readonly launchedAtMs: number;
  readonly initial: boolean;
  ipamd: IpamdState;
  ready: boolean;
  terminated: boolean;
  readonly pods: Set<SimPod>;
  ticking: boolean;
  quietTicks: number;
  readyAtMs: number;
  readonly capacityType: CapacityType;
  readonly priceUsdPerHour: number;
  terminatedAtMs: number | null;
  /** Last time a pod was bound to or removed from the node (Karpenter's Consolidatable clock). */
  lastPodChangeMs: number;
  /** Pods bound to the node outside DaemonSets (what makes it non-empty to Karpenter). */
  workloadPods: number;
  /** An ipamd state in which a CNI ADD found no address while none was cooling: ADDs on it fail. */
  noAddressIn: IpamdState | null;
  /** The NodeClaim behind a Karpenter node; null for node groups and unmanaged nodes. */
  readonly claim: ClaimRuntime | null;
  /** The node's ipamd tick, made once: a node has at most one in the queue, and ticks are most events. */
  tickEvent: EngineEvent | null;
  /**
   * Custom networking with no ENIConfig for the node's zone: ipamd cannot create the ENI pods need, its
   * init fails and the node never becomes Ready (vpc-cni-ipam.md §5).
   */
  readonly noEniConfig: boolean;
}

interface ClaimRuntime {
  readonly name: string;
  readonly poolIndex: number;
  readonly nodeClass: NodeClassSpec;
  /** Karpenter's allocatable for the node when it launched it (NodeClaim.status.allocatable). */
  readonly believed: Resources;
  nominatedUntilMs: number;
  disrupting: boolean;
  /** Workloads whose pending pods this NodeClaim was launched for, and a pod of each. */
  readonly launchedFor: Map<string, string>;
  /** Workloads that had a pod bound to the node. */
  readonly held: Set<string>;
  /** A consolidation replacement: the node it replaces, terminated once this one is Ready. */
  replaces: SimNode | null;
}

interface KarpenterRuntime {
  readonly settings: KarpenterScenarioSettings;
  readonly pools: KarpenterPools;
  windowStartMs: number | null;
  lastTriggerMs: number;
  readonly seenInWindow: Set<string>;
  /** When the disruption controller's next pass is queued for; null when none is. */
  nextPassAtMs: number | null;
  /**
   * A disruption command is waiting out its validation: the controller does nothing else meanwhile and
   * its candidates are not yet marked for deletion (Validator.Validate waits inside the pass).
   */
  validating: boolean;
  readonly podMasks: Map<string, Int32Array | null>;
  /** Karpenter's last verdict for each pending pod it could not place. */
  readonly podFailures: Map<string, SolveFailure & { readonly atMs: number; readonly workload: string }>;
  readonly launches: SimNode[];
  /** The engine's mutation counter and time when consolidation last looked and found nothing. */
  consolidatedAtMutation: number;
  consolidatedAtMs: number;
}

interface QuotaFailure {
  readonly atMs: number;
  readonly capacityType: CapacityType;
  readonly cls: QuotaClass;
  readonly askedVcpus: number;
  readonly limitVcpus: number;
  readonly origin: string;
}

type EngineEvent =
  | { readonly type: 'timeline'; readonly index: number }
  | { readonly type: 'start-workloads' }
  | { readonly type: 'reconcile'; readonly workload: WorkloadRuntime }
  | { readonly type: 'node-ready'; readonly node: SimNode }
  | { readonly type: 'node-group'; readonly group: NodeGroupRuntime }
  | { readonly type: 'schedule' }
  | { readonly type: 'backoff-expired'; readonly pod: SimPod }
  | { readonly type: 'flush-unschedulable' }
  | { readonly type: 'ipamd-tick'; readonly node: SimNode }
  | { readonly type: 'sandbox-retry'; readonly pod: SimPod }
  | { readonly type: 'karpenter-batch' }
  | { readonly type: 'karpenter-disruption' }
  | { readonly type: 'karpenter-disrupt'; readonly nodes: readonly SimNode[]; readonly reason: string }
  | { readonly type: 'sample' };

/** An EC2 request a subnet could not satisfy, with the free addresses it had then. */
export interface FailedAddressRequest {
  readonly api: string;
  readonly code: string;
  /** Single addresses asked for (a new ENI's primary included) and /28 prefixes. */
  readonly addresses: number;
  readonly prefixes: number;
  readonly free: number;
}

/** Per subnet: what the findings and the summary need to know over time. */
export interface SubnetTrack {
  lowestFree: number;
  lowestFreeAtMs: number;
  /** The first time an address request failed or the last address was taken. */
  exhaustedAtMs: number | null;
  idleAtExhaustion: number | null;
  /** The request that failed at `exhaustedAtMs`; null when the subnet simply reached 0 free addresses. */
  failedRequest: FailedAddressRequest | null;
}

/** What the engine knows at the end, for findings and the summary. */
export interface RunRecord {
  readonly input: SimInput;
  readonly settings: VpcCniSettings;
  readonly settingIssues: readonly string[];
  readonly templates: readonly NodeTemplate[];
  readonly subnets: ReadonlyMap<string, Subnet>;
  readonly subnetTracks: ReadonlyMap<string, SubnetTrack>;
  readonly idleBySubnet: ReadonlyMap<string, number>;
  readonly workloads: readonly WorkloadSummary[];
  readonly stuckPods: readonly {
    readonly workload: string;
    readonly node: string;
    readonly origin: string;
    readonly sinceMs: number;
    readonly message: string;
  }[];
  readonly pendingSince: ReadonlyMap<string, number>;
  /** Per workload key, its Pending pods by their last message (FailedScheduling's, never a sandbox error). */
  readonly pendingMessages: ReadonlyMap<string, Readonly<Record<string, number>>>;
  readonly launchFailures: readonly { readonly atMs: number; readonly group: string; readonly message: string }[];
  readonly nodesByOrigin: ReadonlyMap<string, number>;
  readonly karpenter: KarpenterRecord | null;
  readonly quotaFailures: readonly QuotaFailure[];
  /** Pods Pending at the end, in all workloads. */
  readonly pendingPods: number;
  /** Nodes that never became Ready because custom networking had no ENIConfig for their zone, by origin and zone. */
  readonly noEniConfig: readonly {
    readonly origin: string;
    readonly instanceType: string;
    readonly zone: string;
    readonly nodes: number;
    readonly firstAtMs: number;
  }[];
}

/** Nodes Karpenter launched for a workload's pods that none of them could hold. */
export interface RunawayRecord {
  readonly workload: string;
  readonly pod: string;
  readonly instanceType: string;
  readonly nodePool: string;
  readonly nodes: number;
  readonly firstMs: number;
  readonly lastMs: number;
  readonly costUsd: number;
  readonly believed: Resources;
  readonly real: Resources;
  readonly podRequests: Resources;
  readonly daemonOverhead: Resources;
  readonly stillPending: boolean;
  /** The launched node's template: the kubelet's reservations and Karpenter's, side by side. */
  readonly template: NodeTemplate;
}

export interface KarpenterRecord {
  readonly settings: KarpenterScenarioSettings;
  readonly runaways: readonly RunawayRecord[];
  /** Pods Karpenter could not place at the end, by failure kind, with the NodePools whose limits stopped them. */
  readonly unplaced: readonly {
    readonly pod: string;
    readonly workload: string;
    readonly failure: SolveFailure;
    readonly atMs: number;
  }[];
  readonly launchErrors: readonly { readonly atMs: number; readonly origin: string; readonly message: string }[];
  /** NodePools for each of whose types Karpenter counts 0 pods, with the most ENIs among those types. */
  readonly podlessPools: readonly {
    readonly nodePool: string;
    readonly types: number;
    readonly maxEnis: number;
    readonly source: KarpenterMaxPodsSource;
  }[];
}

class Engine {
  readonly queue = new EventQueue<EngineEvent>();
  readonly random: Random;
  readonly settings: VpcCniSettings;
  readonly settingIssues: string[] = [];
  nowMs = -PREROLL_MS;
  /**
   * The VPC's subnets. Never changed in place: ipamd hands back a new map when it changes one (and keeps
   * no hold on it), which replaces this one.
   */
  subnets: ReadonlyMap<string, Subnet>;
  /** The subnets as trackSubnets last looked at them. */
  private trackedSubnets: ReadonlyMap<string, Subnet> | null = null;
  readonly subnetTracks = new Map<string, SubnetTrack>();
  readonly workloads: WorkloadRuntime[] = [];
  readonly daemonSets: WorkloadRuntime[] = [];
  readonly workloadsByKey = new Map<string, WorkloadRuntime>();
  readonly groups = new Map<string, NodeGroupRuntime>();
  readonly templates: NodeTemplate[] = [];
  readonly nodes: SimNode[] = [];
  readonly nodeBySched = new Map<SchedulerNode, SimNode>();
  readonly zoneOrder: string[] = [];
  schedulerNodes: SchedulerNode[] = [];
  schedulerNodesDirty = true;
  readonly schedulerState: SchedulerState = createSchedulerState();
  readonly changeTable = new NodeChangeTable();
  readonly topology: TopologyIndex = createTopologyIndex();
  readonly podNames = new Set<string>();
  activeQ: SimPod[] = [];
  activeHead = 0;
  readonly unschedulable = new Set<SimPod>();
  scheduleQueued = false;
  flushQueued = false;
  moveRequested = false;
  mutation = 0;
  readonly events: SimEvent[] | null;
  eventsProcessed = 0;
  schedulingAttempts = 0;
  podsCreated = 0;
  nodesLaunched = 0;
  readonly launchFailures: { atMs: number; group: string; message: string }[] = [];
  readonly quietLimit: number;
  readonly hostNetworkDaemons: number;
  readonly quota: QuotaUsage;
  readonly quotaFailures: QuotaFailure[] = [];
  readonly karpenter: KarpenterRuntime | null;
  readonly karpenterLaunchErrors: { atMs: number; origin: string; message: string }[] = [];
  readonly karpenterTemplates = new Map<string, NodeTemplate>();
  readonly claimNames = new Set<string>();
  /** Unbound pods the scheduler marked Unschedulable, outside DaemonSets: what Karpenter acts on. */
  readonly provisionable = new Set<SimPod>();
  readonly phaseCounts = { Pending: 0, ContainerCreating: 0, Running: 0 };
  readonly series: SeriesPoint[] = [];
  costSettledUsd = 0;
  readonly costByType = new Map<string, number>();
  readonly costByOrigin = new Map<string, number>();
  nextCostEventMs = 0;
  readonly onProgress: ((progress: SimProgress) => void) | null;
  /** Bumped when the set of DaemonSets changes (Karpenter's overhead per type follows it). */
  daemonVersion = 0;

  constructor(
    readonly input: SimInput,
    readonly catalog: CatalogIndex,
    options: SimOptions,
  ) {
    const scenario = input.scenario;
    this.random = createRandom(scenario.seed);
    this.events = options.recordEvents ? [] : null;
    this.onProgress = options.onProgress ?? null;
    // The aws-node manifest EKS installs sets WARM_PREFIX_TARGET=1 (vpc-cni-ipam.md §3.1).
    const parsed = parseVpcCniEnv(scenario.vpcCniEnv, EKS_MANIFEST_DEFAULTS);
    this.settings = parsed.settings;
    for (const issue of parsed.issues) {
      this.settingIssues.push(`${issue.name}="${issue.value}": expected ${issue.expected}; ${issue.effect}`);
    }
    // A node whose ipamd changed nothing for longer than its longest timer stays idle until a pod event.
    const longestTimerMs = Math.max(
      INSUFFICIENT_ADDRESS_BACKOFF_MS,
      ENI_MINIMUM_AGE_MS,
      POOL_DECREASE_INTERVAL_MS,
      BRANCH_ENI_COOLDOWN_MS,
      this.settings.ipCooldownSeconds * 1000,
    );
    this.quietLimit = Math.ceil(longestTimerMs / IPAMD_CYCLE_MS) + 2;
    const subnets = new Map<string, Subnet>();
    for (const subnet of scenario.subnets) {
      const cidr = parseSubnetCidr(subnet.cidr);
      if (!cidr.ok) throw new Error(`simulate: subnet ${subnet.id} has an invalid CIDR ${subnet.cidr}`);
      const created = createSubnet({ id: subnet.id, cidr: cidr.value, zone: subnet.zone, tags: subnet.tags });
      if (!created.ok) throw new Error(`simulate: subnet ${subnet.id}: ${created.error.message}`);
      subnets.set(subnet.id, created.subnet);
      const free = freeAddresses(created.subnet);
      this.subnetTracks.set(subnet.id, {
        lowestFree: free,
        lowestFreeAtMs: 0,
        exhaustedAtMs: null,
        idleAtExhaustion: null,
        failedRequest: null,
      });
    }
    this.subnets = subnets;
    const all: Workload[] = [...scenario.addons.map(addonWorkload), ...input.workloads];
    for (const workload of all) this.addWorkload(workload);
    this.hostNetworkDaemons = this.daemonSets.filter((d) => d.template.hostNetwork).length;
    this.quota = new QuotaUsage(scenario.quotas);
    const karpenter = scenario.karpenter;
    if (karpenter !== null && input.nodePools.length > 0) {
      const zoneOfSubnet = new Map(scenario.subnets.map((sub) => [sub.id, sub.zone] as const));
      this.karpenter = {
        settings: karpenter,
        pools: new KarpenterPools(
          input.nodePools,
          input.nodeClasses,
          zoneOfSubnet,
          catalog.catalog.instanceTypes,
          karpenter,
          this.settings,
          scenario.observedMemoryBytes,
          this.hostNetworkDaemons,
        ),
        windowStartMs: null,
        lastTriggerMs: 0,
        seenInWindow: new Set(),
        nextPassAtMs: null,
        validating: false,
        podMasks: new Map(),
        podFailures: new Map(),
        launches: [],
        consolidatedAtMutation: -1,
        consolidatedAtMs: Number.NEGATIVE_INFINITY,
      };
    } else {
      this.karpenter = null;
    }
  }

  // ---------------------------------------------------------------- setup

  private addWorkload(workload: Workload): void {
    const policies = this.input.securityGroupPolicies;
    const selected = policies.some((p) => policySelects(p, workload.id.namespace, workload.template.labels));
    let template = workload.template;
    if (selected) {
      // The resource controller's webhook adds one pod-eni to the pod's requests and limits.
      const extended = new Map(template.requests.extended);
      extended.set(POD_ENI_RESOURCE, 1);
      template = { ...template, requests: { ...template.requests, extended } };
    }
    let defaultSpread: LabelSelector | null = null;
    let desired = 1;
    if (workload.kind === 'Deployment' || workload.kind === 'ReplicaSet' || workload.kind === 'StatefulSet') {
      desired = workload.replicas;
      if (workload.kind === 'Deployment') {
        template = { ...template, labels: { ...template.labels, 'pod-template-hash': templateHash(workload.id) } };
      }
      // System default spreading selects the pods of the owning ReplicaSet or StatefulSet.
      defaultSpread = { matchLabels: template.labels, matchExpressions: [] };
    }
    const runtime: WorkloadRuntime = {
      workload,
      key: workloadKey(workload.id),
      template,
      daemonTemplate: workload.kind === 'DaemonSet' ? { ...template, tolerations: daemonTolerations(template) } : null,
      defaultSpread,
      needsBranchEni: selected && !template.hostNetwork,
      namePrefix:
        workload.kind === 'Deployment' ? `${workload.id.name}-${templateHash(workload.id)}` : workload.id.name,
      desired: workload.kind === 'DaemonSet' ? 0 : desired,
      deleted: false,
      pods: new Map(),
      nextOrdinal: 0,
      failureCache: null,
    };
    this.workloads.push(runtime);
    this.workloadsByKey.set(runtime.key, runtime);
    if (workload.kind === 'DaemonSet') this.daemonSets.push(runtime);
  }

  private lookupType(name: string): InstanceType {
    const found = this.catalog.lookup(name);
    if (found.status !== 'found') throw new Error(`simulate: instance type ${name} is not in the catalog`);
    return found.instanceType;
  }

  private observedMemory(type: InstanceType): number | null {
    return this.input.scenario.observedMemoryBytes.get(type.name) ?? null;
  }

  setup(): void {
    const scenario = this.input.scenario;
    for (const spec of scenario.nodeGroups) {
      const type = this.lookupType(spec.instanceType);
      const template = makeNodeTemplate({
        origin: `nodeGroup/${spec.name}`,
        instanceType: type,
        amiFamily: spec.amiFamily,
        launchedBy: 'node-group',
        capacityType: spec.capacityType,
        kubelet: spec.maxPods === null ? {} : { maxPods: spec.maxPods },
        cni: this.settings,
        karpenter: scenario.karpenter,
        observedMemoryBytes: this.observedMemory(type),
        hostNetworkPods: this.hostNetworkDaemons,
        labels: {
          'eks.amazonaws.com/nodegroup': spec.name,
          'eks.amazonaws.com/capacityType': spec.capacityType === 'spot' ? 'SPOT' : 'ON_DEMAND',
          ...spec.labels,
        },
        taints: spec.taints,
        managedNodeGroup: true,
      });
      this.templates.push(template);
      const group: NodeGroupRuntime = {
        name: spec.name,
        template,
        subnets: spec.subnets,
        desired: spec.desired,
        nodes: [],
        liveBySubnet: new Map(),
        retryPending: false,
      };
      this.groups.set(spec.name, group);
      for (let i = 0; i < spec.desired; i += 1) this.launchGroupNode(group, true);
    }
    for (const spec of scenario.nodes) this.setupStaticNodes(spec);
    // Nodes that exist at time 0 are Ready at the start of the preroll, DaemonSet pods included.
    for (const node of [...this.nodes]) this.nodeReady(node);
    for (let i = 0; i < scenario.timeline.length; i += 1) {
      const entry = scenario.timeline[i];
      if (entry && entry.atMs <= scenario.durationMs) this.queue.push(entry.atMs, { type: 'timeline', index: i });
    }
    this.queue.push(0, { type: 'start-workloads' });
    this.queue.push(0, { type: 'sample' });
  }

  private setupStaticNodes(spec: StaticNodesSpec): void {
    const scenario = this.input.scenario;
    const type = this.lookupType(spec.instanceType);
    const pool = spec.nodePool === null ? null : this.input.nodePools.find((p) => p.name === spec.nodePool);
    const nodeClass = pool ? this.input.nodeClasses.find((c) => c.name === pool.nodeClass) : undefined;
    const poolIndex = pool && this.karpenter ? this.karpenter.pools.catalogs.findIndex((c) => c.pool === pool) : -1;
    let template: NodeTemplate;
    if (poolIndex >= 0 && nodeClass) {
      template = this.karpenterTemplate(poolIndex, type, spec.capacityType);
      // Karpenter has seen these nodes register: its capacity cache holds their memory.
      this.karpenter?.pools.markRegistered(nodeClass, type);
    } else {
      const kubelet: Partial<KubeletSettings> = nodeClass ? nodeClass.kubelet : {};
      // Node manifests of nodes outside NodePools carry their own labels, taints and AMI family.
      const labels: Record<string, string> = { ...spec.labels };
      if (pool) {
        Object.assign(labels, pool.labels, {
          [LABEL.nodePool]: pool.name,
          [LABEL.capacityType]: spec.capacityType,
          [LABEL.family]: type.family,
        });
      }
      template = makeNodeTemplate({
        origin: pool ? `nodePool/${pool.name}` : 'static',
        instanceType: type,
        amiFamily: spec.amiFamily ?? nodeClass?.amiFamily ?? 'al2023',
        launchedBy: pool && scenario.karpenter ? 'karpenter' : 'node-group',
        capacityType: spec.capacityType,
        kubelet: { ...kubelet, kubeReserved: kubelet.kubeReserved ?? NO_RESERVATION },
        cni: this.settings,
        karpenter: scenario.karpenter,
        observedMemoryBytes: this.observedMemory(type),
        hostNetworkPods: this.hostNetworkDaemons,
        labels,
        taints: pool ? pool.taints : (spec.taints ?? []),
        managedNodeGroup: false,
      });
      this.templates.push(template);
    }
    const candidates = nodeClass ? nodeClass.subnetIds : scenario.subnets.map((s) => s.id);
    const inZone = candidates.filter((id) => spec.zone === null || this.subnets.get(id)?.zone === spec.zone);
    const subnetIds =
      inZone.length > 0 ? inZone : scenario.subnets.filter((s) => s.zone === spec.zone).map((s) => s.id);
    for (let i = 0; i < spec.count; i += 1) {
      // Karpenter picks the zone's subnet with the most free addresses (subnet.go ZonalSubnetsForLaunch).
      const ordered = [...subnetIds].sort((a, b) => this.free(b) - this.free(a));
      const claim = poolIndex >= 0 && nodeClass ? this.newClaim(poolIndex, nodeClass, type) : null;
      this.launchNode(template, null, ordered, true, claim);
    }
  }

  /** The node a NodePool launches for a type and capacity type: kubelet as Karpenter configures it, its labels and taints. */
  private karpenterTemplate(poolIndex: number, type: InstanceType, capacityType: CapacityType): NodeTemplate {
    const key = `${poolIndex}\u0000${type.name}\u0000${capacityType}`;
    const found = this.karpenterTemplates.get(key);
    if (found) return found;
    const catalog = this.karpenter?.pools.catalogs[poolIndex];
    if (!catalog) throw new Error('simulate: unknown NodePool');
    const poolType = catalog.types.find((t) => t.type === type);
    const typeLabels = poolType?.labelsByOffering.find((l) => l !== undefined) ?? {};
    const labels: Record<string, string> = { ...typeLabels, [LABEL.capacityType]: capacityType };
    delete labels[LABEL.zone];
    labels['karpenter.sh/registered'] = 'true';
    labels['karpenter.sh/initialized'] = 'true';
    const template = makeNodeTemplate({
      origin: `nodePool/${catalog.pool.name}`,
      instanceType: type,
      amiFamily: catalog.nodeClass.amiFamily,
      launchedBy: 'karpenter',
      capacityType,
      kubelet: catalog.nodeClass.kubelet,
      cni: this.settings,
      karpenter: this.input.scenario.karpenter,
      observedMemoryBytes: this.observedMemory(type),
      hostNetworkPods: this.hostNetworkDaemons,
      labels,
      taints: catalog.pool.taints,
      managedNodeGroup: false,
    });
    this.karpenterTemplates.set(key, template);
    this.templates.push(template);
    return template;
  }

  private newClaim(poolIndex: number, nodeClass: NodeClassSpec, type: InstanceType): ClaimRuntime {
    const catalog = this.karpenter?.pools.catalogs[poolIndex];
    let name: string;
    do name = `${catalog?.pool.name ?? 'nodepool'}-${randomSuffix(this.random)}`;
    while (this.claimNames.has(name));
    this.claimNames.add(name);
    return {
      name,
      poolIndex,
      nodeClass,
      believed: this.karpenter?.pools.believedAllocatable(nodeClass, type) ?? ZERO_RESOURCES,
      nominatedUntilMs: Number.NEGATIVE_INFINITY,
      disrupting: false,
      launchedFor: new Map(),
      held: new Set(),
      replaces: null,
    };
  }

  private free(subnetId: string): number {
    const subnet = this.subnets.get(subnetId);
    return subnet ? freeAddresses(subnet) : 0;
  }

  // ---------------------------------------------------------------- nodes

  /** An Auto Scaling group balances zones: the subnet with the fewest of the group's nodes first. */
  private launchGroupNode(group: NodeGroupRuntime, initial: boolean): boolean {
    const count = (id: string) => group.liveBySubnet.get(id) ?? 0;
    const ordered = group.subnets
      .map((id, index) => ({ id, index, nodes: count(id) }))
      .sort((a, b) => a.nodes - b.nodes || a.index - b.index)
      .map((s) => s.id);
    return this.launchNode(group.template, group, ordered, initial) !== null;
  }

  private launchNode(
    template: NodeTemplate,
    group: NodeGroupRuntime | null,
    subnetIds: readonly string[],
    initial: boolean,
    claim: ClaimRuntime | null = null,
  ): SimNode | null {
    const type = template.instanceType;
    if (!initial && !this.quota.admits(type, template.capacityType)) {
      this.noteQuotaFailure(type, template.capacityType, template.origin);
      const message = `Could not launch ${type.name}: ${this.quotaMessage(type, template.capacityType)}`;
      this.launchFailures.push({ atMs: this.nowMs, group: template.origin, message });
      this.record('Warning', 'FailedLaunch', group ? `nodegroup/${group.name}` : 'node/-', message);
      return null;
    }
    for (const subnetId of subnetIds) {
      const subnet = this.subnets.get(subnetId);
      if (!subnet) continue;
      const zone = subnet.zone;
      const eniConfigSubnetId = this.settings.customNetworking
        ? (this.input.scenario.eniConfigs.get(zone) ?? null)
        : null;
      const provisional = {
        nodeName: `pending-${this.nodes.length}`,
        instanceType: template.instanceType,
        settings: this.settings,
        maxPods: template.allocatable.pods,
        zone,
        nodeSubnetId: subnetId,
        eniConfigSubnetId,
        cordoned: false,
      };
      const launched = launchNode(provisional, this.subnets, this.nowMs);
      if (!launched.ok) {
        // RunInstances takes the node's primary address from its subnet.
        const request = { api: 'RunInstances', code: launched.error.code, addresses: 1, prefixes: 0 };
        this.noteSubnetFailure(subnetId, { ...request, free: this.free(subnetId) });
        const message = `Could not launch ${template.instanceType.name} in ${subnetId}: ${launched.error.code}`;
        // Karpenter reports its own launch errors (LAUNCH_FAILED); node groups' go to NODE_LAUNCH_FAILED.
        if (claim === null) this.launchFailures.push({ atMs: this.nowMs, group: template.origin, message });
        this.record('Warning', 'FailedLaunch', group ? `nodegroup/${group.name}` : 'node/-', message);
        continue;
      }
      const primary = launched.step.state.enis[0]?.primaryAddress ?? 0;
      const name = nodeName(primary, this.input.scenario.region);
      const ipamd: IpamdState = {
        ...launched.step.state,
        config: { ...launched.step.state.config, nodeName: name },
        enis: launched.step.state.enis.map((e) => ({ ...e, id: e.id.replace(provisional.nodeName, name) })),
      };
      this.subnets = launched.step.subnets;
      this.trackSubnets();
      const labels = {
        ...template.labels,
        'kubernetes.io/hostname': name,
        'topology.kubernetes.io/zone': zone,
        'topology.kubernetes.io/region': this.input.scenario.region,
      };
      const node: SimNode = {
        name,
        template,
        zone,
        subnetId,
        group,
        sched: {
          id: this.nodes.length,
          name,
          labels,
          zone,
          taints: template.taints,
          unschedulable: false,
          allocatable: template.allocatable,
          requested: {
            cpuMillis: 0,
            memoryBytes: 0,
            pods: 0,
            extended: new Map(),
            nonZeroCpuMillis: 0,
            nonZeroMemoryBytes: 0,
          },
          changes: 0,
          changeTable: this.changeTable,
        },
        launchedAtMs: this.nowMs,
        initial,
        ipamd,
        ready: false,
        terminated: false,
        pods: new Set(),
        ticking: false,
        quietTicks: 0,
        readyAtMs: Number.POSITIVE_INFINITY,
        capacityType: template.capacityType,
        priceUsdPerHour: hourlyPrice(type, template.capacityType, this.input.scenario.spotPriceRatio),
        terminatedAtMs: null,
        lastPodChangeMs: this.nowMs,
        workloadPods: 0,
        noAddressIn: null,
        claim,
        tickEvent: null,
        noEniConfig: this.settings.customNetworking && eniConfigSubnetId === null,
      };
      this.nodes.push(node);
      this.nodeBySched.set(node.sched, node);
      if (group) {
        group.nodes.push(node);
        group.liveBySubnet.set(subnetId, (group.liveBySubnet.get(subnetId) ?? 0) + 1);
      }
      this.quota.add(type, template.capacityType, 1);
      if (claim) this.karpenter?.launches.push(node);
      if (!initial) {
        this.nodesLaunched += 1;
        const object = claim ? `nodeclaim/${claim.name}` : `node/${name}`;
        this.record(
          'Normal',
          'Launched',
          object,
          `Launched ${template.instanceType.name} ${template.capacityType} in ${zone} (${subnetId}) as ${name}`,
        );
        if (template.ready !== null) {
          this.queue.push(this.nowMs + this.input.scenario.launchMs, { type: 'node-ready', node });
        }
      }
      if (node.noEniConfig) {
        this.record(
          'Warning',
          'NodeNotReady',
          `node/${name}`,
          `aws-node: Failed to attach any ENIs for custom networking: no ENIConfig for zone ${zone}`,
        );
      }
      return node;
    }
    return null;
  }

  private nodeReady(node: SimNode): void {
    if (node.terminated || node.template.ready === null || node.noEniConfig) return;
    node.ready = true;
    node.readyAtMs = this.nowMs;
    if (!this.zoneOrder.includes(node.zone)) this.zoneOrder.push(node.zone);
    this.schedulerNodesDirty = true;
    this.mutation += 1;
    this.moveRequested = true;
    this.record('Normal', 'NodeReady', `node/${node.name}`, `Node ${node.name} status is now: NodeReady`);
    const claim = node.claim;
    if (claim && this.karpenter) {
      this.karpenter.pools.markRegistered(claim.nodeClass, node.template.instanceType);
      this.record(
        'Normal',
        'Registered',
        `nodeclaim/${claim.name}`,
        `Status condition transitioned, Type: Registered, Status: True (node ${node.name})`,
      );
      this.record(
        'Normal',
        'Initialized',
        `nodeclaim/${claim.name}`,
        'Status condition transitioned, Type: Initialized, Status: True',
      );
      const replaced = claim.replaces;
      if (replaced && !replaced.terminated) {
        this.record(
          'Normal',
          'DisruptionTerminating',
          `node/${replaced.name}`,
          `Disrupting Node: Underutilized/Replace (replaced by ${node.name})`,
        );
        this.terminateNode(replaced);
      }
      this.scheduleDisruption();
    }
    this.startTicking(node, this.nowMs);
    for (const daemonSet of this.daemonSets) if (!daemonSet.deleted) this.reconcileDaemonSet(daemonSet, [node]);
    this.requestSchedule();
  }

  private terminateNode(node: SimNode): void {
    const group = node.group;
    if (group && !node.terminated)
      group.liveBySubnet.set(node.subnetId, (group.liveBySubnet.get(node.subnetId) ?? 0) - 1);
    node.terminated = true;
    node.terminatedAtMs = this.nowMs;
    this.settleCost(node);
    this.quota.add(node.template.instanceType, node.capacityType, -1);
    const wasReady = node.ready;
    node.ready = false;
    for (const pod of [...node.pods]) this.deletePod(pod, 'node terminated');
    // A daemon pod never bound to the node goes too: the DaemonSet controller deletes unscheduled pods
    // of nodes that no longer exist (daemon_controller.go getUnscheduledPodsWithoutNode).
    for (const daemonSet of wasReady ? this.daemonSets : []) {
      for (const pod of daemonSet.pods.values()) {
        if (pod.daemonNode !== node) continue;
        this.deletePod(pod, 'node terminated');
        break;
      }
    }
    this.subnets = terminateNode(node.ipamd, this.subnets);
    this.trackSubnets();
    if (wasReady) {
      this.schedulerNodesDirty = true;
      this.mutation += 1;
    }
    this.record(
      'Normal',
      'RemovingNode',
      `node/${node.name}`,
      `Node ${node.name} event: Removing Node from Controller`,
    );
    // Workloads start at 0 (scenario.md, Time 0): a node lost in the preroll has no pods to replace.
    if (this.nowMs >= 0) {
      for (const workload of this.workloads)
        if (workload.workload.kind !== 'DaemonSet') this.requestReconcile(workload);
    }
  }

  /** The scheduler's node list: zones round-robin, nodes of a zone in the order they joined (the scheduler's node tree). */
  private schedulerNodeList(): SchedulerNode[] {
    if (!this.schedulerNodesDirty) return this.schedulerNodes;
    const byZone = new Map<string, SchedulerNode[]>();
    for (const zone of this.zoneOrder) byZone.set(zone, []);
    for (const node of this.nodes) if (node.ready) byZone.get(node.zone)?.push(node.sched);
    const lists = [...byZone.values()];
    const out: SchedulerNode[] = [];
    for (let i = 0; out.length < lists.reduce((n, l) => n + l.length, 0); i += 1) {
      for (const list of lists) {
        const node = list[i];
        if (node) out.push(node);
      }
    }
    this.schedulerNodes = out;
    this.schedulerNodesDirty = false;
    return out;
  }

  private reconcileGroup(group: NodeGroupRuntime): void {
    const live = group.nodes.filter((n) => !n.terminated);
    if (live.length < group.desired) {
      let failed = false;
      for (let i = live.length; i < group.desired; i += 1) {
        if (!this.launchGroupNode(group, false)) {
          failed = true;
          break;
        }
      }
      if (failed && !group.retryPending) {
        group.retryPending = true;
        this.queue.push(this.nowMs + NODE_GROUP_RETRY_MS, { type: 'node-group', group });
      }
    } else if (live.length > group.desired) {
      // Scale-in keeps zones balanced: from the zone with the most nodes, the newest node (our choice).
      for (let excess = live.length - group.desired; excess > 0; excess -= 1) {
        const current = group.nodes.filter((n) => !n.terminated);
        const perZone = new Map<string, number>();
        for (const n of current) perZone.set(n.zone, (perZone.get(n.zone) ?? 0) + 1);
        const victim = [...current]
          .reverse()
          .sort((a, b) => (perZone.get(b.zone) ?? 0) - (perZone.get(a.zone) ?? 0))[0];
        if (victim) this.terminateNode(victim);
      }
    }
  }

  // ---------------------------------------------------------------- ipamd on each node

  private startTicking(node: SimNode, fromMs: number): void {
    node.quietTicks = 0;
    if (node.ticking || !node.ready) return;
    node.ticking = true;
    const since = fromMs - node.readyAtMs;
    const next = since <= 0 ? node.readyAtMs : node.readyAtMs + Math.ceil(since / IPAMD_CYCLE_MS) * IPAMD_CYCLE_MS;
    node.tickEvent ??= { type: 'ipamd-tick', node };
    this.queue.push(next, node.tickEvent);
  }

  private tick(node: SimNode): void {
    if (node.terminated) {
      node.ticking = false;
      return;
    }
    const before = node.ipamd;
    const step = tickIpamd(before, this.subnets, this.nowMs);
    let changed = step.state !== before;
    for (const effect of step.effects) if (effect.type !== 'log') changed = true;
    this.applyIpamd(node, step);
    node.quietTicks = changed ? 0 : node.quietTicks + 1;
    if (node.quietTicks > this.quietLimit) {
      node.ticking = false;
      return;
    }
    node.tickEvent ??= { type: 'ipamd-tick', node };
    this.queue.push(this.nowMs + IPAMD_CYCLE_MS, node.tickEvent);
  }

  private applyIpamd(node: SimNode, step: IpamdStep): void {
    const before = this.subnets;
    node.ipamd = step.state;
    this.subnets = step.subnets;
    for (let i = 0; i < step.effects.length; i += 1) {
      const effect = step.effects[i] as IpamdEffect;
      if (effect.type === 'ec2-call' && effect.error !== null) {
        if (this.subnetTracks.get(effect.subnetId)?.exhaustedAtMs !== null) continue;
        this.noteSubnetFailure(effect.subnetId, {
          api: effect.api,
          code: effect.error.code,
          addresses: effect.addresses,
          prefixes: effect.prefixes,
          free: freeBeforeEffect(before, step.effects, i, effect.subnetId),
        });
      } else if (effect.type === 'eni-attached' && this.events) {
        this.record(
          'Normal',
          'EniAttached',
          `node/${node.name}`,
          `ipamd attached ${effect.role} ENI ${effect.eniId} in ${effect.subnetId}`,
        );
      }
    }
    this.trackSubnets();
  }

  private trackSubnets(): void {
    // Subnets are replaced, never changed in place: the same map holds the same free counts as last time.
    if (this.trackedSubnets === this.subnets) return;
    this.trackedSubnets = this.subnets;
    for (const [id, subnet] of this.subnets) {
      const track = this.subnetTracks.get(id);
      if (!track) continue;
      const free = freeAddresses(subnet);
      if (free < track.lowestFree) {
        track.lowestFree = free;
        track.lowestFreeAtMs = Math.max(0, this.nowMs);
      }
      if (free === 0 && track.exhaustedAtMs === null) this.markExhausted(id, track);
    }
  }

  private noteSubnetFailure(subnetId: string, request: FailedAddressRequest): void {
    const track = this.subnetTracks.get(subnetId);
    if (track && track.exhaustedAtMs === null) this.markExhausted(subnetId, track, request);
  }

  private markExhausted(subnetId: string, track: SubnetTrack, request: FailedAddressRequest | null = null): void {
    track.exhaustedAtMs = Math.max(0, this.nowMs);
    track.failedRequest = request;
    track.idleAtExhaustion = this.idleAddresses().get(subnetId) ?? 0;
    this.record(
      'Warning',
      'SubnetExhausted',
      `subnet/${subnetId}`,
      `Subnet ${subnetId} has no free address for the request`,
    );
  }

  idleAddresses(): Map<string, number> {
    const total = new Map<string, number>();
    for (const node of this.nodes) {
      if (node.terminated) continue;
      for (const [id, count] of idleAddressesBySubnet(node.ipamd)) total.set(id, (total.get(id) ?? 0) + count);
    }
    return total;
  }

  // ---------------------------------------------------------------- workload controllers

  private requestReconcile(workload: WorkloadRuntime): void {
    this.queue.push(this.nowMs, { type: 'reconcile', workload });
  }

  private reconcile(workload: WorkloadRuntime): void {
    const kind = workload.workload.kind;
    if (kind === 'DaemonSet') {
      this.reconcileDaemonSet(workload);
      return;
    }
    const desired = workload.deleted ? 0 : workload.desired;
    if (kind === 'StatefulSet' && workload.workload.kind === 'StatefulSet') {
      const live = [...workload.pods.values()];
      this.reconcileStatefulSet(workload, live, desired, workload.workload.podManagementPolicy);
      return;
    }
    // The pods are listed only to choose which to delete: a scale-up needs just their number.
    const count = workload.pods.size;
    if (count < desired) {
      for (let i = count; i < desired; i += 1) this.createPod(workload, null, -1);
    } else if (count > desired) {
      const live = [...workload.pods.values()];
      for (const pod of deletionOrder(live).slice(0, live.length - desired)) this.deletePod(pod, 'scaled down');
    }
  }

  private reconcileStatefulSet(
    workload: WorkloadRuntime,
    live: SimPod[],
    desired: number,
    policy: 'OrderedReady' | 'Parallel',
  ): void {
    const byOrdinal = new Map(live.map((p) => [p.ordinal, p] as const));
    // Scale-down removes the highest ordinals first.
    for (const pod of [...live].sort((a, b) => b.ordinal - a.ordinal)) {
      if (pod.ordinal >= desired) this.deletePod(pod, 'scaled down');
    }
    for (let ordinal = 0; ordinal < desired; ordinal += 1) {
      const existing = byOrdinal.get(ordinal);
      if (existing) {
        // OrderedReady: the next ordinal waits until this one runs (stateful_set_control.go).
        if (policy === 'OrderedReady' && existing.phase !== 'Running') return;
        continue;
      }
      this.createPod(workload, null, ordinal);
      if (policy === 'OrderedReady') return;
    }
  }

  private reconcileDaemonSet(workload: WorkloadRuntime, only: readonly SimNode[] | null = null): void {
    const byNode = new Map<SimNode, SimPod>();
    if (only === null) {
      for (const pod of workload.pods.values()) if (pod.daemonNode) byNode.set(pod.daemonNode, pod);
    }
    for (const node of only ?? this.nodes) {
      const existing = byNode.get(node);
      const wanted = !workload.deleted && node.ready && !node.terminated && this.daemonAdmits(workload, node);
      if (wanted && !existing) this.createPod(workload, node, -1);
      if (!wanted && existing) this.deletePod(existing, 'daemon no longer wanted');
    }
  }

  /**
   * The DaemonSet controller runs a pod where the template's own node selector, required affinity and
   * tolerations allow; only then does it pin the pod to the node (daemon_controller.go
   * nodeShouldRunDaemonPod checks the template, ReplaceDaemonSetPodNodeNameNodeAffinity comes after).
   */
  private daemonAdmits(workload: WorkloadRuntime, node: SimNode): boolean {
    return nodePassesStaticFilters(workload.daemonTemplate ?? workload.template, node.sched);
  }

  desiredCount(workload: WorkloadRuntime): number {
    if (workload.deleted) return 0;
    if (workload.workload.kind === 'DaemonSet') {
      return this.nodes.filter((n) => n.ready && !n.terminated && this.daemonAdmits(workload, n)).length;
    }
    return workload.desired;
  }

  private createPod(workload: WorkloadRuntime, daemonNode: SimNode | null, ordinal: number): void {
    const id = workload.workload.id;
    let name: string;
    let key: string;
    if (workload.workload.kind === 'StatefulSet' || workload.workload.kind === 'Pod') {
      name = workload.workload.kind === 'Pod' ? id.name : `${id.name}-${ordinal}`;
      key = `${id.namespace}/${name}`;
    } else {
      const prefix = workload.namePrefix;
      // The key is built once per name: the set and the maps below then hash one string.
      do {
        name = `${prefix}-${randomSuffix(this.random)}`;
        key = `${id.namespace}/${name}`;
      } while (this.podNames.has(key));
    }
    this.podNames.add(key);
    const template = daemonNode ? pinToNode(workload.template, daemonNode.name) : workload.template;
    const pod: SimPod = {
      name,
      key,
      workload,
      ordinal,
      sched: {
        key,
        namespace: id.namespace,
        template,
        defaultSpreadSelector: workload.defaultSpread,
        classId: daemonNode ? `${workload.key}@${daemonNode.name}` : workload.key,
      },
      daemonNode,
      createdAtMs: this.nowMs,
      phase: 'Pending',
      node: null,
      queue: 'none',
      attempts: 0,
      lastFailureAtMs: 0,
      backoffUntilMs: 0,
      deleted: false,
      reason: null,
      message: null,
      troubleSinceMs: null,
    };
    workload.pods.set(key, pod);
    this.phaseCounts.Pending += 1;
    this.podsCreated += 1;
    if (this.events !== null)
      this.record('Normal', 'SuccessfulCreate', `${kindObject(workload)}`, `Created pod: ${name}`);
    this.enqueueActive(pod);
  }

  private deletePod(pod: SimPod, why: string): void {
    if (pod.deleted) return;
    pod.deleted = true;
    // A bare Pod has no controller: once deleted (with its node, say) nothing creates it again.
    if (pod.workload.workload.kind === 'Pod') pod.workload.desired = 0;
    pod.workload.pods.delete(pod.key);
    this.podNames.delete(pod.key);
    this.unschedulable.delete(pod);
    pod.queue = 'none';
    this.phaseCounts[pod.phase] -= 1;
    this.provisionable.delete(pod);
    this.karpenter?.podFailures.delete(pod.key);
    const node = pod.node;
    if (node) {
      node.lastPodChangeMs = this.nowMs;
      if (!pod.daemonNode) node.workloadPods -= 1;
      removePodFromNode(node.sched, pod.sched);
      this.topology.onUnbind(pod.sched, node.sched);
      node.pods.delete(pod);
      this.mutation += 1;
      this.moveRequested = true;
      if (!node.terminated && !pod.sched.template.hostNetwork) {
        const step = pod.workload.needsBranchEni
          ? deleteBranchPod(node.ipamd, this.subnets, pod.key, this.nowMs)
          : deletePod(node.ipamd, this.subnets, pod.key, this.nowMs);
        this.applyIpamd(node, step);
        this.startTicking(node, this.nowMs);
      }
      this.requestSchedule();
    }
    if (this.events !== null) this.record('Normal', 'Killing', `pod/${pod.name}`, `Stopping pod (${why})`);
  }

  // ---------------------------------------------------------------- kube-scheduler

  private enqueueActive(pod: SimPod): void {
    pod.queue = 'active';
    this.activeQ.push(pod);
    this.requestSchedule();
  }

  private requestSchedule(): void {
    if (this.scheduleQueued) return;
    this.scheduleQueued = true;
    this.queue.push(this.nowMs, { type: 'schedule' });
  }

  /** Cluster events that may make rejected pods schedulable move them out of the unschedulable pool. */
  private moveUnschedulable(onlyExpired: boolean): void {
    for (const pod of [...this.unschedulable]) {
      if (onlyExpired && this.nowMs - pod.lastFailureAtMs < POD_MAX_IN_UNSCHEDULABLE_PODS_MS) continue;
      this.unschedulable.delete(pod);
      if (pod.backoffUntilMs <= this.nowMs) this.enqueueActive(pod);
      else {
        pod.queue = 'backoff';
        this.queue.push(pod.backoffUntilMs, { type: 'backoff-expired', pod });
      }
    }
  }

  private runSchedulingCycle(): void {
    this.scheduleQueued = false;
    if (this.moveRequested) {
      this.moveRequested = false;
      this.moveUnschedulable(false);
    }
    while (this.activeHead < this.activeQ.length) {
      const pod = this.activeQ[this.activeHead++] as SimPod;
      if (pod.deleted || pod.queue !== 'active') continue;
      this.attempt(pod);
    }
    this.activeQ = [];
    this.activeHead = 0;
  }

  private attempt(pod: SimPod): void {
    this.schedulingAttempts += 1;
    const nodes = this.schedulerNodeList();
    const workload = pod.workload;
    const cache = pod.daemonNode ? null : workload.failureCache;
    // Nothing changed since a pod of the same template failed: it fails the same way, every node examined.
    if (cache !== null && cache.mutation === this.mutation) {
      this.markUnschedulable(pod, cache.message);
      return;
    }
    const result = schedulePod(this.schedulerState, pod.sched, nodes, this.topology, this.random);
    if (result.status === 'scheduled') {
      const node = this.nodeBySched.get(result.node);
      if (!node) throw new Error('simulate: the scheduler chose a node the engine does not know');
      this.bind(pod, node);
      return;
    }
    if (!pod.daemonNode)
      workload.failureCache = { mutation: this.mutation, message: result.message, reasons: result.reasons };
    this.markUnschedulable(pod, result.message);
  }

  private markUnschedulable(pod: SimPod, message: string): void {
    pod.attempts += 1;
    pod.lastFailureAtMs = this.nowMs;
    pod.backoffUntilMs = this.nowMs + backoffDurationMs(pod.attempts);
    pod.queue = 'unschedulable';
    pod.reason = 'FailedScheduling';
    pod.message = message;
    pod.troubleSinceMs ??= this.nowMs;
    this.unschedulable.add(pod);
    if (this.events !== null) this.record('Warning', 'FailedScheduling', `pod/${pod.name}`, message);
    // Karpenter acts on pods the scheduler marked Unschedulable, never on DaemonSet pods (IsProvisionable).
    if (this.karpenter && !pod.daemonNode) {
      this.provisionable.add(pod);
      this.karpenterTrigger(pod.key);
    }
    if (!this.flushQueued) {
      this.flushQueued = true;
      this.queue.push(this.nowMs + UNSCHEDULABLE_FLUSH_INTERVAL_MS, { type: 'flush-unschedulable' });
    }
  }

  private bind(pod: SimPod, node: SimNode): void {
    this.provisionable.delete(pod);
    this.setPhase(pod, 'ContainerCreating');
    node.lastPodChangeMs = this.nowMs;
    if (!pod.daemonNode) node.workloadPods += 1;
    node.claim?.held.add(pod.workload.key);
    addPodToNode(node.sched, pod.sched);
    this.topology.onBind(pod.sched, node.sched);
    this.mutation += 1;
    pod.node = node;
    pod.queue = 'none';
    pod.reason = null;
    pod.message = null;
    pod.troubleSinceMs = null;
    node.pods.add(pod);
    if (this.events !== null)
      this.record('Normal', 'Scheduled', `pod/${pod.name}`, `Successfully assigned ${pod.key} to ${node.name}`);
    this.startSandbox(pod);
  }

  // ---------------------------------------------------------------- kubelet and the CNI

  private startSandbox(pod: SimPod): void {
    const node = pod.node;
    if (!node || pod.deleted || node.terminated) return;
    if (pod.sched.template.hostNetwork) {
      this.podRunning(pod);
      return;
    }
    // The datastore has not changed since an ADD on this node found no address and none was cooling:
    // the CNI fails the same way (addPod is a pure function of that state), so skip the call.
    if (!pod.workload.needsBranchEni && node.noAddressIn === node.ipamd) {
      this.sandboxFailed(pod, node, SANDBOX_FAILURE_MESSAGE);
      return;
    }
    // The pod holds no address here: it comes from a bind (a pod is bound once, and an earlier pod of its
    // name released its address when deleted) or a failed ADD, so addPod need not search for it.
    const step = pod.workload.needsBranchEni
      ? addBranchPod(node.ipamd, this.subnets, pod.key, this.nowMs)
      : addPod(node.ipamd, this.subnets, pod.key, this.nowMs, true);
    this.applyIpamd(node, step);
    for (const effect of step.effects) {
      if (effect.type === 'pod-ip-assigned') {
        this.podRunning(pod);
        return;
      }
      if (effect.type === 'pod-ip-failed') {
        const message =
          effect.reason === 'no-address' || effect.reason === 'no-trunk' || effect.reason === 'branch-capacity'
            ? SANDBOX_FAILURE_MESSAGE
            : `Failed to create pod sandbox: ${effect.message}`;
        const noneCooling = effect.reason === 'no-address' && poolStats(node.ipamd, this.nowMs).cooling === 0;
        if (noneCooling) node.noAddressIn = node.ipamd;
        this.sandboxFailed(pod, node, message);
        return;
      }
    }
  }

  /** FailedCreatePodSandBox: the kubelet records it and retries after its backoff with jitter. */
  private sandboxFailed(pod: SimPod, node: SimNode, message: string): void {
    pod.reason = 'FailedCreatePodSandBox';
    pod.message = message;
    pod.troubleSinceMs ??= this.nowMs;
    if (this.events !== null) this.record('Warning', 'FailedCreatePodSandBox', `pod/${pod.name}`, message);
    this.startTicking(node, this.nowMs);
    const delay = KUBELET_RETRY_MS * (1 + KUBELET_RETRY_JITTER * this.random.next());
    this.queue.push(this.nowMs + Math.floor(delay), { type: 'sandbox-retry', pod });
  }

  private podRunning(pod: SimPod): void {
    this.setPhase(pod, 'Running');
    pod.reason = null;
    pod.message = null;
    pod.troubleSinceMs = null;
    if (pod.node) this.startTicking(pod.node, this.nowMs);
    if (this.events !== null)
      this.record('Normal', 'Started', `pod/${pod.name}`, `Started pod on ${pod.node?.name ?? '?'}`);
    if (pod.workload.workload.kind === 'StatefulSet') this.requestReconcile(pod.workload);
  }

  private setPhase(pod: SimPod, phase: PodPhase): void {
    this.phaseCounts[pod.phase] -= 1;
    this.phaseCounts[phase] += 1;
    pod.phase = phase;
  }

  // ---------------------------------------------------------------- quotas and cost

  private noteQuotaFailure(type: InstanceType, capacityType: CapacityType, origin: string): void {
    const cls = quotaClass(type);
    if (cls === null) return;
    this.quotaFailures.push({
      atMs: Math.max(0, this.nowMs),
      capacityType,
      cls,
      askedVcpus: this.quota.inUse(capacityType, cls) + (type.hardware?.vcpu ?? 0),
      limitVcpus: this.quota.limit(capacityType, cls) ?? 0,
      origin,
    });
  }

  /** EC2's error for a launch past the vCPU quota. */
  private quotaMessage(type: InstanceType, capacityType: CapacityType): string {
    const cls = quotaClass(type);
    const limit = cls === null ? null : this.quota.limit(capacityType, cls);
    return (
      `${quotaErrorCode(capacityType)}: You have requested more vCPU capacity than your current vCPU limit of ` +
      `${limit ?? '?'} allows for the instance bucket that the specified instance type belongs to`
    );
  }

  /** Cost a node accrued in [0, now]: nodes that exist before 0 are billed from 0. */
  private nodeCost(node: SimNode, untilMs: number): number {
    const from = Math.max(0, node.launchedAtMs);
    const to = Math.min(untilMs, node.terminatedAtMs ?? untilMs);
    return to > from ? (node.priceUsdPerHour * (to - from)) / 3_600_000 : 0;
  }

  private settleCost(node: SimNode): void {
    const cost = this.nodeCost(node, this.nowMs);
    this.costSettledUsd += cost;
    const type = node.template.instanceType.name;
    this.costByType.set(type, (this.costByType.get(type) ?? 0) + cost);
    this.costByOrigin.set(node.template.origin, (this.costByOrigin.get(node.template.origin) ?? 0) + cost);
  }

  /** Cost so far and the hourly rate of the nodes running now. */
  private costNow(): { totalUsd: number; ratePerHour: number } {
    let total = this.costSettledUsd;
    let rate = 0;
    for (const node of this.nodes) {
      if (node.terminated) continue;
      total += this.nodeCost(node, this.nowMs);
      rate += node.priceUsdPerHour;
    }
    return { totalUsd: total, ratePerHour: rate };
  }

  private sample(): void {
    const cost = this.costNow();
    let nodes = 0;
    const nodesByType: Record<string, number> = {};
    for (const node of this.nodes) {
      if (node.terminated) continue;
      nodes += 1;
      const type = node.template.instanceType.name;
      nodesByType[type] = (nodesByType[type] ?? 0) + 1;
    }
    const freeBySubnet: Record<string, number> = {};
    for (const [id, subnet] of this.subnets) freeBySubnet[id] = freeAddresses(subnet);
    this.series.push({
      atMs: this.nowMs,
      running: this.phaseCounts.Running,
      pending: this.phaseCounts.Pending,
      containerCreating: this.phaseCounts.ContainerCreating,
      nodes,
      nodesByType: sortRecord(nodesByType),
      costUsd: roundUsd(cost.totalUsd),
      freeBySubnet,
      quotaVcpus: this.quota.snapshot(),
    });
    if (this.nowMs >= this.nextCostEventMs) {
      this.nextCostEventMs = this.nowMs + COST_EVENT_INTERVAL_MS;
      const quota = Object.entries(this.quota.snapshot())
        .map(([key, used]) => {
          const [capacityType, cls] = key.split('/') as [CapacityType, QuotaClass];
          const limit = this.quota.limit(capacityType, cls);
          return `${key} ${used}${limit === null ? '' : `/${limit}`} vCPUs`;
        })
        .join(', ');
      this.record(
        'Normal',
        'Cost',
        'cluster',
        `$${cost.totalUsd.toFixed(2)} so far, $${cost.ratePerHour.toFixed(2)}/h now on ${nodes} nodes` +
          (quota ? `; quota use ${quota}` : ''),
      );
    }
  }

  // ---------------------------------------------------------------- Karpenter: provisioning

  /** The batcher: the first pod opens a window; each new pod extends it by batchIdleDuration, up to batchMaxDuration. */
  private karpenterTrigger(podKey: string): void {
    const k = this.karpenter;
    if (!k) return;
    if (k.windowStartMs === null) {
      k.windowStartMs = this.nowMs;
      k.lastTriggerMs = this.nowMs;
      k.seenInWindow.clear();
      k.seenInWindow.add(podKey);
      // The window closes at whichever timer fires first, idle or max (batcher.go Wait).
      const firstDeadline = Math.min(k.settings.batchIdleDurationMs, k.settings.batchMaxDurationMs);
      this.queue.push(this.nowMs + firstDeadline, { type: 'karpenter-batch' });
      return;
    }
    if (!k.seenInWindow.has(podKey)) {
      k.seenInWindow.add(podKey);
      k.lastTriggerMs = this.nowMs;
    }
  }

  private karpenterBatch(): void {
    const k = this.karpenter;
    if (!k || k.windowStartMs === null) return;
    const deadline = Math.min(
      k.lastTriggerMs + k.settings.batchIdleDurationMs,
      k.windowStartMs + k.settings.batchMaxDurationMs,
    );
    if (this.nowMs < deadline) {
      this.queue.push(deadline, { type: 'karpenter-batch' });
      return;
    }
    k.windowStartMs = null;
    this.provision();
  }

  private solvePod(pod: SimPod): SolvePod {
    const template = pod.sched.template;
    const base = { key: pod.key, classKey: pod.workload.key, template, createdAtMs: pod.createdAtMs };
    if (template.topologySpreadConstraints.length === 0) return base;
    return { ...base, spread: this.spreadRules(pod) };
  }

  /** The pod's hard hostname and zone spread constraints as Karpenter's topology counts them. */
  private spreadRules(pod: SimPod): SpreadRule[] {
    const template = pod.sched.template;
    const zones = new Set<string>(this.zoneOrder);
    for (const catalog of this.karpenter?.pools.catalogs ?? []) for (const zone of catalog.zones) zones.add(zone);
    const rules: SpreadRule[] = [];
    for (const c of template.topologySpreadConstraints) {
      if (c.whenUnsatisfiable !== 'DoNotSchedule') continue;
      const key =
        c.topologyKey === LABEL.zone ? 'zone' : c.topologyKey === 'kubernetes.io/hostname' ? 'hostname' : null;
      const selector = constraintSelector(c, template);
      if (key === null || selector === null) continue;
      const counts = this.topology.counts(pod.sched.namespace, selector);
      rules.push({
        key,
        maxSkew: c.maxSkew,
        id: `${pod.sched.namespace}\u0000${JSON.stringify(selector)}\u0000${key}`,
        counts: selectorMatches(selector, template.labels),
        onNode: (node) => counts.byNode[node.sched.id] ?? 0,
        inZone: (zone) => counts.byZone.get(zone) ?? 0,
        zones: [...zones].sort(),
      });
    }
    return rules;
  }

  private daemonTemplates(): PodTemplate[] {
    return this.daemonSets.filter((d) => !d.deleted).map((d) => d.daemonTemplate ?? d.template);
  }

  /** Karpenter's view of every node it can place pods on: Ready nodes by their real numbers, in-flight NodeClaims by its own. */
  private existingForSolve(exclude: ReadonlySet<SimNode>): ExistingNode[] {
    const k = this.karpenter;
    const out: ExistingNode[] = [];
    if (!k) return out;
    const daemons = this.daemonTemplates();
    for (const node of this.nodes) {
      if (node.terminated || exclude.has(node) || node.claim?.disrupting) continue;
      if (node.ready) {
        const a = node.sched.allocatable;
        const r = node.sched.requested;
        const extended = new Map<string, number>();
        for (const [name, amount] of a.extended) extended.set(name, amount - (r.extended.get(name) ?? 0));
        out.push({
          name: node.name,
          sched: node.sched,
          initialized: true,
          remaining: {
            cpuMillis: a.cpuMillis - r.cpuMillis,
            memoryBytes: a.memoryBytes - r.memoryBytes,
            pods: a.pods - r.pods,
            extended,
          },
        });
      } else if (node.claim && node.template.ready !== null) {
        // An uninitialized NodeClaim: Karpenter's estimate, less the DaemonSet pods that will run there.
        const claim = node.claim;
        const catalog = k.pools.catalogs[claim.poolIndex];
        const t = catalog?.types.findIndex((p) => p.type === node.template.instanceType) ?? -1;
        const overhead =
          t >= 0
            ? (k.pools.daemonOverhead(claim.poolIndex, daemons, this.daemonVersion)[t] ?? ZERO_RESOURCES)
            : ZERO_RESOURCES;
        const b = claim.believed;
        const extended = new Map<string, number>();
        for (const [name, amount] of b.extended) extended.set(name, amount - (overhead.extended.get(name) ?? 0));
        out.push({
          name: node.name,
          sched: node.sched,
          initialized: false,
          remaining: {
            cpuMillis: b.cpuMillis - overhead.cpuMillis,
            memoryBytes: b.memoryBytes - overhead.memoryBytes,
            pods: b.pods - overhead.pods,
            extended,
          },
        });
      }
    }
    return out;
  }

  /** Each NodePool as one Solve sees it: believed allocatable, DaemonSet overhead, available offerings, limits left. */
  private solvePools(priceCeiling: number | null = null): SolvePool[] {
    const k = this.karpenter;
    if (!k) return [];
    const daemons = this.daemonTemplates();
    return k.pools.catalogs.map((catalog, index) => {
      const others = new Map<string, number>();
      for (const [resource, limit] of catalog.pool.limits) {
        if (resource !== 'cpu' && resource !== 'memory' && resource !== 'nodes') others.set(resource, limit);
      }
      const limits: RemainingLimits = {
        cpuMillis: catalog.pool.limits.get('cpu') ?? null,
        memoryBytes: catalog.pool.limits.get('memory') ?? null,
        nodes: catalog.pool.limits.get('nodes') ?? null,
        others,
      };
      for (const node of this.nodes) {
        if (node.terminated || node.claim?.poolIndex !== index) continue;
        const capacity = k.pools.believedCapacity(node.claim.nodeClass, node.template.instanceType);
        if (limits.cpuMillis !== null) limits.cpuMillis -= capacity.cpuMillis;
        if (limits.memoryBytes !== null) limits.memoryBytes -= capacity.memoryBytes;
        if (limits.nodes !== null) limits.nodes -= 1;
        if (others.size === 0) continue;
        // An initialized node counts what its kubelet and device plugins advertise, a NodeClaim
        // Karpenter's own numbers (statenode.go Capacity).
        const held: Resources = node.ready
          ? { ...capacity, pods: node.sched.allocatable.pods, extended: node.sched.allocatable.extended }
          : capacity;
        for (const [resource, left] of others) others.set(resource, left - capacityOf(held, resource));
      }
      return {
        catalog,
        allocatable: k.pools.allocatables(index),
        capacity: k.pools.capacities(index),
        daemonOverhead: k.pools.daemonOverhead(index, daemons, this.daemonVersion),
        available: this.offeringsUnder(index, priceCeiling),
        limits,
        podMasks: (pod: SolvePod) => {
          const key = `${index}\u0000${pod.classKey}`;
          let masks = k.podMasks.get(key);
          if (masks === undefined) {
            masks = podOfferingMasks(catalog, pod.template);
            k.podMasks.set(key, masks);
          }
          return masks;
        },
      };
    });
  }

  /** Pods the scheduler marked Unschedulable, by key (Karpenter's provisionable pods). */
  private provisionablePods(): Map<string, SimPod> {
    const byKey = new Map<string, SimPod>();
    for (const pod of this.provisionable) byKey.set(pod.key, pod);
    return byKey;
  }

  /**
   * Karpenter's SimulateScheduling for a disruption: the candidate's pods and every pending pod, on the
   * nodes left. Valid when every one of the candidate's pods finds a place; the new NodeClaims it needs
   * (for them or the pending pods) decide between delete (none) and replace (one).
   */
  private simulateWithout(node: SimNode): { valid: boolean; claims: readonly NewClaim[] } {
    const own = this.nonDaemonPods(node).map((p) => this.solvePod(p));
    const pending = [...this.provisionablePods().values()].map((p) => this.solvePod(p));
    // A replacement must be cheaper than the node it replaces: only cheaper offerings are tried.
    const pools = this.solvePools(node.priceUsdPerHour);
    const result = solve([...own, ...pending], this.existingForSolve(new Set([node])), pools, { maxClaims: 1 });
    const valid = !result.truncated && own.every((p) => !result.failed.has(p.key));
    return { valid, claims: result.claims };
  }

  /** Available offerings, only those cheaper than `ceiling` per hour when one is given (consolidation). */
  private offeringsUnder(poolIndex: number, ceiling: number | null): Int32Array {
    const k = this.karpenter;
    const catalog = k?.pools.catalogs[poolIndex];
    if (!k || !catalog) return new Int32Array(0);
    const available = k.pools.availableMasks(poolIndex, this.nowMs);
    if (ceiling === null) return available;
    const ratio = this.input.scenario.spotPriceRatio;
    let onDemandBits = 0;
    let spotBits = 0;
    for (let z = 0; z < catalog.zones.length; z += 1) {
      onDemandBits |= offeringBit(z, 'on-demand');
      spotBits |= offeringBit(z, 'spot');
    }
    for (let t = 0; t < catalog.types.length; t += 1) {
      const type = catalog.types[t]?.type;
      if (!type) continue;
      let keep = 0;
      if (hourlyPrice(type, 'on-demand', ratio) < ceiling) keep |= onDemandBits;
      if (hourlyPrice(type, 'spot', ratio) < ceiling) keep |= spotBits;
      available[t] = (available[t] ?? 0) & keep;
    }
    return available;
  }

  /** One provisioning loop: the pods the scheduler marked Unschedulable, packed onto existing, in-flight and new nodes. */
  private provision(): void {
    const k = this.karpenter;
    if (!k) return;
    const byKey = this.provisionablePods();
    if (byKey.size === 0) return;
    const pending = [...byKey.values()].map((p) => this.solvePod(p));
    const result = solve(pending, this.existingForSolve(new Set()), this.solvePools());
    const nominationMs = Math.max(2 * k.settings.batchMaxDurationMs, 10_000);
    const nodeByName = new Map(this.nodes.map((n) => [n.name, n] as const));
    for (const [name, pods] of result.existing) {
      const node = nodeByName.get(name);
      if (!node) continue;
      if (node.claim) node.claim.nominatedUntilMs = this.nowMs + nominationMs;
      if (this.events) {
        const target = node.claim && !node.ready ? `nodeclaim/${node.claim.name}` : `node/${node.name}`;
        for (const pod of pods) {
          const simPod = byKey.get(pod.key);
          if (simPod) this.record('Normal', 'Nominated', `pod/${simPod.name}`, `Pod should schedule on: ${target}`);
        }
      }
    }
    for (const [key, failure] of result.failed) {
      const previous = k.podFailures.get(key);
      const pod = byKey.get(key);
      k.podFailures.set(key, {
        ...failure,
        atMs: previous?.message === failure.message ? previous.atMs : this.nowMs,
        workload: pod?.workload.key ?? '',
      });
      if (pod && previous?.message !== failure.message) {
        this.record('Warning', 'FailedScheduling', `pod/${pod.name}`, `Failed to schedule pod, ${failure.message}`);
      }
    }
    for (const claim of result.claims) {
      for (const pod of claim.pods) k.podFailures.delete(pod.key);
      this.launchClaim(claim, byKey, nominationMs);
    }
  }

  /**
   * CreateFleet for one NodeClaim: Spot when the NodeClaim allows it and a Spot offering is available,
   * else On-Demand; the cheapest types first, at most 60; in the zone whose subnet has the most free
   * addresses. Quota and address errors mark the offerings unavailable for 3 minutes.
   */
  private launchClaim(claim: NewClaim, byKey: ReadonlyMap<string, SimPod>, nominationMs: number): SimNode | null {
    const k = this.karpenter;
    const catalog = k?.pools.catalogs[claim.pool];
    if (!k || !catalog) return null;
    // Offerings marked unavailable since the Solve (an earlier NodeClaim of this batch failed) are left out.
    const available = k.pools.availableMasks(claim.pool, this.nowMs);
    const masks = claim.candidates.map((t, i) => (claim.masks[i] ?? 0) & (available[t] ?? 0));
    const spotBits = catalog.zones.reduce((bits, _z, i) => bits | offeringBit(i, 'spot'), 0);
    const capacityType: CapacityType = masks.some((m) => (m & spotBits) !== 0) ? 'spot' : 'on-demand';
    const ratio = this.input.scenario.spotPriceRatio;
    const options = claim.candidates
      .map((t, i) => ({ poolType: catalog.types[t], mask: masks[i] ?? 0 }))
      .filter((o) => o.poolType !== undefined)
      .map((o) => ({ type: o.poolType?.type as InstanceType, mask: o.mask }))
      .filter((o) => catalog.zones.some((_z, zi) => (o.mask & offeringBit(zi, capacityType)) !== 0))
      .sort(
        (a, b) =>
          hourlyPrice(a.type, capacityType, ratio) - hourlyPrice(b.type, capacityType, ratio) ||
          (a.type.name < b.type.name ? -1 : 1),
      )
      .slice(0, FLEET_MAX_TYPES);
    const origin = `nodePool/${catalog.pool.name}`;
    const quotaBlocked: InstanceType[] = [];
    let lastError: string | null = null;
    for (const option of options) {
      if (!this.quota.admits(option.type, capacityType)) {
        quotaBlocked.push(option.type);
        continue;
      }
      const zones = catalog.zones
        .map((zone, zi) => ({ zone, zi }))
        .filter(({ zi }) => (option.mask & offeringBit(zi, capacityType)) !== 0)
        .map(({ zone }) => {
          const subnets = catalog.nodeClass.subnetIds
            .filter((id) => this.subnets.get(id)?.zone === zone)
            .sort((a, b) => this.free(b) - this.free(a) || (a < b ? -1 : 1));
          return { zone, subnets, free: subnets.length > 0 ? this.free(subnets[0] as string) : 0 };
        })
        .sort((a, b) => b.free - a.free || (a.zone < b.zone ? -1 : 1));
      for (const zone of zones) {
        const runtime = this.newClaim(claim.pool, catalog.nodeClass, option.type);
        const template = this.karpenterTemplate(claim.pool, option.type, capacityType);
        const node = this.launchNode(template, null, zone.subnets.slice(0, 1), false, runtime);
        if (node) {
          runtime.nominatedUntilMs = this.nowMs + nominationMs;
          for (const pod of claim.pods) {
            const simPod = byKey.get(pod.key);
            if (!simPod) continue;
            if (!runtime.launchedFor.has(simPod.workload.key)) runtime.launchedFor.set(simPod.workload.key, simPod.key);
            this.record(
              'Normal',
              'Nominated',
              `pod/${simPod.name}`,
              `Pod should schedule on: nodeclaim/${runtime.name}`,
            );
          }
          this.scheduleDisruption();
          return node;
        }
        k.pools.markUnavailable(option.type.name, zone.zone, capacityType, this.nowMs + UNAVAILABLE_OFFERINGS_TTL_MS);
        lastError = `InsufficientFreeAddressesInSubnet: There are not enough free addresses in subnet '${zone.subnets[0] ?? '?'}' to satisfy the requested number of instances.`;
      }
    }
    if (quotaBlocked.length > 0) {
      const first = quotaBlocked[0] as InstanceType;
      this.noteQuotaFailure(first, capacityType, origin);
      for (const type of quotaBlocked) {
        for (const zone of catalog.zones) {
          k.pools.markUnavailable(type.name, zone, capacityType, this.nowMs + UNAVAILABLE_OFFERINGS_TTL_MS);
        }
      }
      lastError ??= this.quotaMessage(first, capacityType);
    }
    const message = `Failed to launch a NodeClaim of ${catalog.pool.name} (${claim.pods.length} pods, ${capacityType}): ${lastError ?? 'no offering available'}`;
    this.karpenterLaunchErrors.push({ atMs: Math.max(0, this.nowMs), origin, message });
    this.record('Warning', 'InsufficientCapacityError', `nodepool/${catalog.pool.name}`, message);
    return null;
  }

  // ---------------------------------------------------------------- Karpenter: disruption

  /** Queues the disruption controller's next pass, unless one is queued as soon already. */
  private scheduleDisruption(delayMs = DISRUPTION_POLL_MS): void {
    const k = this.karpenter;
    if (!k) return;
    // Karpenter's controllers act on the cluster from time 0, when the manifests are applied.
    const atMs = Math.max(0, this.nowMs) + delayMs;
    if (k.nextPassAtMs !== null && k.nextPassAtMs <= atMs) return;
    k.nextPassAtMs = atMs;
    this.queue.push(atMs, { type: 'karpenter-disruption' });
  }

  private nonDaemonPods(node: SimNode): SimPod[] {
    const out: SimPod[] = [];
    for (const pod of node.pods) if (!pod.daemonNode) out.push(pod);
    return out;
  }

  /**
   * How many more nodes of the NodePool a method may disrupt now: the most restrictive of its budgets
   * that are active and name the method (a percentage of its initialized nodes rounded up), less those
   * marked for deletion (nodepool.go GetAllowedDisruptionsByReason, helpers.go
   * BuildDisruptionBudgetMapping). A budget with a schedule is left out: simulated time has no calendar
   * date to place its window on (findings say so).
   */
  private budgetLeft(poolIndex: number, reason: DisruptionReason): number {
    let total = 0;
    let disrupting = 0;
    for (const node of this.nodes) {
      // NodeClaims not yet initialized count neither way.
      if (node.terminated || !node.ready || node.claim?.poolIndex !== poolIndex) continue;
      total += 1;
      if (node.claim.disrupting) disrupting += 1;
    }
    const budgets = this.karpenter?.pools.catalogs[poolIndex]?.pool.budgets ?? DEFAULT_BUDGETS;
    let allowed = Number.POSITIVE_INFINITY;
    for (const budget of budgets) {
      if (budget.schedule !== null) continue;
      if (budget.reasons !== null && !budget.reasons.includes(reason)) continue;
      const nodes =
        budget.nodes.kind === 'count' ? budget.nodes.count : Math.ceil((total * budget.nodes.percent) / 100);
      allowed = Math.min(allowed, nodes);
    }
    return allowed - disrupting;
  }

  /** Candidates: initialized Karpenter nodes, not nominated, not disrupting, past consolidateAfter since their last pod change. */
  private disruptionCandidates(): SimNode[] {
    const k = this.karpenter;
    if (!k) return [];
    const out: SimNode[] = [];
    for (const node of this.nodes) {
      const claim = node.claim;
      if (!claim || node.terminated || !node.ready || claim.disrupting) continue;
      if (claim.nominatedUntilMs > this.nowMs) continue;
      const after = k.pools.catalogs[claim.poolIndex]?.pool.consolidateAfterMs ?? null;
      if (after === null || this.nowMs - Math.max(0, node.lastPodChangeMs) < after) continue;
      out.push(node);
    }
    return out;
  }

  /** A queued pass is due: run it unless a sooner one replaced it. */
  private disruptionDue(): void {
    const k = this.karpenter;
    if (!k || k.nextPassAtMs !== this.nowMs) return;
    k.nextPassAtMs = null;
    this.disruptionPass(true);
  }

  /**
   * One pass of the disruption controller: Emptiness, then single-node consolidation; the first that acts
   * wins. The pass after an Emptiness command failed its validation goes straight on to consolidation
   * (controller.go tries the next method).
   */
  private disruptionPass(withEmptiness: boolean): void {
    const k = this.karpenter;
    if (!k || k.validating) return;
    const candidates = this.disruptionCandidates();
    const empty = withEmptiness ? candidates.filter((n) => n.workloadPods === 0) : [];
    const chosen: SimNode[] = [];
    const budgets = new Map<number, number>();
    for (const node of empty) {
      const pool = node.claim?.poolIndex ?? -1;
      const left = budgets.get(pool) ?? this.budgetLeft(pool, 'Empty');
      if (left <= 0) continue;
      budgets.set(pool, left - 1);
      chosen.push(node);
    }
    if (chosen.length > 0) this.validate(chosen, 'Empty');
    else if (empty.length === 0) this.consolidateOne(candidates);
    if (!k.validating && this.nodes.some((n) => n.claim && !n.terminated)) this.scheduleDisruption();
  }

  /** A command waits 15 s and is checked again before it acts; the controller waits with it. */
  private validate(nodes: readonly SimNode[], reason: string): void {
    const k = this.karpenter;
    if (!k) return;
    k.validating = true;
    this.queue.push(this.nowMs + DISRUPTION_VALIDATION_MS, { type: 'karpenter-disrupt', nodes, reason });
  }

  /**
   * Single-node consolidation (WhenEmptyOrUnderutilized): the first candidate whose pods fit on the other
   * nodes is deleted; one whose pods fit on one new, cheaper node is replaced.
   */
  private consolidateOne(candidates: readonly SimNode[]): void {
    const k = this.karpenter;
    if (!k) return;
    // Nothing changed since a pass that found nothing: Karpenter skips it too (cluster ConsolidationState),
    // but looks again every 5 minutes.
    if (this.mutation === k.consolidatedAtMutation && this.nowMs - k.consolidatedAtMs < CONSOLIDATION_RECHECK_MS) {
      return;
    }
    // Pending pods that already need more than one new NodeClaim make every candidate need more than
    // one too (SimulateScheduling counts them): no consolidation while the cluster is short of capacity.
    const pending = [...this.provisionablePods().values()].map((p) => this.solvePod(p));
    if (
      pending.length > 0 &&
      solve(pending, this.existingForSolve(new Set()), this.solvePools(), { maxClaims: 1 }).truncated
    ) {
      return;
    }
    const eligible = candidates
      .filter(
        (n) => k.pools.catalogs[n.claim?.poolIndex ?? -1]?.pool.consolidationPolicy === 'WhenEmptyOrUnderutilized',
      )
      .sort(
        (a, b) =>
          a.workloadPods - b.workloadPods || b.priceUsdPerHour - a.priceUsdPerHour || (a.name < b.name ? -1 : 1),
      )
      .slice(0, CONSOLIDATION_CANDIDATES_PER_PASS);
    let podsSimulated = 0;
    let constrainedByBudgets = false;
    for (const node of eligible) {
      const claim = node.claim;
      if (!claim) continue;
      if (this.budgetLeft(claim.poolIndex, 'Underutilized') <= 0) {
        constrainedByBudgets = true;
        continue;
      }
      const pods = node.workloadPods;
      if (podsSimulated > 0 && podsSimulated + pods > CONSOLIDATION_PODS_PER_PASS) break;
      podsSimulated += pods;
      const result = this.simulateWithout(node);
      if (!result.valid || result.claims.length > 1) continue;
      if (result.claims.length === 0) {
        this.validate([node], 'Underutilized/Delete');
        return;
      }
      if (this.replacementFor(node, result.claims[0] as NewClaim) === null) continue;
      this.validate([node], 'Underutilized/Replace');
      return;
    }
    // Nothing to do. A candidate the budgets held back may be consolidatable as soon as a budget frees
    // up, so that pass does not count as consolidated (singlenodeconsolidation.go constrainedByBudgets).
    if (!constrainedByBudgets) {
      k.consolidatedAtMutation = this.mutation;
      k.consolidatedAtMs = this.nowMs;
    }
  }

  /**
   * The NodeClaim a single-node consolidation launches in place of `node`, or null when it may not
   * replace it (consolidation.go computeConsolidation). A Spot node replaced by Spot needs the
   * SpotToSpotConsolidation gate and at least 15 cheaper Spot types, and launches from the 15 cheapest
   * (more when minValues needs them), so that the launch cannot pick a type that is itself consolidated
   * again (computeSpotToSpotConsolidation); other replacements must be cheaper than the node.
   */
  private replacementFor(node: SimNode, replacement: NewClaim): NewClaim | null {
    const k = this.karpenter;
    const catalog = k?.pools.catalogs[replacement.pool];
    if (!k || !catalog) return null;
    const ratio = this.input.scenario.spotPriceRatio;
    const spotBits = catalog.zones.reduce((bits, _z, i) => bits | offeringBit(i, 'spot'), 0);
    if (node.capacityType === 'spot' && replacement.masks.some((m) => (m & spotBits) !== 0)) {
      if (k.settings.spotToSpotConsolidation !== true) return null;
      const cheaper = replacement.candidates
        .map((t, i) => ({ t, mask: (replacement.masks[i] ?? 0) & spotBits, type: catalog.types[t]?.type }))
        .filter(
          (o) => o.mask !== 0 && o.type !== undefined && hourlyPrice(o.type, 'spot', ratio) < node.priceUsdPerHour,
        )
        .sort(
          (a, b) =>
            hourlyPrice(a.type as InstanceType, 'spot', ratio) - hourlyPrice(b.type as InstanceType, 'spot', ratio) ||
            ((a.type?.name ?? '') < (b.type?.name ?? '') ? -1 : 1),
        );
      if (cheaper.length < MIN_TYPES_FOR_SPOT_TO_SPOT) return null;
      let kept = MIN_TYPES_FOR_SPOT_TO_SPOT;
      while (
        kept < cheaper.length &&
        !satisfiesMinValues(
          catalog,
          cheaper.slice(0, kept).map((o) => o.t),
        )
      )
        kept += 1;
      const options = cheaper.slice(0, kept);
      return { ...replacement, candidates: options.map((o) => o.t), masks: options.map((o) => o.mask) };
    }
    const cheapest = Math.min(
      ...replacement.candidates.map((t) => {
        const type = catalog.types[t]?.type;
        return type ? hourlyPrice(type, node.capacityType, ratio) : Number.POSITIVE_INFINITY;
      }),
    );
    return cheapest < node.priceUsdPerHour ? replacement : null;
  }

  /**
   * After the validation delay: still a valid decision? Then mark the nodes for deletion and launch a
   * replacement or terminate (validation.go; the orchestration queue). The controller then looks again
   * at once; after an Emptiness command that no longer held, it goes on to consolidation.
   */
  private executeDisruption(nodes: readonly SimNode[], reason: string): void {
    const k = this.karpenter;
    if (k) k.validating = false;
    let acted = false;
    for (const node of nodes) {
      const claim = node.claim;
      if (!claim || node.terminated || claim.disrupting) continue;
      // A node nominated for pending pods meanwhile is no longer a candidate (ValidateNodeDisruptable).
      if (claim.nominatedUntilMs > this.nowMs) continue;
      if (reason === 'Empty' && node.workloadPods > 0) continue;
      let replacement: NewClaim | null = null;
      if (reason !== 'Empty') {
        // Re-validate: the decision must still hold after the delay (validation.go).
        const result = this.simulateWithout(node);
        const wanted = reason === 'Underutilized/Delete' ? 0 : 1;
        if (!result.valid || result.claims.length !== wanted) continue;
        replacement = result.claims[0] ? this.replacementFor(node, result.claims[0]) : null;
      }
      if (reason === 'Underutilized/Replace') {
        if (!replacement) continue;
        const launched = this.launchClaim(replacement, new Map(), 0);
        if (!launched?.claim) continue;
        acted = true;
        claim.disrupting = true;
        launched.claim.replaces = node;
        this.record(
          'Normal',
          'DisruptionLaunching',
          `nodeclaim/${launched.claim.name}`,
          `Launching NodeClaim: Underutilized/Replace of ${node.name}`,
        );
        continue;
      }
      acted = true;
      this.record('Normal', 'DisruptionTerminating', `node/${node.name}`, `Disrupting Node: ${reason}`);
      this.terminateNode(node);
    }
    if (acted) this.scheduleDisruption(0);
    else if (reason === 'Empty') this.disruptionPass(false);
    else this.scheduleDisruption();
  }

  // ---------------------------------------------------------------- the loop

  /** Callers on per-pod paths test `this.events` first, so a run without a log builds none of its strings. */
  private record(type: 'Normal' | 'Warning', reason: string, object: string, message: string): void {
    if (this.events === null || this.nowMs < 0) return;
    this.events.push({ atMs: this.nowMs, type, reason, object, message });
  }

  run(): void {
    const end = this.input.scenario.durationMs;
    const onProgress = this.onProgress;
    for (;;) {
      const next = this.queue.peekTime();
      if (next === null || next > end) break;
      const event = this.queue.take();
      if (event === undefined) break;
      const atMs = this.queue.lastAtMs;
      if (atMs < this.nowMs) throw new Error('simulate: the clock went back');
      this.nowMs = atMs;
      this.eventsProcessed += 1;
      this.handle(event);
      if (onProgress !== null && (this.eventsProcessed & PROGRESS_EVERY_MASK) === 0) {
        onProgress({ simulatedMs: Math.max(0, this.nowMs), durationMs: end, events: this.eventsProcessed });
      }
    }
    this.nowMs = end;
    onProgress?.({ simulatedMs: end, durationMs: end, events: this.eventsProcessed });
  }

  private handle(event: EngineEvent): void {
    switch (event.type) {
      case 'timeline':
        this.applyTimeline(event.index);
        return;
      case 'start-workloads':
        for (const workload of this.workloads) {
          if (workload.workload.kind !== 'DaemonSet') this.reconcile(workload);
        }
        return;
      case 'reconcile':
        this.reconcile(event.workload);
        return;
      case 'node-ready':
        this.nodeReady(event.node);
        return;
      case 'node-group':
        event.group.retryPending = false;
        this.reconcileGroup(event.group);
        return;
      case 'schedule':
        this.runSchedulingCycle();
        return;
      case 'backoff-expired':
        if (!event.pod.deleted && event.pod.queue === 'backoff') this.enqueueActive(event.pod);
        return;
      case 'flush-unschedulable':
        this.flushQueued = false;
        this.moveUnschedulable(true);
        if (this.unschedulable.size > 0) {
          this.flushQueued = true;
          this.queue.push(this.nowMs + UNSCHEDULABLE_FLUSH_INTERVAL_MS, { type: 'flush-unschedulable' });
        }
        return;
      case 'ipamd-tick':
        this.tick(event.node);
        return;
      case 'sandbox-retry':
        if (!event.pod.deleted && event.pod.phase === 'ContainerCreating') this.startSandbox(event.pod);
        return;
      case 'karpenter-batch':
        this.karpenterBatch();
        return;
      case 'karpenter-disruption':
        this.disruptionDue();
        return;
      case 'karpenter-disrupt':
        this.executeDisruption(event.nodes, event.reason);
        return;
      case 'sample':
        this.sample();
        if (this.nowMs + SERIES_INTERVAL_MS <= this.input.scenario.durationMs) {
          this.queue.push(this.nowMs + SERIES_INTERVAL_MS, { type: 'sample' });
        }
        return;
    }
  }

  private applyTimeline(index: number): void {
    const entry = this.input.scenario.timeline[index];
    if (!entry) return;
    const action = entry.action;
    switch (action.type) {
      case 'scale-workload': {
        const workload = this.workloadsByKey.get(workloadKey(action.target));
        if (!workload) return;
        workload.desired = action.replicas;
        this.record('Normal', 'ScalingReplicaSet', kindObject(workload), `Scaled to ${action.replicas}`);
        if (this.nowMs > 0 || workload.pods.size > 0) this.reconcile(workload);
        return;
      }
      case 'delete-workload': {
        const workload = this.workloadsByKey.get(workloadKey(action.target));
        if (!workload) return;
        workload.deleted = true;
        if (workload.workload.kind === 'DaemonSet') this.daemonVersion += 1;
        for (const pod of [...workload.pods.values()]) this.deletePod(pod, `${kindObject(workload)} deleted`);
        return;
      }
      case 'scale-node-group': {
        const group = this.groups.get(action.nodeGroup);
        if (!group) return;
        group.desired = action.desired;
        this.record('Normal', 'ScalingNodeGroup', `nodegroup/${group.name}`, `Desired size set to ${action.desired}`);
        this.reconcileGroup(group);
        return;
      }
    }
  }

  // ---------------------------------------------------------------- the end

  summary(): RunRecord {
    const workloads: WorkloadSummary[] = [];
    const stuckPods: { workload: string; node: string; origin: string; sinceMs: number; message: string }[] = [];
    const pendingSince = new Map<string, number>();
    const pendingMessages = new Map<string, Record<string, number>>();
    for (const runtime of this.workloads) {
      const id = runtime.workload.id;
      let running = 0;
      let pending = 0;
      let creating = 0;
      const reasons: Record<string, number> = {};
      const messages: Record<string, number> = {};
      for (const pod of runtime.pods.values()) {
        if (pod.phase === 'Running') running += 1;
        else if (pod.phase === 'ContainerCreating') creating += 1;
        else pending += 1;
        if (pod.phase !== 'Running') {
          const reason = pod.reason ?? (pod.phase === 'Pending' ? 'Pending' : 'ContainerCreating');
          reasons[reason] = (reasons[reason] ?? 0) + 1;
          if (pod.message !== null) messages[pod.message] = (messages[pod.message] ?? 0) + 1;
        }
        if (pod.phase === 'Pending' && pod.message !== null) {
          const counts = pendingMessages.get(runtime.key) ?? {};
          counts[pod.message] = (counts[pod.message] ?? 0) + 1;
          pendingMessages.set(runtime.key, counts);
        }
        if (pod.phase === 'Pending' && pod.troubleSinceMs !== null) {
          const since = pendingSince.get(runtime.key);
          if (since === undefined || pod.troubleSinceMs < since) pendingSince.set(runtime.key, pod.troubleSinceMs);
        }
        if (pod.phase === 'ContainerCreating' && pod.node && pod.reason === 'FailedCreatePodSandBox') {
          stuckPods.push({
            workload: runtime.key,
            node: pod.node.name,
            origin: pod.node.template.origin,
            sinceMs: Math.max(0, pod.troubleSinceMs ?? this.nowMs),
            message: pod.message ?? '',
          });
        }
      }
      workloads.push({
        kind: id.kind,
        namespace: id.namespace,
        name: id.name,
        desired: this.desiredCount(runtime),
        running,
        pending,
        containerCreating: creating,
        reasons: sortRecord(reasons),
        messages: sortRecord(messages),
      });
    }
    const nodesByOrigin = new Map<string, number>();
    const noEniConfig = new Map<string, RunRecord['noEniConfig'][number]>();
    for (const node of this.nodes) {
      if (node.noEniConfig) {
        const key = `${node.template.origin}\u0000${node.template.instanceType.name}\u0000${node.zone}`;
        const seen = noEniConfig.get(key);
        noEniConfig.set(key, {
          origin: node.template.origin,
          instanceType: node.template.instanceType.name,
          zone: node.zone,
          nodes: (seen?.nodes ?? 0) + 1,
          firstAtMs: seen?.firstAtMs ?? Math.max(0, node.launchedAtMs),
        });
      }
      if (node.terminated) continue;
      nodesByOrigin.set(node.template.origin, (nodesByOrigin.get(node.template.origin) ?? 0) + 1);
    }
    return {
      input: this.input,
      settings: this.settings,
      settingIssues: this.settingIssues,
      templates: this.templates,
      subnets: this.subnets,
      subnetTracks: this.subnetTracks,
      idleBySubnet: this.idleAddresses(),
      workloads,
      stuckPods,
      pendingSince,
      pendingMessages,
      launchFailures: this.launchFailures,
      nodesByOrigin,
      karpenter: this.karpenterRecord(),
      quotaFailures: this.quotaFailures,
      pendingPods: this.phaseCounts.Pending,
      noEniConfig: [...noEniConfig.values()],
    };
  }

  /** What Karpenter did that the findings judge: launch loops, pods it could not place, launch errors. */
  private karpenterRecord(): KarpenterRecord | null {
    const k = this.karpenter;
    if (!k) return null;
    const daemons = this.daemonTemplates();
    // Group the nodes launched for each workload by type: a group none of whose nodes ever held a pod of it is a loop.
    const groups = new Map<string, { workload: string; pod: string; nodes: SimNode[] }>();
    for (const node of k.launches) {
      const claim = node.claim;
      if (!claim || node.initial || node.readyAtMs > this.nowMs) continue;
      for (const [workload, pod] of claim.launchedFor) {
        if (claim.held.has(workload)) continue;
        const key = `${workload}\u0000${node.template.instanceType.name}`;
        const group = groups.get(key) ?? { workload, pod, nodes: [] };
        group.nodes.push(node);
        groups.set(key, group);
      }
    }
    const runaways: RunawayRecord[] = [];
    for (const group of groups.values()) {
      const runtime = this.workloadsByKey.get(group.workload);
      const first = group.nodes[0];
      if (!runtime || !first?.claim || group.nodes.length < RUNAWAY_MIN_NODES) continue;
      // Not a loop if the workload's pods did land on another node of this type.
      const heldElsewhere = k.launches.some(
        (n) => n.template.instanceType === first.template.instanceType && n.claim?.held.has(group.workload),
      );
      if (heldElsewhere) continue;
      const catalog = k.pools.catalogs[first.claim.poolIndex];
      const t = catalog?.types.findIndex((p) => p.type === first.template.instanceType) ?? -1;
      const overhead =
        t >= 0
          ? (k.pools.daemonOverhead(first.claim.poolIndex, daemons, this.daemonVersion)[t] ?? ZERO_RESOURCES)
          : ZERO_RESOURCES;
      let stillPending = false;
      for (const pod of runtime.pods.values()) if (pod.phase === 'Pending') stillPending = true;
      runaways.push({
        workload: group.workload,
        pod: group.pod,
        instanceType: first.template.instanceType.name,
        nodePool: catalog?.pool.name ?? '?',
        nodes: group.nodes.length,
        firstMs: Math.max(0, first.launchedAtMs),
        lastMs: Math.max(0, group.nodes[group.nodes.length - 1]?.launchedAtMs ?? 0),
        costUsd: group.nodes.reduce((sum, n) => sum + this.nodeCost(n, this.nowMs), 0),
        believed: first.claim.believed,
        real: first.sched.allocatable,
        podRequests: podRequests(runtime.template),
        daemonOverhead: overhead,
        stillPending,
        template: first.template,
      });
    }
    const unplaced: { pod: string; workload: string; failure: SolveFailure; atMs: number }[] = [];
    for (const [pod, failure] of k.podFailures) {
      unplaced.push({ pod, workload: failure.workload, failure, atMs: Math.max(0, failure.atMs) });
    }
    // Every pod takes a pods slot, so Karpenter fits no pod on a type it counts 0 pods for (types.go ENILimitedPods).
    const podlessPools: KarpenterRecord['podlessPools'][number][] = [];
    for (const catalog of k.pools.catalogs) {
      let source: KarpenterMaxPodsSource | null = null;
      let maxEnis = 0;
      for (const t of catalog.types) {
        const view = k.pools.capacity(catalog.nodeClass, t.type).karpenter;
        source = view.maxPods > 0 ? null : view.maxPodsSource;
        if (source === null) break;
        maxEnis = Math.max(maxEnis, t.type.maxEnis);
      }
      if (source !== null)
        podlessPools.push({ nodePool: catalog.pool.name, types: catalog.types.length, maxEnis, source });
    }
    return { settings: k.settings, runaways, unplaced, launchErrors: this.karpenterLaunchErrors, podlessPools };
  }

  result(): SimResult {
    const record = this.summary();
    const scenario = this.input.scenario;
    let running = 0;
    let pending = 0;
    let creating = 0;
    for (const w of record.workloads) {
      running += w.running;
      pending += w.pending;
      creating += w.containerCreating;
    }
    const byType: Record<string, number> = {};
    const byGroup: Record<string, number> = {};
    let atEnd = 0;
    for (const node of this.nodes) {
      if (node.terminated) continue;
      atEnd += 1;
      byType[node.template.instanceType.name] = (byType[node.template.instanceType.name] ?? 0) + 1;
      byGroup[node.template.origin] = (byGroup[node.template.origin] ?? 0) + 1;
    }
    return {
      scenario: scenario.name,
      durationMs: scenario.durationMs,
      seed: scenario.seed,
      pods: { running, pending, containerCreating: creating, total: running + pending + creating },
      workloads: record.workloads,
      nodes: { launched: this.nodesLaunched, atEnd, byType: sortRecord(byType), byGroup: sortRecord(byGroup) },
      subnets: scenario.subnets.map((s) => {
        const subnet = this.subnets.get(s.id);
        const track = this.subnetTracks.get(s.id);
        if (!subnet || !track) throw new Error(`simulate: lost subnet ${s.id}`);
        return {
          id: s.id,
          zone: s.zone,
          cidr: s.cidr,
          usable: usableAddresses(subnet),
          used: usedAddresses(subnet),
          free: freeAddresses(subnet),
          lowestFree: track.lowestFree,
          lowestFreeAtMs: track.lowestFreeAtMs,
          exhaustedAtMs: track.exhaustedAtMs,
          idleInWarmPools: record.idleBySubnet.get(s.id) ?? 0,
        };
      }),
      findings: collectFindings(record),
      costUsd: this.costSummary(),
      nodeShapes: this.templates.map(nodeShape),
      series: this.series,
      events: this.events,
      stats: {
        events: this.eventsProcessed,
        schedulingAttempts: this.schedulingAttempts,
        podsCreated: this.podsCreated,
      },
    };
  }

  private costSummary(): CostSummary {
    const byType = new Map(this.costByType);
    const byGroup = new Map(this.costByOrigin);
    let total = this.costSettledUsd;
    for (const node of this.nodes) {
      if (node.terminated) continue;
      const cost = this.nodeCost(node, this.nowMs);
      total += cost;
      const type = node.template.instanceType.name;
      byType.set(type, (byType.get(type) ?? 0) + cost);
      byGroup.set(node.template.origin, (byGroup.get(node.template.origin) ?? 0) + cost);
    }
    const round = (m: Map<string, number>) =>
      sortRecord(Object.fromEntries([...m].map(([key, usd]) => [key, roundUsd(usd)])));
    return { totalUsd: roundUsd(total), byType: round(byType), byGroup: round(byGroup) };
  }

  /** For tests: every live pod with its node and address, and every node with its usage. */
  snapshot(): EngineSnapshot {
    const pods: PodSnapshot[] = [];
    for (const workload of this.workloads) {
      for (const pod of workload.pods.values()) {
        const node = pod.node;
        let address: number | null = null;
        if (node && pod.phase === 'Running' && !pod.sched.template.hostNetwork) {
          address = findAddress(node.ipamd, pod.key);
        }
        pods.push({ key: pod.key, workload: workload.key, phase: pod.phase, node: node?.name ?? null, address });
      }
    }
    const nodes = this.nodes
      .filter((n) => !n.terminated)
      .map((n) => ({
        name: n.name,
        ready: n.ready,
        allocatable: n.sched.allocatable,
        requested: { ...n.sched.requested, extended: new Map(n.sched.requested.extended) },
        pods: n.pods.size,
      }));
    return { pods, nodes };
  }
}

export interface PodSnapshot {
  readonly key: string;
  readonly workload: string;
  readonly phase: PodPhase;
  readonly node: string | null;
  readonly address: number | null;
}

export interface EngineSnapshot {
  readonly pods: readonly PodSnapshot[];
  readonly nodes: readonly {
    readonly name: string;
    readonly ready: boolean;
    readonly allocatable: SchedulerNode['allocatable'];
    readonly requested: SchedulerNode['requested'];
    readonly pods: number;
  }[];
}

/**
 * A subnet's free addresses just before the `index`-th effect of an ipamd step: as the step found it,
 * less what its earlier successful requests took and plus what they gave back (a failed request takes
 * nothing; ipamd does not delete an ENI and grow in the same cycle).
 */
function freeBeforeEffect(
  subnets: ReadonlyMap<string, Subnet>,
  effects: readonly IpamdEffect[],
  index: number,
  subnetId: string,
): number {
  const subnet = subnets.get(subnetId);
  let free = subnet ? freeAddresses(subnet) : 0;
  for (let i = 0; i < index; i += 1) {
    const e = effects[i];
    if (e?.type !== 'ec2-call' || e.error !== null || e.subnetId !== subnetId) continue;
    const amount = e.addresses + PREFIX_ADDRESSES * e.prefixes;
    if (e.api === 'CreateNetworkInterface' || e.api === 'AssignPrivateIpAddresses') free -= amount;
    else if (e.api === 'UnassignPrivateIpAddresses') free += amount;
  }
  return free;
}

function findAddress(state: IpamdState, podKey: string): number | null {
  for (const eni of state.enis) {
    for (const cidr of eni.cidrs) {
      const index = cidr.addresses.findIndex((a) => a.podKey === podKey);
      if (index >= 0) return cidr.base + index;
    }
  }
  return state.branches.find((b) => b.podKey === podKey && b.deletedAtMs === null)?.address ?? null;
}

function nodeShape(template: NodeTemplate): NodeShape {
  return {
    origin: template.origin,
    instanceType: template.instanceType.name,
    capacityType: template.capacityType,
    maxPods: template.ready?.maxPods ?? null,
    podIps: template.capacity.node.network.podIps,
    allocatable: {
      cpuMillis: template.allocatable.cpuMillis,
      memoryBytes: template.allocatable.memoryBytes,
      pods: template.allocatable.pods,
    },
    memoryEstimated: template.memoryEstimated,
    failure: template.failure,
  };
}

/** Dollars to a hundredth of a cent: enough for a per-second bill, stable in golden files. */
function roundUsd(usd: number): number {
  return Math.round(usd * 10_000) / 10_000;
}

function kindObject(workload: WorkloadRuntime): string {
  return `${workload.workload.kind.toLowerCase()}/${workload.workload.id.name}`;
}

function sortRecord(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * A ReplicaSet scaling down deletes first unscheduled pods, then pods not yet running, then pods on
 * nodes crowded with the set's pods, then the newest (controller_utils ActivePods ordering, simplified).
 */
function deletionOrder(pods: readonly SimPod[]): SimPod[] {
  const rank = (p: SimPod) => (p.node === null ? 0 : p.phase !== 'Running' ? 1 : 2);
  const onNode = new Map<SimNode, number>();
  for (const p of pods) if (p.node) onNode.set(p.node, (onNode.get(p.node) ?? 0) + 1);
  return [...pods].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (b.node ? (onNode.get(b.node) ?? 0) : 0) - (a.node ? (onNode.get(a.node) ?? 0) : 0) ||
      b.createdAtMs - a.createdAtMs ||
      (a.key < b.key ? 1 : -1),
  );
}

/** Runs a scenario to its end. Pure: the same input and seed give the same result. */
export function simulate(input: SimInput, catalog: CatalogIndex, options: SimOptions): SimResult {
  const engine = new Engine(input, catalog, options);
  engine.setup();
  engine.run();
  return engine.result();
}

/** Runs a scenario and returns, besides the result, the final placement of every pod (for invariant tests). */
export function simulateWithSnapshot(
  input: SimInput,
  catalog: CatalogIndex,
  options: SimOptions,
): { result: SimResult; snapshot: EngineSnapshot } {
  const engine = new Engine(input, catalog, options);
  engine.setup();
  engine.run();
  return { result: engine.result(), snapshot: engine.snapshot() };
}
