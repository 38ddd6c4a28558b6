import { createHash } from 'node:crypto';
import { withActivity } from '../activity/activity.service.ts';
import { authorize } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import { nulPaths } from '../http/nul-guard.ts';
import { openAuditOr409 } from './audits.rules.ts';
import * as repo from './requests.repository.ts';
import { requestRefs, resolveRequests } from './requests.rules.ts';
import { requestFields, requestInputSchema, type RequestInput } from './requests.schema.ts';
import { readSheet } from './requests.sheet.ts';

/** The columns of a request list, in the order of the sample file. */
export const REQUEST_COLUMNS = ['title', 'description', 'requirement', 'control', 'due', 'assignee'] as const;
const REQUIRED = ['title', 'due'];
const MAX_REPORTED = 500;
/** Column names as the schema calls them. */
const FIELD_OF: Record<string, string> = { due: 'due_on' };
const COLUMN_OF: Record<string, string> = { due_on: 'due' };

export interface ImportProblem {
  line: number;
  column: string;
  message: string;
}

export type RequestImportResult = { ok: true; imported: number; refs: string[] } | { ok: false; problems: ImportProblem[]; totalProblems: number; rows: number };

/**
 * Imports an evidence-request list (CSV or xlsx) into an open audit, all or nothing: every row is
 * checked and every problem reported with its line and column; only a clean file is written, in
 * one transaction with one activity record.
 */
export async function importRequests(ctx: AppContext, principal: Principal, auditId: number, content: Buffer, filename: string): Promise<RequestImportResult> {
  authorize(principal, 'audits.participate');
  const sheet = await readSheet(content);
  if (!sheet.ok) return { ok: false, problems: [{ line: 1, column: 'file', message: sheet.message }], totalProblems: 1, rows: 0 };
  const problems: ImportProblem[] = [];
  let total = 0;
  const report = (p: ImportProblem) => {
    total += 1;
    if (problems.length < MAX_REPORTED) problems.push(p);
  };
  for (const col of REQUIRED) if (!sheet.header.includes(col)) report({ line: 1, column: col, message: `Missing column "${col}". Columns: ${REQUEST_COLUMNS.join(', ')}.` });
  for (const col of sheet.header)
    if (!(REQUEST_COLUMNS as readonly string[]).includes(col)) report({ line: 1, column: col.slice(0, 60), message: `Unknown column "${col.slice(0, 60)}".` });
  if (total === 0 && sheet.rows.length === 0) report({ line: 2, column: 'file', message: 'The list has a header but no rows.' });
  if (total > 0) return { ok: false, problems, totalProblems: total, rows: sheet.rows.length };

  const parsed: { line: number; input: RequestInput; reported: Set<string> }[] = [];
  for (const { line, record } of sheet.rows) {
    // PostgreSQL refuses NUL in text that SQLite would store: refuse it the same on both.
    const nul = nulPaths(record);
    if (nul.length) {
      for (const column of nul) report({ line, column, message: 'Contains a NUL character, which is not allowed.' });
      continue;
    }
    const fields = Object.fromEntries(Object.entries(record).map(([k, v]) => [FIELD_OF[k] ?? k, v]));
    const result = requestInputSchema.safeParse(fields);
    if (result.success) {
      parsed.push({ line, input: result.data, reported: new Set() });
      continue;
    }
    const seen = new Set<string>();
    for (const issue of result.error.issues) {
      const column = COLUMN_OF[String(issue.path[0] ?? '')] ?? String(issue.path[0] ?? 'row');
      if (!seen.has(column)) report({ line, column, message: issue.message });
      seen.add(column);
    }
    // The row's other references are still looked up, so that one pass lists all its problems.
    parsed.push({ line, input: lookupsOf(fields), reported: seen });
  }

  const checksum = createHash('sha256').update(content).digest('hex');
  const now = ctx.clock().toISOString();
  const outcome = await withActivity(
    ctx,
    principal,
    async (trx) => {
      await openAuditOr409(trx, auditId);
      const { resolved, problems: rowProblems } = await resolveRequests(
        trx,
        auditId,
        parsed.map((p) => p.input),
      );
      rowProblems.forEach((list, i) => {
        for (const p of list) if (!parsed[i]!.reported.has(p.field)) report({ line: parsed[i]!.line, column: p.field, message: p.message });
      });
      if (total > 0) return null;
      const ref = requestRefs(await repo.refsOf(trx, auditId));
      const rows = resolved.map((r, i) => ({
        audit_id: auditId,
        ref: ref(i),
        title: r!.input.title,
        description: r!.input.description ?? '',
        requirement_id: r!.requirementId,
        control_id: r!.controlId,
        assignee_id: r!.assigneeId,
        due_on: r!.input.due_on,
        status: 'open' as const,
        created_by: principal.userId,
        created_at: now,
        updated_at: now,
      }));
      const ids = await repo.insertRequests(trx, rows);
      return { ids, refs: rows.map((r) => r.ref) };
    },
    (r) =>
      r
        ? {
            action: 'request.imported',
            subjectType: 'audit',
            subjectId: auditId,
            details: { file: filename.slice(0, 200), sha256: checksum, rows: r.ids.length, first_id: r.ids[0] ?? null, last_id: r.ids.at(-1) ?? null, refs: r.refs },
          }
        : [],
  );
  if (!outcome) return { ok: false, problems: problems.sort((a, b) => a.line - b.line), totalProblems: total, rows: sheet.rows.length };
  return { ok: true, imported: outcome.ids.length, refs: outcome.refs };
}

/** The requirement, control and assignee of a row that failed as a whole, each kept when valid on its own. */
function lookupsOf(fields: Record<string, string>): RequestInput {
  const one = <K extends 'requirement' | 'control' | 'assignee'>(key: K) => {
    const r = requestFields.shape[key].safeParse(fields[key]);
    return r.success ? r.data : undefined;
  };
  return { title: '', due_on: '', requirement: one('requirement'), control: one('control'), assignee: one('assignee') } as RequestInput;
}
