/**
 * The KubernetesLister on @kubernetes/client-node: the user's kubeconfig (or the in-cluster service account),
 * list calls only, one page at a time.
 *
 * Loaded only when a live read starts (live-source.ts imports it dynamically): the client and its
 * dependencies cost start-up time that every other podcap command need not pay.
 */

import { ApiException, AppsV1Api, CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
// The generated serializer is not re-exported by the package index; the package has no `exports` map, so
// this path is the package's own module (the one its API classes use).
import { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';
import {
  findKubeConfig,
  type KubeConfigEnvironment,
  processKubeConfigEnvironment,
  selectContext,
} from './kubeconfig.js';
import { toKubectlItem, withTypeMeta } from './kubectl-json.js';
import { KubernetesListError, type KubernetesLister, type ListPage, statusMessageOf } from './kubernetes-lister.js';
import { apiVersionOf, type LiveResource } from './live-resources.js';

/**
 * The kubeconfig as kubectl finds it ($KUBECONFIG, ~/.kube/config, in-cluster), at `context` if given;
 * a missing or malformed one is a one-line UsageError (kubeconfig.ts).
 */
export function loadKubeConfig(
  context: string | undefined,
  environment: KubeConfigEnvironment = processKubeConfigEnvironment(),
): KubeConfig {
  return selectContext(findKubeConfig(environment), context);
}

interface TypedList {
  readonly items: readonly unknown[];
  readonly metadata?: { readonly _continue?: string | undefined } | undefined;
}

/**
 * The typed client turns the server's JSON into model objects: camelCase property names where the wire
 * name is not a JavaScript identifier (`_continue`, `_ref`…), Date objects for timestamps. Serializing
 * them back with the same ObjectSerializer, by the model's own attribute map, gives the wire names and
 * ISO strings again (MicroTime stays the server's string); toKubectlItem then drops the absent fields,
 * writes whole-second times as the server does and adds apiVersion and kind. A field newer than the
 * client's models would be lost on the way; none that the cluster builder reads is. This keeps the typed
 * calls (and client-node's auth: exec plugins, in-cluster tokens) rather than fetching raw JSON beside them.
 */
function typedPage(list: TypedList, modelType: string, resource: LiveResource): ListPage {
  const apiVersion = apiVersionOf(resource);
  return {
    items: list.items.map((item) =>
      toKubectlItem(ObjectSerializer.serialize(item, modelType, ''), apiVersion, resource.kind),
    ),
    continueToken: nonEmpty(list.metadata?._continue),
  };
}

/** Custom objects come back as the server's JSON, untyped. */
function customPage(body: unknown, resource: LiveResource): ListPage {
  if (typeof body !== 'object' || body === null || !('items' in body) || !Array.isArray(body.items)) {
    throw new KubernetesListError(resource, 200, 'the response has no items list');
  }
  const metadata = 'metadata' in body ? body.metadata : undefined;
  const continueToken =
    typeof metadata === 'object' && metadata !== null && 'continue' in metadata && typeof metadata.continue === 'string'
      ? metadata.continue
      : undefined;
  const apiVersion = apiVersionOf(resource);
  return {
    items: body.items.map((item: unknown) => withTypeMeta(item, apiVersion, resource.kind)),
    continueToken: nonEmpty(continueToken),
  };
}

function nonEmpty(token: string | undefined): string | undefined {
  return token === undefined || token === '' ? undefined : token;
}

/** Lists through the typed CoreV1, AppsV1 and CustomObjects clients of `kubeConfig`. */
export function kubeConfigLister(kubeConfig: KubeConfig): KubernetesLister {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const apps = kubeConfig.makeApiClient(AppsV1Api);
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const server = kubeConfig.getCurrentCluster()?.server ?? 'no server';
  return {
    target: `context ${kubeConfig.getCurrentContext()} (${server})`,
    async list({ resource, limit, continueToken }) {
      const page = continueToken === undefined ? { limit } : { limit, _continue: continueToken };
      const { group, version } = resource;
      try {
        switch (resource.name) {
          case 'nodes':
            return typedPage(await core.listNode(page), 'V1Node', resource);
          case 'pods':
            return typedPage(await core.listPodForAllNamespaces(page), 'V1Pod', resource);
          case 'events':
            return typedPage(await core.listEventForAllNamespaces(page), 'CoreV1Event', resource);
          case 'deployments':
            return typedPage(await apps.listDeploymentForAllNamespaces(page), 'V1Deployment', resource);
          case 'statefulsets':
            return typedPage(await apps.listStatefulSetForAllNamespaces(page), 'V1StatefulSet', resource);
          case 'daemonsets':
            return typedPage(await apps.listDaemonSetForAllNamespaces(page), 'V1DaemonSet', resource);
          case 'nodepools':
          case 'nodeclaims':
          case 'ec2nodeclasses':
            return customPage(
              await custom.listClusterCustomObject({ group, version, plural: resource.name, ...page }),
              resource,
            );
          case 'securitygrouppolicies':
            return customPage(
              await custom.listCustomObjectForAllNamespaces({ group, version, plural: resource.name, ...page }),
              resource,
            );
        }
      } catch (error) {
        if (error instanceof ApiException) {
          throw new KubernetesListError(resource, error.code, statusMessageOf(error.body));
        }
        throw error;
      }
    },
  };
}
