/**
 * How large a scenario podcap simulates. The API allows replicas up to 2^31 − 1 and durations up to
 * 2562047h, but the simulator holds every pod and node in memory and steps through simulated time, so
 * such a scenario would exhaust memory or run for hours. The limits sit far above what one cluster can
 * hold (kubernetes.io "Considerations for large clusters": at most 5,000 nodes and 150,000 pods), and are
 * checked here so that the CLI and the web UI refuse the same inputs.
 */

import { type Workload, workloadKey } from '../../sim/model.js';
import { InputError } from '../input-error.js';
import { fieldError, type InputDocument } from './document.js';
import { type ExistingNodes, parseObjectName } from './resolve-scenario.js';
import { type ScenarioDocument, TIMELINE_KINDS } from './scenario-document.js';

/** Pods the workloads and the timeline may ask for in all: 1,000,000 (6.7 × a cluster's 150,000; about 1 GB, 10 s). */
export const MAX_SCENARIO_PODS = 1_000_000;

/** Nodes the node groups, `spec.nodes`, Node manifests and the timeline may ask for: 100,000 (20 × a cluster's 5,000). */
export const MAX_SCENARIO_NODES = 100_000;

/** Simulated time: 30 days (720h), far beyond any scale-up or consolidation; a year took 8 s idle, 2562047h hours. */
export const MAX_SIMULATED_DURATION_MS = 30 * 24 * 3_600_000;

/** A workload of the inputs and its document; add-ons have none. */
export interface SizedWorkload {
  readonly workload: Workload;
  readonly document: InputDocument | null;
}

export interface ScenarioSizeContext {
  readonly workloads: readonly SizedWorkload[];
  /** Nodes of the Node manifests, which exist at time 0 without a field of the Scenario asking for them. */
  readonly existingNodes: ExistingNodes;
}

type Path = readonly PropertyKey[];

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function withinLimit(limit: number, unit: string, cluster: number): string {
  return `a value that keeps the scenario within ${limit} ${unit}s (podcap's limit; a Kubernetes cluster holds at most ${cluster})`;
}

/** A running total that refuses the field taking it over the limit; add-ons (no document) are counted, never blamed. */
function tally(limit: number, unit: string, cluster: number, start: number) {
  let total = start;
  return (document: InputDocument | null, path: Path, added: number, value: string): void => {
    total += added;
    if (total <= limit || document === null) return;
    throw fieldError(document, path, withinLimit(limit, unit, cluster), `${value} (${plural(total, unit)} in all)`);
  };
}

/** Timeline entries in the order they happen, each with its index in spec.timeline. */
function timelineInOrder(spec: ScenarioDocument['spec']) {
  return spec.timeline.map((entry, index) => ({ entry, index })).sort((a, b) => a.entry.atMs - b.entry.atMs);
}

/**
 * Refuses a scenario longer than MAX_SIMULATED_DURATION_MS, or whose pods or nodes go beyond
 * MAX_SCENARIO_PODS or MAX_SCENARIO_NODES, naming the field that takes the total over: the manifests' replicas (unless the timeline sets them at 0s), bare
 * Pods, the Node manifests, node groups and `spec.nodes`, then every increase the timeline asks for, in
 * time order. DaemonSet pods follow the nodes, which have their own limit.
 */
export function checkScenarioLimits(
  scenario: ScenarioDocument,
  document: InputDocument,
  context: ScenarioSizeContext,
): void {
  const { spec } = scenario;
  if (spec.duration > MAX_SIMULATED_DURATION_MS) {
    throw fieldError(
      document,
      ['spec', 'duration'],
      `a duration of at most ${MAX_SIMULATED_DURATION_MS / 3_600_000}h (podcap's limit: 30 days)`,
    );
  }
  const timeline = timelineInOrder(spec);
  const keyOf = (field: string, target: string): string =>
    workloadKey({ kind: TIMELINE_KINDS[field] ?? 'Deployment', ...parseObjectName(target) });
  const setAtStart = new Set(
    timeline.flatMap(({ entry }) =>
      entry.atMs <= 0 && entry.action.type === 'scale-workload' ? [keyOf(entry.action.field, entry.action.target)] : [],
    ),
  );

  const addPods = tally(MAX_SCENARIO_PODS, 'pod', 150_000, 0);
  const replicas = new Map<string, number>();
  for (const { workload, document: source } of context.workloads) {
    const key = workloadKey(workload.id);
    if (workload.kind === 'Pod') addPods(source, [], 1, 'a bare Pod');
    if (workload.kind === 'DaemonSet' || workload.kind === 'Pod' || setAtStart.has(key)) continue;
    replicas.set(key, workload.replicas);
    addPods(source, ['spec', 'replicas'], workload.replicas, String(workload.replicas));
  }

  const { existingNodes } = context;
  const desired = new Map(existingNodes.nodeGroups.map((g) => [g.name, g.desired] as const));
  const existing = [...existingNodes.nodeGroups.map((g) => g.desired), ...existingNodes.nodes.map((n) => n.count)];
  const fromManifests = existing.reduce((sum, n) => sum + n, 0);
  if (fromManifests > MAX_SCENARIO_NODES) {
    throw new InputError(
      '(all documents)',
      'Node manifests',
      withinLimit(MAX_SCENARIO_NODES, 'node', 5_000),
      plural(fromManifests, 'node'),
    );
  }
  const addNodes = tally(MAX_SCENARIO_NODES, 'node', 5_000, fromManifests);
  spec.nodeGroups.forEach((group, i) => {
    desired.set(group.name, group.desired);
    addNodes(document, ['spec', 'nodeGroups', i, 'desired'], group.desired, String(group.desired));
  });
  spec.nodes.forEach((nodes, i) => {
    addNodes(document, ['spec', 'nodes', i, 'count'], nodes.count, String(nodes.count));
  });

  for (const { entry, index } of timeline) {
    const { action } = entry;
    const path = ['spec', 'timeline', index, entry.key];
    if (action.type === 'scale-workload') {
      const key = keyOf(action.field, action.target);
      const added = Math.max(0, action.replicas - (replicas.get(key) ?? 0));
      replicas.set(key, action.replicas);
      addPods(document, [...path, 'replicas'], added, String(action.replicas));
    } else if (action.type === 'delete-workload') {
      replicas.set(keyOf(action.field, action.target), 0);
    } else {
      const added = Math.max(0, action.desired - (desired.get(action.nodeGroup) ?? 0));
      desired.set(action.nodeGroup, action.desired);
      addNodes(document, [...path, 'desired'], added, String(action.desired));
    }
  }
}
