import { certificationKindLabels, type CertificationKind } from '../certifications/certifications.model.ts';
import { activityActions, type ActivityAction } from './activity.actions.ts';
import { activityPhrases } from './activity.phrases.ts';
import type { ActivityView } from './activity.service.ts';
import type { SubjectFacts, SubjectIndex } from './subjects.repository.ts';

/** One piece of a sentence: plain words, or a name (user text, isolated for right-to-left) that may link to its page. */
export interface Segment {
  text: string;
  href?: string | undefined;
  title?: string | undefined;
  name?: boolean;
}

type Entry = Pick<ActivityView, 'action' | 'subjectType' | 'subjectId' | 'details' | 'actor' | 'actorName' | 'actorLabel'>;

const quoted = (s: string) => `“${s}”`;
const path = (s: string) => encodeURIComponent(s);

interface SubjectKind {
  /** How the subject is named when it is known today. */
  text: (id: string, f: SubjectFacts) => string;
  /** Its page, when it has one. */
  href?: (id: string, f: SubjectFacts) => string | undefined;
  /** How it is named when it is gone or unknown ("evidence #3147"). */
  missing?: (id: string) => string;
}

/** Every subject type the trail records, and how a sentence names it. */
export const subjectKinds: { [type: string]: SubjectKind } = {
  evidence: { text: (_, f) => `evidence ${quoted(f.title)}`, href: (id) => `/evidence/${id}` },
  control: { text: (id, f) => `control ${id} ${quoted(f.title)}`, href: (id) => `/controls/${path(id)}`, missing: (id) => `control ${id}` },
  user: { text: (id, f) => f.title || f.email || `user #${id}`, href: (id) => `/admin/users/${id}` },
  audit: { text: (_, f) => `the audit ${quoted(f.title)}`, href: (id) => `/audits/${id}` },
  finding: {
    text: (_, f) => `finding ${f.ref ? `${f.ref} ` : ''}${quoted(f.title)}`,
    href: (id, f) => (f.parentId ? `/audits/${f.parentId}/findings/${id}` : undefined),
  },
  evidence_request: {
    text: (_, f) => `evidence request ${f.ref ? `${f.ref} ` : ''}${quoted(f.title)}`,
    href: (id, f) => (f.parentId ? `/audits/${f.parentId}/requests/${id}` : undefined),
  },
  certification: {
    // "the ISO/IEC 27001:2022 certificate C-1", "the SOC 2 Type II report P2": the kind names its framework except for ISO.
    text: (_, f) => {
      const number = f.ref ? ` ${f.ref}` : '';
      if (!f.kind || !(f.kind in certificationKindLabels)) return `the certification of ${f.title}${number}`;
      return f.kind === 'iso_certificate' ? `the ${f.title} certificate${number}` : `the ${certificationKindLabels[f.kind as CertificationKind]}${number}`;
    },
    href: (id) => `/certifications/${id}`,
  },
  programme_event: {
    text: (_, f) => `the calendar event ${quoted(f.title)}`,
    href: (_, f) => (f.parentId ? `/certifications/${f.parentId}` : '/calendar'),
    missing: (id) => `calendar event #${id}`,
  },
  report: { text: (_, f) => `the report ${quoted(f.title)}`, href: (id) => `/reports/${id}` },
  questionnaire: { text: (_, f) => `the questionnaire from ${f.title}${f.ref ? ` (${f.ref})` : ''}`, href: (id) => `/questionnaires/${id}` },
  framework: { text: (_, f) => f.title, href: (id) => `/frameworks/${path(id)}`, missing: (id) => `framework ${id}` },
  certification_request: {
    text: (_, f) => `the request from ${f.title}${f.ref ? ` for ${f.ref}` : ''}`,
    href: () => '/certifications/planning',
    missing: (id) => `certification request #${id}`,
  },
  api_token: { text: (_, f) => `the API token ${quoted(f.title)}`, missing: (id) => `API token #${id}` },
  // Entries live in the answer-library files, not the database: named generically, linked by id.
  answer_entry: { text: () => 'an answer-library entry', href: (id) => `/questionnaires/library/${path(id)}`, missing: () => 'an answer-library entry' },
  calendar_feed: { text: () => 'a calendar feed', missing: () => 'a calendar feed' },
  evidence_import: { text: () => 'an evidence import', missing: () => 'an evidence import' },
};

/** Subjects whose own records keep their title in the details (a deleted calendar event is still named). */
const titledInDetails = new Set(['evidence', 'programme_event', 'report', 'finding', 'evidence_request']);

const words = (code: string) => code.replace(/[_-]+/g, ' ').trim();
const fallbackName = (type: string, id: string) => subjectKinds[type]?.missing?.(id) ?? `${words(type)} #${id}`;

/** Detail values said in a sentence: codes as words; lists and objects are left to the folded details. */
function detailText(value: unknown): string | undefined {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value !== 'string' || value === '') return undefined;
  return /^[a-z0-9]+(?:[_-][a-z0-9]+)+$/.test(value) ? words(value) : value;
}

const placeholder = /\{([a-z_.]+)(?::([a-z_]+))?\}/g;

/** The subjects a sentence template names through its details (`{user:user_id}`), as [type, key]. */
export function referencedSubjects(action: ActivityAction): [string, string][] {
  return [...activityPhrases[action].sentence.matchAll(placeholder)].filter((m) => m[2] !== undefined).map((m) => [m[1]!, m[2]!]);
}

