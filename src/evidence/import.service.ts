import { createHash, randomUUID } from 'node:crypto';
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
import { type ImportProblem, type ImportSource, type ParsedRow, rowsOf } from './import.csv.ts';

const MAX_REPORTED = 500;
/** Rows written per statement pair (evidence, links): small enough to hand the event loop back often. */
const BATCH = 500;

export { IMPORT_COLUMNS, type ImportProblem, type ImportSource } from './import.csv.ts';

/** Rows already past their valid-until day on the import day: imported, but worth a warning. */
export interface ImportExpired {
  count: number;
  /** The first lines (at most a few hundred, so that memory stays flat). */
  lines: number[];
}

export type ImportResult =
  | { ok: true; imported: number; importId: string; firstId: number | null; lastId: number | null; expired: ImportExpired }
  | { ok: false; problems: ImportProblem[]; totalProblems: number; badRows: number; rows: number; expired: ImportExpired };

export interface ImportOptions {
  /** While checking (the first pass): rows read so far. */
  onChecked?: (rows: number) => void;
  /** While writing (the second pass): rows written of the total. */
  onProgress?: (done: number, total: number) => void;
  /** Called every few hundred rows and after every batch: a background import gives the event loop back here. */
  yieldEvery?: () => Promise<unknown>;
  submitterId?: number | null;
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
  type Valid = { line: number; row: Parameters<typeof repo.insertEvidenceBatch>[1][number]; controlIds: number[] };
  /** One row checked: the row to insert, or its problems reported (one per cell at most). */
  const check = ({ line, record }: ParsedRow, report: (p: ImportProblem) => void): Valid | null => {
    // PostgreSQL refuses NUL bytes that SQLite would store: refuse them the same on both.
    const nul = nulPaths(record);
    if (nul.length) {
      for (const column of nul) report({ line, column, message: 'Contains a NUL character, which is not allowed.' });
      return null;
    }
    const parsed = evidenceInputSchema.safeParse(record);
    if (!parsed.success) {
      // zod names a control in a list by its place (controls.1); the user knows the cell.
      const cells = new Map<string, string>();
      for (const issue of parsed.error.issues) {
        const column = String(issue.path[0] ?? '');
        if (!cells.has(column)) cells.set(column, issue.message);
      }
      for (const [column, message] of cells) report({ line, column: column || null, message });
      return null;
    }
    const input = parsed.data;
    const unknown = input.controls.filter((r) => !controls.has(r));
    if (unknown.length) report({ line, column: 'controls', message: `Unknown or retired control: ${unknown.join(', ')}.` });
    if (input.collected_at > day) report({ line, column: 'collected_at', message: 'The collection date cannot be in the future.' });
    if (!input.link_url) report({ line, column: 'link_url', message: 'Imported evidence needs a link (files are attached in the app).' });
    if (unknown.length || input.collected_at > day || !input.link_url) return null;
    const linked = input.controls.map((r) => controls.get(r)!);
    const validUntil =
      input.valid_until ??
      defaultValidUntil(
        input.collected_at,
        linked.map((c) => c.frequency as Frequency),
      );
    return {
      line,
      controlIds: linked.map((c) => c.id),
      row: {
        title: input.title,
        kind: input.kind,
        description: input.description ?? '',
        link_url: input.link_url,
        collected_at: input.collected_at,
        valid_until: validUntil,
        status: 'submitted',
        submitter_id: options.submitterId ?? principal.userId,
        submitted_at: now,
        version: 1,
        import_id: importId,
      },
    };
  };

  // Pass 1: every row checked, nothing kept but the counts, the first problems and the checksum.
  const found: ImportProblem[] = [];
  let total = 0;
  let rows = 0;
  let badRows = 0;
  let lastBadLine = 0;
  const expired: ImportExpired = { count: 0, lines: [] };
  const hash = createHash('sha256');
  const report = (p: ImportProblem) => {
    total += 1;
    // Rows are checked in order, so a row's problems come together.
    if (p.line !== lastBadLine) badRows += 1;
    lastBadLine = p.line;
    if (found.length < MAX_REPORTED) found.push(p);
  };
  const pass1 = rowsOf(source, (chunk) => hash.update(chunk));
  for (;;) {
    const next = await pass1.next();
    if (next.done) {
      if (next.value.length) return { ok: false, problems: next.value, totalProblems: next.value.length, badRows: 0, rows, expired };
      break;
    }
    rows += 1;
    const row = next.value;
    let valid: Valid | null = null;
    // A row of the wrong length comes as its problem.
    if ('record' in row) valid = check(row, report);
    else report(row);
    // Already past its validity on the import day: imported all the same (it records what was
    // collected), but said, since it proves nothing today.
    if (valid && valid.row.valid_until < day) {
      expired.count += 1;
      if (expired.lines.length < MAX_REPORTED) expired.lines.push(valid.line);
    }
    if (rows % 500 === 0) await options.yieldEvery?.();
    if (rows % 5000 === 0) options.onChecked?.(rows);
  }
  if (total > 0) return { ok: false, problems: found, totalProblems: total, badRows, rows, expired };
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
    const refuse = (): never => {
      throw new Error('The file changed while it was being imported.');
    };
    for await (const row of rowsOf(source)) {
      const valid = 'record' in row ? check(row, refuse) : refuse();
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
    return { ok: true as const, imported: written, importId, firstId: first, lastId: last, expired };
  });
}
