/**
 * The edge that reads a real cluster live, read-only: Kubernetes list calls (paginated) and the AWS
 * describe and list calls of permissions.ts, fed to the same cluster builder that reads exported files.
 *
 * Subnets: every subnet of the cluster's VPC, because pods may take addresses outside the nodes' own
 * subnets (custom networking's ENIConfig subnets, Karpenter's subnetSelectorTerms); the analysis decides
 * which matter. The VPC is `--vpc`, else the VPC of the nodes' instances (DescribeInstances on up to 20
 * instance ids from the nodes' providerIDs).
 *
 * AWS region: `--region`, else the region of the nodes' zone in their providerID (the cluster's own
 * region, whatever the shell's profile says), else the SDK's default chain.
 *
 * A missing AWS region, credentials or permission is not fatal: what it would have read is skipped with a
 * note in `read` (the analysis then reports the input as incomplete). So is a Karpenter or VPC resource
 * controller CRD that the cluster does not serve.
 */

import {
  DescribeInstancesCommand,
  DescribeSubnetsCommand,
  EC2Client,
  type Subnet as Ec2Subnet,
} from '@aws-sdk/client-ec2';
import { ListServiceQuotasCommand, type ServiceQuota, ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import type { KubeConfig } from '@kubernetes/client-node';
import { ClusterBuilder } from '../cluster/cluster-builder.js';
import type { ClusterSource, ClusterState } from '../cluster/cluster-state.js';
import { InputError } from '../input/input-error.js';
import { KubernetesListError, type KubernetesLister } from './kubernetes-lister.js';
import { apiVersionOf, LIVE_RESOURCES, type LiveResource } from './live-resources.js';

/** The cluster builder's contract (src/cluster/cluster-builder.ts): kubectl and AWS CLI JSON in, ClusterState out. */
export interface ClusterStateBuilder {
  /** Registers a call, so that an empty list still has its `read` line. */
  noteFile?(file: string): void;
  addObject(object: unknown, source: ClusterSource): void;
  addSubnets(response: unknown, source: ClusterSource): void;
  addQuotas(response: unknown, source: ClusterSource): void;
  build(): ClusterState;
}

/** Items a Kubernetes list page asks for: 150,000 pods come in 300 responses, never one. */
export const DEFAULT_PAGE_SIZE = 500;

/** Instances asked about to find the VPC: one answers it; a few cover nodes that are already gone. */
const VPC_PROBE_INSTANCES = 20;

/** The Service Quotas service code of EC2's vCPU quotas. */
const EC2_SERVICE_CODE = 'ec2';

/** Everything the live source talks through; each is made from the environment when absent. */
export interface LiveClients {
  /** Lists Kubernetes collections; default: client-node on `kubeConfig`. */
  readonly kubernetes?: KubernetesLister | undefined;
  /** Default: the kubeconfig kubectl would use, at `context`. */
  readonly kubeConfig?: KubeConfig | undefined;
  /** Default: an EC2Client in the resolved region. */
  readonly ec2?: EC2Client | undefined;
  /** Default: a ServiceQuotasClient in the resolved region. */
  readonly serviceQuotas?: ServiceQuotasClient | undefined;
  /** Default: the cluster builder of src/cluster. */
  readonly createBuilder?: (() => ClusterStateBuilder) | undefined;
}

export interface LiveClusterOptions {
  /** A kubeconfig context (`--context`); the current context when absent. */
  readonly context?: string | undefined;
  /** The AWS region (`--region`); else the nodes' region, else the SDK's default chain. */
  readonly region?: string | undefined;
  /** The VPC whose subnets are read (`--vpc`); else the VPC of the nodes' instances. */
  readonly vpcId?: string | undefined;
  /** Items per Kubernetes list page; default 500. */
  readonly pageSize?: number | undefined;
  readonly clients?: LiveClients | undefined;
}

/** A live call failed for a reason podcap cannot work around (network, server error, RBAC). */
export class LiveReadError extends Error {
  readonly code = 'LIVE_READ_FAILED';
  constructor(
    /** `live:pods`, `live:ec2:DescribeSubnets`… */
    readonly call: string,
    message: string,
    options?: { readonly cause?: unknown },
  ) {
    super(`${call}: ${message}`, options);
    this.name = 'LiveReadError';
  }
}

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').trim();
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : '';
}

