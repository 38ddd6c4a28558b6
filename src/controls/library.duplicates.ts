import type { ControlDef } from './library.files.ts';

// Controls that likely describe the same practice: their words and their mappings are nearly the
// same. Found so that a second control for one practice (and a second figure for one fact) does not
// creep into the library; a pair reviewed and found distinct is acknowledged with `distinct_from`.

const STOP = new Set(
  'the and for with that are from this each every into their them they its which when where within after before under over such other than then also only have has been being were will would must should could about every company company’s customer customers control controls'.split(
    ' ',
  ),
);

const words = (text: string) =>
  new Set(
    text
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((w) => w.length > 3 && !STOP.has(w))
      .map((w) => (w.length > 5 ? w.replace(/(ing|ed|es|s)$/, '') : w)),
  );

const jaccard = (a: Set<string>, b: Set<string>) => {
  if (a.size === 0 && b.size === 0) return 0;
  let shared = 0;
  for (const x of a) if (b.has(x)) shared += 1;
  return shared / (a.size + b.size - shared);
};

/** Thresholds: the text alone nearly the same, or similar text and similar mappings. */
export const DUPLICATE_TEXT_ONLY = 0.5;
export const DUPLICATE_TEXT = 0.3;
export const DUPLICATE_MAPPINGS = 0.3;
/** Or mappings nearly the same (at least three each) with some shared text: one practice, worded twice. */
export const DUPLICATE_MAPPINGS_ONLY = 0.75;
export const DUPLICATE_MAPPINGS_TEXT = 0.15;

export interface LikelyDuplicate {
  a: ControlDef;
  b: ControlDef;
  text: number;
  mappings: number;
}

export function likelyDuplicates(controls: ControlDef[]): LikelyDuplicate[] {
  const prepared = controls.map((c) => ({
    c,
    text: words(`${c.title} ${c.description}`),
    mappings: new Set(c.mappings.map((m) => `${m.framework}:${m.ref}`)),
  }));
  const out: LikelyDuplicate[] = [];
  for (let i = 0; i < prepared.length; i += 1) {
    for (let j = i + 1; j < prepared.length; j += 1) {
      const x = prepared[i]!;
      const y = prepared[j]!;
      if (x.c.distinctFrom.includes(y.c.ref) || y.c.distinctFrom.includes(x.c.ref)) continue;
      const text = jaccard(x.text, y.text);
      if (text < DUPLICATE_MAPPINGS_TEXT) continue;
      const mappings = jaccard(x.mappings, y.mappings);
      const sameMappings = mappings >= DUPLICATE_MAPPINGS_ONLY && Math.min(x.mappings.size, y.mappings.size) >= 3;
      if (text >= DUPLICATE_TEXT_ONLY || (text >= DUPLICATE_TEXT && mappings >= DUPLICATE_MAPPINGS) || sameMappings) out.push({ a: x.c, b: y.c, text, mappings });
    }
  }
  return out.sort((p, q) => q.text + q.mappings - (p.text + p.mappings));
}
