/**
 * The one thing the live source asks of Kubernetes: a page of a collection. The real implementation
 * (kubernetes-client.ts) sits on @kubernetes/client-node; tests inject one that serves recorded pages.
 */

import { type LiveResource, qualifiedNameOf } from './live-resources.js';

export interface ListRequest {
  readonly resource: LiveResource;
  /** Items a page holds at most (`limit`). */
  readonly limit: number;
  /** The previous page's `metadata.continue`; undefined for the first page. */
  readonly continueToken: string | undefined;
}

export interface ListPage {
  /** Items as `kubectl get -o json` prints them: apiVersion and kind set, timestamps as RFC 3339 strings. */
  readonly items: readonly unknown[];
  /** `metadata.continue`; undefined on the last page. */
  readonly continueToken: string | undefined;
}

export interface KubernetesLister {
  /** What it reads, for the `read` lines: `context prod (https://ABC.gr7.us-west-2.eks.amazonaws.com)`. */
  readonly target: string;
  /** One page; rejects with KubernetesListError when the API server answers with an error status. */
  list(request: ListRequest): Promise<ListPage>;
}

/** The API server refused a list: 403 (RBAC), 404 (CRD absent), 410 (continue token expired)… */
export class KubernetesListError extends Error {
  constructor(
    readonly resource: LiveResource,
    readonly status: number,
    reason: string,
  ) {
    super(`list ${qualifiedNameOf(resource)}: HTTP ${status}${reason === '' ? '' : `: ${reason}`}`);
    this.name = 'KubernetesListError';
  }
}

/** The `message` of a Kubernetes Status body (JSON text or object); '' when there is none. */
export function statusMessageOf(body: unknown): string {
  let status: unknown = body;
  if (typeof body === 'string') {
    try {
      status = JSON.parse(body);
    } catch {
      return body.slice(0, 200);
    }
  }
  if (typeof status === 'object' && status !== null && 'message' in status && typeof status.message === 'string') {
    return status.message;
  }
  return '';
}