/** `spec.providerID` of a Node object as kubectl prints it. */
function providerIdOf(object: unknown): string | null {
  if (typeof object !== 'object' || object === null || !('spec' in object)) return null;
  const spec = object.spec;
  if (typeof spec !== 'object' || spec === null || !('providerID' in spec)) return null;
  return typeof spec.providerID === 'string' ? spec.providerID : null;
}

const AWS_PROVIDER_ID = /^aws:\/\/\/([a-z0-9-]+)\/(i-[0-9a-f]+)$/;
/** `us-west-2` of `us-west-2a`, of the Local Zone `us-west-2-lax-1a`, of `us-gov-west-1b`. */
const REGION_OF_ZONE = /^([a-z]{2}(?:-[a-z]+)+-\d+)/;

/** The EC2 instance id and region of an EKS node's providerID (`aws:///us-west-2a/i-0123456789abcdef0`). */
export function parseProviderId(providerId: string): { readonly instanceId: string; readonly region: string } | null {
  const match = AWS_PROVIDER_ID.exec(providerId);
  const zone = match?.[1];
  const instanceId = match?.[2];
  const region = zone === undefined ? undefined : REGION_OF_ZONE.exec(zone)?.[1];
  return instanceId === undefined || region === undefined ? null : { instanceId, region };
}

interface KubernetesRead {
  readonly providerIds: readonly string[];
  /** Notes on what was skipped; the builder writes a line per call with what it read. */
  readonly notes: readonly string[];
}

async function listAll(
  lister: KubernetesLister,
  resource: LiveResource,
  pageSize: number,
  onItem: (item: unknown, index: number) => void,
): Promise<void> {
  const seen = new Set<string>();
  let continueToken: string | undefined;
  let items = 0;
  do {
    const page = await lister.list({ resource, limit: pageSize, continueToken });
    for (const item of page.items) {
      onItem(item, items);
      items += 1;
    }
    continueToken = page.continueToken;
    if (continueToken !== undefined) {
      if (seen.has(continueToken)) throw new Error('the API server returned the same continue token twice');
      seen.add(continueToken);
    }
  } while (continueToken !== undefined);
}

async function readKubernetes(
  lister: KubernetesLister,
  builder: ClusterStateBuilder,
  pageSize: number,
): Promise<KubernetesRead> {
  const providerIds: string[] = [];
  const notes: string[] = [];
  const absent: LiveResource[] = [];
  for (const resource of LIVE_RESOURCES) {
    const file = `live:${resource.name}`;
    try {
      await listAll(lister, resource, pageSize, (item, index) => {
        builder.addObject(item, { file, index });
        if (resource.name === 'nodes') {
          const providerId = providerIdOf(item);
          if (providerId !== null) providerIds.push(providerId);
        }
      });
      builder.noteFile?.(file);
    } catch (error) {
      if (error instanceof KubernetesListError && error.status === 404 && resource.optional) {
        absent.push(resource);
        continue;
      }
      // An object the builder cannot read already names the call and the item.
      if (error instanceof InputError) throw error;
      throw new LiveReadError(file, messageOf(error), { cause: error });
    }
  }
  const byApiVersion = new Map<string, string[]>();
  for (const resource of absent) {
    const apiVersion = apiVersionOf(resource);
    byApiVersion.set(apiVersion, [...(byApiVersion.get(apiVersion) ?? []), resource.name]);
  }
  for (const [apiVersion, names] of byApiVersion) {
    notes.push(`live: ${apiVersion} ${names.join(', ')} not served (no such CRD): skipped`);
  }
  return { providerIds, notes };
}

