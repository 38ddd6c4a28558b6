import { createHash } from 'node:crypto';

// Drawing a sample that anyone can draw again: the choice depends only on the seed and the
// population. Each step takes an unbiased index from SHA-256(seed, step, attempt) by rejection
// sampling, over a partial Fisher–Yates shuffle, so items are chosen without replacement and a
// reviewer can reproduce the draw with nothing but this description.

const TWO_32 = 2 ** 32;

/** An unbiased integer in [0, n) from the seed and a counter. */
function uniformIndex(seed: string, step: number, n: number): number {
  const limit = TWO_32 - (TWO_32 % n);
  for (let attempt = 0; ; attempt += 1) {
    const value = createHash('sha256').update(`${seed}:${step}:${attempt}`).digest().readUInt32BE(0);
    if (value < limit) return value % n;
  }
}

/** The indexes (0-based, in the population's order) of `size` items drawn from `populationSize`, in the order drawn. */
export function drawIndexes(seed: string, populationSize: number, size: number): number[] {
  if (!Number.isInteger(size) || size < 0 || size > populationSize) throw new RangeError('sample size out of range');
  // A sparse shuffle: only the positions touched are stored, so a large population costs nothing.
  const swapped = new Map<number, number>();
  const at = (i: number) => swapped.get(i) ?? i;
  const chosen: number[] = [];
  for (let step = 0; step < size; step += 1) {
    const j = step + uniformIndex(seed, step, populationSize - step);
    const pick = at(j);
    swapped.set(j, at(step));
    chosen.push(pick);
  }
  return chosen;
}

/** SHA-256 of the population as drawn from: items joined by newlines. */
export function populationHash(items: readonly string[]): string {
  return createHash('sha256').update(items.join('\n')).digest('hex');
}
