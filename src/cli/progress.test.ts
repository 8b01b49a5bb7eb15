import { describe, expect, it } from 'vitest';
import { createProgressBar, progressLine } from './progress.js';

function fakeTerminal() {
  let now = 0;
  const written: string[] = [];
  return {
    target: { write: (text: string) => written.push(text), now: () => now, columns: 120 },
    advance: (ms: number) => {
      now += ms;
    },
    written,
  };
}

const at = (simulatedMs: number, events: number) => ({ simulatedMs, durationMs: 30 * 60_000, events });

describe('progressLine', () => {
  it('shows the share of simulated time, the time reached and the events per second', () => {
    expect(progressLine(at(15 * 60_000, 3_000_000), 2000, 120)).toBe(
      'simulating [###############---------------] 15m of 30m, 1.5M events/s',
    );
  });

  it('never passes the terminal width', () => {
    expect(progressLine(at(0, 10), 1500, 40)).toHaveLength(39);
  });
});

describe('createProgressBar', () => {
  it('draws nothing for a run shorter than a second', () => {
    const t = fakeTerminal();
    const bar = createProgressBar(t.target);
    t.advance(900);
    bar.update(at(60_000, 1000));
    bar.finish();
    expect(t.written).toEqual([]);
  });

  it('draws after a second, at most ten times a second, and wipes the line at the end', () => {
    const t = fakeTerminal();
    const bar = createProgressBar(t.target);
    t.advance(1000);
    bar.update(at(60_000, 10_000));
    t.advance(50);
    bar.update(at(120_000, 20_000));
    t.advance(50);
    bar.update(at(180_000, 30_000));
    bar.finish();
    expect(t.written).toHaveLength(3);
    expect(t.written[0]).toBe(`\rsimulating [#${'-'.repeat(29)}] 1m of 30m, 10k events/s\u001b[K`);
    expect(t.written[1]).toMatch(/ 3m of 30m, /);
    expect(t.written[2]).toBe('\r\u001b[K');
  });
});
