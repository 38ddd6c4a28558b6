import { createHash, randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
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

export interface ImportProblem {
  line: number;
  field: string;
  message: string;
}

export type ImportResult =
  | { ok: true; imported: number; importId: string; firstId: number | null; lastId: number | null }
  | { ok: false; problems: ImportProblem[]; totalProblems: number; rows: number };

export interface ImportOptions {
  onProgress?: (done: number, total: number) => void;
  submitterId?: number | null;
}

interface ParsedRow {
  line: number;
  record: Record<string, string>;
}

function parseCsv(content: Buffer): { rows: ParsedRow[]; problems: ImportProblem[] } {
  let parsed: { record: Record<string, string>; info: { lines: number } }[];
  try {
    parsed = parse(content, {
      columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
      bom: true,
      trim: true,
      skip_empty_lines: true,
      info: true,
      max_record_size: 64 * 1024,
    });
  } catch (err) {
    const e = err as { message?: string; lines?: number };
    return { rows: [], problems: [{ line: e.lines ?? 1, field: 'file', message: `Not valid CSV: ${(e.message ?? 'unreadable').replace(/^Invalid [^:]*: /, '')}` }] };
  }
  const rows = parsed.map((p) => ({ line: p.info.lines, record: p.record }));
  if (rows.length === 0) return { rows, problems: [{ line: 1, field: 'file', message: 'The file has a header but no rows, or is empty.' }] };
  const header = Object.keys(rows[0]!.record);
  const problems: ImportProblem[] = [];
  for (const col of REQUIRED) if (!header.includes(col)) problems.push({ line: 1, field: col, message: `Missing column "${col}". Columns: ${IMPORT_COLUMNS.join(', ')}.` });
  for (const col of header) if (!(IMPORT_COLUMNS as readonly string[]).includes(col)) problems.push({ line: 1, field: col, message: `Unknown column "${col}".` });
  return { rows, problems };
}

/**
 * Imports evidence from CSV, all or nothing: every row is checked first and every bad row is
 * reported with its line number; only a clean file is written, in one transaction, so an import
 * that fails or is killed halfway leaves nothing behind. Imported evidence is submitted and awaits
 * review like any other.
 */
export async function importEvidenceCsv(ctx: AppContext, principal: Principal, content: Buffer, options: ImportOptions = {}): Promise<ImportResult> {
  authorize(principal, 'evidence.log');
  const { rows, problems } = parseCsv(content);
  if (problems.length) return { ok: false, problems, totalProblems: problems.length, rows: rows.length };
  const controls = new Map((await repo.allControlRefs(ctx.db)).filter((c) => c.retired_at === null).map((c) => [c.ref, c]));
  const day = today(ctx.clock);
  const now = ctx.clock().toISOString();
  const importId = randomUUID();
  const valid: { row: Parameters<typeof repo.insertEvidenceBatch>[1][number]; controlIds: number[] }[] = [];
  const found: ImportProblem[] = [];
  let total = 0;
  const report = (p: ImportProblem) => {
    total += 1;
    if (found.length < MAX_REPORTED) found.push(p);
  };
  for (const { line, record } of rows) {
    // PostgreSQL refuses NUL bytes that SQLite would store: refuse them the same on both.
    const nul = nulPaths(record);
    if (nul.length) {
      for (const field of nul) report({ line, field, message: 'Contains a NUL character, which is not allowed.' });
      continue;
    }
    const parsed = evidenceInputSchema.safeParse(record);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) report({ line, field: issue.path.join('.') || 'row', message: issue.message });
      continue;
    }
    const input = parsed.data;
    const unknown = input.controls.filter((r) => !controls.has(r));
    if (unknown.length) report({ line, field: 'controls', message: `Unknown or retired control: ${unknown.join(', ')}.` });
    if (input.collected_at > day) report({ line, field: 'collected_at', message: 'The collection date cannot be in the future.' });
    if (!input.link_url) report({ line, field: 'link_url', message: 'Imported evidence needs a link (files are attached in the app).' });
    if (unknown.length || input.collected_at > day || !input.link_url) continue;
    const linked = input.controls.map((r) => controls.get(r)!);
    valid.push({
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
    });
  }
  if (total > 0) return { ok: false, problems: found, totalProblems: total, rows: rows.length };

  const checksum = createHash('sha256').update(content).digest('hex');
  return unitOfWork(ctx, async (trx) => {
    const ids: number[] = [];
    const step = 2000;
    for (let i = 0; i < valid.length; i += step) {
      const slice = valid.slice(i, i + step);
      const inserted = await repo.insertEvidenceBatch(
        trx,
        slice.map((v) => v.row),
      );
      await repo.linkControls(
        trx,
        inserted.flatMap((id, k) => slice[k]!.controlIds.map((controlId) => ({ evidence_id: id, control_id: controlId }))),
      );
      ids.push(...inserted);
      options.onProgress?.(ids.length, valid.length);
    }
    await repo.setOwnLineage(trx, importId);
    // One record for the whole import: its size, the file's checksum and the ids it created.
    await recordActivity(ctx, trx, principal, {
      action: 'evidence.imported',
      subjectType: 'evidence_import',
      subjectId: importId,
      details: { rows: ids.length, sha256: checksum, first_id: ids[0] ?? null, last_id: ids.at(-1) ?? null },
    });
    return { ok: true as const, imported: ids.length, importId, firstId: ids[0] ?? null, lastId: ids.at(-1) ?? null };
  });
}
