import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runIpsCommand } from '../cli/ips-command.js';
import { runNodeCommand } from '../cli/node-command.js';
import { bundledCatalog } from '../test-support/fixtures.js';
import { type ApiContext, type ApiResponse, handleApi } from './api.js';
import type { ApiError, CatalogDetailResponse, CatalogResponse, ExplorerRow } from './api-types.js';

const catalog = bundledCatalog();
const EXAMPLES = ['karpenter-pod-eni-allocatable-loop', 'node-group-outgrows-max-pods'];
const exampleText = (name: string) =>
  readFileSync(new URL(`../../examples/${name}/scenario.yaml`, import.meta.url), 'utf8');

const context: ApiContext = {
  catalog,
  examples: EXAMPLES,
  readExample: (name) => {
    if (!EXAMPLES.includes(name)) throw new Error(`readExample called with ${name}`);
    return exampleText(name);
  },
  podcapVersion: 'test',
};

function call(method: string, target: string, body = ''): ApiResponse {
  const url = new URL(target, 'http://127.0.0.1');
  return handleApi({ method, path: url.pathname, query: url.searchParams, body }, context);
}

function errorOf(response: ApiResponse): ApiError {
  return (response.json as { error: ApiError }).error;
}

function row(response: ApiResponse, type: string): ExplorerRow {
  const found = (response.json as CatalogResponse).rows.find((r) => r.type === type);
  if (found === undefined) throw new Error(`no row ${type}`);
  return found;
}

describe('GET /api/catalog', () => {
  // The same figures as `podcap node m5.large --launched-by node-group --json` (AL2023, secondary IPs).
  it('m5.large under AL2023 on a node group: maxPods 29, 27 pod IPs, 1930m and 7068672Ki allocatable', () => {
    const response = call('GET', '/api/catalog?ami=al2023&launchedBy=node-group');
    expect(response.status).toBe(200);
    expect((response.json as CatalogResponse).rows).toHaveLength(catalog.catalog.instanceTypes.length);
    expect(row(response, 'm5.large')).toMatchObject({
      family: 'm5',
      vcpu: 2,
      memoryMib: 8192,
      maxPods: 29,
      podIps: 27,
      allocatableCpuMillis: 1930,
      allocatableCpu: '1930m',
      allocatableMemory: '7068672Ki',
      allocatableMemoryBytes: 7068672 * 1024,
      karpenterAllocatableMemory: '7068672Ki',
    });
  });

  it('custom networking leaves m5.large 18 pod IPs for maxPods 29: MAX_PODS_EXCEEDS_POD_IPS', () => {
    const response = call('GET', '/api/catalog?launchedBy=node-group&cni=custom-networking');
    expect(row(response, 'm5.large')).toMatchObject({
      maxPods: 29,
      podIps: 18,
      mismatches: [{ code: 'MAX_PODS_EXCEEDS_POD_IPS', severity: 'error' }],
    });
  });

  it("Karpenter v1.5.1 with RESERVED_ENIS=1 and pod ENI overestimates m8g.large's memory (the README's loop)", () => {
    const response = call('GET', '/api/catalog?ami=al2&karpenterVersion=1.5.1&reservedEnis=1&podEni=true');
    const m8g = row(response, 'm8g.large');
    expect(m8g.mismatches.map((m) => m.code)).toContain('KARPENTER_RESERVED_ENIS_KUBE_RESERVED');
    expect(m8g.karpenterAllocatableMemoryBytes).toBeGreaterThan(m8g.allocatableMemoryBytes ?? Infinity);
  });

  it.each([
    ['ami=windows', 'query ami: expected one of al2, al2023, bottlerocket, custom', 'ami'],
    ['launchedBy=eksctl', 'query launchedBy: expected one of karpenter, node-group', 'launchedBy'],
    ['cni=calico', 'query cni: expected one of secondary-ip', 'cni'],
    ['podEni=yes', 'query podEni: expected true or false', 'podEni'],
    ['reservedEnis=-1', 'query reservedEnis: expected a whole number from 0 to 32', 'reservedEnis'],
    ['reservedEnis=33', 'query reservedEnis: expected a whole number from 0 to 32', 'reservedEnis'],
    [
      'karpenterVersion=latest',
      'query karpenterVersion: expected a Karpenter version such as 1.5.1',
      'karpenterVersion',
    ],
    ['colour=red', 'query colour: not a field of this endpoint', 'colour'],
    ['ami=al2&ami=al2023', 'query ami: given twice', 'ami'],
  ])('?%s answers 400 naming the field', (query, message, field) => {
    const response = call('GET', `/api/catalog?${query}`);
    expect(response.status).toBe(400);
    const error = errorOf(response);
    expect(error.message).toContain(message);
    expect(error.message).not.toContain('\n');
    expect(error.field).toBe(field);
  });
});

