import { describe, expect, it } from 'vitest';
import { instanceType } from '../test-support/fixtures.js';
import { QuotaUsage, quotaClass } from './quota.js';

describe('quotaClass', () => {
  it('files each family under its Service Quotas class', () => {
    const cases: [string, string | null][] = [
      ['m5.large', 'standard'],
      ['c7g.xlarge', 'standard'],
      ['t3.medium', 'standard'],
      ['im4gn.large', 'standard'],
      ['g5.xlarge', 'g'],
      ['p4d.24xlarge', 'p'],
      ['inf2.xlarge', 'inf'],
      ['trn1.2xlarge', 'trn'],
      ['x2idn.16xlarge', 'x'],
    ];
    for (const [name, cls] of cases) expect([name, quotaClass(instanceType(name))]).toEqual([name, cls]);
  });
});

describe('QuotaUsage', () => {
  it('admits a launch only while the class stays within its vCPUs', () => {
    const usage = new QuotaUsage({ onDemand: {}, spot: { standard: 96 } });
    const type = instanceType('c5.4xlarge'); // 16 vCPUs
    for (let i = 0; i < 6; i += 1) {
      expect(usage.admits(type, 'spot')).toBe(true);
      usage.add(type, 'spot', 1);
    }
    expect(usage.inUse('spot', 'standard')).toBe(96);
    expect(usage.admits(type, 'spot')).toBe(false);
    expect(usage.admits(type, 'on-demand')).toBe(true);
    usage.add(type, 'spot', -1);
    expect(usage.admits(type, 'spot')).toBe(true);
    expect(usage.snapshot()).toEqual({ 'spot/standard': 80 });
  });
});
