/**
 * The exporter's Prometheus metrics: a fresh prom-client Registry (never the global one) and the gauges a
 * DoctorResult sets. No I/O; the exporter serves `registry.metrics()`.
 *
 * Names follow Prometheus conventions: the `podcap_` prefix, base units (addresses, pods, seconds),
 * `_total` on the one counter. Each update replaces every series, so a subnet or node that is gone drops out.
 */

import { Counter, Gauge, Registry } from 'prom-client';
import type { DoctorResult, SubnetUse } from '../doctor/doctor-result.js';

type SubnetLabel = 'subnet' | 'zone' | 'cidr';
type NodeLabel = 'node' | 'instance_type';
type QuotaLabel = 'capacity_type' | 'quota_class';

export interface PodcapMetrics {
  readonly registry: Registry;
  readonly subnetUsableAddresses: Gauge<SubnetLabel>;
  readonly subnetFreeAddresses: Gauge<SubnetLabel>;
  readonly subnetUsedAddresses: Gauge<SubnetLabel | 'use'>;
  readonly subnetPodsUntilExhaustion: Gauge<'subnet' | 'zone'>;
  readonly subnetPodsUntilPrefixFailure: Gauge<'subnet' | 'zone'>;
  readonly nodePodIps: Gauge<NodeLabel>;
  readonly nodePodsAdmitted: Gauge<NodeLabel>;
  readonly nodePodsNeedingIp: Gauge<NodeLabel>;
  readonly nodePodIpsFree: Gauge<NodeLabel>;
  readonly nodeHostNetworkPods: Gauge<NodeLabel>;
  readonly vcpuQuota: Gauge<QuotaLabel>;
  readonly vcpusInUse: Gauge<QuotaLabel>;
  readonly findings: Gauge<'code' | 'severity'>;
  readonly lastRefreshTimestamp: Gauge;
  readonly refreshDuration: Gauge;
  readonly refreshErrors: Counter;
}

/** The `use` label values, in SubnetUse's order. */
export const SUBNET_USES: readonly (keyof SubnetUse)[] = ['nodes', 'enis', 'pods', 'warm', 'other'];

/** A registry of its own with every podcap metric registered. */
export function createMetrics(): PodcapMetrics {
  const registry = new Registry();
  const registers = [registry];
  const subnetLabels: SubnetLabel[] = ['subnet', 'zone', 'cidr'];
  const nodeLabels: NodeLabel[] = ['node', 'instance_type'];
  const quotaLabels: QuotaLabel[] = ['capacity_type', 'quota_class'];
  return {
    registry,
    subnetUsableAddresses: new Gauge({
      name: 'podcap_subnet_usable_addresses',
      help: "Addresses of the subnet's CIDR less the 5 AWS keeps.",
      labelNames: subnetLabels,
      registers,
    }),
    subnetFreeAddresses: new Gauge({
      name: 'podcap_subnet_free_addresses',
      help: 'Addresses EC2 reports free in the subnet (AvailableIpAddressCount).',
      labelNames: subnetLabels,
      registers,
    }),
    subnetUsedAddresses: new Gauge({
      name: 'podcap_subnet_used_addresses',
      help: "Used addresses of the subnet by use: nodes' primary addresses, secondary ENIs' primaries, pods, ipamd's warm pool, other.",
      labelNames: [...subnetLabels, 'use'],
      registers,
    }),
    subnetPodsUntilExhaustion: new Gauge({
      name: 'podcap_subnet_pods_until_exhaustion',
      help: 'More pods that fit before the subnet runs out of addresses at the current density and warm settings; absent when unknown.',
      labelNames: ['subnet', 'zone'],
      registers,
    }),
    subnetPodsUntilPrefixFailure: new Gauge({
      name: 'podcap_subnet_pods_until_prefix_failure',
      help: 'With prefix delegation: more pods before no free aligned /28 may be left (worst-case fragmentation); absent otherwise.',
      labelNames: ['subnet', 'zone'],
      registers,
    }),
    nodePodIps: new Gauge({
      name: 'podcap_node_pod_ips',
      help: "Pod IPs the VPC CNI can give on the node under the cluster's settings; absent for an unknown instance type.",
      labelNames: nodeLabels,
      registers,
    }),
    nodePodsAdmitted: new Gauge({
      name: 'podcap_node_pods_admitted',
      help: 'Pods the kubelet admits on the node (maxPods, status.capacity.pods).',
      labelNames: nodeLabels,
      registers,
    }),
    nodePodsNeedingIp: new Gauge({
      name: 'podcap_node_pods_needing_ip',
      help: 'Pods on the node that need a pod IP (not hostNetwork).',
      labelNames: nodeLabels,
      registers,
    }),
    nodePodIpsFree: new Gauge({
      name: 'podcap_node_pod_ips_free',
      help: 'Pod IPs the VPC CNI can still give on the node (pod IPs less pods holding one, not below 0); absent for an unknown instance type.',
      labelNames: nodeLabels,
      registers,
    }),
    nodeHostNetworkPods: new Gauge({
      name: 'podcap_node_host_network_pods',
      help: "Pods on the node in the host's network namespace: they take a pod slot but no pod IP.",
      labelNames: nodeLabels,
      registers,
    }),
    vcpuQuota: new Gauge({
      name: 'podcap_vcpu_quota',
      help: 'The EC2 vCPU quota of the Service Quotas class and capacity type; absent when none was read.',
      labelNames: quotaLabels,
      registers,
    }),
    vcpusInUse: new Gauge({
      name: 'podcap_vcpus_in_use',
      help: "vCPUs of the cluster's nodes in the Service Quotas class and capacity type.",
      labelNames: quotaLabels,
      registers,
    }),
    findings: new Gauge({
      name: 'podcap_findings',
      help: "Findings of podcap's last analysis of the cluster, by code and severity.",
      labelNames: ['code', 'severity'],
      registers,
    }),
    lastRefreshTimestamp: new Gauge({
      name: 'podcap_last_refresh_timestamp_seconds',
      help: 'Unix time of the last refresh that read the cluster and analysed it without error.',
      registers,
    }),
    refreshDuration: new Gauge({
      name: 'podcap_refresh_duration_seconds',
      help: 'How long the last refresh took, read and analysis, successful or not.',
      registers,
    }),
    refreshErrors: new Counter({
      name: 'podcap_refresh_errors_total',
      help: 'Refreshes that failed (the metrics then keep the last good values).',
      registers,
    }),
  };
}

