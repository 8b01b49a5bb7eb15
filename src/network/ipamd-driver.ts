/**
 * Drives one node's ipamd the way a cluster does: pods arrive and leave, and the pool-maintenance
 * cycle runs every 5 s in between. For tests, the planner's cross-check and the benchmark; the
 * simulator drives ipamd from its own event queue instead.
 */
import {
  addPod,
  deletePod,
  IPAMD_CYCLE_MS,
  type IpamdConfig,
  type IpamdEffect,
  type IpamdState,
  launchNode,
  type Subnets,
  tickIpamd,
} from './ipamd.js';

export interface DrivenNode {
  readonly state: IpamdState;
  readonly subnets: Subnets;
  readonly nowMs: number;
  readonly effects: readonly IpamdEffect[];
}

/** Launches the node and lets ipamd initialise its pool. */
export function bootNode(config: IpamdConfig, subnets: Subnets, cycles = 4): DrivenNode {
  const launched = launchNode(config, subnets, 0);
  if (!launched.ok) throw new Error(`bootNode: ${launched.error.code}`);
  return runCycles({ ...launched.step, nowMs: 0 }, cycles);
}

export function runCycles(node: DrivenNode, cycles: number): DrivenNode {
  let current = node;
  const effects = [...node.effects];
  for (let i = 0; i < cycles; i += 1) {
    const nowMs = current.nowMs + IPAMD_CYCLE_MS;
    const step = tickIpamd(current.state, current.subnets, nowMs);
    effects.push(...step.effects);
    current = { state: step.state, subnets: step.subnets, nowMs, effects };
  }
  return { ...current, effects };
}

/** Adds a pod and records what the CNI answered. */
export function addPodTo(node: DrivenNode, podKey: string): DrivenNode {
  const step = addPod(node.state, node.subnets, podKey, node.nowMs);
  return { state: step.state, subnets: step.subnets, nowMs: node.nowMs, effects: [...node.effects, ...step.effects] };
}

export function deletePodFrom(node: DrivenNode, podKey: string): DrivenNode {
  const step = deletePod(node.state, node.subnets, podKey, node.nowMs);
  return { state: step.state, subnets: step.subnets, nowMs: node.nowMs, effects: [...node.effects, ...step.effects] };
}

/** Pods arrive one by one, `cycles` maintenance cycles apart; pods that got no address are listed. */
export function scaleUp(
  node: DrivenNode,
  pods: number,
  cyclesBetween = 2,
  prefix = 'pod',
): { node: DrivenNode; failed: string[] } {
  let current = node;
  const failed: string[] = [];
  for (let i = 0; i < pods; i += 1) {
    const key = `${prefix}-${i}`;
    const before = current.effects.length;
    current = addPodTo(current, key);
    if (current.effects.slice(before).some((e) => e.type === 'pod-ip-failed')) failed.push(key);
    current = runCycles(current, cyclesBetween);
  }
  return { node: { ...current, effects: [] }, failed };
}
