import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse } from 'yaml';
import { cliPrincipal, systemPrincipal } from '../src/auth/principal.ts';
import { openContext } from '../src/bootstrap.ts';
import { loadConfig } from '../src/config.ts';
import { readLibraryFiles } from '../src/controls/library.files.ts';
import { loadLibrary } from '../src/controls/library.load.ts';
import { createLogger } from '../src/logger.ts';
import { answerQuestions, prepareAnswerer, type Answer } from '../src/questionnaires/answer.service.ts';
import { readAnswerFiles } from '../src/questionnaires/answers.files.ts';
import type { Question } from '../src/questionnaires/questionnaire.read.ts';
import { Bm25 } from '../src/questionnaires/ranker.ts';

// How well the questionnaire answerer picks the library entry for questions phrased unlike the
// library (bench/questionnaire-eval.yaml, labelled by hand), and how fast it answers 300 questions
// against a floor measured in the same run: the bare BM25 ranker built over the entries' text and
// searched for the same 300 questions. A fresh temporary SQLite database, migrated to the latest
// schema (openContext runs migrateToLatest), with the shipped control library loaded.

const RUNS = Number(process.env.RUNS ?? 5);
const TIMED = 300;
const NOW = '2026-11-29T10:00:00.000Z';

interface Labelled {
  q: string;
  entry: string | null;
  also?: string[];
  annex_a?: string;
  style: string;
}