const idOf = (value: unknown) => (typeof value === 'number' || (typeof value === 'string' && value !== '') ? String(value) : undefined);

/** Every subject a page of records names, by type, so they can be looked up once per type. */
export function subjectsNamed(records: Pick<Entry, 'action' | 'subjectType' | 'subjectId' | 'details'>[]): Map<string, Set<string>> {
  const wanted = new Map<string, Set<string>>();
  const add = (type: string, id: string | undefined) => {
    if (id === undefined) return;
    const ids = wanted.get(type) ?? new Set<string>();
    ids.add(id);
    wanted.set(type, ids);
  };
  for (const r of records) {
    if (r.subjectId !== null) add(r.subjectType, r.subjectId);
    if (!(r.action in activityPhrases)) continue;
    for (const [type, key] of referencedSubjects(r.action)) add(type, idOf(r.details[key]));
  }
  return wanted;
}

/** A subject as a sentence names it: linked when it exists and has a page; its recorded title when it is gone. */
function subjectSegments(type: string, id: string | null, subjects: SubjectIndex, recordedTitle?: unknown): Segment[] | undefined {
  if (id === null) return undefined;
  const kind = subjectKinds[type];
  const facts = subjects.get(type)?.get(id);
  if (!kind) return [{ text: fallbackName(type, id), name: true }];
  if (!facts) {
    // Gone: named by the title the record kept at the time when it kept one, else by type and id.
    const title = titledInDetails.has(type) && typeof recordedTitle === 'string' && recordedTitle !== '' ? recordedTitle : undefined;
    return [{ text: title ? kind.text(id, { title }) : fallbackName(type, id), name: true }];
  }
  const link: Segment = { text: kind.text(id, facts), href: kind.href?.(id, facts), title: facts.email, name: true };
  return facts.controls?.length ? [link, { text: ` for ${facts.controls.join(', ')}` }] : [link];
}

/** Fills one template piece; undefined when a placeholder has no value. */
function fill(piece: string, r: Entry, subjects: SubjectIndex): Segment[] | undefined {
  const out: Segment[] = [];
  let at = 0;
  for (const m of piece.matchAll(placeholder)) {
    if (m.index > at) out.push({ text: piece.slice(at, m.index) });
    at = m.index + m[0].length;
    const [, head, key] = m;
    let filled: Segment[] | undefined;
    if (head === 'subject') filled = subjectSegments(r.subjectType, r.subjectId, subjects, r.details.title);
    else if (key !== undefined) filled = subjectSegments(head!, idOf(r.details[key]) ?? null, subjects);
    else if (head?.startsWith('d.')) {
      const text = detailText(r.details[head.slice(2)]);
      filled = text === undefined ? undefined : [{ text, name: true }];
    }
    if (!filled) return undefined;
    out.push(...filled);
  }
  if (at < piece.length) out.push({ text: piece.slice(at) });
  return out;
}

/** Who did it, by name; the command line and Attest's own jobs by what they are. */
export function actorSegment(r: Pick<Entry, 'actor' | 'actorName' | 'actorLabel'>): Segment {
  if (!r.actorName && r.actorLabel === 'cli') return { text: 'Command line', title: 'Run with the attest command on the server' };
  if (!r.actorName && r.actorLabel === 'system') return { text: 'Attest', title: 'Done by Attest on its own' };
  return { text: r.actorName || r.actor, title: r.actor, name: true };
}

/** The record as a sentence: the actor, then the action's phrase with its subjects. */
export function activitySentence(r: Entry, subjects: SubjectIndex): Segment[] {
  const phrase = activityPhrases[r.action]?.sentence ?? words(r.action);
  const out: Segment[] = [actorSegment(r), { text: ' ' }];
  // Optional pieces sit in [ ]: said only when every placeholder in them has a value.
  for (const [i, piece] of phrase.split(/\[([^\]]*)\]/).entries()) {
    const filled = fill(piece, r, subjects);
    if (filled) out.push(...filled);
    else if (i % 2 === 0) out.push({ text: piece.replace(placeholder, '…') });
  }
  return out;
}

/** A recorded value as it reads: lists of plain values as lists, yes/no, nested data as compact JSON. */
function detailValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) return value.length ? value.join(', ') : 'none';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** The recorded details as a readable list of names and values. */
export function detailsList(details: { [key: string]: unknown }): { key: string; value: string }[] {
  return Object.entries(details).map(([key, value]) => {
    const name = words(key);
    return {
      key: name.charAt(0).toUpperCase() + name.slice(1),
      value: detailValue(value),
    };
  });
}

/** A record as the activity pages show it: a sentence, with the raw details kept to unfold. */
export function activityView(item: Entry & Pick<ActivityView, 'id' | 'at' | 'ip'>, subjects: SubjectIndex) {
  return {
    id: item.id,
    at: item.at,
    ip: item.ip,
    sentence: activitySentence(item, subjects),
    details: detailsList(item.details),
  };
}

/** The action filter: human labels, the recorded codes as values, sorted as people read them. */
export function actionOptions(selected: string | undefined) {
  return activityActions.map((a) => ({ value: a, label: activityPhrases[a].label, selected: a === selected })).sort((a, b) => a.label.localeCompare(b.label));
}
