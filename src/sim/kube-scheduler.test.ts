import { describe, expect, it } from 'vitest';
import { backoffDurationMs, fitErrorMessage, numFeasibleNodesToFind } from './kube-scheduler.js';

describe('kube-scheduler rules', () => {
  // schedule_one.go numFeasibleNodesToFind: all below 100; max(5 %, 50 − n/125 %) of n, at least 100.
  it.each([
    [50, 50],
    [100, 100],
    [500, 230],
    [1000, 420],
    [5000, 500],
    [10000, 500],
  ])('examines %i nodes until %i are feasible', (nodes, feasible) => {
    expect(numFeasibleNodesToFind(nodes)).toBe(feasible);
  });

  it('sorts FitError reasons as Go sorts strings', () => {
    const reasons = new Map([
      ["node(s) didn't match Pod's node affinity/selector", 2],
      ['Insufficient cpu', 10],
    ]);
    expect(fitErrorMessage(12, reasons)).toBe(
      "0/12 nodes are available: 10 Insufficient cpu, 2 node(s) didn't match Pod's node affinity/selector.",
    );
    expect(fitErrorMessage(0, new Map())).toBe('no nodes available to schedule pods');
  });

  it('backs off 1 s, doubling to at most 10 s', () => {
    expect([1, 2, 3, 4, 5, 9].map(backoffDurationMs)).toEqual([1000, 2000, 4000, 8000, 10000, 10000]);
  });
});
