/**
 * The browser's side of the local JSON API (src/serve/api.ts): one typed function per endpoint, each
 * resolving to a value or to the API's error, never throwing for a 4xx.
 */

import type {
  ApiError,
  CatalogDetailResponse,
  CatalogResponse,
  ExampleResponse,
  ExamplesResponse,
  ExplorerSettings,
  IpsRequest,
  IpsResponse,
  SimulateResponse,
} from '../../src/serve/api-types.js';

export type {
  ApiError,
  CatalogDetailResponse,
  CatalogResponse,
  ExampleResponse,
  ExamplesResponse,
  ExplorerRow,
  ExplorerSettings,
  IpsRequest,
  IpsResponse,
  NodeDetail,
  SimulateResponse,
} from '../../src/serve/api-types.js';

export type ApiResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly status: number; readonly error: ApiError };

async function call<T>(path: string, init: RequestInit = {}): Promise<ApiResult<T>> {
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    return { ok: false, status: 0, error: { message: `podcap serve is not answering (${String(error)})` } };
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    return { ok: false, status: response.status, error: { message: `HTTP ${response.status}: not JSON` } };
  }
  if (response.ok) return { ok: true, value: body as T };
  const error = (body as { error?: ApiError }).error ?? { message: `HTTP ${response.status}` };
  return { ok: false, status: response.status, error };
}

function post<T>(path: string, body: unknown): Promise<ApiResult<T>> {
  return call<T>(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

/** The explorer's settings as a query; an empty Karpenter version is left to the server's default. */
export function settingsQuery(settings: ExplorerSettings): string {
  const query = new URLSearchParams({
    ami: settings.ami,
    launchedBy: settings.launchedBy,
    cni: settings.cni,
    podEni: String(settings.podEni),
    reservedEnis: String(settings.reservedEnis),
  });
  if (settings.karpenterVersion !== '') query.set('karpenterVersion', settings.karpenterVersion);
  return query.toString();
}

export const api = {
  catalog: (settings: ExplorerSettings) => call<CatalogResponse>(`/api/catalog?${settingsQuery(settings)}`),
  detail: (type: string, settings: ExplorerSettings) =>
    call<CatalogDetailResponse>(`/api/catalog/${encodeURIComponent(type)}?${settingsQuery(settings)}`),
  ips: (request: IpsRequest) => post<IpsResponse>('/api/ips', request),
  examples: () => call<ExamplesResponse>('/api/examples'),
  example: (name: string) => call<ExampleResponse>(`/api/examples/${encodeURIComponent(name)}`),
  simulate: (yaml: string) => post<SimulateResponse>('/api/simulate', { yaml }),
};
