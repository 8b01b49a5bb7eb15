// Builds data/catalog.json from the shared instance-type facts. Usage:
//   node scripts/build-catalog.js [--csv ../shared/data/ec2-instance-types.csv] [--out data/catalog.json]
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { catalogFromCsv, serializeCatalog } from '../dist/index.js';

const { values } = parseArgs({
  options: {
    csv: { type: 'string', default: '../shared/data/ec2-instance-types.csv' },
    out: { type: 'string', default: 'data/catalog.json' },
    date: { type: 'string', default: new Date().toISOString().slice(0, 10) },
  },
});
const catalog = catalogFromCsv(readFileSync(values.csv, 'utf8'), values.csv, values.date);
const temporary = `${values.out}.tmp`;
writeFileSync(temporary, serializeCatalog(catalog));
renameSync(temporary, values.out);
process.stdout.write(`${values.out}: ${catalog.instanceTypes.length} instance types\n`);
