import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DescribeInstanceTypesPage } from '../catalog/ec2-catalog.js';
import { parseCatalog, readCatalogFile } from '../input/catalog-file.js';
import { runCatalogRefresh } from './catalog-command.js';

const recorded = JSON.parse(
  readFileSync(new URL('../catalog/recorded/describe-instance-types.json', import.meta.url), 'utf8'),
) as { pages: DescribeInstanceTypesPage[] };

function replay(pages: readonly DescribeInstanceTypesPage[]) {
  return () => {
    let index = 0;
    return async () => pages[index++] ?? {};
  };
}

describe('podcap catalog refresh', () => {
  it('writes a catalog that podcap reads back, merged over the bundled one', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'podcap-')), 'catalog.json');
    const bundled = readCatalogFile();
    const result = await runCatalogRefresh({ region: 'eu-west-1', out }, bundled, replay(recorded.pages), '2026-11-23');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(`${out}: 5 types from EC2 in eu-west-1, 1393 in the catalog\n`);
    const written = parseCatalog(JSON.parse(readFileSync(out, 'utf8')), out);
    expect(written.instanceTypes).toHaveLength(bundled.instanceTypes.length + 1);
    expect(written.instanceTypes.find((t) => t.name === 'm9x.large')?.hardware).toEqual({
      vcpu: 2,
      memoryMib: 8192,
      architecture: 'arm64',
    });
  });

  it('leaves nothing behind when EC2 fails', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'podcap-')), 'catalog.json');
    const failing = () => async () => {
      throw new Error('UnauthorizedOperation: You are not authorized to perform this operation.');
    };
    await expect(runCatalogRefresh({ region: 'eu-west-1', out }, readCatalogFile(), failing)).rejects.toThrow(
      'catalog refresh: EC2 DescribeInstanceTypes in eu-west-1 failed: UnauthorizedOperation',
    );
    expect(existsSync(out)).toBe(false);
  });

  it('checks --out before it calls EC2', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'podcap-'));
    let called = false;
    const never = () => async () => {
      called = true;
      return {};
    };
    await expect(runCatalogRefresh({ region: 'eu-west-1', out: folder }, readCatalogFile(), never)).rejects.toThrow(
      `--out ${folder}: expected a file path, found a folder`,
    );
    expect(called).toBe(false);
  });
});
