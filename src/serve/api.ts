/**
 * The local JSON API of `podcap serve`, as pure handlers: a request (method, path, query, body text)
 * and a context (the catalog, the bundled examples) in, a status and a JSON value out. No sockets and
 * no files here; server.ts does the I/O. Every query and body value is validated with zod, and bad
 * input answers 400 with one line naming the field.
 */

import { z } from 'zod';
import { type IpsCommandOptions, ipsPlanJson } from '../cli/ips-command.js';
import { computeNodeCapacities, type NodeCommandOptions } from '../cli/node-command.js';
import type { CatalogIndex } from '../core/catalog.js';
import { formatKarpenterVersion, LATEST_KARPENTER_VERSION } from '../core/karpenter-version.js';
import type { NodeCapacity } from '../core/node-capacity.js';
import { AMI_FAMILIES, CNI_MODES } from '../core/node-config.js';
import { formatCpu, formatMemory } from '../core/quantity.js';
import { InputError, UsageError } from '../input/input-error.js';
import { parseSimInput } from '../input/scenario/load.js';
import { nodeCapacityJson } from '../report/node-json.js';
import { buildReportData } from '../report/report-data.js';
import { simulate } from '../sim/simulate.js';
import type {
  ApiError,
  CatalogDetailResponse,
  CatalogResponse,
  ExampleResponse,
  ExamplesResponse,
  ExplorerRow,
  ExplorerSettings,
  IpsRequest,
  IpsResponse,
  SimulateResponse,
} from './api-types.js';
import { lineOfFieldPath } from './yaml-line.js';

export type * from './api-types.js';

/** What a handler needs besides the request; server.ts builds it once at start. */
export interface ApiContext {
  readonly catalog: CatalogIndex;
  /** Names of the bundled examples (folders under examples/), found at start. */
  readonly examples: readonly string[];
  /** The scenario text of one of `examples`; never called with another name. */
  readonly readExample: (name: string) => string;
  readonly podcapVersion: string;
}

export interface ApiRequest {
  readonly method: string;
  /** The URL path, still percent-encoded, starting with /api/. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** The request body as text; empty when there is none. */
  readonly body: string;
}

export interface ApiResponse {
  readonly status: number;
  readonly json: unknown;
}

/** The file name pasted YAML is reported under. */
export const PASTED_FILE = 'pasted.yaml';

const oneOf = (values: readonly string[]) => `expected one of ${values.join(', ')}`;

const settingsSchema = z.strictObject({
  ami: z.enum(AMI_FAMILIES, { error: oneOf(AMI_FAMILIES) }).default('al2023'),
  launchedBy: z.enum(['karpenter', 'node-group'], { error: oneOf(['karpenter', 'node-group']) }).default('karpenter'),
  cni: z.enum(CNI_MODES, { error: oneOf(CNI_MODES) }).default('secondary-ip'),
  podEni: z
    .enum(['true', 'false'], { error: 'expected true or false' })
    .default('false')
    .transform((text) => text === 'true'),
  reservedEnis: z
    .string()
    .regex(/^\d{1,2}$/, { error: 'expected a whole number from 0 to 32' })
    .transform(Number)
    .refine((n) => n <= 32, { error: 'expected a whole number from 0 to 32' })
    .default(0),
  karpenterVersion: z
    .string()
    .regex(/^v?\d{1,3}\.\d{1,3}\.\d{1,4}$/, { error: 'expected a Karpenter version such as 1.5.1' })
    .transform((text) => text.replace(/^v/, ''))
    .default(formatKarpenterVersion(LATEST_KARPENTER_VERSION)),
});

const count = (max: number) =>
  z
    .number({ error: 'expected a whole number' })
    .int({ error: 'expected a whole number' })
    .min(1, { error: 'expected 1 or more' })
    .max(max, { error: `expected at most ${max}` });

