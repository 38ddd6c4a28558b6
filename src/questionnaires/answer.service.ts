import { authorize } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import { heldFrameworks } from '../certifications/alerts.service.ts';
import { recordDemand } from '../certifications/demand.service.ts';
import type { AppContext } from '../context.ts';
import { getControl, listControls } from '../controls/controls.service.ts';
import type { Relationship } from '../controls/controls.model.ts';
import { computeCoverage } from '../coverage/coverage.service.ts';
import { today } from '../dates.ts';
import { frameworkIdentity } from '../frameworks/frameworks.service.ts';
import type { AnswerEntry } from './answers.files.ts';
import { loadAnswerLibrary } from './library.service.ts';
import type { Question } from './questionnaire.read.ts';
import { Bm25, tokens } from './ranker.ts';

// Answering a questionnaire from the answer library: rank the entries for each question, take the
// best when it is good enough (and say so when none is), and check what the answer claims against
// today's evidence and certificates — an answer whose controls have no current accepted evidence,
// or whose certificate is not current, is flagged stale rather than sent as if still true.

/** Below this confidence no entry is offered as the answer. */
export const MIN_CONFIDENCE = 0.3;

export interface Answer {
  row: number;
  ref: string | null;
  question: string;
  /** Yes / No / Partial / N/A, or null when nothing in the library answers it. */
  answer: string | null;
  detail: string | null;
  confidence: number;
  entry: string | null;
  stale: boolean;
  staleReasons: string[];
  controls: string[];
  /** Per framework slug, the requirement refs the controls map to, most relevant first. */
  requirements: Record<string, string[]>;
  alternatives: { entry: string; question: string; confidence: number }[];
}

/** Schemes customers ask about by name, as the synonym table folds them; for the demand list. */
const schemesAsked: Record<string, { framework?: string; scheme: string }> = {
  '§iso27017': { framework: 'iso27017-2015', scheme: 'ISO/IEC 27017' },
  '§c5': { scheme: 'BSI C5' },
  '§fedramp': { scheme: 'FedRAMP' },
};

const relationshipRank: Record<Relationship, number> = { equal: 0, superset: 1, subset: 2, intersect: 3 };

export interface Answerer {
  answer(question: Question): Promise<Answer>;
}

/**
 * Prepares the ranker and what staleness needs (coverage today, certifications held) once, and
 * answers questions one by one. `demand` records customers' requests for schemes not held.
 */
export interface AnswerOptions {
  customer?: string;
  /** Identifies the questionnaire in demand records (a hash of the file). */
  source?: string;
  /** The library to answer from; by default the shipped one (controls/answers/) with the phrasings approved answers taught it. */
  entries?: (AnswerEntry & { learned?: { question: string }[] })[];
}

export async function prepareAnswerer(ctx: AppContext, principal: Principal, options: AnswerOptions = {}): Promise<Answerer> {
  authorize(principal, 'questionnaires.use');
  const { entries, problems } = options.entries ? { entries: options.entries, problems: [] } : await loadAnswerLibrary(ctx);
  if (problems.length) ctx.logger.warn({ problems: problems.slice(0, 5) }, 'answer library has problems; run attest answers check');
  const controls = new Map((await listControls(ctx, principal, {}, { limit: 5000, offset: 0 })).items.map((c) => [c.ref, c]));
  const docs = entries.map((e) => ({
    id: e.id,
    text: [e.question, e.question, ...e.variants, ...(e.learned ?? []).map((v) => v.question), e.detail, ...e.controls.map((r) => controls.get(r)?.title ?? '')].join('\n'),
  }));
  const ranker = new Bm25(docs);
  const byId = new Map(entries.map((e) => [e.id, e]));
  const selfScore = new Map(entries.map((e) => [e.id, ranker.search(e.question).find((r) => r.id === e.id)?.score ?? 1]));
  const effective = await effectiveControls(ctx, principal);
  const held = await heldFrameworks(ctx, principal);
  const heldSlugs = new Set<string>();
  for (const slug of new Set(entries.flatMap((e) => e.frameworks))) {
    const id = await frameworkIdentity(ctx, principal, slug)
      .then((f) => f.id)
      .catch(() => null);
    const standing = id === null ? undefined : held.get(id);
    if (standing && (standing.status === 'current' || standing.status === 'expiring')) heldSlugs.add(slug);
  }
  const mappingCache = new Map<string, Awaited<ReturnType<typeof getControl>>['mappings']>();
  const mappingsOf = async (ref: string) => {
    if (!mappingCache.has(ref)) mappingCache.set(ref, (await getControl(ctx, principal, ref).catch(() => ({ mappings: [] }))).mappings);
    return mappingCache.get(ref)!;
  };
  const day = today(ctx.clock);

  return {
    async answer(q: Question): Promise<Answer> {
      // Confidence: the score against what the entry's own question scores, capped at 1. Ranked by
      // score × confidence, so an entry must both match many words and match them as its own
      // question does (a short entry is not carried by one shared word; a long one not by bulk).
      // The confidence is then tempered by how much of the question the entry accounts for.
      const ranked = ranker
        .search(q.text)
        .map((r) => ({ id: r.id, score: r.score, confidence: Math.min(1, r.score / (selfScore.get(r.id) ?? 1)) }))
        .sort((a, b) => b.score * b.confidence - a.score * a.confidence || a.id.localeCompare(b.id))
        .slice(0, 8)
        .map((r) => ({ ...r, confidence: r.confidence * Math.sqrt(ranker.coverage(q.text, r.id)) }))
        .sort((a, b) => b.confidence - a.confidence || a.id.localeCompare(b.id));
      const best = ranked[0];
      const alternatives = ranked
        .slice(best && best.confidence >= MIN_CONFIDENCE ? 1 : 0, 4)
        .map((r) => ({ entry: r.id, question: byId.get(r.id)!.question, confidence: round(r.confidence) }));
      const base = { row: q.row, ref: q.ref, question: q.text, alternatives };
      if (!best || best.confidence < MIN_CONFIDENCE) {
        return { ...base, answer: null, detail: null, confidence: round(best?.confidence ?? 0), entry: null, stale: false, staleReasons: [], controls: [], requirements: {} };
      }
      const entry = byId.get(best.id)!;
      const staleReasons = [
        ...entry.controls.filter((r) => !effective.has(r)).map((r) => `${r} has no accepted evidence valid on ${day}`),
        ...entry.frameworks.filter((s) => !heldSlugs.has(s)).map((s) => `no current ${s} certification or report on ${day}`),
      ];
      await noteDemand(ctx, principal, q, entry, options);
      return {
        ...base,
        answer: entry.short,
        detail: entry.detail,
        confidence: round(best.confidence),
        entry: entry.id,
        stale: staleReasons.length > 0,
        staleReasons,
        controls: entry.controls,
        requirements: await requirementsOf(entry, mappingsOf),
      };
    },
  };
}

