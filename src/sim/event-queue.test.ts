import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue } from './event-queue.js';

describe('EventQueue', () => {
  it('pops by time, then in the order events were pushed', () => {
    const queue = new EventQueue<string>();
    queue.push(10, 'c');
    queue.push(5, 'a');
    queue.push(10, 'd');
    queue.push(5, 'b');
    const order: string[] = [];
    for (let e = queue.pop(); e; e = queue.pop()) order.push(e.event);
    expect(order).toEqual(['a', 'b', 'c', 'd']);
  });

  it('never goes back in time and loses nothing (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 200 }), (times) => {
        const queue = new EventQueue<number>();
        times.forEach((t, i) => {
          queue.push(t, i);
        });
        const popped: { atMs: number; event: number }[] = [];
        for (let e = queue.pop(); e; e = queue.pop()) popped.push(e);
        expect(popped).toHaveLength(times.length);
        for (let i = 1; i < popped.length; i += 1) {
          const a = popped[i - 1];
          const b = popped[i];
          if (!a || !b) continue;
          expect(a.atMs < b.atMs || (a.atMs === b.atMs && a.event < b.event)).toBe(true);
        }
      }),
    );
  });
});
