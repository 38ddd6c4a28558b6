import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { recordActivity } from '../activity/activity.service.ts';
import { authorize } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import { today } from '../dates.ts';
import { unitOfWork } from '../db/unit-of-work.ts';
import type { Frequency } from '../controls/controls.model.ts';
import { defaultValidUntil } from './evidence.model.ts';
import * as repo from './evidence.repository.ts';
import { nulPaths } from '../http/nul-guard.ts';
import { evidenceInputSchema } from './evidence.schema.ts';

export const IMPORT_COLUMNS = ['title', 'kind', 'collected_at', 'controls', 'link_url', 'valid_until', 'description'] as const;
const REQUIRED = ['title', 'kind', 'collected_at', 'controls', 'link_url'];
const MAX_REPORTED = 500;
/** Rows written per statement pair (evidence, links): small enough to hand the event loop back often. */
const BATCH = 500;

export interface ImportProblem {
  line: number;
  field: string;
  message: string;
}

export type ImportResult =
  | { ok: true; imported: number; importId: string; firstId: number | null; lastId: number | null }
  | { ok: false; problems: ImportProblem[]; totalProblems: number; rows: number };

export interface ImportOptions {
  /** While checking (the first pass): rows read so far. */
  onChecked?: (rows: number) => void;
  /** While writing (the second pass): rows written of the total. */
  onProgress?: (done: number, total: number) => void;
  /** Called every few hundred rows and after every batch: a background import gives the event loop back here. */
  yieldEvery?: () => Promise<unknown>;
  submitterId?: number | null;
}

interface ParsedRow {
  line: number;
  record: Record<string, string>;
}

/** Where the CSV comes from: bytes in memory (tests, small files) or a file read as a stream. */
export type ImportSource = Buffer | { path: string };

const streamOf = (source: ImportSource): Readable => (Buffer.isBuffer(source) ? Readable.from([source]) : fs.createReadStream(source.path));

/**
 * The rows of the file, one at a time (memory stays flat however long the file is), after the
 * header; a problem with the file itself (not CSV, no rows, missing or unknown columns) ends it.
 */
async function* rowsOf(source: ImportSource, onBytes?: (chunk: Buffer) => void): AsyncGenerator<ParsedRow, ImportProblem[]> {
  let header: string[] = [];
  const parser = parse({
    columns: (h: string[]) => {
      header = h.map((x) => x.trim().toLowerCase());
      return header;
    },
    bom: true,
    trim: true,
    skip_empty_lines: true,
    info: true,
    max_record_size: 64 * 1024,
  });
  const input = streamOf(source);
  if (onBytes) input.on('data', (chunk) => onBytes(chunk as Buffer));
  input.on('error', (err) => parser.destroy(err));
  input.pipe(parser);
  let first = true;
  let any = false;
  try {
    for await (const p of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      if (first) {
        first = false;
        const problems: ImportProblem[] = [];
        for (const col of REQUIRED) if (!header.includes(col)) problems.push({ line: 1, field: col, message: `Missing column "${col}". Columns: ${IMPORT_COLUMNS.join(', ')}.` });
        for (const col of header) if (!(IMPORT_COLUMNS as readonly string[]).includes(col)) problems.push({ line: 1, field: col, message: `Unknown column "${col}".` });
        if (problems.length) {
          input.destroy();
          return problems;
        }
      }
      any = true;
      yield { line: p.info.lines, record: p.record };
    }
  } catch (err) {
    input.destroy();
    const e = err as { message?: string; lines?: number };
    return [{ line: e.lines ?? 1, field: 'file', message: `Not valid CSV: ${(e.message ?? 'unreadable').replace(/^Invalid [^:]*: /, '')}` }];
  }
  if (!any) return [{ line: 1, field: 'file', message: 'The file has a header but no rows, or is empty.' }];
  return [];
}

/**
 * Imports evidence from CSV, all or nothing: every row is checked first and every bad row is
 * reported with its line number; only a clean file is written, in one transaction, so an import
 * that fails or is killed halfway leaves nothing behind. The file is read as a stream, twice, so
 * memory stays flat in the number of rows. Imported evidence is submitted and awaits review.
 */
