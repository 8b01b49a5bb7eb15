/**
 * The add-ons whose settings decide pod capacity, read from their workloads: the VPC CNI from the
 * aws-node DaemonSet, Karpenter from its controller Deployment (versions from image tags, settings from
 * the container environment).
 */

import { z } from 'zod';
import { parseKarpenterVersion } from '../core/karpenter-version.js';
import type { InputDocument } from '../input/scenario/document.js';
import { nonEmptyString, optional, withDefault } from '../input/scenario/fields.js';
import { validateDocument } from '../input/scenario/validate.js';
import type { KarpenterInstall, VpcCniInstall } from './cluster-state.js';
import type { StringPool } from './string-pool.js';

/** The VPC CNI's DaemonSet as EKS installs it (the `vpc-cni` add-on and the amazon-vpc-cni-k8s chart). */
const AWS_NODE_NAMESPACE = 'kube-system';
const AWS_NODE_NAME = 'aws-node';
const AWS_NODE_CONTAINER = 'aws-node';
/** The CNI's image repository; `amazon-k8s-cni-init` is its init container. */
const CNI_REPOSITORY = 'amazon-k8s-cni';

const container = z.looseObject({
  name: withDefault(z.string(), ''),
  image: withDefault(z.string(), ''),
  env: withDefault(
    z.array(z.looseObject({ name: nonEmptyString, value: optional(z.string()), valueFrom: optional(z.unknown()) })),
    [],
  ),
});

type Container = z.output<typeof container>;

const templateSchema = z.looseObject({
  spec: z.looseObject({
    template: z.looseObject({ spec: z.looseObject({ containers: z.array(container).min(1) }) }),
  }),
});

export interface ImageReference {
  /** `public.ecr.aws`, `602401143452.dkr.ecr.us-west-2.amazonaws.com`; null for Docker Hub short names. */
  readonly registry: string | null;
  /** The path without registry, tag or digest: `karpenter/controller`. */
  readonly repository: string;
  readonly tag: string | null;
}

/** Splits `registry/path:tag@sha256:…` as the container runtime reads it (distribution/reference). */
export function parseImage(image: string): ImageReference {
  const at = image.indexOf('@');
  const name = at < 0 ? image : image.slice(0, at);
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  const tag = colon > slash ? name.slice(colon + 1) : null;
  const path = colon > slash ? name.slice(0, colon) : name;
  const first = path.indexOf('/');
  const head = first < 0 ? '' : path.slice(0, first);
  // A first component with a dot or a port, or localhost, is a registry host, as the runtime decides.
  const isRegistry = head.includes('.') || head.includes(':') || head === 'localhost';
  return isRegistry
    ? { registry: head, repository: path.slice(first + 1), tag }
    : { registry: null, repository: path, tag };
}

/** Plain values only: a value from a Secret or ConfigMap (valueFrom) is not in the export. */
function envOf(c: Container, pool: StringPool): Readonly<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const variable of c.env) {
    if (variable.valueFrom === undefined) env[variable.name] = pool.intern(variable.value ?? '');
  }
  return env;
}

function containersOf(document: InputDocument): readonly Container[] {
  return validateDocument(templateSchema, document).spec.template.spec.containers;
}

export function isAwsNode(namespace: string, name: string): boolean {
  return namespace === AWS_NODE_NAMESPACE && name === AWS_NODE_NAME;
}

/** The aws-node DaemonSet's CNI image tag and the aws-node container's environment. */
export function parseVpcCniInstall(document: InputDocument, pool: StringPool): VpcCniInstall {
  const containers = containersOf(document);
  const cni = containers.find((c) => parseImage(c.image).repository.split('/').at(-1) === CNI_REPOSITORY);
  const main = containers.find((c) => c.name === AWS_NODE_CONTAINER) ?? cni;
  const tag = cni === undefined ? null : parseImage(cni.image).tag;
  return { version: tag === null ? null : pool.intern(tag), env: main === undefined ? {} : envOf(main, pool) };
}

/** The Karpenter controller in a Deployment: a container whose image repository names karpenter; null if none. */
export function findKarpenterInstall(document: InputDocument, pool: StringPool): KarpenterInstall | null {
  const controller = containersOf(document).find((c) => parseImage(c.image).repository.includes('karpenter'));
  if (controller === undefined) return null;
  const tag = parseImage(controller.image).tag;
  // Tags are `1.5.1` (public.ecr.aws/karpenter/controller) or `v0.37.0` in mirrors; `latest` says nothing.
  const version = tag !== null && parseKarpenterVersion(tag).ok ? tag.replace(/^v/, '') : null;
  return { version: version === null ? null : pool.intern(version), env: envOf(controller, pool) };
}