const ipsSchema = z.strictObject({
  instanceType: z.string({ error: 'expected an EC2 instance type such as m5.large' }).min(1).max(64),
  podsPerNode: count(10_000),
  nodes: count(100_000).optional(),
  pods: count(1_000_000_000).optional(),
  env: z.array(z.string().max(1000), { error: 'expected a list of NAME=VALUE strings' }).max(200).optional(),
  subnets: z.array(z.string().max(100), { error: 'expected a list of CIDRs' }).max(200).optional(),
  headroom: z
    .number({ error: 'expected a percentage from 0 to 1000' })
    .min(0, { error: 'expected a percentage from 0 to 1000' })
    .max(1000, { error: 'expected a percentage from 0 to 1000' })
    .optional(),
});

const simulateSchema = z.strictObject({
  yaml: z.string({ error: 'expected the scenario as YAML text' }),
});

/** The first zod issue as one line: `query reservedEnis: expected a whole number from 0 to 32`. */
function badRequest(where: 'query' | 'body', error: z.ZodError): ApiResponse {
  const [issue] = error.issues;
  if (issue === undefined) return fail(400, `${where}: invalid`);
  if (issue.code === 'unrecognized_keys') {
    const [key] = issue.keys;
    return fail(400, `${where} ${key}: not a field of this endpoint`, key);
  }
  const field = issue.path.map(String).join('.');
  return fail(400, `${where}${field === '' ? '' : ` ${field}`}: ${issue.message}`, field === '' ? undefined : field);
}

function fail(status: number, message: string, field?: string): ApiResponse {
  const error: ApiError = field === undefined ? { message } : { message, field };
  return { status, json: { error } };
}

function queryObject(query: URLSearchParams): Record<string, string> {
  const object: Record<string, string> = {};
  for (const [key, value] of query) object[key] = value;
  return object;
}

function parseSettings(
  query: URLSearchParams,
): { ok: true; value: ExplorerSettings } | { ok: false; response: ApiResponse } {
  const keys = [...query.keys()];
  const repeated = keys.find((key, i) => keys.indexOf(key) !== i);
  if (repeated !== undefined) return { ok: false, response: fail(400, `query ${repeated}: given twice`, repeated) };
  const parsed = settingsSchema.safeParse(queryObject(query));
  if (!parsed.success) return { ok: false, response: badRequest('query', parsed.error) };
  return { ok: true, value: parsed.data };
}

/** The query fields of the explorer as the `podcap node` flags they become. */
const SETTING_FLAGS: readonly (readonly [string, keyof ExplorerSettings])[] = [
  ['--ami', 'ami'],
  ['--launched-by', 'launchedBy'],
  ['--reserved-enis', 'reservedEnis'],
  ['--karpenter-version', 'karpenterVersion'],
];

function nodeOptions(settings: ExplorerSettings): NodeCommandOptions {
  return {
    ami: settings.ami,
    launchedBy: settings.launchedBy,
    prefixDelegation: settings.cni === 'prefix-delegation' || settings.cni === 'prefix-delegation+custom-networking',
    customNetworking: settings.cni === 'custom-networking' || settings.cni === 'prefix-delegation+custom-networking',
    podEni: settings.podEni,
    reservedEnis: String(settings.reservedEnis),
    karpenterVersion: settings.karpenterVersion,
  };
}

function explorerRow(result: NodeCapacity): ExplorerRow {
  const { config, node, karpenter } = result;
  const hardware = config.instanceType.hardware;
  const ready = node.status === 'ready' ? node : null;
  const cpu = ready?.allocatable.cpuMillis ?? null;
  const memory = ready?.allocatable.memoryBytes ?? null;
  const karpenterMemory = karpenter.relaunch.allocatable.memoryBytes;
  return {
    type: config.instanceType.name,
    family: config.instanceType.family,
    vcpu: hardware?.vcpu ?? null,
    memoryMib: hardware?.memoryMib ?? null,
    maxPods: ready?.maxPods ?? null,
    podIps: node.network.podIps,
    allocatableCpuMillis: cpu,
    allocatableCpu: cpu === null ? null : formatCpu(cpu),
    allocatableMemoryBytes: memory,
    allocatableMemory: memory === null ? null : formatMemory(memory),
    karpenterAllocatableMemoryBytes: karpenterMemory,
    karpenterAllocatableMemory: karpenterMemory === null ? null : formatMemory(karpenterMemory),
    mismatches: result.mismatches.map((m) => ({ code: m.code, severity: m.severity })),
  };
}

