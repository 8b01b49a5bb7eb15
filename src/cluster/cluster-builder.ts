/**
 * Builds a ClusterState from a cluster export one object at a time, so that a reader can hand each item
 * of a 150,000-pod List over as soon as it is parsed and drop it. Pure: no I/O; errors name the file, the
 * item, the field path and what was expected, worded as the scenario input words them.
 */

import { InputError } from '../input/input-error.js';
import type { InputDocument } from '../input/scenario/document.js';
import { fieldError, listNames, rawIdentity } from '../input/scenario/document.js';
import {
  NODE_CLASS_API_VERSION,
  NODE_POOL_API_VERSION,
  type ParsedNodeClass,
  type ParsedNodePool,
  parseNodeClass,
  parseNodePool,
  resolveNodeClass,
  resolveNodePool,
} from '../input/scenario/karpenter.js';
import {
  parseSecurityGroupPolicy,
  parseWorkload,
  SECURITY_GROUP_POLICY_API_VERSION,
  WORKLOAD_API_VERSIONS,
} from '../input/scenario/workloads.js';
import type { NodeClassSpec, NodePoolSpec, ScenarioSubnet, SecurityGroupPolicy, Workload } from '../sim/model.js';
import { workloadKey } from '../sim/model.js';
import { parseQuotas, parseSubnets } from './aws-responses.js';
import type {
  ClusterEvent,
  ClusterNode,
  ClusterNodeClaim,
  ClusterPod,
  ClusterQuota,
  ClusterSource,
  ClusterState,
  ClusterSubnet,
  KarpenterInstall,
  VpcCniInstall,
} from './cluster-state.js';
import { escapeControlCharacters, exportError } from './export-errors.js';
import { findKarpenterInstall, isAwsNode, parseVpcCniInstall } from './installs.js';
import {
  EVENTS_API_VERSION,
  parseClusterEvent,
  parseClusterNode,
  parseClusterNodeClaim,
  parseClusterPod,
} from './kubernetes-objects.js';
import { copyString, StringPool } from './string-pool.js';

/** The kinds read into records, with the apiVersions each is read in; other versions are ignored. */
const READ_KINDS: Readonly<Record<string, readonly string[]>> = {
  Node: ['v1'],
  Pod: ['v1'],
  Event: ['v1', EVENTS_API_VERSION],
  Deployment: [WORKLOAD_API_VERSIONS.Deployment],
  StatefulSet: [WORKLOAD_API_VERSIONS.StatefulSet],
  DaemonSet: [WORKLOAD_API_VERSIONS.DaemonSet],
  NodePool: [NODE_POOL_API_VERSION],
  EC2NodeClass: [NODE_CLASS_API_VERSION],
  NodeClaim: [NODE_POOL_API_VERSION],
  SecurityGroupPolicy: [SECURITY_GROUP_POLICY_API_VERSION],
};

/** What a `read` line counts, in the order it lists them. */
const COUNTED = [
  ['node', 'nodes'],
  ['pod', 'pods'],
  ['deployment', 'deployments'],
  ['statefulset', 'statefulsets'],
  ['daemonset', 'daemonsets'],
  ['event', 'events'],
  ['NodePool', 'NodePools'],
  ['EC2NodeClass', 'EC2NodeClasses'],
  ['NodeClaim', 'NodeClaims'],
  ['SecurityGroupPolicy', 'SecurityGroupPolicies'],
  ['subnet', 'subnets'],
  ['quota', 'quotas'],
] as const;

type Counted = (typeof COUNTED)[number][0];

const COUNTED_WORKLOAD: Readonly<Record<'Deployment' | 'StatefulSet' | 'DaemonSet', Counted>> = {
  Deployment: 'deployment',
  StatefulSet: 'statefulset',
  DaemonSet: 'daemonset',
};

/** What was read from one file, for its `read` line. */
class Tally {
  readonly counts = new Map<Counted, number>();
  readonly ignored = new Map<string, number>();
  readonly notes: string[] = [];
  duplicates = 0;

