import type { NodeCapacity } from '../core/node-capacity.js';
import { formatCpu, formatMebibytes } from '../core/quantity.js';
import type { Mismatch, Severity } from '../core/mismatch.js';
import { renderTable } from './text-table.js';

const SEVERITY_MARK: Readonly<Record<Severity, string>> = { error: '✗', warning: '!', info: 'i' };

function memory(bytes: number | null): string {
  return bytes === null ? '?' : formatMebibytes(bytes);
}

function cpu(millis: number | null): string {
  return millis === null ? '?' : formatCpu(millis);
}

function worst(mismatches: readonly Mismatch[]): string {
  const errors = mismatches.filter((m) => m.severity === 'error').length;
  const warnings = mismatches.filter((m) => m.severity === 'warning').length;
  if (errors + warnings === 0) return 'ok';
  return [errors > 0 ? `${errors} error${errors > 1 ? 's' : ''}` : '', warnings > 0 ? `${warnings} warning${warnings > 1 ? 's' : ''}` : '']
    .filter((s) => s !== '')
    .join(', ');
}

/** The `podcap node` table: types as rows, then each error and warning on its own line. */
export function renderNodeText(results: readonly NodeCapacity[], assumed: readonly string[], verbose: boolean): string {
  const rows = results.map((result) => {
    const { node, karpenter, config } = result;
    const hardware = config.instanceType.hardware;
    const ready = node.status === 'ready';
    return [
      config.instanceType.name,
      hardware === null ? '?' : String(hardware.vcpu),
      hardware === null ? '?' : `${hardware.memoryMib / 1024}Gi`,
      ready ? String(node.maxPods) : 'fails',
      String(node.network.podIps),
      String(node.network.podEni),
      ready ? cpu(node.allocatable.cpuMillis) : '-',
      ready ? memory(node.allocatable.memoryBytes) : '-',
      String(karpenter.maxPods),
      memory(karpenter.relaunch.allocatable.memoryBytes),
      worst(result.mismatches),
    ];
  });
  const table = renderTable(
    [
      { header: 'TYPE' },
      { header: 'vCPU', align: 'right' },
      { header: 'MEM', align: 'right' },
      { header: 'MAXPODS', align: 'right' },
      { header: 'POD IPS', align: 'right' },
      { header: 'POD-ENI', align: 'right' },
      { header: 'ALLOC CPU', align: 'right' },
      { header: 'ALLOC MEM', align: 'right' },
      { header: 'K PODS', align: 'right' },
      { header: 'K ALLOC MEM', align: 'right' },
      { header: 'FINDINGS' },
    ],
    rows,
  );
  const details: string[] = [];
  for (const result of results) {
    for (const m of result.mismatches) {
      if (m.severity === 'info' && !verbose) continue;
      details.push(`${SEVERITY_MARK[m.severity]} ${result.config.instanceType.name} ${m.code}: ${m.message}`);
    }
  }
  const estimated = results.some((r) => r.node.status === 'ready' && r.node.memorySource === 'estimate');
  const notes = [
    'MAXPODS, POD IPS, ALLOC: the node as its AMI and kubelet set it up; K: Karpenter before launch.',
    estimated
      ? 'Memory capacity is estimated as Karpenter does; pass --memory-capacity (node.status.capacity.memory) for exact figures.'
      : null,
    assumed.length > 0 ? `Assumed: ${assumed.join('; ')}.` : null,
    !verbose && results.some((r) => r.mismatches.some((m) => m.severity === 'info'))
      ? 'More notes with --verbose; every figure with --json.'
      : null,
  ].filter((line) => line !== null);
  return [table, '', ...(details.length > 0 ? [...details, ''] : []), ...notes].join('\n');
}
