import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readCatalogFile } from '../input/catalog-file.js';
import { InputError } from '../input/input-error.js';
import { catalogFromCsv } from './from-csv.js';

const SHARED_CSV = fileURLToPath(new URL('../../../shared/data/ec2-instance-types.csv', import.meta.url));
const HEADER =
  'instance_type,family,vcpu,memory_mib,architecture,gpu,hypervisor,bare_metal,max_enis,ipv4_per_eni,network_cards,max_enis_per_card_default,trunking_compatible,branch_enis,on_demand_usd_per_hour_us_east_1';

describe('catalogFromCsv', () => {
  it('keeps a type that lacks vCPU and memory, marked as such', () => {
    const catalog = catalogFromCsv(
      `${HEADER}\nc8ib.large,c8ib,,,,,nitro,false,4,20,1,4,true,8,0.136080\n`,
      'x.csv',
      'd',
    );
    expect(catalog.instanceTypes[0]).toMatchObject({ name: 'c8ib.large', hardware: null, gpus: null, maxEnis: 4 });
  });

  it('names the line and column of a bad field', () => {
    expect(() =>
      catalogFromCsv(`${HEADER}\nm5.large,m5,2,8192,amd64,0,nitro,false,three,10,1,3,true,9,0.096\n`, 'x.csv', 'd'),
    ).toThrow(new InputError('x.csv', 'line 2.max_enis', 'a whole number', 'three'));
  });

  it.skipIf(!existsSync(SHARED_CSV))('the committed catalog is what the build script makes of the shared CSV', () => {
    const rebuilt = catalogFromCsv(readFileSync(SHARED_CSV, 'utf8'), SHARED_CSV, 'any');
    const committed = readCatalogFile();
    expect(committed.instanceTypes).toEqual(rebuilt.instanceTypes);
    expect(committed.sources).toEqual(rebuilt.sources);
    expect(committed.instanceTypes).toHaveLength(1392);
    expect(committed.instanceTypes.filter((t) => t.hardware === null)).toHaveLength(284);
  });
});