  count(what: Counted, n = 1): void {
    this.counts.set(what, (this.counts.get(what) ?? 0) + n);
  }

  ignore(label: string): void {
    this.ignored.set(label, (this.ignored.get(label) ?? 0) + 1);
  }

  line(file: string): string {
    const parts: string[] = [];
    for (const [one, many] of COUNTED) {
      const n = this.counts.get(one) ?? 0;
      if (n > 0) parts.push(`${n} ${n === 1 ? one : many}`);
    }
    if (this.duplicates > 0) parts.push(`${this.duplicates} already read`);
    const sections = [parts.join(', '), ...this.notes];
    if (this.ignored.size > 0) {
      const kinds = [...this.ignored].map(([label, n]) => `${label} (${n})`).join(', ');
      sections.push(`ignored: ${kinds}`);
    }
    const text = sections.filter((s) => s !== '').join('; ');
    // File names, kinds and image tags come from the export; a line is printed as it is.
    return escapeControlCharacters(`${file}: ${text === '' ? 'nothing podcap reads' : text}`);
  }

  get countedNothing(): boolean {
    return this.counts.size === 0 && this.duplicates === 0;
  }
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function documentOf(value: unknown, source: ClusterSource): InputDocument {
  // A JSON file is one document; an item of its List is `items[N]` in messages.
  return { file: source.file, documentIndex: 0, itemIndex: source.index, value };
}

/** Collects the objects of a cluster export; `build()` resolves references between them. */
export class ClusterBuilder {
  private readonly pool = new StringPool();
  private readonly nodes: ClusterNode[] = [];
  private readonly pods: ClusterPod[] = [];
  private readonly workloads: Workload[] = [];
  private readonly events: ClusterEvent[] = [];
  private readonly subnets: ClusterSubnet[] = [];
  private readonly nodePools: ParsedNodePool[] = [];
  private readonly nodeClasses: ParsedNodeClass[] = [];
  private readonly nodeClaims: ClusterNodeClaim[] = [];
  private readonly policies: SecurityGroupPolicy[] = [];
  private quotas: ClusterQuota[] | null = null;
  private vpcCni: VpcCniInstall | null = null;
  private karpenter: KarpenterInstall | null = null;
  /** Keys of the objects read: the same object in two files (aws-node in the List and on its own) counts once. */
  private readonly seen = new Set<string>();
  private readonly tallies = new Map<string, Tally>();

  /** Registers a file, so that one with nothing podcap reads (an empty List) still has its `read` line. */
  noteFile(file: string): void {
    this.tallyOf(file);
  }

  /**
   * One Kubernetes object as kubectl prints it. Known kinds become records; the aws-node DaemonSet and the
   * Karpenter Deployment are also recorded as installs; other kinds are counted and ignored. A malformed
   * object of a known kind throws InputError naming the source file, the item (`items[12]` and
   * kind/namespace/name when known), the field path and what was expected.
   */
  addObject(object: unknown, source: ClusterSource): void {
    try {
      this.addKnownObject(object, source);
    } catch (error) {
      throw exportError(error);
    }
  }

