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
  type IpamdState,
  type IpamdStep,
  idleAddressesBySubnet,
  launchNode,
  POOL_DECREASE_INTERVAL_MS,
  SANDBOX_FAILURE_MESSAGE,
  terminateNode,
  tickIpamd,
} from '../network/ipamd.js';
import { createSubnet, freeAddresses, type Subnet, usableAddresses, usedAddresses } from '../network/subnet.js';
import { EKS_MANIFEST_DEFAULTS, parseVpcCniEnv, type VpcCniSettings } from '../network/vpc-cni-settings.js';
import { addonWorkload } from './addons.js';
import { EventQueue } from './event-queue.js';
import { collectFindings } from './findings.js';
import {
  addPodToNode,
  backoffDurationMs,
  createSchedulerState,
  createTopologyIndex,
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
  type LabelSelector,
  type PodTemplate,
  type SimInput,
  type StaticNodesSpec,
  type Workload,
  workloadKey,
} from './model.js';
import { makeNodeTemplate, type NodeTemplate, nodeName, POD_ENI_RESOURCE } from './node-setup.js';
import { createRandom, type Random } from './random.js';
import type { SimEvent, SimOptions, SimResult, WorkloadSummary } from './result.js';
import { pinToNode, policySelects, randomSuffix, templateHash } from './workload-pods.js';

/** Initial nodes boot this long before time 0, so their warm pools are settled when the run starts. */
const PREROLL_MS = 10 * 60_000;
/**
 * A pod worker whose sync failed (no sandbox) is requeued after backOffPeriod 10 s with jitter 0.5
 * (kubelet pkg/kubelet/pod_workers.go completeWork; kubelet.go backOffPeriod).
 */
const KUBELET_RETRY_MS = 10_000;
const KUBELET_RETRY_JITTER = 0.5;
/** An Auto Scaling group retries a launch that failed for lack of addresses (our choice: every 60 s). */
const NODE_GROUP_RETRY_MS = 60_000;

export type PodPhase = 'Pending' | 'ContainerCreating' | 'Running';
type QueueState = 'active' | 'backoff' | 'unschedulable' | 'none';

interface WorkloadRuntime {
  readonly workload: Workload;
  readonly key: string;
  readonly template: PodTemplate;
  readonly defaultSpread: LabelSelector | null;
  readonly needsBranchEni: boolean;
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
  | { readonly type: 'sandbox-retry'; readonly pod: SimPod };

/** Per subnet: what the findings and the summary need to know over time. */
export interface SubnetTrack {
  lowestFree: number;
  lowestFreeAtMs: number;
  exhaustedAtMs: number | null;
  idleAtExhaustion: number | null;
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
  readonly launchFailures: readonly { readonly atMs: number; readonly group: string; readonly message: string }[];
  readonly nodesByOrigin: ReadonlyMap<string, number>;
}

class Engine {
  readonly queue = new EventQueue<EngineEvent>();
  readonly random: Random;
  readonly settings: VpcCniSettings;
  readonly settingIssues: string[] = [];
  nowMs = -PREROLL_MS;
  subnets = new Map<string, Subnet>();
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

  constructor(
    readonly input: SimInput,
    readonly catalog: CatalogIndex,
    options: SimOptions,
  ) {
    const scenario = input.scenario;
    this.random = createRandom(scenario.seed);
    this.events = options.recordEvents ? [] : null;
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
    for (const subnet of scenario.subnets) {
      const cidr = parseSubnetCidr(subnet.cidr);
      if (!cidr.ok) throw new Error(`simulate: subnet ${subnet.id} has an invalid CIDR ${subnet.cidr}`);
      const created = createSubnet({ id: subnet.id, cidr: cidr.value, zone: subnet.zone, tags: subnet.tags });
      if (!created.ok) throw new Error(`simulate: subnet ${subnet.id}: ${created.error.message}`);
      this.subnets.set(subnet.id, created.subnet);
      const free = freeAddresses(created.subnet);
      this.subnetTracks.set(subnet.id, {
        lowestFree: free,
        lowestFreeAtMs: 0,
        exhaustedAtMs: null,
        idleAtExhaustion: null,
      });
    }
    const all: Workload[] = [...scenario.addons.map(addonWorkload), ...input.workloads];
    for (const workload of all) this.addWorkload(workload);
    this.hostNetworkDaemons = this.daemonSets.filter((d) => d.template.hostNetwork).length;
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
      defaultSpread,
      needsBranchEni: selected && !template.hostNetwork,
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
  }

