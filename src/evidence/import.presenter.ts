import type { ImportExpired, ImportProblem, ImportResult } from './import.service.ts';

const counted = (n: number, one: string, many: string) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

/** "3 problems in 2 rows", or "1 problem with the file" when the file itself is wrong. */
export function problemSummary(result: Extract<ImportResult, { ok: false }>): string {
  const problems = counted(result.totalProblems, 'problem', 'problems');
  return result.badRows ? `${problems} in ${counted(result.badRows, 'row', 'rows')}` : `${problems} with the file`;
}

/** "3 items were already expired on import: lines 4, 9, 12", or null when none were. */
export function expiredSummary(expired: ImportExpired | undefined): string | null {
  if (!expired?.count) return null;
  const { count, lines } = expired;
  const more = count > lines.length ? `, and ${counted(count - lines.length, 'more', 'more')}` : '';
  return `${counted(count, 'item was', 'items were')} already expired on import: ${lines.length === 1 ? 'line' : 'lines'} ${lines.map((l) => l.toLocaleString('en')).join(', ')}${more}`;
}

/**
 * The problems as the command line prints them, one a line, their reasons aligned:
 *   line  4, column valid_until: Enter the valid-until date as YYYY-MM-DD.
 *   line 12:                     This row has 9 values but the header has 7 columns. …
 */
export function problemLines(problems: ImportProblem[]): string[] {
  const digits = Math.max(...problems.map((p) => String(p.line).length));
  const heads = problems.map((p) => `line ${String(p.line).padStart(digits)}${p.column ? `, column ${p.column}:` : ':'}`);
  const width = Math.max(...heads.map((h) => h.length));
  return heads.map((head, i) => `${head.padEnd(width)} ${problems[i]!.message}`);
}

/** What the import page shows of a finished import. */
export function presentImportResult(result: ImportResult) {
  const expired = expiredSummary(result.expired);
  if (result.ok) return { ok: true as const, imported: result.imported, expired };
  return {
    ok: false as const,
    summary: problemSummary(result),
    // A problem with a whole row, or with the file, has no column.
    problems: result.problems.map((p) => ({ line: p.line, column: p.column, message: p.message })),
    shown: result.problems.length < result.totalProblems ? result.problems.length : null,
    expired,
  };
}