  private addKnownObject(object: unknown, source: ClusterSource): void {
    const document = documentOf(object, source);
    const tally = this.tallyOf(source.file);
    if (!isRecord(object)) throw fieldError(document, [], 'a Kubernetes object: a mapping with apiVersion and kind');
    const { apiVersion, kind } = object;
    if (typeof kind !== 'string' || kind === '') throw fieldError(document, ['kind'], 'a kind such as Pod (required)');
    if (typeof apiVersion !== 'string' || apiVersion === '') {
      throw fieldError(document, ['apiVersion'], 'an apiVersion such as v1 (required)');
    }
    const versions = READ_KINDS[kind];
    if (versions === undefined) {
      tally.ignore(copyString(kind));
      return;
    }
    if (!versions.includes(apiVersion)) {
      tally.ignore(copyString(`${kind} ${apiVersion}`));
      return;
    }
    switch (kind) {
      case 'Node': {
        const node = parseClusterNode(document, source, this.pool);
        if (this.isNew(tally, `Node/${node.name}`)) {
          this.nodes.push(node);
          tally.count('node');
        }
        return;
      }
      case 'Pod': {
        const pod = parseClusterPod(document, source, this.pool);
        if (this.isNew(tally, `Pod/${pod.namespace}/${pod.name}`)) {
          this.pods.push(pod);
          tally.count('pod');
        }
        return;
      }
      case 'Deployment':
      case 'StatefulSet':
      case 'DaemonSet':
        this.addWorkload(document, kind, tally);
        return;
      case 'Event': {
        const event = parseClusterEvent(document, apiVersion, this.pool);
        const name = rawIdentity(object).name;
        if (name === null || this.isNew(tally, `Event/${event.namespace}/${name}`)) {
          this.events.push(event);
          tally.count('event');
        }
        return;
      }
      case 'NodePool': {
        const pool = parseNodePool(document);
        if (this.isNew(tally, `NodePool/${pool.spec.name}`)) {
          this.nodePools.push(pool);
          tally.count('NodePool');
        }
        return;
      }
      case 'EC2NodeClass': {
        const nodeClass = parseNodeClass(document);
        if (this.isNew(tally, `EC2NodeClass/${nodeClass.name}`)) {
          this.nodeClasses.push(nodeClass);
          tally.count('EC2NodeClass');
        }
        return;
      }
      case 'NodeClaim': {
        const claim = parseClusterNodeClaim(document, this.pool);
        if (this.isNew(tally, `NodeClaim/${claim.name}`)) {
          this.nodeClaims.push(claim);
          tally.count('NodeClaim');
        }
        return;
      }
      case 'SecurityGroupPolicy': {
        const policy = parseSecurityGroupPolicy(document);
        if (this.isNew(tally, `SecurityGroupPolicy/${policy.namespace}/${policy.name}`)) {
          this.policies.push(policy);
          tally.count('SecurityGroupPolicy');
        }
        return;
      }
    }
  }

  /** The output of `aws ec2 describe-subnets`. */
  addSubnets(response: unknown, source: ClusterSource): void {
    const tally = this.tallyOf(source.file);
    let parsed: ReturnType<typeof parseSubnets>;
    try {
      parsed = parseSubnets(documentOf(response, source), this.pool);
    } catch (error) {
      throw exportError(error);
    }
    const { subnets, ipv6Only } = parsed;
    for (const subnet of subnets) {
      if (this.isNew(tally, `Subnet/${subnet.id}`)) {
        this.subnets.push(subnet);
        tally.count('subnet');
      }
    }
    if (ipv6Only > 0) tally.notes.push(`${ipv6Only} IPv6-only subnet${ipv6Only === 1 ? '' : 's'} left out`);
  }

  /** The output of `aws service-quotas list-service-quotas`. */
  addQuotas(response: unknown, source: ClusterSource): void {
    const tally = this.tallyOf(source.file);
    const quotas = this.quotas ?? [];
    let parsed: ClusterQuota[];
    try {
      parsed = parseQuotas(documentOf(response, source), this.pool);
    } catch (error) {
      throw exportError(error);
    }
    for (const quota of parsed) {
      if (this.isNew(tally, `Quota/${quota.code}`)) {
        quotas.push(quota);
        tally.count('quota');
      }
    }
    this.quotas = quotas;
  }

