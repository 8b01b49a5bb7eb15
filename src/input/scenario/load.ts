/**
 * The input layer of `podcap simulate`: files and folders of Kubernetes manifests plus one Scenario
 * document in, a validated SimInput with every reference resolved out (contract: shared scenario.md).
 */

import type { CatalogIndex } from '../../core/catalog.js';
import { addonWorkload } from '../../sim/addons.js';
import {
  type IgnoredDocument,
  type NodeClassSpec,
  type NodePoolSpec,
  type SecurityGroupPolicy,
  type SimInput,
  type Workload,
  workloadKey,
} from '../../sim/model.js';
import { InputError } from '../input-error.js';
import { documentLabel, fieldError, type InputDocument, listNames, rawIdentity, sourceRef } from './document.js';
import {
  NODE_API_VERSION,
  NODE_CLAIM_API_VERSION,
  type ParsedNode,
  type ParsedNodeClaim,
  parseNode,
  parseNodeClaim,
  resolveExistingNodes,
  selectExistingNodes,
} from './existing-nodes.js';
import {
  NODE_CLASS_API_VERSION,
  NODE_POOL_API_VERSION,
  type ParsedNodeClass,
  type ParsedNodePool,
  parseNodeClass,
  parseNodePool,
  resolveNodeClass,
  resolveNodePool,
} from './karpenter.js';
import { checkScenarioLimits } from './limits.js';
import { collectInputFiles, readInputSource } from './read-inputs.js';
import { resolveScenario } from './resolve-scenario.js';
import { parseScenarioDocument, SCENARIO_API_VERSION, type ScenarioDocument } from './scenario-document.js';
import { type InputSource, splitDocuments } from './split-documents.js';
import {
  isWorkloadKind,
  parseSecurityGroupPolicy,
  parseWorkload,
  SECURITY_GROUP_POLICY_API_VERSION,
  WORKLOAD_API_VERSIONS,
} from './workloads.js';

export interface LoadOptions {
  readonly catalog: CatalogIndex;
}

function group(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

interface Located<T> {
  readonly value: T;
  readonly document: InputDocument;
}

/** Everything the documents hold before references between them are resolved. */
interface Collected {
  readonly scenarios: Located<ScenarioDocument>[];
  readonly workloads: Located<Workload>[];
  readonly policies: Located<SecurityGroupPolicy>[];
  readonly nodePools: ParsedNodePool[];
  readonly nodeClasses: ParsedNodeClass[];
  readonly nodes: ParsedNode[];
  readonly nodeClaims: ParsedNodeClaim[];
  readonly ignored: IgnoredDocument[];
}

function requireApiVersion(document: InputDocument, apiVersion: string, expected: string): void {
  if (apiVersion !== expected) throw fieldError(document, ['apiVersion'], JSON.stringify(expected));
}

/**
 * Where a document is read, by its apiVersion and kind. A modelled kind in another version of its
 * group is an error rather than silently dropped; a kind podcap does not model is kept as ignored.
 */
function collect(document: InputDocument, into: Collected): void {
  const { value } = document;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw fieldError(document, [], 'a Kubernetes object: a mapping with apiVersion and kind');
  }
  const { apiVersion, kind } = value as Readonly<Record<string, unknown>>;
  if (typeof apiVersion !== 'string' || apiVersion === '') {
    throw fieldError(document, ['apiVersion'], 'an apiVersion such as apps/v1 (required)');
  }
  if (typeof kind !== 'string' || kind === '') {
    throw fieldError(document, ['kind'], 'a kind such as Deployment (required)');
  }
  const inGroupOf = (expected: string): boolean => group(apiVersion) === group(expected);

  if (kind === 'Scenario' && inGroupOf(SCENARIO_API_VERSION)) {
    requireApiVersion(document, apiVersion, SCENARIO_API_VERSION);
    into.scenarios.push({ value: parseScenarioDocument(document), document });
  } else if (isWorkloadKind(kind)) {
    requireApiVersion(document, apiVersion, WORKLOAD_API_VERSIONS[kind]);
    into.workloads.push({ value: parseWorkload(document, kind, 'manifest'), document });
  } else if (kind === 'SecurityGroupPolicy' && inGroupOf(SECURITY_GROUP_POLICY_API_VERSION)) {
    requireApiVersion(document, apiVersion, SECURITY_GROUP_POLICY_API_VERSION);
    into.policies.push({ value: parseSecurityGroupPolicy(document), document });
  } else if (kind === 'NodePool' && inGroupOf(NODE_POOL_API_VERSION)) {
    requireApiVersion(document, apiVersion, NODE_POOL_API_VERSION);
    into.nodePools.push(parseNodePool(document));
  } else if (kind === 'EC2NodeClass' && inGroupOf(NODE_CLASS_API_VERSION)) {
    requireApiVersion(document, apiVersion, NODE_CLASS_API_VERSION);
    into.nodeClasses.push(parseNodeClass(document));
  } else if (kind === 'Node' && inGroupOf(NODE_API_VERSION)) {
    requireApiVersion(document, apiVersion, NODE_API_VERSION);
    into.nodes.push(parseNode(document));
  } else if (kind === 'NodeClaim' && inGroupOf(NODE_CLAIM_API_VERSION)) {
    requireApiVersion(document, apiVersion, NODE_CLAIM_API_VERSION);
    into.nodeClaims.push(parseNodeClaim(document));
  } else {
    into.ignored.push({ apiVersion, kind, name: rawIdentity(value).name ?? '', source: sourceRef(document) });
  }
}

