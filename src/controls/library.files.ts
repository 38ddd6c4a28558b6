import fs from 'node:fs';
import path from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { frequencies, implementationStatuses, relationships, type Frequency, type ImplementationStatus, type Relationship } from './controls.model.ts';

/** The shipped data folder: frameworks/, library/, applicability/. */
export const CONTROLS_DIR = path.resolve(import.meta.dirname, '../../controls');

export interface Problem {
  file: string;
  line: number;
  message: string;
}

export interface Located {
  file: string;
  line: number;
}

export interface RequirementDef extends Located {
  ref: string;
  name: string;
  summary: string;
  parent: string | null;
  assessable: boolean;
}

export interface FrameworkDef extends Located {
  slug: string;
  name: string;
  edition: string;
  publisher: string;
  source: string;
  /** 'provisional' when the identifiers were assigned by Attest, not the publisher. */
  numbering: 'publisher' | 'provisional';
  requirements: RequirementDef[];
}

export interface MappingDef extends Located {
  framework: string;
  ref: string;
  relationship: Relationship;
  strength: number | null;
  rationale: string | null;
}

export interface ControlDef extends Located {
  ref: string;
  domain: string;
  title: string;
  description: string;
  frequency: Frequency;
  owner: string;
  status: ImplementationStatus;
  applicable: boolean;
  applicabilityNote: string | null;
  evidence: string[];
  mappings: MappingDef[];
  /** Controls reviewed and found to be distinct despite similar text and mappings (for the duplicate check). */
  distinctFrom: string[];
  /** Retired controls this one absorbed: their evidence is linked here when the library is loaded. */
  mergedFrom: string[];
}

export interface DomainDef extends Located {
  slug: string;
  name: string;
}

export interface ExclusionDef extends Located {
  framework: string;
  ref: string;
  justification: string;
}

export interface LibraryFiles {
  frameworks: FrameworkDef[];
  domains: DomainDef[];
  controls: ControlDef[];
  exclusions: ExclusionDef[];
  problems: Problem[];
}

const text = (what: string) =>
  z
    .string({ error: `${what} must be text` })
    .trim()
    .min(1, `${what} must not be empty`);
const ref = z.union([z.string(), z.number()], { error: 'ref must be text' }).transform(String).pipe(z.string().trim().min(1, 'ref must not be empty'));

const requirementSchema = z.strictObject({
  ref,
  name: text('name'),
  summary: text('summary').max(600, 'summary must be one or two sentences (at most 600 characters)'),
  parent: ref.optional(),
  assessable: z.boolean({ error: 'assessable must be true or false' }),
});

const frameworkSchema = z.strictObject({
  slug: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'slug must be lower-case letters, digits, dots and dashes'),
  name: text('name'),
  edition: text('edition'),
  publisher: text('publisher'),
  source: text('source'),
  numbering: z.enum(['publisher', 'provisional'], { error: 'numbering must be publisher or provisional' }).default('publisher'),
  requirements: z.array(z.unknown(), { error: 'requirements must be a list' }).min(1, 'requirements must not be empty'),
});

const mappingValue = z.union(
  [
    z.enum(relationships, { error: `relationship must be one of ${relationships.join(', ')}` }),
    z.strictObject({
      relationship: z.enum(relationships, { error: `relationship must be one of ${relationships.join(', ')}` }),
      strength: z.number().int().min(1).max(10).optional(),
      rationale: z.string().trim().min(1).max(1000).optional(),
    }),
  ],
  { error: `relationship must be one of ${relationships.join(', ')} (or { relationship, strength, rationale })` },
);

const controlSchema = z.strictObject({
  ref: z.string({ error: 'ref must be text' }).regex(/^[A-Z]{2,5}-\d{2,3}$/, 'ref must look like IAM-03'),
  title: text('title').max(200),
  description: text('description').max(4000),
  frequency: z.enum(frequencies, { error: `frequency must be one of ${frequencies.join(', ')}` }),
  owner: text('owner').max(120),
  status: z.enum(implementationStatuses, { error: `status must be one of ${implementationStatuses.join(', ')}` }).default('implemented'),
  applicable: z.boolean({ error: 'applicable must be true or false' }).default(true),
  applicability_note: z.string().trim().min(1).max(1000).optional(),
  evidence: z.array(text('evidence item').max(300)).min(1, 'evidence must list at least one item'),
  mappings: z.record(z.string(), z.record(z.string(), mappingValue).nullable()),
  distinct_from: z.array(z.string().regex(/^[A-Z]{2,5}-\d{2,3}$/, 'distinct_from lists control refs like IAM-03')).optional(),
  merged_from: z.array(z.string().regex(/^[A-Z]{2,5}-\d{2,3}$/, 'merged_from lists control refs like IAM-03')).optional(),
});

const libraryFileSchema = z.strictObject({
  domain: z.string().regex(/^[a-z][a-z-]*$/, 'domain must be a lower-case slug'),
  name: text('name'),
  controls: z.array(z.unknown(), { error: 'controls must be a list' }).min(1, 'controls must not be empty'),
});

const exclusionFileSchema = z.record(z.string(), z.record(z.string(), text('justification').max(1000)));

class FileReader {
  readonly problems: Problem[] = [];
  private readonly lines = new LineCounter();
  readonly doc: Document;

  constructor(
    readonly file: string,
    source: string,
  ) {
    this.doc = parseDocument(source, { lineCounter: this.lines, uniqueKeys: true });
    for (const err of this.doc.errors) this.problem(err.linePos?.[0]?.line ?? 1, err.message.split('\n')[0] ?? err.message);
  }