  /**
   * Null once something was read (a node, a subnet, a quota, even one read twice); else what the files
   * held instead, for the message about an export with nothing to check.
   */
  nothingRead(): string | null {
    const tallies = [...this.tallies.values()];
    if (!tallies.every((t) => t.countedNothing)) return null;
    const ignored = new Map<string, number>();
    for (const tally of tallies) {
      for (const [label, n] of tally.ignored) ignored.set(label, (ignored.get(label) ?? 0) + n);
    }
    const notes = tallies.flatMap((t) => t.notes);
    const kinds = [...ignored].map(([label, n]) => `${label} (${n})`);
    const held = [...notes, ...(kinds.length === 0 ? [] : [`ignored: ${listNames(kinds, 5)}`])];
    return escapeControlCharacters(`nothing podcap reads${held.length === 0 ? '' : ` (${held.join('; ')})`}`);
  }

  /**
   * The state read so far. EC2NodeClasses are resolved against the subnets read (one that selects none
   * of them gets no subnet ids, which the doctor reports rather than refuses); NodePools keep a
   * nodeClassRef to a class that was not read, as Karpenter keeps such a NodePool not ready.
   */
  build(): ClusterState {
    const subnets: ScenarioSubnet[] = this.subnets.map((s) => ({ id: s.id, zone: s.zone, cidr: s.cidr, tags: s.tags }));
    const nodeClasses = this.nodeClasses.map((c) => resolveClass(c, subnets));
    const classNames = nodeClasses.map((c) => c.name);
    const nodePools = this.nodePools.map((p) => resolvePool(p, classNames));
    this.pool.clear();
    return {
      nodes: this.nodes,
      pods: this.pods,
      workloads: this.workloads,
      events: this.events,
      subnets: this.subnets,
      vpcCni: this.vpcCni,
      karpenter: this.karpenter,
      nodePools,
      nodeClasses,
      nodeClaims: this.nodeClaims,
      securityGroupPolicies: this.policies,
      quotas: this.quotas,
      read: [...this.tallies].map(([file, tally]) => tally.line(file)),
    };
  }

  private addWorkload(document: InputDocument, kind: keyof typeof COUNTED_WORKLOAD, tally: Tally): void {
    const workload = parseWorkload(document, kind);
    if (!this.isNew(tally, workloadKey(workload.id))) return;
    this.workloads.push(workload);
    tally.count(COUNTED_WORKLOAD[kind]);
    const { namespace, name } = workload.id;
    if (kind === 'DaemonSet' && isAwsNode(namespace, name) && this.vpcCni === null) {
      this.vpcCni = parseVpcCniInstall(document, this.pool);
      tally.notes.push(`the aws-node DaemonSet (VPC CNI ${this.vpcCni.version ?? 'version not in its image tag'})`);
    }
    if (kind === 'Deployment' && this.karpenter === null) {
      this.karpenter = findKarpenterInstall(document, this.pool);
      if (this.karpenter !== null) {
        const version = this.karpenter.version ?? 'version not in its image tag';
        tally.notes.push(copyString(`the Karpenter Deployment ${namespace}/${name} (Karpenter ${version})`));
      }
    }
  }

  private isNew(tally: Tally, key: string): boolean {
    if (this.seen.has(key)) {
      tally.duplicates += 1;
      return false;
    }
    // An event's key holds its raw name, a slice of the parser's buffer.
    this.seen.add(copyString(key));
    return true;
  }

  private tallyOf(file: string): Tally {
    let tally = this.tallies.get(file);
    if (tally === undefined) {
      tally = new Tally();
      this.tallies.set(file, tally);
    }
    return tally;
  }
}

/** The subnet matching of resolveNodeClass, with no subnet ids where it finds none instead of an error. */
function resolveClass(nodeClass: ParsedNodeClass, subnets: readonly ScenarioSubnet[]): NodeClassSpec {
  try {
    return resolveNodeClass(nodeClass, subnets);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    const { name, amiFamily, kubelet, subnetSelectorTerms } = nodeClass;
    return { name, amiFamily, kubelet, subnetSelectorTerms, subnetIds: [] };
  }
}

function resolvePool(pool: ParsedNodePool, nodeClasses: readonly string[]): NodePoolSpec {
  try {
    return resolveNodePool(pool, nodeClasses);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return pool.spec;
  }
}
