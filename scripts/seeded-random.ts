/**
 * mulberry32: a tiny seedable PRNG, identical on every platform, so generated data and picked test
 * cases depend on the seed alone, never on Math.random. (bench/generate.js runs under plain node,
 * without tsx, and keeps its own copy.)
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
