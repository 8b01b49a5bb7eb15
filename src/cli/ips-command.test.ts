import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { indexCatalog } from '../core/catalog.js';
import { readCatalogFile } from '../input/catalog-file.js';
import { UsageError } from '../input/input-error.js';
import { parseVpcCniEnv } from '../network/vpc-cni-settings.js';
import { type IpsCommandOptions, MODELLED_VARIABLES, runIpsCommand } from './ips-command.js';

const catalog = indexCatalog(readCatalogFile());

function run(options: IpsCommandOptions) {
  return runIpsCommand(options, catalog);
}

// biome-ignore lint/suspicious/noExplicitAny: the JSON output is checked field by field.
function json(options: IpsCommandOptions): any {
  const result = run({ ...options, json: true });
  expect(result.exitCode).toBe(0);
  return JSON.parse(result.stdout);
}

function usageError(options: IpsCommandOptions): string {
  try {
    run(options);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    const message = (error as UsageError).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected a UsageError');
}

const M5_LARGE_50 = { instanceType: 'm5.large', podsPerNode: '20', nodes: '50', subnet: ['10.0.0.0/22'] };

describe('podcap ips --json', () => {
  it('m5.large, 50 nodes of 20 pods, one /22: per node, subnets, fit, alternatives, recommendation', () => {
    const out = json(M5_LARGE_50);
    expect(out.perNode).toMatchObject({ enis: 3, addressesUsed: 30, podIps: 20, warmIps: 7, maxPods: 29 });
    expect(out.subnets).toMatchObject({ usable: 1019, used: 1500, free: -481 });
    expect(out).toMatchObject({
      fits: false,
      fitsWithHeadroom: false,
      maxNodes: 33,
      maxPods: 660,
      nodes: 50,
      pods: 1000,
    });
    expect(out.alternatives.map((a: { name: string }) => a.name)).toEqual([
      'defaults',
      'warm-ip',
      'prefix-delegation',
      'custom-networking',
    ]);
    expect(out.alternatives[1]).toMatchObject({
      name: 'warm-ip',
      env: { WARM_IP_TARGET: '2', MINIMUM_IP_TARGET: '20' },
      perNode: { enis: 3, addressesUsed: 25, podIps: 20, warmIps: 2 },
      fits: false,
      maxNodes: 40,
      subnetPrefixLength: 21,
    });
    expect(out.alternatives[2]).toMatchObject({
      perNode: { prefixes: 3, addressesUsed: 49, prefixBlocks: 4, maxPods: 110, maxPodsSource: 'max-pods-calculator' },
      maxNodes: 15,
    });
    expect(out.recommendation).toMatchObject({ env: {}, subnetPrefixLength: 21, subnets: 1, nodes: 60 });
    expect(out.findings[0]).toEqual({
      severity: 'error',
      message: 'Does not fit: 10.0.0.0/22 holds 33 of the 50 nodes (660 of 1000 pods); it runs dry at node 34.',
    });
  });

  it('without --subnet: per-node figures and the recommendation; fits and maxNodes null', () => {
    const out = json({ instanceType: 'm5.large', podsPerNode: '20', nodes: '50' });
    expect(out).toMatchObject({ subnets: null, fits: null, maxNodes: null, maxPods: null });
    expect(out.perNode.addressesUsed).toBe(30);
    expect(out.recommendation.subnetPrefixLength).toBe(21);
  });

  it('--pods gives the nodes at this density, the last one counted full', () => {
    const out = json({ instanceType: 'm5.xlarge', podsPerNode: '30', pods: '3001' });
    expect(out).toMatchObject({ nodes: 101, pods: 3001 });
  });

  it('--env over the EKS manifest defaults; a variable podcap does not model is listed, not refused', () => {
    const out = json({
      ...M5_LARGE_50,
      env: ['WARM_IP_TARGET=2', 'MINIMUM_IP_TARGET=20', 'AWS_VPC_K8S_CNI_LOGLEVEL=DEBUG'],
    });
    expect(out.perNode).toMatchObject({ addressesUsed: 25, warmIps: 2 });
    expect(out.notModelled).toEqual(['AWS_VPC_K8S_CNI_LOGLEVEL']);
    expect(out.findings).toContainEqual({
      severity: 'info',
      message: 'Not modelled, ignored: AWS_VPC_K8S_CNI_LOGLEVEL.',
    });
    expect(out.alternatives[0].env).toEqual({ AWS_VPC_K8S_CNI_LOGLEVEL: 'DEBUG', WARM_ENI_TARGET: '1' });
  });

  it('MINIMUM_IP_TARGET without WARM_IP_TARGET: pods beyond it get no IP (README 346)', () => {
    const out = json({ instanceType: 'm5.large', podsPerNode: '12', nodes: '10', env: ['MINIMUM_IP_TARGET=10'] });
    expect(out.perNode).toMatchObject({ podIps: 10, podsWithoutIp: 2, bound: 'minimum-ip-target' });
  });

  it('pods per node over maxPods are reported as Pending', () => {
    const out = json({ instanceType: 'm5.large', podsPerNode: '40', nodes: '10' });
    expect(out.perNode).toMatchObject({ podIps: 27, podsPending: 13 });
    expect(out.recommendation.env).toEqual({ ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: '1' });
  });

  it('custom networking with ENIConfig subnets: nodes in the node subnets, pod addresses in the ENIConfig ones', () => {
    const out = json({
      instanceType: 'm5.large',
      podsPerNode: '17',
      nodes: '200',
      env: ['AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true'],
      subnet: ['10.0.0.0/24', '10.0.1.0/24', 'eniconfig:100.64.0.0/22', 'eniconfig:100.64.4.0/22'],
    });
    expect(out.perNode).toMatchObject({ nodeSubnetAddresses: 1, eniConfigSubnetAddresses: 20, addressesUsed: 21 });
    expect(out.subnets.list.map((s: { role: string }) => s.role)).toEqual(['node', 'node', 'eniconfig', 'eniconfig']);
    expect(out).toMatchObject({ fits: false, maxNodes: 100 });
    expect(out.subnets.eniConfigChecked).toBe(true);
  });

  it('custom networking with one --subnet: it is the node subnet; the ENIConfig side is sized, not checked', () => {
    const out = json({
      instanceType: 'm5.large',
      podsPerNode: '15',
      nodes: '100',
      env: ['AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true'],
      subnet: ['10.0.0.0/24'],
    });
    expect(out).toMatchObject({ fits: true, maxNodes: 251 });
    expect(out.subnets.eniConfigChecked).toBe(false);
    // 120 nodes × 20 addresses: a /20 (4091 usable) for the ENIConfig subnet.
    expect(out.recommendation).toMatchObject({ subnetPrefixLength: 25, eniConfigSubnetPrefixLength: 20 });
    expect(out.findings.map((f: { severity: string }) => f.severity)).toContain('warning');
  });

  it('prefix delegation: the /28 blocks decide, ENI primaries counted as a block each', () => {
    const out = json({
      instanceType: 'c5.4xlarge',
      podsPerNode: '60',
      nodes: '80',
      env: ['ENABLE_PREFIX_DELEGATION=true'],
      subnet: ['10.0.0.0/20', '10.0.16.0/20'],
      headroom: '0',
    });
    // 5 prefixes + 1 primary: 6 blocks per node; a /20 has 254 blocks, 42 nodes.
    expect(out.perNode).toMatchObject({ prefixes: 5, prefixBlocks: 6, addressesUsed: 81, maxPods: 110 });
    expect(out).toMatchObject({ fits: true, fitsWithHeadroom: true, maxNodes: 84, nodesWithHeadroom: 80 });
  });
});

describe('podcap ips text', () => {
  it('findings first, aligned, no line over 100 columns', () => {
    const { stdout, exitCode } = run(M5_LARGE_50);
    expect(exitCode).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines.slice(0, 5)).toEqual([
      '50 nodes of m5.large, 20 pods per node that need an IP; aws-node: EKS defaults (WARM_ENI_TARGET=1,',
      '  WARM_PREFIX_TARGET=1)',
      '',
      'Findings',
      '  ✗ Does not fit: 10.0.0.0/22 holds 33 of the 50 nodes (660 of 1000 pods); it runs dry at node 34.',
    ]);
    expect(stdout).toContain(
      [
        'Per node: m5.large, secondary IPs',
        '  ENIs               3  primary + 2 for pods; limit 3',
        '  secondary IPs     27  9 + 9 + 9',
        '  held for pods     27  20 assigned, 7 warm (ENI limit: 3 ENIs for pods × 9 IPs); capacity 27',
        "  subnet addresses  30  the node's own, 2 ENI primaries, 27 secondary IPs",
        '  maxPods           29  eni-max-pods; 20 pods + 2 host-network pods fit',
      ].join('\n'),
    );
    expect(stdout).toContain(
      [
        '  SUBNET       ROLE  USABLE  NODES  USED       FREE  MAX NODES',
        '  10.0.0.0/22  node    1019     50  1500  short 481         33',
      ].join('\n'),
    );
    expect(stdout).toContain(
      '  warm-ip               3         -         25     2      0        0  no           40  /21',
    );
    expect(stdout).toContain('Recommendation\n  given: EKS defaults');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(100);
  });

  it('stays within 100 columns whatever the input', () => {
    const types = ['m5.large', 't3.small', 'c4.large', 'p3dn.24xlarge', 'm5.24xlarge', 'c5.4xlarge'];
    const envs = [
      [],
      ['WARM_IP_TARGET=5', 'MINIMUM_IP_TARGET=30'],
      ['AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true', 'ENABLE_POD_ENI=true', 'AWS_VPC_K8S_CNI_EXTERNALSNAT=true'],
      ['WARM_ENI_TARGET=0', 'MAX_ENI=2'],
      ['MINIMUM_IP_TARGET=7'],
    ];
    const subnets = [[], ['10.0.0.0/24'], ['10.0.0.0/20', '10.0.16.0/22', 'eniconfig:100.64.0.0/16']];
    fc.assert(
      fc.property(
        fc.constantFrom(...types),
        fc.constantFrom(...envs),
        fc.constantFrom(...subnets),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 5000 }),
        (instanceType, env, subnet, podsPerNode, nodes) => {
          const { stdout } = run({ instanceType, env, subnet, podsPerNode: String(podsPerNode), nodes: String(nodes) });
          for (const line of stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
          const parsed = JSON.parse(
            run({ instanceType, env, subnet, podsPerNode: String(podsPerNode), nodes: String(nodes), json: true })
              .stdout,
          );
          expect(parsed.perNode.addressesUsed).toBeGreaterThan(0);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('bad input: one line naming the value and what was expected', () => {
  const base = { instanceType: 'm5.large', podsPerNode: '20', nodes: '5' };
  it.each<[string, IpsCommandOptions, string]>([
    [
      'an unknown type',
      { ...base, instanceType: 'm5.larg' },
      '--instance-type "m5.larg": expected an instance type in the catalog; did you mean m5.large, c5.large, m1.large?',
    ],
    [
      'neither --nodes nor --pods',
      { instanceType: 'm5.large', podsPerNode: '20' },
      'podcap ips: expected --nodes K or --pods P',
    ],
    ['both', { ...base, pods: '100' }, '--nodes and --pods contradict: give one or the other'],
    [
      'a fraction of a pod',
      { ...base, podsPerNode: '2.5' },
      '--pods-per-node "2.5": expected a whole number from 1 to 10000',
    ],
    ['negative nodes', { ...base, nodes: '-5' }, '--nodes "-5": expected a whole number from 1 to 100000'],
    [
      'a negative target',
      { ...base, env: ['WARM_IP_TARGET=-1'] },
      '--env WARM_IP_TARGET="-1": expected a whole number, 0 or more (ipamd uses 0 instead)',
    ],
    [
      'a non-integer target',
      { ...base, env: ['MINIMUM_IP_TARGET=1.5'] },
      '--env MINIMUM_IP_TARGET="1.5": expected a whole number, 0 or more (ipamd uses 0 instead)',
    ],
    [
      'MAX_ENI=0',
      { ...base, env: ['MAX_ENI=0'] },
      `--env MAX_ENI="0": expected a whole number, 1 or more (ipamd uses the instance type's limit instead)`,
    ],
    [
      'a boolean that does not parse',
      { ...base, env: ['ENABLE_POD_ENI=yes'] },
      '--env ENABLE_POD_ENI="yes": expected true or false (ipamd keeps false instead)',
    ],
    [
      'no =',
      { ...base, env: ['WARM_IP_TARGET'] },
      '--env "WARM_IP_TARGET": expected NAME=VALUE, such as WARM_IP_TARGET=2',
    ],
    [
      'a variable twice',
      { ...base, env: ['WARM_IP_TARGET=2', 'WARM_IP_TARGET=3'] },
      '--env WARM_IP_TARGET given twice ("2", "3"): expected it once',
    ],
    [
      'a misspelt variable',
      { ...base, env: ['WARM_IP_TARGT=2'] },
      '--env WARM_IP_TARGT: expected an aws-node variable; did you mean WARM_IP_TARGET? ipamd ignores WARM_IP_TARGT',
    ],
    [
      'a variable in lower case',
      { ...base, env: ['warm_ip_target=2'] },
      '--env warm_ip_target: expected an aws-node variable; did you mean WARM_IP_TARGET? ipamd ignores warm_ip_target',
    ],
    [
      'IPv6',
      { ...base, env: ['ENABLE_IPv6=true'] },
      '--env ENABLE_IPv6=true: expected IPv4; podcap ips models IPv4 subnets only',
    ],
    [
      'prefix delegation on a type that is not Nitro',
      { ...base, instanceType: 'm4.large', env: ['ENABLE_PREFIX_DELEGATION=true'] },
      '--env ENABLE_PREFIX_DELEGATION=true: expected a Nitro or bare-metal type; m4.large runs on xen (ipamd would keep secondary IPs)',
    ],
    [
      'host bits',
      { ...base, subnet: ['10.0.0.1/24'] },
      '--subnet "10.0.0.1/24": expected a network address without host bits (10.0.0.0/24)',
    ],
    [
      'a /29',
      { ...base, subnet: ['10.0.0.0/29'] },
      '--subnet "10.0.0.0/29": expected a subnet prefix length from /16 to /28',
    ],
    [
      'a /15',
      { ...base, subnet: ['10.0.0.0/15'] },
      '--subnet "10.0.0.0/15": expected a subnet prefix length from /16 to /28',
    ],
    ['not a CIDR', { ...base, subnet: ['banana'] }, '--subnet "banana": expected an IPv4 CIDR such as 10.0.0.0/24'],
    [
      'overlapping subnets',
      { ...base, subnet: ['10.0.0.0/24', '10.0.0.128/25'] },
      '--subnet 10.0.0.128/25 overlaps --subnet 10.0.0.0/24: expected subnets that do not overlap',
    ],
    [
      'an ENIConfig subnet overlapping a node subnet',
      { ...base, subnet: ['10.0.0.0/16', 'eniconfig:10.0.4.0/22'] },
      '--subnet 10.0.4.0/22 overlaps --subnet 10.0.0.0/16: expected subnets that do not overlap',
    ],
    [
      'ENIConfig subnets alone',
      { ...base, subnet: ['eniconfig:100.64.0.0/16'] },
      '--subnet eniconfig:100.64.0.0/16: expected the node subnets too (--subnet CIDR)',
    ],
    [
      'a negative headroom',
      { ...base, headroom: '-3' },
      '--headroom "-3": expected a percentage from 0 to 1000, such as 20 or 20%',
    ],
  ])('%s', (_, options, message) => {
    expect(usageError(options)).toBe(message);
  });

  it('--headroom takes 25 or 25%', () => {
    expect(json({ ...base, headroom: '25%' }).nodesWithHeadroom).toBe(7);
    expect(json({ ...base, headroom: '25' }).headroomPercent).toBe(25);
  });

  it('the modelled variables are those parseVpcCniEnv reads', () => {
    const env = Object.fromEntries(MODELLED_VARIABLES.map((name) => [name, '1']));
    expect(parseVpcCniEnv(env).ignored).toEqual([]);
  });
});
