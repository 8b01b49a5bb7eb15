/**
 * The shapes the local JSON API of `podcap serve` answers with, apart from the handlers so that the
 * browser code can import them without pulling in the node-only modules behind the handlers.
 */

import type { IpsPlanJson } from '../cli/ips-command.js';
import type { CniMode } from '../core/node-config.js';
import type { nodeCapacityJson } from '../report/node-json.js';
import type { ReportData } from '../report/report-data.js';

/** The error body of every 4xx answer; the InputError fields only for a scenario the loader refused. */
export interface ApiError {
  readonly message: string;
  /** The query or body field at fault, when one is. */
  readonly field?: string;
  readonly file?: string;
  readonly fieldPath?: string;
  readonly expected?: string;
  readonly found?: string;
  /** 1-based line of the pasted YAML that `fieldPath` points at; null when it points at no one place. */
  readonly line?: number | null;
}

/** The settings the explorer varies; everything else is a current EKS default. */
export interface ExplorerSettings {
  readonly ami: 'al2' | 'al2023' | 'bottlerocket' | 'custom';
  readonly launchedBy: 'karpenter' | 'node-group';
  readonly cni: CniMode;
  readonly podEni: boolean;
  readonly reservedEnis: number;
  readonly karpenterVersion: string;
}

export interface ExplorerMismatch {
  readonly code: string;
  readonly severity: 'error' | 'warning' | 'info';
}

/** One catalog type under the settings: raw numbers to sort by, Kubernetes quantities to show. */
export interface ExplorerRow {
  readonly type: string;
  readonly family: string;
  readonly vcpu: number | null;
  readonly memoryMib: number | null;
  /** null when the node does not come up (AL2 bootstrap fails for a type it does not know). */
  readonly maxPods: number | null;
  readonly podIps: number;
  readonly allocatableCpuMillis: number | null;
  readonly allocatableCpu: string | null;
  readonly allocatableMemoryBytes: number | null;
  readonly allocatableMemory: string | null;
  readonly karpenterAllocatableMemoryBytes: number | null;
  readonly karpenterAllocatableMemory: string | null;
  readonly mismatches: readonly ExplorerMismatch[];
}

export interface CatalogResponse {
  readonly settings: ExplorerSettings;
  readonly assumed: readonly string[];
  readonly rows: readonly ExplorerRow[];
}

export type NodeDetail = ReturnType<typeof nodeCapacityJson>;

export interface CatalogDetailResponse {
  readonly settings: ExplorerSettings;
  readonly detail: NodeDetail;
}

export interface IpsRequest {
  readonly instanceType: string;
  readonly podsPerNode: number;
  readonly nodes?: number;
  readonly pods?: number;
  /** aws-node variables, `NAME=VALUE` each. */
  readonly env?: readonly string[];
  /** Node subnets, `eniconfig:CIDR` for ENIConfig subnets. */
  readonly subnets?: readonly string[];
  readonly headroom?: number;
}

export type IpsResponse = IpsPlanJson;

export interface ExampleSummary {
  readonly name: string;
  /** The scenario file's first comment line: what the example shows. */
  readonly title: string;
}

export interface ExamplesResponse {
  readonly examples: readonly ExampleSummary[];
}

export interface ExampleResponse {
  readonly name: string;
  readonly yaml: string;
}

export type SimulateResponse = ReportData;
