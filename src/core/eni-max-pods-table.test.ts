import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readCatalogFile } from '../input/catalog-file.js';
import { type CatalogIndex, indexCatalog } from './catalog.js';
import { computeNodeCapacity } from './node-capacity.js';
import { type AmiFamily, makeNodeConfig } from './node-config.js';

// The official max-pods tables stay in ../shared beside the project; they are oracles, not inputs.
const SHARED_DATA = fileURLToPath(new URL('../../../shared/data/', import.meta.url));
const TABLES = [
  // awslabs/amazon-eks-ami templates/shared/runtime/eni-max-pods.txt @2377b69 (last version before deletion)
  'eni-max-pods.txt',
  // aws/amazon-vpc-cni-k8s misc/eni-max-pods.txt @6152e01
  'eni-max-pods.vpc-cni.txt',
];

function readTable(file: string): [string, number][] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => {
      const [type = '', maxPods = ''] = line.trim().split(/\s+/);
      return [type, Number(maxPods)];
    });
}

const catalog: CatalogIndex = indexCatalog(readCatalogFile());

for (const table of TABLES) {
  const file = `${SHARED_DATA}${table}`;
  const present = existsSync(file);
  describe.skipIf(!present)(`default maxPods equals every row of ../shared/data/${table}`, () => {
    if (!present) return;
    const rows = readTable(file);

    it('has the rows the data README counts', () => {
      expect(rows.length).toBe(table === 'eni-max-pods.txt' ? 1197 : 1391);
    });

    const families: AmiFamily[] = ['al2', 'al2023', 'bottlerocket'];
    it.each(families)('an AMI-launched %s node and Karpenter agree with every row', (amiFamily) => {
      const wrong: string[] = [];
      for (const [name, expected] of rows) {
        const found = catalog.lookup(name);
        if (found.status !== 'found') {
          wrong.push(`${name}: not in the catalog`);
          continue;
        }
        const capacity = computeNodeCapacity(
          makeNodeConfig(found.instanceType, { amiFamily, launchedBy: 'node-group' }),
        );
        const nodeMaxPods = capacity.node.status === 'ready' ? capacity.node.maxPods : -1;
        if (nodeMaxPods !== expected) wrong.push(`${name}: node ${nodeMaxPods}, table ${expected}`);
        if (capacity.karpenter.maxPods !== expected) {
          wrong.push(`${name}: Karpenter ${capacity.karpenter.maxPods}, table ${expected}`);
        }
      }
      expect(wrong).toEqual([]);
    });
  });
  if (!present) {
    it(`skipped: ${file} is absent, so the max-pods table check did not run`, () => {
      expect(present).toBe(false);
    });
  }
}
