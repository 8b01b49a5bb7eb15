/**
 * The Kubernetes resources `podcap doctor --live` and `podcap exporter --live` list, in the order they are
 * read. One table for the live source; permissions.ts writes the ClusterRole that covers it by hand and a
 * test holds the two together.
 */

export type LiveResourceName =
  | 'nodes'
  | 'pods'
  | 'events'
  | 'deployments'
  | 'statefulsets'
  | 'daemonsets'
  | 'nodepools'
  | 'nodeclaims'
  | 'ec2nodeclasses'
  | 'securitygrouppolicies';

export interface LiveResource {
  /** The plural resource name, as RBAC and the API path spell it. */
  readonly name: LiveResourceName;
  /** API group; '' for the core group. */
  readonly group: string;
  readonly version: string;
  /** The kind of each item (list items come without it). */
  readonly kind: string;
  /** Namespaced resources are listed across all namespaces. */
  readonly namespaced: boolean;
  /** Served by a CRD that may be absent: a 404 skips it with a note instead of failing. */
  readonly optional: boolean;
}

export const LIVE_RESOURCES: readonly LiveResource[] = [
  { name: 'nodes', group: '', version: 'v1', kind: 'Node', namespaced: false, optional: false },
  { name: 'pods', group: '', version: 'v1', kind: 'Pod', namespaced: true, optional: false },
  { name: 'events', group: '', version: 'v1', kind: 'Event', namespaced: true, optional: false },
  { name: 'deployments', group: 'apps', version: 'v1', kind: 'Deployment', namespaced: true, optional: false },
  { name: 'statefulsets', group: 'apps', version: 'v1', kind: 'StatefulSet', namespaced: true, optional: false },
  { name: 'daemonsets', group: 'apps', version: 'v1', kind: 'DaemonSet', namespaced: true, optional: false },
  { name: 'nodepools', group: 'karpenter.sh', version: 'v1', kind: 'NodePool', namespaced: false, optional: true },
  { name: 'nodeclaims', group: 'karpenter.sh', version: 'v1', kind: 'NodeClaim', namespaced: false, optional: true },
  {
    name: 'ec2nodeclasses',
    group: 'karpenter.k8s.aws',
    version: 'v1',
    kind: 'EC2NodeClass',
    namespaced: false,
    optional: true,
  },
  {
    name: 'securitygrouppolicies',
    group: 'vpcresources.k8s.aws',
    version: 'v1beta1',
    kind: 'SecurityGroupPolicy',
    namespaced: true,
    optional: true,
  },
];

/** `v1`, `apps/v1`, `karpenter.sh/v1`: the apiVersion each item carries. */
export function apiVersionOf(resource: LiveResource): string {
  return resource.group === '' ? resource.version : `${resource.group}/${resource.version}`;
}

/** The collection's path on the API server, across all namespaces: `/api/v1/pods`, `/apis/apps/v1/deployments`. */
export function collectionPathOf(resource: LiveResource): string {
  return resource.group === ''
    ? `/api/${resource.version}/${resource.name}`
    : `/apis/${resource.group}/${resource.version}/${resource.name}`;
}

/** `pods`, `deployments.apps`, `nodepools.karpenter.sh`: the name kubectl and RBAC errors use. */
export function qualifiedNameOf(resource: LiveResource): string {
  return resource.group === '' ? resource.name : `${resource.name}.${resource.group}`;
}
