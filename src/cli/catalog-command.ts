import { ec2Pager, type FetchInstanceTypesPage, refreshCatalog } from '../catalog/ec2-catalog.js';
import type { Catalog } from '../core/catalog.js';
import { serializeCatalog } from '../input/catalog-file.js';
import { UsageError } from '../input/input-error.js';
import { checkOutputFiles, writeOutputFiles } from './write-file.js';

export interface CatalogRefreshOutput {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

const REGION_PATTERN = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;

export async function runCatalogRefresh(
  options: { region?: string; out?: string },
  bundled: Catalog,
  fetchPageFor: (region: string) => FetchInstanceTypesPage = ec2Pager,
  today: string = new Date().toISOString().slice(0, 10),
): Promise<CatalogRefreshOutput> {
  const region = options.region;
  if (region === undefined || region === '') {
    throw new UsageError('catalog refresh: --region: expected an AWS region such as us-east-1 (or set AWS_REGION)');
  }
  if (!REGION_PATTERN.test(region)) {
    throw new UsageError(
      `catalog refresh: --region ${JSON.stringify(region)}: expected an AWS region such as us-east-1`,
    );
  }
  // Before the EC2 call: a path --out cannot take fails now. The catalog it refreshes may be replaced in
  // place (it was read whole before), so it is not counted as an input here.
  const [out] = checkOutputFiles([{ flag: '--out', file: options.out }], []);
  let refreshed: Awaited<ReturnType<typeof refreshCatalog>>;
  try {
    refreshed = await refreshCatalog({
      region,
      bundled,
      fetchPage: fetchPageFor(region),
      fetchedAt: today,
    });
  } catch (error) {
    const message = error instanceof Error ? (error.message.split('\n')[0] ?? error.name) : String(error);
    throw new UsageError(`catalog refresh: EC2 DescribeInstanceTypes in ${region} failed: ${message}`);
  }
  const text = serializeCatalog(refreshed.catalog);
  const summary =
    `${refreshed.fetched} types from EC2 in ${region}, ${refreshed.catalog.instanceTypes.length} in the catalog` +
    (refreshed.skipped.length > 0 ? `, ${refreshed.skipped.length} skipped for missing network facts` : '');
  if (out === undefined) return { stdout: text, stderr: `${summary}\n`, exitCode: 0 };
  writeOutputFiles([{ output: out, text }]);
  return { stdout: `${out.file}: ${summary}\n`, stderr: '', exitCode: 0 };
}