describe('GET /api/catalog/:type', () => {
  it('is the `podcap node --json` object for the same settings', () => {
    const response = call('GET', '/api/catalog/m5.large?launchedBy=node-group&cni=custom-networking');
    expect(response.status).toBe(200);
    const { detail } = response.json as CatalogDetailResponse;
    const [cli] = JSON.parse(
      runNodeCommand(['m5.large'], { launchedBy: 'node-group', customNetworking: true, json: true }, catalog).stdout,
    );
    // The API names every setting, so it assumes less than the bare command line.
    expect({ ...detail, assumed: [] }).toEqual({ ...cli, assumed: [] });
    expect(detail.node).toMatchObject({ status: 'ready', maxPods: 29, podIps: 18 });
    expect(detail.mismatches[0]?.message).toContain('9 pods will hang in ContainerCreating');
  });

  it('answers 404 with suggestions for a type not in the catalog', () => {
    const response = call('GET', '/api/catalog/m5.lareg');
    expect(response.status).toBe(404);
    expect(errorOf(response).message).toMatch(/not in the catalog; did you mean .*m5\.large/);
  });

  it('validates the settings of a detail as of the table', () => {
    expect(call('GET', '/api/catalog/m5.large?reservedEnis=many').status).toBe(400);
  });
});

describe('POST /api/ips', () => {
  it('answers what `podcap ips --json` prints for the same inputs', () => {
    const body = {
      instanceType: 'm5.xlarge',
      podsPerNode: 30,
      pods: 3000,
      env: ['WARM_IP_TARGET=2', 'MINIMUM_IP_TARGET=30'],
      subnets: ['10.0.0.0/20'],
      headroom: 25,
    };
    const response = call('POST', '/api/ips', JSON.stringify(body));
    expect(response.status).toBe(200);
    const cli = runIpsCommand(
      {
        instanceType: 'm5.xlarge',
        podsPerNode: '30',
        pods: '3000',
        env: ['WARM_IP_TARGET=2', 'MINIMUM_IP_TARGET=30'],
        subnet: ['10.0.0.0/20'],
        headroom: '25',
        json: true,
      },
      catalog,
    );
    expect(response.json).toEqual(JSON.parse(cli.stdout));
  });

  it('takes ENIConfig subnets as eniconfig:CIDR', () => {
    const body = {
      instanceType: 'm5.large',
      podsPerNode: 20,
      nodes: 50,
      env: ['AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true'],
      subnets: ['10.0.0.0/24', 'eniconfig:100.64.0.0/20'],
    };
    const response = call('POST', '/api/ips', JSON.stringify(body));
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ subnets: { eniConfigChecked: true } });
  });

  it.each([
    ['{', 'body: expected a JSON object', undefined],
    [
      '{"podsPerNode": 20, "nodes": 5}',
      'body instanceType: expected an EC2 instance type such as m5.large',
      'instanceType',
    ],
    [
      '{"instanceType": "m5.large", "podsPerNode": 2.5, "nodes": 5}',
      'body podsPerNode: expected a whole number',
      'podsPerNode',
    ],
    ['{"instanceType": "m5.large", "podsPerNode": 20, "nodes": 0}', 'body nodes: expected 1 or more', 'nodes'],
    ['{"instanceType": "m5.large", "podsPerNode": 20, "nodes": 5, "env": "X=1"}', 'body env: expected a list', 'env'],
    ['{"instanceType": "m5.large", "podsPerNode": 20, "nodes": 5, "extra": 1}', 'body extra: not a field', 'extra'],
    ['{"instanceType": "m5.lareg", "podsPerNode": 20, "nodes": 5}', '--instance-type "m5.lareg"', 'instanceType'],
    [
      '{"instanceType": "m5.large", "podsPerNode": 20, "nodes": 5, "pods": 100}',
      '--nodes and --pods contradict',
      'nodes',
    ],
    [
      '{"instanceType": "m5.large", "podsPerNode": 20, "nodes": 5, "env": ["WARM_IP_TARGT=2"]}',
      'did you mean WARM_IP_TARGET',
      'env',
    ],
    ['{"instanceType": "m5.large", "podsPerNode": 20, "nodes": 5, "subnets": ["10.0.0.0/33"]}', '--subnet', 'subnets'],
  ])('%s answers 400 naming the field', (body, message, field) => {
    const response = call('POST', '/api/ips', body);
    expect(response.status).toBe(400);
    const error = errorOf(response);
    expect(error.message).toContain(message);
    expect(error.message).not.toContain('\n');
    expect(error.field).toBe(field);
  });
});

