/**
 * Karpenter's knowledge of what it can launch, as one run goes on: the NodePools' types and offerings,
 * its own prediction of each type's allocatable by version (the capacity model's Karpenter view; cold
 * until a node of that type and EC2NodeClass has registered, then the discovered capacity from v1.1.0),
 * the offerings it has marked unavailable after a launch error, and the DaemonSet overhead per type.
 */

import type { InstanceType } from '../../core/instance-type.js';
import type { KarpenterPrediction } from '../../core/karpenter-view.js';
import { computeNodeCapacity, type NodeCapacity } from '../../core/node-capacity.js';
import { makeNodeConfig } from '../../core/node-config.js';
import type { VpcCniSettings } from '../../network/vpc-cni-settings.js';
import type { KarpenterScenarioSettings, NodeClassSpec, NodePoolSpec, PodTemplate } from '../model.js';
import { cniMode, POD_ENI_RESOURCE } from '../node-setup.js';
import {
  buildPoolCatalog,
  daemonRunsOn,
  NVIDIA_GPU_RESOURCE,
  nvidiaGpus,
  offeringBit,
  type PoolCatalog,
} from './offerings.js';
import { emptyResources, type Resources } from './solve.js';

/** The resources podcap knows each instance type's capacity of: the NodePool limits it can enforce. */
export const SIZED_RESOURCES: readonly string[] = [
  'cpu',
  'memory',
  'pods',
  'nodes',
  POD_ENI_RESOURCE,
  NVIDIA_GPU_RESOURCE,
];

/** An offering that failed to launch is skipped this long (karpenter-provider-aws pkg/cache UnavailableOfferingsTTL). */
export const UNAVAILABLE_OFFERINGS_TTL_MS = 3 * 60_000;

export class KarpenterPools {
  readonly catalogs: PoolCatalog[];
  private readonly capacityByKey = new Map<string, NodeCapacity>();
  private readonly registered = new Set<string>();
  private readonly unavailable = new Map<string, number>();
  private overheadCache: { version: number; byPool: Resources[][] } | null = null;
  /** Bumped when the capacity cache learns a type: the believed numbers per pool change only then. */
  private registeredVersion = 0;
  private readonly believedCache = new Map<
    number,
    { version: number; allocatable: Resources[]; capacity: Resources[] }
  >();

  constructor(
    pools: readonly NodePoolSpec[],
    nodeClasses: readonly NodeClassSpec[],
    zoneOfSubnet: ReadonlyMap<string, string>,
    types: readonly InstanceType[],
    private readonly settings: KarpenterScenarioSettings,
    private readonly cni: VpcCniSettings,
    private readonly observedMemory: ReadonlyMap<string, number>,
    private readonly hostNetworkPods: number,
  ) {
    this.catalogs = [];
    for (const pool of pools) {
      const nodeClass = nodeClasses.find((c) => c.name === pool.nodeClass);
      if (nodeClass) this.catalogs.push(buildPoolCatalog(pool, nodeClass, zoneOfSubnet, types));
    }
  }

  /** The capacity model for a type launched by Karpenter with this EC2NodeClass. */
  capacity(nodeClass: NodeClassSpec, type: InstanceType): NodeCapacity {
    const key = `${nodeClass.name}\u0000${type.name}`;
    let found = this.capacityByKey.get(key);
    if (!found) {
      found = computeNodeCapacity(
        makeNodeConfig(type, {
          amiFamily: nodeClass.amiFamily,
          launchedBy: 'karpenter',
          kubelet: nodeClass.kubelet,
          cni: { mode: cniMode(this.cni), maxEni: this.cni.maxEni, podEni: this.cni.podEni },
          karpenter: {
            version: this.settings.version,
            reservedEnis: this.settings.reservedEnis,
            vmMemoryOverheadPercent: this.settings.vmMemoryOverheadPercent,
          },
          observedMemoryCapacityBytes: this.observedMemory.get(type.name) ?? null,
          hostNetworkPods: this.hostNetworkPods,
        }),
      );
      this.capacityByKey.set(key, found);
    }
    return found;
  }

  /** A node of this type and EC2NodeClass registered: its real memory capacity replaces the estimate (v1.1.0+). */
  markRegistered(nodeClass: NodeClassSpec, type: InstanceType): void {
    const key = `${nodeClass.name}\u0000${type.name}`;
    if (this.registered.has(key)) return;
    this.registered.add(key);
    this.registeredVersion += 1;
  }

  /** The prediction Karpenter makes for a new node of this type now. */
  prediction(nodeClass: NodeClassSpec, type: InstanceType): KarpenterPrediction {
    const view = this.capacity(nodeClass, type).karpenter;
    const warm = this.registered.has(`${nodeClass.name}\u0000${type.name}`) ? view.warm : null;
    return warm ?? view.cold;
  }