function catalogRows(query: URLSearchParams, context: ApiContext): ApiResponse {
  const settings = parseSettings(query);
  if (!settings.ok) return settings.response;
  const { results, assumed } = computeNodeCapacities(
    [],
    { ...nodeOptions(settings.value), all: true },
    context.catalog,
  );
  const json: CatalogResponse = { settings: settings.value, assumed, rows: results.map(explorerRow) };
  return { status: 200, json };
}

function catalogDetail(name: string, query: URLSearchParams, context: ApiContext): ApiResponse {
  const settings = parseSettings(query);
  if (!settings.ok) return settings.response;
  const found = context.catalog.lookup(name);
  if (found.status !== 'found') {
    const hint = found.suggestions.length > 0 ? `; did you mean ${found.suggestions.join(', ')}?` : '';
    return fail(404, `instance type ${JSON.stringify(name)}: not in the catalog${hint}`, 'type');
  }
  let results: NodeCapacity[];
  let assumed: string[];
  try {
    ({ results, assumed } = computeNodeCapacities(
      [found.instanceType.name],
      nodeOptions(settings.value),
      context.catalog,
    ));
  } catch (error) {
    // The CLI's checks of a named type (RESERVED_ENIS that leaves it no ENI…) answer 400 on the query field.
    if (!(error instanceof UsageError)) throw error;
    const field = SETTING_FLAGS.find(([flag]) => error.message.startsWith(`${flag} `))?.[1];
    if (field === undefined) return fail(400, `query: ${error.message}`);
    return fail(400, `query ${field}: ${error.message.replace(/^--[a-z-]+ ("[^"]*"|\S+): /, '')}`, field);
  }
  const [result] = results;
  if (result === undefined) return fail(404, `instance type ${JSON.stringify(name)}: not in the catalog`, 'type');
  const json: CatalogDetailResponse = { settings: settings.value, detail: nodeCapacityJson(result, assumed) };
  return { status: 200, json };
}

// ---------------------------------------------------------------------------------------------------
// IP planner

/** The CLI's flags name the body's fields: a UsageError about `--pods-per-node` is about `podsPerNode`. */
const FLAG_FIELDS: readonly (readonly [string, keyof IpsRequest])[] = [
  ['--instance-type', 'instanceType'],
  ['--pods-per-node', 'podsPerNode'],
  ['--nodes', 'nodes'],
  ['--pods', 'pods'],
  ['--env', 'env'],
  ['--subnet', 'subnets'],
  ['--headroom', 'headroom'],
];

function fieldOfFlagMessage(message: string): string | undefined {
  const flag = /--[a-z-]+/.exec(message)?.[0];
  return FLAG_FIELDS.find(([name]) => name === flag)?.[1];
}

function parseBody(body: string): { ok: true; value: unknown } | { ok: false; response: ApiResponse } {
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch {
    return { ok: false, response: fail(400, 'body: expected a JSON object') };
  }
}

