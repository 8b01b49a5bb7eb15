import { describe, expect, it } from 'vitest';
import { main } from './main.js';

async function podcap(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
  return { code, stdout, stderr };
}

describe('podcap node: flag values no node of the type can have', () => {
  it.each([
    [
      ['--online-cpus', '5'],
      'podcap: --online-cpus 5: expected at most the 2 vCPUs of m5.large (CPU options only turn CPUs off)',
    ],
    [
      ['--memory-capacity', '8Ei'],
      `podcap: --memory-capacity "8Ei": expected less than the EC2 memory of m5.large, 8192Mi (a node's MemTotal is always below it), got 8796093022208Mi`,
    ],
    // EC2's 8 GiB exactly: MemTotal is always several hundred MiB below it (capacity-models.md §1.1).
    [
      ['--memory-capacity', 'm5.large=8Gi'],
      `podcap: --memory-capacity "m5.large=8Gi": expected less than the EC2 memory of m5.large, 8192Mi (a node's MemTotal is always below it), got 8192Mi`,
    ],
    // The kubelet refuses to start: "Expected capacity >= reservation" (validateNodeAllocatable).
    [
      ['--kube-reserved', 'memory=100Gi'],
      `podcap: --kube-reserved "memory=100Gi": expected kubeReserved + systemReserved + evictionHard memory of at most the 7577Mi of m5.large as Karpenter estimates it (--memory-capacity gives a node's own), got 102500Mi: the kubelet refuses to start`,
    ],
    [
      ['--kube-reserved', 'cpu=1', '--system-reserved', 'cpu=1500m'],
      'podcap: --kube-reserved "cpu=1" with --system-reserved "cpu=1500m": expected kubeReserved + systemReserved CPU of at most the 2 CPUs of m5.large, got 2500m: the kubelet refuses to start',
    ],
    // Karpenter's ENILimitedPods is 0 when RESERVED_ENIS and EFA-only interfaces take every ENI (capacity-models.md §5.1).
    [
      ['--reserved-enis', '5'],
      'podcap: --reserved-enis 5: expected RESERVED_ENIS and EFA-only interfaces fewer than the 3 ENIs of m5.large on network card 0, got 5: Karpenter gives the type 0 pods and never launches it',
    ],
    [
      ['--efa-only-interfaces', '10'],
      'podcap: --efa-only-interfaces 10: expected RESERVED_ENIS and EFA-only interfaces fewer than the 3 ENIs of m5.large on network card 0, got 10: Karpenter gives the type 0 pods and never launches it',
    ],
    [
      ['--reserved-enis', '2', '--efa-only-interfaces', '1'],
      'podcap: --reserved-enis 2 with --efa-only-interfaces 1: expected RESERVED_ENIS and EFA-only interfaces fewer than the 3 ENIs of m5.large on network card 0, got 3: Karpenter gives the type 0 pods and never launches it',
    ],
    [
      ['--kube-reserved', 'cpu=1,cpu=2'],
      'podcap: --kube-reserved "cpu=1,cpu=2": expected cpu=VALUE,memory=VALUE, each key once (cpu twice)',
    ],
    [
      ['--eviction-hard', 'memory.available=5%,memory.available=1Gi'],
      'podcap: --eviction-hard "memory.available=5%,memory.available=1Gi": expected memory.available=VALUE, each key once (memory.available twice)',
    ],
  ])('%j: exit 2 with one line', async (flags, message) => {
    const result = await podcap('node', 'm5.large', ...flags);
    expect(result).toEqual({ code: 2, stdout: '', stderr: `${message}\n` });
  });

  it('keeps settings that only Karpenter would be given when the node group launches the type, or maxPods is set', async () => {
    expect((await podcap('node', 'm5.large', '--reserved-enis', '5', '--launched-by', 'node-group')).code).toBe(0);
    expect((await podcap('node', 'm5.large', '--reserved-enis', '5', '--max-pods', '20')).code).toBe(0);
  });

  it('with --all, names the types a setting does not work on instead of failing', async () => {
    const result = await podcap('node', '--all', '--reserved-enis', '1');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      '✗ --reserved-enis 1: leaves no ENI on network card 0 of these types (Karpenter gives them 0 pods and\n  never launches them): hpc6id.32xlarge\n',
    );
    const reserved = await podcap('node', '--all', '--kube-reserved', 'memory=1Gi');
    expect(reserved.stdout).toMatch(
      /✗ --kube-reserved "memory=1Gi": reserves more memory than these types have[^✗]*t3\.nano/,
    );
    expect((await podcap('node', '--all')).stdout).not.toContain('✗ --');
  });
});

describe('podcap node --max-pods-expression', () => {
  it.each([
    [
      'max_pods +',
      'expected a CEL expression over default_enis, ips_per_eni and max_pods such as "max_pods + 2", got a syntax error at column 11: Unexpected token: EOF',
    ],
    [
      'process.exit(1)',
      'expected a CEL expression over default_enis, ips_per_eni and max_pods such as "max_pods + 2", got a type error at column 1: Unknown variable: process',
    ],
    [
      'max_pods * 1.5',
      'expected a CEL expression over default_enis, ips_per_eni and max_pods such as "max_pods + 2", got a type error at column 1: no such overload: int * double',
    ],
    ['1.5', 'expected an expression of CEL type int, got double (write int(…) for the conversion nodeadm would make)'],
    ['true', 'expected an expression of CEL type int, got bool'],
    ['  ', 'expected a CEL expression over default_enis, ips_per_eni and max_pods such as "max_pods + 2"'],
  ])('%j does not compile as nodeadm would: exit 2 naming the flag', async (expression, expected) => {
    const result = await podcap('node', 'm5.large', '--max-pods-expression', expression);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `podcap: --max-pods-expression ${JSON.stringify(expression.trim() === '' ? '' : expression)}: ${expected}\n`,
    );
  });

  it("keeps nodeadm's fallback for an expression that compiles and fails when evaluated", async () => {
    const result = await podcap('node', 'm5.large', '--max-pods-expression', 'max_pods / 0', '--json');
    expect(result.code).toBe(0);
    const [m5] = JSON.parse(result.stdout);
    expect(m5.mismatches.map((m: { code: string }) => m.code)).toContain('MAX_PODS_EXPRESSION_FALLBACK');
    const converted = await podcap('node', 'm5.large', '--max-pods-expression', 'int(1.5) + max_pods', '--json');
    expect(converted.code).toBe(0);
  });
});