  /** The extended resources Karpenter gives a type, in capacity and allocatable alike. */
  private believedExtended(nodeClass: NodeClassSpec, type: InstanceType): Map<string, number> {
    const view = this.capacity(nodeClass, type).karpenter;
    const extended = new Map<string, number>();
    // Karpenter advertises pod-eni from its own table whether or not ENABLE_POD_ENI is on (types.go awsPodENI).
    if (view.podEni > 0) extended.set(POD_ENI_RESOURCE, view.podEni);
    const gpus = nvidiaGpus(type);
    if (gpus > 0) extended.set(NVIDIA_GPU_RESOURCE, gpus);
    return extended;
  }

  /** Karpenter's allocatable for a new node, as requests are compared with it (pods, pod-eni and GPUs included). */
  believedAllocatable(nodeClass: NodeClassSpec, type: InstanceType): Resources {
    const allocatable = this.prediction(nodeClass, type).allocatable;
    return {
      cpuMillis: allocatable.cpuMillis ?? 0,
      memoryBytes: allocatable.memoryBytes ?? 0,
      pods: allocatable.pods ?? 0,
      extended: this.believedExtended(nodeClass, type),
    };
  }

  /**
   * Karpenter's capacity of a new node: vCPUs, its memory estimate (or discovered capacity), pods and the
   * extended resources (what NodePool limits count, types.go computeCapacity).
   */
  believedCapacity(nodeClass: NodeClassSpec, type: InstanceType): Resources {
    const capacity = this.prediction(nodeClass, type).capacity;
    return {
      cpuMillis: capacity.cpuMillis ?? 0,
      memoryBytes: capacity.memoryBytes ?? 0,
      pods: capacity.pods ?? 0,
      extended: this.believedExtended(nodeClass, type),
    };
  }

  private believed(poolIndex: number): { allocatable: Resources[]; capacity: Resources[] } {
    let found = this.believedCache.get(poolIndex);
    if (found?.version !== this.registeredVersion) {
      const catalog = this.catalogs[poolIndex] as PoolCatalog;
      found = {
        version: this.registeredVersion,
        allocatable: catalog.types.map((t) => this.believedAllocatable(catalog.nodeClass, t.type)),
        capacity: catalog.types.map((t) => this.believedCapacity(catalog.nodeClass, t.type)),
      };
      this.believedCache.set(poolIndex, found);
    }
    return found;
  }

  /** Karpenter's capacity of each pool type now (what NodePool limits count). */
  capacities(poolIndex: number): Resources[] {
    return this.believed(poolIndex).capacity;
  }

  /** Karpenter's allocatable of each pool type now. */
  allocatables(poolIndex: number): Resources[] {
    return this.believed(poolIndex).allocatable;
  }

  markUnavailable(type: string, zone: string, capacityType: string, untilMs: number): void {
    this.unavailable.set(`${type}|${zone}|${capacityType}`, untilMs);
  }

  /** Each pool type's offerings that are not marked unavailable at `nowMs`. */
  availableMasks(poolIndex: number, nowMs: number): Int32Array {
    const catalog = this.catalogs[poolIndex] as PoolCatalog;
    const out = new Int32Array(catalog.types.length);
    const blocked: { type: string; bit: number }[] = [];
    for (const [key, until] of this.unavailable) {
      if (until <= nowMs) continue;
      const [type, zone, capacityType] = key.split('|');
      const z = catalog.zones.indexOf(zone ?? '');
      if (z >= 0)
        blocked.push({ type: type ?? '', bit: offeringBit(z, capacityType === 'spot' ? 'spot' : 'on-demand') });
    }
    for (let t = 0; t < catalog.types.length; t += 1) {
      const poolType = catalog.types[t];
      if (!poolType) continue;
      let mask = poolType.mask;
      for (const b of blocked) if (b.type === poolType.type.name) mask &= ~b.bit;
      out[t] = mask;
    }
    return out;
  }

  /**
   * The summed requests of the DaemonSet pods that would run on each pool type (buildDaemonOverheadGroups);
   * recomputed when the set of DaemonSets changes (`version`).
   */
  daemonOverhead(poolIndex: number, daemons: readonly PodTemplate[], version: number): Resources[] {
    if (this.overheadCache?.version !== version) this.overheadCache = { version, byPool: [] };
    let found = this.overheadCache.byPool[poolIndex];
    if (!found) {
      const catalog = this.catalogs[poolIndex] as PoolCatalog;
      found = catalog.types.map((poolType) => {
        const sum = emptyResources();
        for (const daemon of daemons) {
          if (!daemonRunsOn(catalog, poolType, daemon)) continue;
          sum.cpuMillis += daemon.requests.cpuMillis;
          sum.memoryBytes += daemon.requests.memoryBytes;
          sum.pods += 1;
          for (const [name, amount] of daemon.requests.extended) {
            sum.extended.set(name, (sum.extended.get(name) ?? 0) + amount);
          }
        }
        return sum;
      });
      this.overheadCache.byPool[poolIndex] = found;
    }
    return found;
  }
}

/** On-demand price per hour from the catalog, spot at the scenario's share of it; 0 where the catalog has none. */
export function hourlyPrice(type: InstanceType, capacityType: 'on-demand' | 'spot', spotPriceRatio: number): number {
  const onDemand = type.onDemandUsdPerHour ?? 0;
  return capacityType === 'spot' ? onDemand * spotPriceRatio : onDemand;
}