const round = (n: number) => Math.round(n * 100) / 100;

/** Controls effective today (applicable, implemented, accepted evidence valid today), from the one coverage rule. */
async function effectiveControls(ctx: AppContext, principal: Principal): Promise<Set<string>> {
  const report = await computeCoverage(ctx, principal, { detail: true });
  const out = new Set<string>();
  for (const f of report.frameworks) for (const r of f.requirements ?? []) for (const c of r.controls) if (c.effective) out.add(c.ref);
  return out;
}

/** The entry's controls' requirements per framework: stronger mappings first, then in the entry's control order. */
async function requirementsOf(entry: AnswerEntry, mappingsOf: (ref: string) => Promise<{ framework: string; ref: string; relationship: Relationship }[]>) {
  const ranked: { framework: string; ref: string; rank: number }[] = [];
  for (const [i, control] of entry.controls.entries()) {
    for (const m of await mappingsOf(control)) ranked.push({ framework: m.framework, ref: m.ref, rank: relationshipRank[m.relationship] * 10 + i });
  }
  ranked.sort((a, b) => a.rank - b.rank);
  const out: Record<string, string[]> = {};
  for (const r of ranked) {
    const list = out[r.framework] ?? [];
    if (!list.includes(r.ref)) list.push(r.ref);
    out[r.framework] = list;
  }
  return out;
}

/** A question about a scheme the company does not hold goes on the certification-demand list, once per customer and row. */
async function noteDemand(ctx: AppContext, principal: Principal, q: Question, entry: AnswerEntry, options: AnswerOptions) {
  if (!options.customer || entry.short !== 'No') return;
  const asked = tokens(q.text)
    .map((t) => schemesAsked[t])
    .find(Boolean);
  if (!asked) return;
  // The framework when its catalog is loaded (planning shows readiness), the scheme's name otherwise.
  const loaded = asked.framework
    ? await frameworkIdentity(ctx, principal, asked.framework).then(
        () => true,
        () => false,
      )
    : false;
  const what = loaded ? { framework: asked.framework } : { scheme: asked.scheme };
  await recordDemand(
    ctx,
    principal,
    { customer: options.customer, ...what, requested_on: today(ctx.clock), note: `Asked in a questionnaire: ${q.text.slice(0, 300)}` },
    { source: 'questionnaire', ref: `${options.source ?? 'questionnaire'}#${q.row}` },
  );
}

/** Answers every question of a questionnaire. */
export async function answerQuestions(ctx: AppContext, principal: Principal, questions: Question[], options: AnswerOptions = {}): Promise<Answer[]> {
  const answerer = await prepareAnswerer(ctx, principal, options);
  const out: Answer[] = [];
  for (const q of questions) out.push(await answerer.answer(q));
  return out;
}