  private setupStaticNodes(spec: StaticNodesSpec): void {
    const scenario = this.input.scenario;
    const type = this.lookupType(spec.instanceType);
    const pool = spec.nodePool === null ? null : this.input.nodePools.find((p) => p.name === spec.nodePool);
    const nodeClass = pool ? this.input.nodeClasses.find((c) => c.name === pool.nodeClass) : undefined;
    const kubelet: Partial<KubeletSettings> = nodeClass ? nodeClass.kubelet : {};
    const amiFamily = nodeClass?.amiFamily ?? 'al2023';
    const labels: Record<string, string> = {};
    if (pool) {
      Object.assign(labels, pool.labels, {
        'karpenter.sh/nodepool': pool.name,
        'karpenter.sh/capacity-type': spec.capacityType,
        'karpenter.k8s.aws/instance-family': type.family,
        'karpenter.sh/registered': 'true',
        'karpenter.sh/initialized': 'true',
      });
    }
    const template = makeNodeTemplate({
      origin: pool ? `nodePool/${pool.name}` : 'static',
      instanceType: type,
      amiFamily,
      launchedBy: pool && scenario.karpenter ? 'karpenter' : 'node-group',
      capacityType: spec.capacityType,
      kubelet: { ...kubelet, kubeReserved: kubelet.kubeReserved ?? NO_RESERVATION },
      cni: this.settings,
      karpenter: scenario.karpenter,
      observedMemoryBytes: this.observedMemory(type),
      hostNetworkPods: this.hostNetworkDaemons,
      labels,
      taints: pool ? pool.taints : [],
      managedNodeGroup: false,
    });
    this.templates.push(template);
    const candidates = nodeClass ? nodeClass.subnetIds : scenario.subnets.map((s) => s.id);
    const inZone = candidates.filter((id) => spec.zone === null || this.subnets.get(id)?.zone === spec.zone);
    const subnetIds =
      inZone.length > 0 ? inZone : scenario.subnets.filter((s) => s.zone === spec.zone).map((s) => s.id);
    for (let i = 0; i < spec.count; i += 1) {
      // Karpenter picks the zone's subnet with the most free addresses (subnet.go ZonalSubnetsForLaunch).
      const ordered = [...subnetIds].sort((a, b) => this.free(b) - this.free(a));
      this.launchNode(template, null, ordered, true);
    }
  }

  private free(subnetId: string): number {
    const subnet = this.subnets.get(subnetId);
    return subnet ? freeAddresses(subnet) : 0;
  }

  // ---------------------------------------------------------------- nodes

