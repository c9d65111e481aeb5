/**
 * Draws in [0, 1) from a 32-bit linear congruential generator in integer arithmetic: the same sequence for a seed on
 * every run and machine, so generated hospitals and their hand counts stay put (a product of doubles loses its low
 * bits and cycles within thousands of draws).
 */
export function seededRandom(seed: number): () => number {
  let state = seed;
  return () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 4294967296;
}