/** Every metric name createMetrics registers. */
export const METRIC_NAMES: readonly string[] = [
  'podcap_subnet_usable_addresses',
  'podcap_subnet_free_addresses',
  'podcap_subnet_used_addresses',
  'podcap_subnet_pods_until_exhaustion',
  'podcap_subnet_pods_until_prefix_failure',
  'podcap_node_pod_ips',
  'podcap_node_pods_admitted',
  'podcap_node_pods_needing_ip',
  'podcap_node_pod_ips_free',
  'podcap_node_host_network_pods',
  'podcap_vcpu_quota',
  'podcap_vcpus_in_use',
  'podcap_findings',
  'podcap_last_refresh_timestamp_seconds',
  'podcap_refresh_duration_seconds',
  'podcap_refresh_errors_total',
];

/** Replaces the subnet, node, quota and finding series with those of `result`. */
export function updateMetrics(metrics: PodcapMetrics, result: DoctorResult): void {
  for (const gauge of [
    metrics.subnetUsableAddresses,
    metrics.subnetFreeAddresses,
    metrics.subnetUsedAddresses,
    metrics.subnetPodsUntilExhaustion,
    metrics.subnetPodsUntilPrefixFailure,
    metrics.nodePodIps,
    metrics.nodePodsAdmitted,
    metrics.nodePodsNeedingIp,
    metrics.nodePodIpsFree,
    metrics.nodeHostNetworkPods,
    metrics.vcpuQuota,
    metrics.vcpusInUse,
    metrics.findings,
  ] as const) {
    gauge.reset();
  }

  for (const subnet of result.subnets) {
    const labels = { subnet: subnet.id, zone: subnet.zone, cidr: subnet.cidr };
    metrics.subnetUsableAddresses.set(labels, subnet.usable);
    metrics.subnetFreeAddresses.set(labels, subnet.free);
    for (const use of SUBNET_USES) metrics.subnetUsedAddresses.set({ ...labels, use }, subnet.use[use]);
    const short = { subnet: subnet.id, zone: subnet.zone };
    if (subnet.podsUntilDry !== null) metrics.subnetPodsUntilExhaustion.set(short, subnet.podsUntilDry);
    if (subnet.podsUntilPrefixFailure !== null) {
      metrics.subnetPodsUntilPrefixFailure.set(short, subnet.podsUntilPrefixFailure);
    }
  }

  for (const node of result.nodes) {
    // An empty label value is Prometheus's "no value": the node has no instance-type label.
    const labels = { node: node.node, instance_type: node.instanceType ?? '' };
    metrics.nodePodsAdmitted.set(labels, node.maxPods);
    metrics.nodePodsNeedingIp.set(labels, node.podsNeedingIp);
    metrics.nodeHostNetworkPods.set(labels, node.hostNetworkPods);
    if (node.podIps !== null) {
      metrics.nodePodIps.set(labels, node.podIps);
      metrics.nodePodIpsFree.set(labels, Math.max(0, node.podIps - node.podsWithIp));
    }
  }

  for (const quota of result.quotas ?? []) {
    const labels = { capacity_type: quota.capacityType, quota_class: quota.quotaClass };
    metrics.vcpusInUse.set(labels, quota.usedVcpus);
    if (quota.limitVcpus !== null) metrics.vcpuQuota.set(labels, quota.limitVcpus);
  }

  for (const finding of result.findings) {
    metrics.findings.inc({ code: finding.code, severity: finding.severity });
  }
}

/** A refresh that ended (in error or not) at `finishedAtMs` after `durationMs`. */
export function recordRefresh(
  metrics: PodcapMetrics,
  refresh: { readonly finishedAtMs: number; readonly durationMs: number; readonly ok: boolean },
): void {
  metrics.refreshDuration.set(refresh.durationMs / 1000);
  if (refresh.ok) metrics.lastRefreshTimestamp.set(refresh.finishedAtMs / 1000);
  else metrics.refreshErrors.inc();
}
