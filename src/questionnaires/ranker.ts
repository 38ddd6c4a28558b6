import { synonymPairs } from './synonyms.ts';

// A BM25 ranker over the answer library. Text is lower-cased, synonyms are folded to one token,
// words are cut to a rough stem, and words that say nothing about security are dropped. Each
// entry is one document: its question (counted twice), its variants, its detail and the titles of
// its controls. The confidence of a match is its score against the entry's own question's score,
// so an exact restatement is 1 and a weak overlap is near 0.

const STOP = new Set(
  'a an and are as at be been being by can could do does did for from has have how i if in into is it its may might must of on or our please provide describe detail details explain confirm state yes no n/a na the their them there these they this those to us was we were what when where whether which while who whom why will with would you your yours organisation organization company vendor supplier service services any all each other such than that then also only own per via'.split(
    ' ',
  ),
);

function stem(word: string): string {
  if (word.startsWith('§') || word.length <= 4) return word;
  for (const suffix of ['ations', 'ation', 'ings', 'ing', 'ies', 'ied', 'ers', 'er', 'ed', 'es', 'ly', 's']) {
    if (word.endsWith(suffix) && word.length - suffix.length >= 4) return word.slice(0, -suffix.length);
  }
  return word;
}

/** Words of a text as the ranker sees them. */
export function tokens(text: string): string[] {
  let t = ` ${text
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/\s+/g, ' ')} `;
  for (const [phrase, token] of synonymPairs) {
    if (!t.includes(phrase)) continue;
    t = t.replace(new RegExp(`(?<=[^a-z0-9])${phrase.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')}(?=[^a-z0-9])`, 'g'), ` ${token} `);
  }
  return t
    .split(/[^a-z0-9§]+/)
    .filter((w) => w.length > 1 && !STOP.has(w))
    .map(stem);
}

export interface Doc {
  id: string;
  text: string;
}

const K1 = 1.2;
const B = 0.75;
/**
 * A domain term the synonym table folds (§pentest, §mfa …) names what a question is about; the
 * words around it ("run", "every", "test") rarely do. Such terms weigh this much more in a query.
 */
const CONCEPT_WEIGHT = 2;
const weightOf = (w: string) => (w.startsWith('§') ? CONCEPT_WEIGHT : 1);

export class Bm25 {
  private readonly docs: { id: string; tf: Map<string, number>; length: number }[];
  private readonly idf = new Map<string, number>();
  private readonly avgLength: number;
  private readonly averageIdf: number;
  private readonly byId: Map<string, { id: string; tf: Map<string, number>; length: number }>;

  constructor(docs: Doc[]) {
    this.docs = docs.map((d) => {
      const words = tokens(d.text);
      const tf = new Map<string, number>();
      for (const w of words) tf.set(w, (tf.get(w) ?? 0) + 1);
      return { id: d.id, tf, length: words.length };
    });
    this.avgLength = this.docs.reduce((n, d) => n + d.length, 0) / Math.max(1, this.docs.length);
    const df = new Map<string, number>();
    for (const d of this.docs) for (const w of d.tf.keys()) df.set(w, (df.get(w) ?? 0) + 1);
    const n = this.docs.length;
    for (const [w, f] of df) this.idf.set(w, Math.log(1 + (n - f + 0.5) / (f + 0.5)));
    const idfs = [...this.idf.values()];
    this.averageIdf = idfs.reduce((sum, v) => sum + v, 0) / Math.max(1, idfs.length);
    this.byId = new Map(this.docs.map((d) => [d.id, d]));
  }

  /**
   * How much of the query a document accounts for: the share of the query's words, weighted by
   * rarity, that the document contains. Words no document has count as much as an average word,
   * so a question about something the library never mentions ("the reception carpet") is not
   * carried by the one common word it shares with an entry ("office").
   */
  coverage(query: string, id: string): number {
    const doc = this.byId.get(id);
    const words = [...new Set(tokens(query))];
    if (!doc || words.length === 0) return 0;
    const average = this.averageIdf;
    let all = 0;
    let matched = 0;
    for (const w of words) {
      const weight = (this.idf.get(w) ?? average) * weightOf(w);
      all += weight;
      if (doc.tf.has(w)) matched += weight;
    }
    return all === 0 ? 0 : matched / all;
  }

  /** Every document with a positive score, best first (ties by id, so results are stable). */
  search(query: string): { id: string; score: number }[] {
    const words = [...new Set(tokens(query))];
    const out: { id: string; score: number }[] = [];
    for (const d of this.docs) {
      let score = 0;
      for (const w of words) {
        const f = d.tf.get(w);
        if (!f) continue;
        score += weightOf(w) * (this.idf.get(w) ?? 0) * ((f * (K1 + 1)) / (f + K1 * (1 - B + (B * d.length) / this.avgLength)));
      }
      if (score > 0) out.push({ id: d.id, score });
    }
    return out.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
  }
}