  /** The line of the node at `path` (or of its nearest ancestor that exists). */
  lineOf(at: (string | number)[]): number {
    for (let n = at.length; n >= 0; n -= 1) {
      const node = this.doc.getIn(at.slice(0, n), true);
      const range = (node as { range?: [number, number, number] } | undefined)?.range;
      if (range) return this.lines.linePos(range[0]).line;
    }
    return 1;
  }

  /** The line of a map key (used for mapping refs, whose values are short). */
  keyLine(at: (string | number)[], key: string): number {
    const map = this.doc.getIn(at, true);
    if (isMap(map)) {
      const pair = map.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
      const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
      if (range) return this.lines.linePos(range[0]).line;
    }
    return this.lineOf(at);
  }

  problem(line: number, message: string): void {
    this.problems.push({ file: this.file, line, message });
  }

  /** Parses `value` (found at `at`) with `schema`, reporting each issue at its own line. */
  parse<S extends z.ZodType>(schema: S, value: unknown, at: (string | number)[]): z.output<S> | undefined {
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    for (const issue of result.error.issues) {
      const issuePath = [...at, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
      const label = issuePath.length ? issuePath.join('.') : '(file)';
      this.problem(this.lineOf(issuePath), `${label}: ${issue.message}`);
    }
    return undefined;
  }
}

function yamlFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort()
    .map((f) => path.join(dir, f));
}

function open(file: string, root: string): FileReader {
  return new FileReader(path.relative(root, file) || file, fs.readFileSync(file, 'utf8'));
}

function readFramework(reader: FileReader, basename: string): FrameworkDef | undefined {
  const raw: unknown = reader.doc.toJS();
  const head = reader.parse(frameworkSchema, raw, []);
  if (!head) return undefined;
  if (head.slug !== basename) reader.problem(reader.lineOf(['slug']), `slug ${head.slug} must match the file name (${basename})`);
  const requirements: RequirementDef[] = [];
  head.requirements.forEach((item, i) => {
    const req = reader.parse(requirementSchema, item, ['requirements', i]);
    if (!req) return;
    requirements.push({
      ref: req.ref,
      name: req.name,
      summary: req.summary,
      parent: req.parent ?? null,
      assessable: req.assessable,
      file: reader.file,
      line: reader.lineOf(['requirements', i]),
    });
  });
  return { ...head, requirements, file: reader.file, line: 1 };
}

function readLibrary(reader: FileReader, out: { domains: DomainDef[]; controls: ControlDef[] }): void {
  const head = reader.parse(libraryFileSchema, reader.doc.toJS(), []);
  if (!head) return;
  out.domains.push({ slug: head.domain, name: head.name, file: reader.file, line: reader.lineOf(['domain']) });
  head.controls.forEach((item, i) => {
    const c = reader.parse(controlSchema, item, ['controls', i]);
    if (!c) return;
    const mappings: MappingDef[] = [];
    for (const [framework, refs] of Object.entries(c.mappings)) {
      for (const [reqRef, value] of Object.entries(refs ?? {})) {
        const long = typeof value === 'string' ? { relationship: value } : value;
        mappings.push({
          framework,
          ref: reqRef,
          relationship: long.relationship,
          strength: 'strength' in long && long.strength !== undefined ? long.strength : null,
          rationale: 'rationale' in long && long.rationale !== undefined ? long.rationale : null,
          file: reader.file,
          line: reader.keyLine(['controls', i, 'mappings', framework], reqRef),
        });
      }
    }
    const { mappings: _m, applicability_note, distinct_from, merged_from, ...rest } = c;
    out.controls.push({
      ...rest,
      applicabilityNote: applicability_note ?? null,
      domain: head.domain,
      mappings,
      distinctFrom: distinct_from ?? [],
      mergedFrom: merged_from ?? [],
      file: reader.file,
      line: reader.lineOf(['controls', i]),
    });
  });
}

function readExclusions(reader: FileReader, out: ExclusionDef[]): void {
  const raw: unknown = reader.doc.toJS() ?? {};
  const parsed = reader.parse(exclusionFileSchema, raw, []);
  if (!parsed) return;
  for (const [framework, refs] of Object.entries(parsed)) {
    for (const [reqRef, justification] of Object.entries(refs)) {
      out.push({ framework, ref: reqRef, justification, file: reader.file, line: reader.keyLine([framework], reqRef) });
    }
  }
}

/** Reads and schema-checks every file under `root` (default: the shipped controls/ folder). */
export function readLibraryFiles(root: string = CONTROLS_DIR): LibraryFiles {
  const result: LibraryFiles = { frameworks: [], domains: [], controls: [], exclusions: [], problems: [] };
  for (const file of yamlFiles(path.join(root, 'frameworks'))) {
    const reader = open(file, root);
    if (reader.problems.length === 0) {
      const fw = readFramework(reader, path.basename(file).replace(/\.ya?ml$/, ''));
      if (fw) result.frameworks.push(fw);
    }
    result.problems.push(...reader.problems);
  }
  for (const file of yamlFiles(path.join(root, 'library'))) {
    const reader = open(file, root);
    if (reader.problems.length === 0) readLibrary(reader, result);
    result.problems.push(...reader.problems);
  }
  for (const file of yamlFiles(path.join(root, 'applicability'))) {
    const reader = open(file, root);
    if (reader.problems.length === 0) readExclusions(reader, result.exclusions);
    result.problems.push(...reader.problems);
  }
  return result;
}