/** Throws at the second of two objects with the same key, naming the first. */
function checkUnique(items: readonly { key: string; document: InputDocument }[], what: string): void {
  const first = new Map<string, InputDocument>();
  for (const { key, document } of items) {
    const earlier = first.get(key);
    if (earlier !== undefined) {
      throw fieldError(
        document,
        ['metadata', 'name'],
        `a name not used by another ${what} (${documentLabel(earlier)} in ${earlier.file})`,
      );
    }
    first.set(key, document);
  }
}

function onlyScenario(collected: Collected, sources: readonly InputSource[]): Located<ScenarioDocument> {
  const [first, second] = collected.scenarios;
  if (first === undefined) {
    const files =
      sources.length === 0
        ? '(no files)'
        : listNames(
            sources.map((s) => s.file),
            3,
          );
    throw new InputError(files, '(all documents)', `one ${SCENARIO_API_VERSION} Scenario document`, 'none');
  }
  if (second !== undefined) {
    throw fieldError(
      second.document,
      ['kind'],
      `one Scenario in all inputs (the first is ${documentLabel(first.document)} in ${first.document.file})`,
      'a second one',
    );
  }
  return first;
}

/** The add-ons of spec.addons run as workloads of their own: a manifest may not take their names. */
function checkAddonNames(workloads: readonly Located<Workload>[], addons: readonly Workload[]): void {
  const byKey = new Set(addons.map((a) => workloadKey(a.id)));
  for (const { value, document } of workloads) {
    if (byKey.has(workloadKey(value.id))) {
      throw fieldError(
        document,
        ['metadata', 'name'],
        'a name not taken by an add-on of spec.addons (remove one of them)',
      );
    }
  }
}

/**
 * Validates input texts into a SimInput, for callers that hold the text already (tests, a web UI).
 * Throws an InputError naming the file, document and field of the first problem.
 */
export function parseSimInput(sources: readonly InputSource[], options: LoadOptions): SimInput {
  const collected: Collected = {
    scenarios: [],
    workloads: [],
    policies: [],
    nodePools: [],
    nodeClasses: [],
    nodes: [],
    nodeClaims: [],
    ignored: [],
  };
  for (const source of sources) for (const document of splitDocuments(source)) collect(document, collected);
  const scenarioDocument = onlyScenario(collected, sources);

  checkUnique(
    collected.workloads.map((w) => ({ key: workloadKey(w.value.id), document: w.document })),
    'workload of its kind and namespace',
  );
  checkUnique(
    collected.policies.map((p) => ({ key: `${p.value.namespace}/${p.value.name}`, document: p.document })),
    'SecurityGroupPolicy in its namespace',
  );
  checkUnique(
    collected.nodePools.map((p) => ({ key: p.spec.name, document: p.document })),
    'NodePool',
  );
  checkUnique(
    collected.nodeClasses.map((c) => ({ key: c.name, document: c.document })),
    'EC2NodeClass',
  );
  checkUnique(
    collected.nodes.map((n) => ({ key: n.name, document: n.document })),
    'Node',
  );
  checkUnique(
    collected.nodeClaims.map((c) => ({ key: c.name, document: c.document })),
    'NodeClaim',
  );
  const addons = scenarioDocument.value.spec.addons.map(addonWorkload);
  checkAddonNames(collected.workloads, addons);

  const nodeClassNames = collected.nodeClasses.map((c) => c.name);
  const nodePools: NodePoolSpec[] = collected.nodePools.map((pool) => resolveNodePool(pool, nodeClassNames));
  const workloads = collected.workloads.map((w) => w.value);
  const { spec } = scenarioDocument.value;
  const existing = selectExistingNodes(collected.nodes, collected.nodeClaims);
  const existingNodes = resolveExistingNodes(existing, {
    catalog: options.catalog,
    subnets: spec.aws.subnets,
    nodePools: nodePools.map((p) => p.name),
    nodeGroups: spec.nodeGroups.map((g) => g.name),
  });
  const scenario = resolveScenario(scenarioDocument.value, scenarioDocument.document, {
    catalog: options.catalog,
    workloads: [...addons, ...workloads].map((w) => w.id),
    nodePools: nodePools.map((p) => p.name),
    existingNodes,
  });
  checkScenarioLimits(scenarioDocument.value, scenarioDocument.document, {
    workloads: [
      ...addons.map((workload) => ({ workload, document: null })),
      ...collected.workloads.map((w) => ({ workload: w.value, document: w.document })),
    ],
    existingNodes,
  });
  const nodeClasses: NodeClassSpec[] = collected.nodeClasses.map((c) => resolveNodeClass(c, scenario.subnets));
  return {
    scenario,
    workloads,
    securityGroupPolicies: collected.policies.map((p) => p.value),
    nodePools,
    nodeClasses,
    ignored: [...collected.ignored, ...existing.ignored],
  };
}

/**
 * Reads files and folders (folders: every .yaml, .yml and .json inside, recursively, by path) into a
 * validated SimInput. Throws an InputError naming the file, document and field of the first problem.
 */
export function loadSimInput(paths: readonly string[], options: LoadOptions): SimInput {
  return parseSimInput(collectInputFiles(paths).map(readInputSource), options);
}
