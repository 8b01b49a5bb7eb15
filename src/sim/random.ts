/**
 * The simulation's one random source: a seeded 32-bit generator (mulberry32). Every random choice
 * of a run — tie-breaks between equally scored nodes, retry jitter — draws from it in event order,
 * so the same seed gives the same run.
 */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
}

export function createRandom(seed: number): Random {
  // The state is kept as a signed int32: the same 32 bits as mulberry32's unsigned state, but V8 stores it
  // unboxed, where an unsigned value at or above 2^31 would be a heap number allocated on every draw.
  let state = seed | 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n) };
}