/** `--region`, else the region most of the nodes' providerIDs name; undefined leaves it to the SDK. */
function chooseRegion(explicit: string | undefined, providerIds: readonly string[]): string | undefined {
  if (explicit !== undefined) return explicit;
  const counts = new Map<string, number>();
  for (const providerId of providerIds) {
    const region = parseProviderId(providerId)?.region;
    if (region !== undefined) counts.set(region, (counts.get(region) ?? 0) + 1);
  }
  let best: string | undefined;
  for (const [region, count] of counts) {
    if (best === undefined || count > (counts.get(best) ?? 0)) best = region;
  }
  return best;
}

/** Why an AWS call could not be made that the user can fix, or null for any other failure. */
function configurationProblem(error: unknown): string | null {
  const name = errorName(error);
  if (name === 'UnauthorizedOperation' || name === 'AccessDeniedException' || name === 'AccessDenied') {
    return 'access denied';
  }
  if (name === 'CredentialsProviderError') return 'no AWS credentials';
  if (/region is missing/i.test(messageOf(error))) return 'no AWS region (pass --region or set AWS_REGION)';
  return null;
}

async function findVpcIds(ec2: EC2Client, providerIds: readonly string[]): Promise<readonly string[]> {
  const instanceIds = [...new Set(providerIds.flatMap((id) => parseProviderId(id)?.instanceId ?? []))].slice(
    0,
    VPC_PROBE_INSTANCES,
  );
  if (instanceIds.length === 0) return [];
  // A filter rather than InstanceIds: an id of a terminated node makes InstanceIds fail the whole call.
  const response = await ec2.send(
    new DescribeInstancesCommand({ Filters: [{ Name: 'instance-id', Values: instanceIds }], MaxResults: 1000 }),
  );
  const vpcIds = new Set<string>();
  for (const reservation of response.Reservations ?? []) {
    for (const instance of reservation.Instances ?? []) {
      if (instance.VpcId !== undefined) vpcIds.add(instance.VpcId);
    }
  }
  return [...vpcIds].sort();
}

async function describeSubnets(ec2: EC2Client, vpcIds: readonly string[]): Promise<readonly Ec2Subnet[]> {
  const subnets: Ec2Subnet[] = [];
  const seen = new Set<string>();
  let nextToken: string | undefined;
  do {
    const page = await ec2.send(
      new DescribeSubnetsCommand({
        Filters: [{ Name: 'vpc-id', Values: [...vpcIds] }],
        MaxResults: 1000,
        NextToken: nextToken,
      }),
    );
    subnets.push(...(page.Subnets ?? []));
    nextToken = page.NextToken === '' ? undefined : page.NextToken;
    if (nextToken !== undefined) {
      if (seen.has(nextToken)) throw new Error('DescribeSubnets returned the same NextToken twice');
      seen.add(nextToken);
    }
  } while (nextToken !== undefined);
  return subnets;
}

async function listQuotas(client: ServiceQuotasClient): Promise<readonly ServiceQuota[]> {
  const quotas: ServiceQuota[] = [];
  const seen = new Set<string>();
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new ListServiceQuotasCommand({ ServiceCode: EC2_SERVICE_CODE, MaxResults: 100, NextToken: nextToken }),
    );
    quotas.push(...(page.Quotas ?? []));
    nextToken = page.NextToken === '' ? undefined : page.NextToken;
    if (nextToken !== undefined) {
      if (seen.has(nextToken)) throw new Error('ListServiceQuotas returned the same NextToken twice');
      seen.add(nextToken);
    }
  } while (nextToken !== undefined);
  return quotas;
}