  /** An Auto Scaling group balances zones: the subnet with the fewest of the group's nodes first. */
  private launchGroupNode(group: NodeGroupRuntime, initial: boolean): boolean {
    const live = group.nodes.filter((n) => !n.terminated);
    const count = (id: string) => live.filter((n) => n.subnetId === id).length;
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
  ): SimNode | null {
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
        this.noteSubnetFailure(subnetId);
        const message = `Could not launch ${template.instanceType.name} in ${subnetId}: ${launched.error.code}`;
        this.launchFailures.push({ atMs: this.nowMs, group: template.origin, message });
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
      this.subnets = new Map(launched.step.subnets);
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
      };
      this.nodes.push(node);
      this.nodeBySched.set(node.sched, node);
      group?.nodes.push(node);
      if (!initial) {
        this.nodesLaunched += 1;
        this.record(
          'Normal',
          'Launched',
          `node/${name}`,
          `Launched ${template.instanceType.name} in ${zone} (${subnetId})`,
        );
        if (template.ready !== null) {
          this.queue.push(this.nowMs + this.input.scenario.launchMs, { type: 'node-ready', node });
        }
      }
      return node;
    }
    return null;
  }

  private nodeReady(node: SimNode): void {
    if (node.terminated || node.template.ready === null) return;
    node.ready = true;
    node.readyAtMs = this.nowMs;
    if (!this.zoneOrder.includes(node.zone)) this.zoneOrder.push(node.zone);
    this.schedulerNodesDirty = true;
    this.mutation += 1;
    this.moveRequested = true;
    this.record('Normal', 'NodeReady', `node/${node.name}`, `Node ${node.name} status is now: NodeReady`);
    this.startTicking(node, this.nowMs);
    for (const daemonSet of this.daemonSets) if (!daemonSet.deleted) this.reconcileDaemonSet(daemonSet, [node]);
    this.requestSchedule();
  }

  private terminateNode(node: SimNode): void {
    node.terminated = true;
    const wasReady = node.ready;
    node.ready = false;
    for (const pod of [...node.pods]) this.deletePod(pod, 'node terminated');
    this.subnets = new Map(terminateNode(node.ipamd, this.subnets));
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
    for (const workload of this.workloads) if (workload.workload.kind !== 'DaemonSet') this.requestReconcile(workload);
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
    this.queue.push(next, { type: 'ipamd-tick', node });
  }

  private tick(node: SimNode): void {
    if (node.terminated) {
      node.ticking = false;
      return;
    }
    const before = node.ipamd;
    const step = tickIpamd(before, this.subnets, this.nowMs);
    const changed = step.state !== before || step.effects.some((e) => e.type !== 'log');
    this.applyIpamd(node, step);
    node.quietTicks = changed ? 0 : node.quietTicks + 1;
    if (node.quietTicks > this.quietLimit) {
      node.ticking = false;
      return;
    }
    this.queue.push(this.nowMs + IPAMD_CYCLE_MS, { type: 'ipamd-tick', node });
  }

  private applyIpamd(node: SimNode, step: IpamdStep): void {
    node.ipamd = step.state;
    if (step.subnets !== this.subnets) this.subnets = new Map(step.subnets);
    for (const effect of step.effects) {
      if (effect.type === 'ec2-call' && effect.error !== null) this.noteSubnetFailure(effect.subnetId);
      else if (effect.type === 'eni-attached' && this.events) {
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

  private noteSubnetFailure(subnetId: string): void {
    const track = this.subnetTracks.get(subnetId);
    if (track && track.exhaustedAtMs === null) this.markExhausted(subnetId, track);
  }

  private markExhausted(subnetId: string, track: SubnetTrack): void {
    track.exhaustedAtMs = Math.max(0, this.nowMs);
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
    const live = [...workload.pods.values()];
    if (kind === 'StatefulSet' && workload.workload.kind === 'StatefulSet') {
      this.reconcileStatefulSet(workload, live, desired, workload.workload.podManagementPolicy);
      return;
    }
    if (live.length < desired) {
      for (let i = live.length; i < desired; i += 1) this.createPod(workload, null, -1);
    } else if (live.length > desired) {
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

  /** The DaemonSet controller runs a pod where its node selector, affinity and tolerations allow (nodeShouldRunDaemonPod). */
  private daemonAdmits(workload: WorkloadRuntime, node: SimNode): boolean {
    const template = pinToNode(workload.template, node.name);
    return nodePassesStaticFilters(template, node.sched);
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
    if (workload.workload.kind === 'StatefulSet') name = `${id.name}-${ordinal}`;
    else if (workload.workload.kind === 'Pod') name = id.name;
    else {
      const prefix = workload.workload.kind === 'Deployment' ? `${id.name}-${templateHash(id)}` : id.name;
      do name = `${prefix}-${randomSuffix(this.random)}`;
      while (this.podNames.has(`${id.namespace}/${name}`));
    }
    const key = `${id.namespace}/${name}`;
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
    this.podsCreated += 1;
    this.record('Normal', 'SuccessfulCreate', `${kindObject(workload)}`, `Created pod: ${name}`);
    this.enqueueActive(pod);
  }

  private deletePod(pod: SimPod, why: string): void {
    if (pod.deleted) return;
    pod.deleted = true;
    pod.workload.pods.delete(pod.key);
    this.podNames.delete(pod.key);
    this.unschedulable.delete(pod);
    pod.queue = 'none';
    const node = pod.node;
    if (node) {
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
    this.record('Normal', 'Killing', `pod/${pod.name}`, `Stopping pod (${why})`);
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
    this.record('Warning', 'FailedScheduling', `pod/${pod.name}`, message);
    if (!this.flushQueued) {
      this.flushQueued = true;
      this.queue.push(this.nowMs + UNSCHEDULABLE_FLUSH_INTERVAL_MS, { type: 'flush-unschedulable' });
    }
  }

  private bind(pod: SimPod, node: SimNode): void {
    addPodToNode(node.sched, pod.sched);
    this.topology.onBind(pod.sched, node.sched);
    this.mutation += 1;
    pod.node = node;
    pod.queue = 'none';
    pod.phase = 'ContainerCreating';
    pod.reason = null;
    pod.message = null;
    pod.troubleSinceMs = null;
    node.pods.add(pod);
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
    const step = pod.workload.needsBranchEni
      ? addBranchPod(node.ipamd, this.subnets, pod.key, this.nowMs)
      : addPod(node.ipamd, this.subnets, pod.key, this.nowMs);
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
        pod.reason = 'FailedCreatePodSandBox';
        pod.message = message;
        pod.troubleSinceMs ??= this.nowMs;
        this.record('Warning', 'FailedCreatePodSandBox', `pod/${pod.name}`, message);
        this.startTicking(node, this.nowMs);
        const delay = KUBELET_RETRY_MS * (1 + KUBELET_RETRY_JITTER * this.random.next());
        this.queue.push(this.nowMs + Math.floor(delay), { type: 'sandbox-retry', pod });
        return;
      }
    }
  }

  private podRunning(pod: SimPod): void {
    pod.phase = 'Running';
    pod.reason = null;
    pod.message = null;
    pod.troubleSinceMs = null;
    if (pod.node) this.startTicking(pod.node, this.nowMs);
    this.record('Normal', 'Started', `pod/${pod.name}`, `Started pod on ${pod.node?.name ?? '?'}`);
    if (pod.workload.workload.kind === 'StatefulSet') this.requestReconcile(pod.workload);
  }

  // ---------------------------------------------------------------- the loop

  private record(type: 'Normal' | 'Warning', reason: string, object: string, message: string): void {
    if (this.events === null || this.nowMs < 0) return;
    this.events.push({ atMs: this.nowMs, type, reason, object, message });
  }

  run(): void {
    const end = this.input.scenario.durationMs;
    for (;;) {
      const next = this.queue.peekTime();
      if (next === null || next > end) break;
      const item = this.queue.pop();
      if (!item) break;
      if (item.atMs < this.nowMs) throw new Error('simulate: the clock went back');
      this.nowMs = item.atMs;
      this.eventsProcessed += 1;
      this.handle(item.event);
    }
    this.nowMs = end;
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
    for (const node of this.nodes) {
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
      launchFailures: this.launchFailures,
      nodesByOrigin,
    };
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
      events: this.events,
      stats: {
        events: this.eventsProcessed,
        schedulingAttempts: this.schedulingAttempts,
        podsCreated: this.podsCreated,
      },
    };
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

function findAddress(state: IpamdState, podKey: string): number | null {
  for (const eni of state.enis) {
    for (const cidr of eni.cidrs) {
      const index = cidr.addresses.findIndex((a) => a.podKey === podKey);
      if (index >= 0) return cidr.base + index;
    }
  }
  return state.branches.find((b) => b.podKey === podKey && b.deletedAtMs === null)?.address ?? null;
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