function planIps(body: string, context: ApiContext): ApiResponse {
  const raw = parseBody(body);
  if (!raw.ok) return raw.response;
  const parsed = ipsSchema.safeParse(raw.value);
  if (!parsed.success) return badRequest('body', parsed.error);
  const request = parsed.data;
  const options: IpsCommandOptions = {
    instanceType: request.instanceType,
    podsPerNode: String(request.podsPerNode),
    ...(request.nodes === undefined ? {} : { nodes: String(request.nodes) }),
    ...(request.pods === undefined ? {} : { pods: String(request.pods) }),
    env: request.env ?? [],
    subnet: request.subnets ?? [],
    ...(request.headroom === undefined ? {} : { headroom: String(request.headroom) }),
  };
  try {
    const json: IpsResponse = ipsPlanJson(options, context.catalog);
    return { status: 200, json };
  } catch (error) {
    if (error instanceof UsageError) return fail(400, error.message, fieldOfFlagMessage(error.message));
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------
// Examples and the scenario runner

/** The first comment line of a scenario: the examples open with one saying what they show. */
export function exampleTitle(text: string): string {
  const first = text.split('\n').find((line) => line.trim() !== '');
  return first?.startsWith('#') ? first.replace(/^#\s*/, '').trim() : '';
}

function listExamples(context: ApiContext): ApiResponse {
  const json: ExamplesResponse = {
    examples: context.examples.map((name) => ({ name, title: exampleTitle(context.readExample(name)) })),
  };
  return { status: 200, json };
}

function example(name: string, context: ApiContext): ApiResponse {
  // Only a name from the list found at start reaches readExample: the request never names a file.
  const known = context.examples.find((e) => e === name);
  if (known === undefined) return fail(404, `example ${JSON.stringify(name)}: not a bundled example`, 'name');
  const json: ExampleResponse = { name: known, yaml: context.readExample(known) };
  return { status: 200, json };
}

function runScenario(body: string, context: ApiContext): ApiResponse {
  const raw = parseBody(body);
  if (!raw.ok) return raw.response;
  const parsed = simulateSchema.safeParse(raw.value);
  if (!parsed.success) return badRequest('body', parsed.error);
  const text = parsed.data.yaml;
  try {
    const input = parseSimInput([{ file: PASTED_FILE, text }], { catalog: context.catalog });
    const result = simulate(input, context.catalog, { recordEvents: true });
    const json: SimulateResponse = buildReportData(result, input, { podcapVersion: context.podcapVersion });
    return { status: 200, json };
  } catch (error) {
    if (error instanceof InputError) {
      const body: ApiError = {
        message: error.message,
        file: error.file,
        fieldPath: error.fieldPath,
        expected: error.expected,
        found: error.found,
        line: error.file === PASTED_FILE ? lineOfFieldPath(text, error.fieldPath) : null,
      };
      return { status: 400, json: { error: body } };
    }
    if (error instanceof UsageError) return fail(400, error.message, 'yaml');
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------
// Routing

function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

function methodNotAllowed(allowed: string): ApiResponse {
  return fail(405, `method not allowed: expected ${allowed}`);
}

/** Routes one API request; never throws for bad input (an unexpected exception is the server's 500). */
export function handleApi(request: ApiRequest, context: ApiContext): ApiResponse {
  const segments = request.path.replace(/^\/api\/?/, '').split('/');
  const decoded = segments.map(decodeSegment);
  if (decoded.some((s) => s === null)) return fail(400, 'path: bad percent-encoding');
  const [resource, name, ...rest] = decoded as string[];
  if (rest.length > 0 || name === '') return fail(404, `no API at ${request.path}`);
  const get = request.method === 'GET' || request.method === 'HEAD';
  switch (resource) {
    case 'catalog':
      if (!get) return methodNotAllowed('GET');
      return name === undefined ? catalogRows(request.query, context) : catalogDetail(name, request.query, context);
    case 'examples':
      if (!get) return methodNotAllowed('GET');
      return name === undefined ? listExamples(context) : example(name, context);
    case 'ips':
      if (name !== undefined) break;
      if (request.method !== 'POST') return methodNotAllowed('POST');
      return planIps(request.body, context);
    case 'simulate':
      if (name !== undefined) break;
      if (request.method !== 'POST') return methodNotAllowed('POST');
      return runScenario(request.body, context);
  }
  return fail(404, `no API at ${request.path}`);
}