describe('GET /api/examples', () => {
  it('lists the examples with the first line of their comment', () => {
    const response = call('GET', '/api/examples');
    expect(response.json).toEqual({
      examples: [
        {
          name: 'karpenter-pod-eni-allocatable-loop',
          title: 'Karpenter v1.5.1, security groups for pods and RESERVED_ENIS=1: a launch loop.',
        },
        { name: 'node-group-outgrows-max-pods', title: expect.any(String) },
      ],
    });
  });

  it('gives the scenario text of a listed example, and 404 for any other name', () => {
    const response = call('GET', '/api/examples/node-group-outgrows-max-pods');
    expect(response.json).toEqual({
      name: 'node-group-outgrows-max-pods',
      yaml: exampleText('node-group-outgrows-max-pods'),
    });
    for (const name of ['..%2Fpackage.json', '%2e%2e', 'unknown', '..']) {
      expect(call('GET', `/api/examples/${name}`).status).toBe(404);
    }
  });
});

describe('POST /api/simulate', () => {
  it('runs a scenario into report data: the launch loop is RUNAWAY_SCALE_OUT', () => {
    const yaml = exampleText('karpenter-pod-eni-allocatable-loop');
    const response = call('POST', '/api/simulate', JSON.stringify({ yaml }));
    expect(response.status).toBe(200);
    const data = response.json as { format: string; podcapVersion: string; findings: { code: string }[] };
    expect(data.format).toBe('podcap-report/1');
    expect(data.podcapVersion).toBe('test');
    expect(data.findings.map((f) => f.code)).toContain('RUNAWAY_SCALE_OUT');
  });

  it('answers 400 with the field path and the line of a bad value', () => {
    const yaml = exampleText('karpenter-pod-eni-allocatable-loop').replace('  replicas: 1\n', '  replicas: lots\n');
    const line = yaml.split('\n').indexOf('  replicas: lots') + 1;
    const response = call('POST', '/api/simulate', JSON.stringify({ yaml }));
    expect(response.status).toBe(400);
    expect(errorOf(response)).toEqual({
      message: expect.stringContaining('pasted.yaml: Deployment default/payments (document 5): spec.replicas'),
      file: 'pasted.yaml',
      fieldPath: 'Deployment default/payments (document 5): spec.replicas',
      expected: expect.any(String),
      found: '"lots"',
      line,
    });
    expect(line).toBe(91);
  });

  it('points a missing field at the mapping that lacks it', () => {
    const yaml =
      'apiVersion: podcap.dev/v1alpha1\nkind: Scenario\nmetadata:\n  name: x\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web }\nspec:\n  replicas: 2\n';
    const error = errorOf(call('POST', '/api/simulate', JSON.stringify({ yaml })));
    expect(error.fieldPath).toBe('Scenario x (document 1): spec');
    expect(error.line).toBe(1);
  });

  it('points a YAML syntax error at its line', () => {
    const yaml =
      'apiVersion: podcap.dev/v1alpha1\nkind: Scenario\n---\nkind: Deployment\nmetadata:\n  name: [unclosed\n';
    const error = errorOf(call('POST', '/api/simulate', JSON.stringify({ yaml })));
    expect(error.fieldPath).toBe('document 2');
    expect(error.expected).toBe('YAML');
    expect(error.line).toBeGreaterThanOrEqual(6);
  });

  it('has no line for a problem of no one document', () => {
    const error = errorOf(
      call(
        'POST',
        '/api/simulate',
        JSON.stringify({ yaml: 'apiVersion: apps/v1\nkind: Namespace\nmetadata: { name: a }\n' }),
      ),
    );
    expect(error.fieldPath).toBe('(all documents)');
    expect(error.line).toBeNull();
  });

  it('validates the body', () => {
    expect(errorOf(call('POST', '/api/simulate', '{"yaml": 3}')).message).toBe(
      'body yaml: expected the scenario as YAML text',
    );
    expect(call('POST', '/api/simulate', 'yaml: x').status).toBe(400);
  });
});

describe('routing', () => {
  it.each([
    ['GET', '/api/nothing', 404],
    ['GET', '/api/catalog/m5.large/extra', 404],
    ['POST', '/api/catalog', 405],
    ['GET', '/api/ips', 405],
    ['GET', '/api/simulate', 405],
    ['DELETE', '/api/examples', 405],
    ['GET', '/api/catalog/%E0%A4%A', 400],
  ])('%s %s answers %i', (method, path, status) => {
    expect(call(method, path).status).toBe(status);
  });
});