const evalFile = path.join(import.meta.dirname, 'questionnaire-eval.yaml');
const labelled = parse(fs.readFileSync(evalFile, 'utf8')) as Labelled[];
const { entries, problems } = readAnswerFiles();
if (problems.length) throw new Error(`answer library has problems: ${JSON.stringify(problems.slice(0, 3))}`);
const ids = new Set(entries.map((e) => e.id));
for (const l of labelled) {
  for (const id of [l.entry, ...(l.also ?? [])]) if (id !== null && !ids.has(id)) throw new Error(`unknown entry ${id} in the eval set`);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-bench-questionnaire-'));
const config = loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent', COOKIE_SECURE: 'false', NODE_ENV: 'production' });
const ctx = await openContext(config, createLogger('silent'), () => new Date(NOW));
await loadLibrary(ctx, systemPrincipal, readLibraryFiles(), { overwrite: false });

// ---- accuracy -------------------------------------------------------------------------------------
const questions: Question[] = labelled.map((l, i) => ({ row: i + 1, ref: null, text: l.q }));
const answers = await answerQuestions(ctx, cliPrincipal, questions);

const acceptable = (l: Labelled) => new Set([l.entry, ...(l.also ?? [])]);
const top1 = (l: Labelled, a: Answer) => (l.entry === null ? a.entry === null : a.entry !== null && acceptable(l).has(a.entry));
const top3 = (l: Labelled, a: Answer) => {
  if (l.entry === null) return a.entry === null;
  const ok = acceptable(l);
  // With no entry offered, the alternatives start at the best-ranked one; still three candidates.
  const candidates = a.entry === null ? a.alternatives.slice(0, 3).map((x) => x.entry) : [a.entry, ...a.alternatives.slice(0, 2).map((x) => x.entry)];
  return candidates.some((id) => ok.has(id));
};
const firstAnnexA = (a: Answer) => (a.requirements['iso27001-2022'] ?? []).find((r) => r.startsWith('A.')) ?? null;

const pct = (n: number, d: number) => (d === 0 ? 'n/a' : `${((100 * n) / d).toFixed(1)}% (${n}/${d})`);
const pairs = labelled.map((l, i) => ({ l, a: answers[i]! }));
const onTopic = pairs.filter((p) => p.l.entry !== null);
const offTopic = pairs.filter((p) => p.l.entry === null);
const withAnnex = pairs.filter((p) => p.l.annex_a);

console.log(`questionnaire accuracy: ${labelled.length} labelled questions (${onTopic.length} on topic, ${offTopic.length} off topic), ${entries.length} library entries`);
console.log(`top-1 entry accuracy      ${pct(pairs.filter((p) => top1(p.l, p.a)).length, pairs.length)}`);
console.log(`  on-topic only           ${pct(onTopic.filter((p) => top1(p.l, p.a)).length, onTopic.length)}`);
console.log(`top-3 entry accuracy      ${pct(pairs.filter((p) => top3(p.l, p.a)).length, pairs.length)}`);
console.log(`  on-topic only           ${pct(onTopic.filter((p) => top3(p.l, p.a)).length, onTopic.length)}`);
console.log(`off-topic -> null         ${pct(offTopic.filter((p) => p.a.entry === null).length, offTopic.length)}`);
console.log(`on-topic -> null (abstained) ${pct(onTopic.filter((p) => p.a.entry === null).length, onTopic.length)}`);
console.log(`ISO 27001 Annex A top-1   ${pct(withAnnex.filter((p) => firstAnnexA(p.a) === p.l.annex_a).length, withAnnex.length)}`);
const annexGivenEntry = withAnnex.filter((p) => top1(p.l, p.a));
console.log(`  when the entry is right ${pct(annexGivenEntry.filter((p) => firstAnnexA(p.a) === p.l.annex_a).length, annexGivenEntry.length)}`);
console.log('per style (top-1 / top-3):');
for (const style of [...new Set(labelled.map((l) => l.style))]) {
  const s = pairs.filter((p) => p.l.style === style);
  console.log(`  ${style.padEnd(10)} ${pct(s.filter((p) => top1(p.l, p.a)).length, s.length).padEnd(16)} ${pct(s.filter((p) => top3(p.l, p.a)).length, s.length)}`);
}

// ---- speed ----------------------------------------------------------------------------------------
const timed: Question[] = Array.from({ length: TIMED }, (_, i) => ({ row: i + 1, ref: null, text: labelled[i % labelled.length]!.q }));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const attestRun = async () => {
  const start = performance.now();
  const answerer = await prepareAnswerer(ctx, cliPrincipal);
  for (const q of timed) await answerer.answer(q);
  return performance.now() - start;
};
// Floor: the entries' own text (question twice, variants, detail; no control titles, which need the
// database), the index built and searched for the same 300 questions. The answer files are read
// beforehand, outside the timing.
const floorDocs = entries.map((e) => ({ id: e.id, text: [e.question, e.question, ...e.variants, e.detail].join('\n') }));
let sink = 0; // keeps the searches observable
const floorRun = () => {
  const start = performance.now();
  const ranker = new Bm25(floorDocs);
  for (const q of timed) sink += ranker.search(q.text).length;
  return performance.now() - start;
};
await attestRun();
floorRun();
const attestTimes: number[] = [];
const floorTimes: number[] = [];
for (let i = 0; i < RUNS; i += 1) {
  attestTimes.push(await attestRun());
  floorTimes.push(floorRun());
}
const ms = (n: number) => `${n.toFixed(1)} ms`;
const range = (xs: number[]) => `${ms(Math.min(...xs))}–${ms(Math.max(...xs))}`;
console.log(`speed: ${TIMED} questions (the eval set repeated), ${RUNS} runs after a warm-up`);
console.log(`  Attest prepareAnswerer + answer loop  median ${ms(median(attestTimes))} (${range(attestTimes)}), ${(median(attestTimes) / TIMED).toFixed(2)} ms/question`);
console.log(`  floor new Bm25 + Bm25.search           median ${ms(median(floorTimes))} (${range(floorTimes)})`);
console.log(`  ratio Attest / floor                   ${(median(attestTimes) / median(floorTimes)).toFixed(2)}`);

// ---- misses ---------------------------------------------------------------------------------------
const misses = pairs.filter((p) => !top1(p.l, p.a));
console.log(`misses (top-1), ${misses.length}:`);
for (const { l, a } of misses) {
  const expected = l.entry === null ? 'null' : [l.entry, ...(l.also ?? [])].join('|');
  const got = a.entry === null ? `null (best ${a.alternatives[0]?.entry ?? '-'} ${a.alternatives[0]?.confidence ?? 0})` : `${a.entry} ${a.confidence}`;
  console.log(`  [${l.style}] ${l.q.length > 90 ? `${l.q.slice(0, 87)}...` : l.q}\n      expected ${expected}, got ${got}`);
}
const annexMisses = withAnnex.filter((p) => top1(p.l, p.a) && firstAnnexA(p.a) !== p.l.annex_a);
console.log(`Annex A misses where the entry was right, ${annexMisses.length}:`);
for (const { l, a } of annexMisses)
  console.log(`  ${l.entry}: expected ${l.annex_a}, got ${firstAnnexA(a) ?? 'none'} (${(a.requirements['iso27001-2022'] ?? []).slice(0, 4).join(', ')})`);

await ctx.database.close();
fs.rmSync(dir, { recursive: true, force: true });
