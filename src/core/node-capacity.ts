import { computeAmiNode, type NodeView } from './ami-node.js';
import { computeKarpenterView, type KarpenterView } from './karpenter-view.js';
import { detectMismatches, type Mismatch } from './mismatch.js';
import type { NodeConfig } from './node-config.js';

/** One node seen by each component that decides what it can hold. */
export interface NodeCapacity {
  readonly config: NodeConfig;
  /** The node as the AMI and kubelet set it up (with Karpenter's maxPods when Karpenter launched it). */
  readonly node: NodeView;
  /** The node as Karpenter predicts it before launch. */
  readonly karpenter: KarpenterView;
  readonly mismatches: readonly Mismatch[];
}

export function computeNodeCapacity(config: NodeConfig): NodeCapacity {
  const karpenter = computeKarpenterView(config);
  const node = computeAmiNode(config, karpenter.maxPods);
  return { config, node, karpenter, mismatches: detectMismatches(config, node, karpenter) };
}
