import { describe, expect, it } from 'vitest';
import { colourAllowed, colourize } from './terminal.js';

describe('colourAllowed', () => {
  it('colours a terminal unless NO_COLOR is set or TERM is dumb', () => {
    expect(colourAllowed(true, {})).toBe(true);
    expect(colourAllowed(false, {})).toBe(false);
    expect(colourAllowed(true, { NO_COLOR: '1' })).toBe(false);
    expect(colourAllowed(true, { TERM: 'dumb' })).toBe(false);
  });

  it('takes an empty NO_COLOR as unset (no-color.org)', () => {
    expect(colourAllowed(true, { NO_COLOR: '' })).toBe(true);
  });
});

describe('colourize', () => {
  it('paints severities, markers and table headers, and nothing else', () => {
    const text = [
      'ERROR SUBNET_EXHAUSTED at 11m15s: Subnet subnet-a ran out',
      '    continuation of it',
      'WARNING WARM_POOL_HOLDS_ADDRESSES: idle',
      '  ✗ Does not fit: 10.0.0.0/22',
      'SUBNET    ZONE        CIDR         USABLE',
      'subnet-a  us-west-2a  10.0.0.0/25     123',
      'TYPE       vCPU  GiB  MAXPODS  POD IPS',
      'Findings',
    ].join('\n');
    expect(colourize(text).split('\n')).toEqual([
      '\u001b[31mERROR\u001b[39m\u001b[1m SUBNET_EXHAUSTED\u001b[22m at 11m15s: Subnet subnet-a ran out',
      '    continuation of it',
      '\u001b[33mWARNING\u001b[39m\u001b[1m WARM_POOL_HOLDS_ADDRESSES\u001b[22m: idle',
      '  \u001b[31m✗\u001b[39m Does not fit: 10.0.0.0/22',
      '\u001b[1mSUBNET    ZONE        CIDR         USABLE\u001b[22m',
      'subnet-a  us-west-2a  10.0.0.0/25     123',
      '\u001b[1mTYPE       vCPU  GiB  MAXPODS  POD IPS\u001b[22m',
      'Findings',
    ]);
  });

  it('leaves the visible text as it was', () => {
    const text = 'INFO OBSERVED_MEMORY_MISSING: estimate\nTYPE  vCPU\nm5.large  2';
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping the escape codes it added
    expect(colourize(text).replace(/\u001b\[\d+m/g, '')).toBe(text);
  });
});