async function readSubnets(
  ec2: EC2Client,
  builder: ClusterStateBuilder,
  vpcId: string | undefined,
  providerIds: readonly string[],
): Promise<readonly string[]> {
  let vpcIds: readonly string[];
  const notes: string[] = [];
  if (vpcId !== undefined) {
    vpcIds = [vpcId];
  } else {
    try {
      vpcIds = await findVpcIds(ec2, providerIds);
    } catch (error) {
      const problem = configurationProblem(error);
      if (problem === null) throw new LiveReadError('live:ec2:DescribeInstances', messageOf(error), { cause: error });
      return [`live:ec2:DescribeInstances: ${problem}: the VPC is unknown, subnets not read (or pass --vpc)`];
    }
    if (vpcIds.length === 0) {
      return [
        'live:ec2:DescribeInstances: no node names an EC2 instance of this region: subnets not read (pass --vpc)',
      ];
    }
    notes.push(`live:ec2:DescribeInstances: the nodes' instances are in ${vpcIds.join(', ')}`);
  }
  try {
    const subnets = await describeSubnets(ec2, vpcIds);
    builder.addSubnets({ Subnets: subnets }, { file: 'live:ec2:DescribeSubnets', index: null });
    return notes;
  } catch (error) {
    const problem = configurationProblem(error);
    if (problem === null) throw new LiveReadError('live:ec2:DescribeSubnets', messageOf(error), { cause: error });
    return [...notes, `live:ec2:DescribeSubnets: ${problem}: subnets not read`];
  }
}

async function readQuotas(client: ServiceQuotasClient, builder: ClusterStateBuilder): Promise<readonly string[]> {
  try {
    const quotas = await listQuotas(client);
    builder.addQuotas({ Quotas: quotas }, { file: 'live:servicequotas:ListServiceQuotas', index: null });
    return [];
  } catch (error) {
    const problem = configurationProblem(error);
    if (problem === null) {
      throw new LiveReadError('live:servicequotas:ListServiceQuotas', messageOf(error), { cause: error });
    }
    return [`live:servicequotas:ListServiceQuotas: ${problem}: quota headroom not reported`];
  }
}

/**
 * The lister readLiveCluster uses when none is injected: client-node on `clients.kubeConfig`, else on the
 * kubeconfig kubectl would use at `context`. Made once, it keeps client-node's cached credentials (an
 * exec plugin's token) across the exporter's refreshes.
 */
export async function createKubernetesLister(options: LiveClusterOptions = {}): Promise<KubernetesLister> {
  const client = await import('./kubernetes-client.js');
  return client.kubeConfigLister(options.clients?.kubeConfig ?? client.loadKubeConfig(options.context));
}

/**
 * Reads the cluster of the current (or given) kubeconfig context and its VPC's subnets and EC2 quotas,
 * with list and describe calls only (permissions.ts names them), into a ClusterState. `read` ends with a
 * line per call and a note for each part skipped. Throws LiveReadError when a call fails for a reason
 * other than a missing CRD or a missing AWS region, credential or permission.
 */
export async function readLiveCluster(options: LiveClusterOptions = {}): Promise<ClusterState> {
  const clients = options.clients ?? {};
  const builder = clients.createBuilder?.() ?? new ClusterBuilder();
  const lister = clients.kubernetes ?? (await createKubernetesLister(options));
  const kubernetes = await readKubernetes(lister, builder, options.pageSize ?? DEFAULT_PAGE_SIZE);

  const region = chooseRegion(options.region, kubernetes.providerIds);
  const awsConfig = region === undefined ? {} : { region };
  const ec2 = clients.ec2 ?? new EC2Client(awsConfig);
  const serviceQuotas = clients.serviceQuotas ?? new ServiceQuotasClient(awsConfig);
  let subnetLines: readonly string[];
  let quotaLines: readonly string[];
  try {
    subnetLines = await readSubnets(ec2, builder, options.vpcId, kubernetes.providerIds);
    quotaLines = await readQuotas(serviceQuotas, builder);
  } finally {
    // Clients made here are closed here (their sockets would keep the exporter's refreshes piling up).
    if (clients.ec2 === undefined) ec2.destroy();
    if (clients.serviceQuotas === undefined) serviceQuotas.destroy();
  }

  const state = builder.build();
  const target = `live: Kubernetes ${lister.target}${region === undefined ? '' : `, AWS ${region}`}`;
  return { ...state, read: [target, ...state.read, ...kubernetes.notes, ...subnetLines, ...quotaLines] };
}
