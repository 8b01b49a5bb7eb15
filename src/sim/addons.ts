/**
 * The EKS default add-ons a scenario may name in `spec.addons`, with the requests, tolerations and
 * host networking of their EKS manifests, so that they take the pods slots, CPU and memory they take
 * on a real node.
 */

import { MEBIBYTE } from '../core/quantity.js';
import type { AddonName, PodTemplate, ResourceRequests, Workload } from './model.js';

function requests(cpuMillis: number, memoryBytes: number): ResourceRequests {
  return { cpuMillis, memoryBytes, extended: new Map(), cpuUnset: cpuMillis === 0, memoryUnset: memoryBytes === 0 };
}

function template(partial: Partial<PodTemplate> & Pick<PodTemplate, 'labels' | 'requests'>): PodTemplate {
  return {
    serviceAccountName: 'default',
    hostNetwork: false,
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    requiredNodeAffinity: null,
    tolerations: [],
    topologySpreadConstraints: [],
    ...partial,
  };
}

const TOLERATE_EVERYTHING = [{ key: '', operator: 'Exists', value: '', effect: null }] as const;

/** The workload each add-on runs, in kube-system. */
export function addonWorkload(name: AddonName): Workload {
  switch (name) {
    case 'aws-node':
      // amazon-vpc-cni-k8s config/master/aws-k8s-cni.yaml: hostNetwork, requests cpu 25m, tolerates all taints.
      return {
        kind: 'DaemonSet',
        id: { kind: 'DaemonSet', namespace: 'kube-system', name: 'aws-node' },
        template: template({
          labels: { 'k8s-app': 'aws-node' },
          serviceAccountName: 'aws-node',
          requests: requests(25, 0),
          hostNetwork: true,
          tolerations: TOLERATE_EVERYTHING,
        }),
        source: null,
      };
    case 'kube-proxy':
      // The EKS kube-proxy add-on DaemonSet: hostNetwork, requests cpu 100m, tolerates all taints.
      return {
        kind: 'DaemonSet',
        id: { kind: 'DaemonSet', namespace: 'kube-system', name: 'kube-proxy' },
        template: template({
          labels: { 'k8s-app': 'kube-proxy' },
          serviceAccountName: 'kube-proxy',
          requests: requests(100, 0),
          hostNetwork: true,
          tolerations: TOLERATE_EVERYTHING,
        }),
        source: null,
      };
    case 'coredns':
      // The EKS CoreDNS add-on: 2 replicas, requests cpu 100m and memory 70Mi, pod IPs from the VPC CNI,
      // tolerates CriticalAddonsOnly and the control-plane taint, spreads over zones when it can.
      return {
        kind: 'Deployment',
        id: { kind: 'Deployment', namespace: 'kube-system', name: 'coredns' },
        replicas: 2,
        template: template({
          labels: { 'k8s-app': 'kube-dns', 'eks.amazonaws.com/component': 'coredns' },
          serviceAccountName: 'coredns',
          requests: requests(100, 70 * MEBIBYTE),
          tolerations: [
            { key: 'CriticalAddonsOnly', operator: 'Exists', value: '', effect: null },
            { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', value: '', effect: 'NoSchedule' },
          ],
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'topology.kubernetes.io/zone',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: { 'k8s-app': 'kube-dns' }, matchExpressions: [] },
              minDomains: null,
              nodeAffinityPolicy: 'Honor',
              nodeTaintsPolicy: 'Ignore',
              matchLabelKeys: [],
            },
          ],
        }),
        source: null,
      };
  }
}
