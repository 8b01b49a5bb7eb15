import type { Mismatch, Severity } from '../core/mismatch.js';
import type { NodeCapacity } from '../core/node-capacity.js';
import { formatCpu, MEBIBYTE } from '../core/quantity.js';
import { renderTable, wrapLine } from './text-table.js';

const SEVERITY_MARK: Readonly<Record<Severity, string>> = { error: '✗', warning: '!', info: 'i' };

/** MiB with one decimal where needed: the precision at which the components disagree. */
function mebibytes(bytes: number | null): string {
  if (bytes === null) return '?';
  const value = bytes / MEBIBYTE;
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

function gibibytes(memoryMib: number): string {
  const value = memoryMib / 1024;
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

function cpu(millis: number | null): string {
  return millis === null ? '?' : formatCpu(millis);
}

function findings(mismatches: readonly Mismatch[]): string {
  const errors = mismatches.filter((m) => m.severity === 'error').length;
  const warnings = mismatches.filter((m) => m.severity === 'warning').length;
  if (errors + warnings === 0) return 'ok';
  return [errors > 0 ? `✗${errors}` : '', warnings > 0 ? `!${warnings}` : ''].filter((s) => s !== '').join(' ');
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
      hardware === null ? '?' : gibibytes(hardware.memoryMib),
      ready ? String(node.maxPods) : 'fails',
      String(node.network.podIps),
      String(node.network.podEni),
      ready ? cpu(node.allocatable.cpuMillis) : '-',
      ready ? mebibytes(node.allocatable.memoryBytes) : '-',
      mebibytes(karpenter.relaunch.allocatable.memoryBytes),
      findings(result.mismatches),
    ];
  });
  const table = renderTable(
    [
      { header: 'TYPE' },
      { header: 'vCPU', align: 'right' },
      { header: 'GiB', align: 'right' },
      { header: 'MAXPODS', align: 'right' },
      { header: 'POD IPS', align: 'right' },
      { header: 'POD-ENI', align: 'right' },
      { header: 'CPU', align: 'right' },
      { header: 'MEM MiB', align: 'right' },
      { header: 'K MEM MiB', align: 'right' },
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
    'CPU, MEM: allocatable on the node as its AMI and kubelet set it up; K MEM: as Karpenter predicts it.',
    "FINDINGS: ✗ errors, ! warnings; a Karpenter node gets Karpenter's maxPods.",
    estimated
      ? "Memory capacity is estimated as Karpenter estimates it; --memory-capacity (a node's status.capacity.memory) gives exact figures."
      : null,
    assumed.length > 0 ? `Assumed: ${assumed.join('; ')}.` : null,
    !verbose && results.some((r) => r.mismatches.some((m) => m.severity === 'info'))
      ? 'More notes with --verbose; every figure with --json.'
      : null,
  ].filter((line) => line !== null);
  return [table, '', ...(details.length > 0 ? [...details, ''] : []), ...notes]
    .map((line) => wrapLine(line))
    .join('\n');
}