export async function importEvidenceCsv(ctx: AppContext, principal: Principal, source: ImportSource, options: ImportOptions = {}): Promise<ImportResult> {
  authorize(principal, 'evidence.log');
  const controls = new Map((await repo.allControlRefs(ctx.db)).filter((c) => c.retired_at === null).map((c) => [c.ref, c]));
  const day = today(ctx.clock);
  const now = ctx.clock().toISOString();
  const importId = randomUUID();
  type Valid = { row: Parameters<typeof repo.insertEvidenceBatch>[1][number]; controlIds: number[] };
  /** One row checked: the row to insert, or its problems reported. */
  const check = ({ line, record }: ParsedRow, report: (p: ImportProblem) => void): Valid | null => {
    // PostgreSQL refuses NUL bytes that SQLite would store: refuse them the same on both.
    const nul = nulPaths(record);
    if (nul.length) {
      for (const field of nul) report({ line, field, message: 'Contains a NUL character, which is not allowed.' });
      return null;
    }
    const parsed = evidenceInputSchema.safeParse(record);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) report({ line, field: issue.path.join('.') || 'row', message: issue.message });
      return null;
    }
    const input = parsed.data;
    const unknown = input.controls.filter((r) => !controls.has(r));
    if (unknown.length) report({ line, field: 'controls', message: `Unknown or retired control: ${unknown.join(', ')}.` });
    if (input.collected_at > day) report({ line, field: 'collected_at', message: 'The collection date cannot be in the future.' });
    if (!input.link_url) report({ line, field: 'link_url', message: 'Imported evidence needs a link (files are attached in the app).' });
    if (unknown.length || input.collected_at > day || !input.link_url) return null;
    const linked = input.controls.map((r) => controls.get(r)!);
    return {
      controlIds: linked.map((c) => c.id),
      row: {
        title: input.title,
        kind: input.kind,
        description: input.description ?? '',
        link_url: input.link_url,
        collected_at: input.collected_at,
        valid_until:
          input.valid_until ??
          defaultValidUntil(
            input.collected_at,
            linked.map((c) => c.frequency as Frequency),
          ),
        status: 'submitted',
        submitter_id: options.submitterId ?? principal.userId,
        submitted_at: now,
        version: 1,
        import_id: importId,
      },
    };
  };

  // Pass 1: every row checked, nothing kept but the count, the first problems and the checksum.
  const found: ImportProblem[] = [];
  let total = 0;
  let rows = 0;
  const hash = createHash('sha256');
  const report = (p: ImportProblem) => {
    total += 1;
    if (found.length < MAX_REPORTED) found.push(p);
  };
  const pass1 = rowsOf(source, (chunk) => hash.update(chunk));
  for (;;) {
    const next = await pass1.next();
    if (next.done) {
      if (next.value.length) return { ok: false, problems: next.value, totalProblems: next.value.length, rows };
      break;
    }
    rows += 1;
    check(next.value, report);
    if (rows % 500 === 0) await options.yieldEvery?.();
    if (rows % 5000 === 0) options.onChecked?.(rows);
  }
  if (total > 0) return { ok: false, problems: found, totalProblems: total, rows };
  const checksum = hash.digest('hex');

  // Pass 2: the same rows read again and written in batches inside one transaction, so an import
  // that fails or is killed halfway leaves nothing behind.
  return unitOfWork(ctx, async (trx) => {
    let first: number | null = null;
    let last: number | null = null;
    let written = 0;
    let batch: Valid[] = [];
    const flush = async () => {
      if (!batch.length) return;
      const inserted = await repo.insertEvidenceBatch(
        trx,
        batch.map((v) => v.row),
      );
      await repo.linkControls(
        trx,
        inserted.flatMap((id, k) => batch[k]!.controlIds.map((controlId) => ({ evidence_id: id, control_id: controlId }))),
      );
      await repo.setOwnLineageOf(trx, inserted);
      first ??= inserted[0] ?? null;
      last = inserted.at(-1) ?? last;
      written += inserted.length;
      batch = [];
      options.onProgress?.(written, rows);
    };
    const refuse = () => {
      throw new Error('The file changed while it was being imported.');
    };
    for await (const row of rowsOf(source)) {
      const valid = check(row, refuse);
      if (!valid) refuse();
      batch.push(valid!);
      if (batch.length >= BATCH) {
        await flush();
        await options.yieldEvery?.();
      }
    }
    await flush();
    if (written !== rows) refuse();
    // One record for the whole import: its size, the file's checksum and the ids it created.
    await recordActivity(ctx, trx, principal, {
      action: 'evidence.imported',
      subjectType: 'evidence_import',
      subjectId: importId,
      details: { rows: written, sha256: checksum, first_id: first, last_id: last },
    });
    return { ok: true as const, imported: written, importId, firstId: first, lastId: last };
  });
}
