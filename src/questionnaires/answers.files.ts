import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { CONTROLS_DIR } from '../controls/library.files.ts';

// The shipped answer library (controls/answers/*.yaml): what the company answers to the questions
// customers ask, each answer backed by controls of the control library. Read and checked like the
// control library; the questionnaire answerer ranks these entries.

export const ANSWERS_DIR = path.join(CONTROLS_DIR, 'answers');

export const shortAnswers = ['Yes', 'No', 'Partial', 'N/A'] as const;
export type ShortAnswer = (typeof shortAnswers)[number];

const day = z
  .union([z.string(), z.date()])
  .transform((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v))
  .pipe(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day as YYYY-MM-DD'));

const entrySchema = z.object({
  id: z.string().regex(/^[A-Z]{3}-\d{2,3}$/, 'an id like ACC-01'),
  question: z.string().trim().min(10).max(400),
  variants: z.array(z.string().trim().min(5).max(400)).min(1).max(8),
  short: z.enum(shortAnswers),
  detail: z.string().trim().min(10).max(2000),
  controls: z
    .array(z.string().regex(/^[A-Z]{2,5}-\d{2,3}$/, 'a control ref like IAM-07'))
    .min(1)
    .max(6),
  frameworks: z.array(z.string().min(1).max(60)).max(8).default([]),
  owner: z.string().trim().min(1).max(200),
  reviewed: day,
  review_months: z.union([z.literal(6), z.literal(12)]),
});

const fileSchema = z.object({
  topic: z.string().regex(/^[a-z][a-z-]{1,40}$/),
  name: z.string().min(1).max(200),
  entries: z.array(entrySchema).min(1),
});

export type AnswerEntry = z.infer<typeof entrySchema> & { topic: string; file: string };

export interface AnswerLibrary {
  entries: AnswerEntry[];
  problems: { file: string; message: string }[];
}

/** Reads every answer file; problems (bad YAML, bad fields, duplicate ids) are listed, not thrown. */
export function readAnswerFiles(dir = ANSWERS_DIR): AnswerLibrary {
  const entries: AnswerEntry[] = [];
  const problems: AnswerLibrary['problems'] = [];
  const files = fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('.yaml'))
        .sort()
    : [];
  if (files.length === 0) problems.push({ file: dir, message: 'no answer files (*.yaml)' });
  for (const name of files) {
    const file = path.join(dir, name);
    let data: unknown;
    try {
      data = parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      problems.push({ file, message: `not valid YAML: ${(err as Error).message.split('\n')[0]}` });
      continue;
    }
    const parsed = fileSchema.safeParse(data);
    if (!parsed.success) {
      for (const issue of parsed.error.issues.slice(0, 20)) problems.push({ file, message: `${issue.path.join('.')}: ${issue.message}` });
      continue;
    }
    for (const e of parsed.data.entries) entries.push({ ...e, topic: parsed.data.topic, file });
  }
  const seen = new Map<string, string>();
  for (const e of entries) {
    const other = seen.get(e.id);
    if (other) problems.push({ file: e.file, message: `${e.id} is also defined in ${path.basename(other)}` });
    seen.set(e.id, e.file);
  }
  return { entries, problems };
}

/** Problems that need the control library and the frameworks: unknown control refs and framework slugs. */
export function crossCheck(entries: AnswerEntry[], controlRefs: ReadonlySet<string>, frameworkSlugs: ReadonlySet<string>): AnswerLibrary['problems'] {
  const problems: AnswerLibrary['problems'] = [];
  for (const e of entries) {
    for (const ref of e.controls) if (!controlRefs.has(ref)) problems.push({ file: e.file, message: `${e.id}: unknown control ${ref}` });
    for (const slug of e.frameworks) if (!frameworkSlugs.has(slug)) problems.push({ file: e.file, message: `${e.id}: unknown framework ${slug}` });
  }
  return problems;
}
