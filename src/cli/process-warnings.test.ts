import { describe, expect, it } from 'vitest';
import { dropNodeVersionSupportWarning, isNodeVersionSupportWarning } from './process-warnings.js';

// The text @aws-sdk/core emitWarningIfUnsupportedVersion sends, first line of nine.
const SDK_WARNING = 'NodeVersionSupportWarning: The AWS SDK for JavaScript (v3)\nversions published after…';

describe('the AWS SDK NodeVersionSupportWarning', () => {
  it('is recognised by its name, as the SDK sends it or as a type or code', () => {
    expect(isNodeVersionSupportWarning(SDK_WARNING)).toBe(true);
    expect(isNodeVersionSupportWarning('text', 'NodeVersionSupportWarning')).toBe(true);
    expect(isNodeVersionSupportWarning('text', { code: 'NodeVersionSupportWarning' })).toBe(true);
    expect(isNodeVersionSupportWarning('text', 'Warning', 'NodeVersionSupportWarning')).toBe(true);
    expect(isNodeVersionSupportWarning('A NodeVersionSupportWarning: elsewhere')).toBe(false);
    expect(isNodeVersionSupportWarning('something else', 'DeprecationWarning', 'DEP0005')).toBe(false);
  });

  it('is dropped; every other warning goes through, and wrapping twice wraps once', () => {
    const emitted: unknown[][] = [];
    const target = { emitWarning: ((...args: unknown[]) => void emitted.push(args)) as NodeJS.Process['emitWarning'] };
    dropNodeVersionSupportWarning(target);
    const wrapped = target.emitWarning;
    dropNodeVersionSupportWarning(target);
    expect(target.emitWarning).toBe(wrapped);
    target.emitWarning(SDK_WARNING);
    target.emitWarning('Buffer() is deprecated', 'DeprecationWarning', 'DEP0005');
    expect(emitted).toEqual([['Buffer() is deprecated', 'DeprecationWarning', 'DEP0005']]);
  });
});
