import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRandom } from './random.js';

/** mulberry32 as published, with its state as an unsigned 32-bit number: the reference for the draws. */
function referenceDraws(seed: number, count: number): number[] {
  let state = seed >>> 0;
  const draws: number[] = [];
  for (let i = 0; i < count; i += 1) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    draws.push(((t ^ (t >>> 14)) >>> 0) / 4294967296);
  }
  return draws;
}

describe('createRandom', () => {
  it('draws what mulberry32 draws, for any seed (a run depends on every bit of them)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }), (seed) => {
        const random = createRandom(seed);
        const draws = Array.from({ length: 64 }, () => random.next());
        expect(draws).toEqual(referenceDraws(seed, 64));
      }),
      { numRuns: 300 },
    );
  });

  it('gives integers in [0, n)', () => {
    const random = createRandom(7);
    const counts = new Map<number, number>();
    for (let i = 0; i < 5000; i += 1) {
      const drawn = random.int(5);
      counts.set(drawn, (counts.get(drawn) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([0, 1, 2, 3, 4]);
    // 1,000 expected each; mulberry32 is close to uniform.
    for (const count of counts.values()) expect(count).toBeGreaterThan(850);
  });
});
