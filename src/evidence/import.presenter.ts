import type { ImportExpired, ImportProblem, ImportResult } from './import.service.ts';

const counted = (n: number, one: string, many: string) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

/** "3 problems in 2 rows", or "1 problem with the file" when the file itself is wrong. */
export function problemSummary(result: Extract<ImportResult, { ok: false }>): string {
  const problems = counted(result.totalProblems, 'problem', 'problems');
  return result.badRows ? `${problems} in ${counted(result.badRows, 'row', 'rows')}` : `${problems} with the file`;
}

const linesOf = ({ count, lines }: ImportExpired) =>
  `${lines.length === 1 ? 'line' : 'lines'} ${lines.map((l) => l.toLocaleString('en')).join(', ')}${count > lines.length ? `, and ${(count - lines.length).toLocaleString('en')} more` : ''}`;

/**
 * Rows past their valid-until day on the import day, said with what it means; null when none.
 * After an import: "3 items were already expired on import: lines 4, 9, 12"; when the file was
 * refused for other problems, what would happen once they are fixed.
 */
export function expiredNotice(expired: ImportExpired | undefined, imported: boolean): { summary: string; why: string } | null {
  if (!expired?.count) return null;
  const one = expired.count === 1;
  if (imported)
    return {
      summary: `${counted(expired.count, 'item was', 'items were')} already expired on import: ${linesOf(expired)}`,
      why: one
        ? 'Its valid-until date had passed, so it does not count towards coverage today.'
        : 'Their valid-until dates had passed, so they do not count towards coverage today.',
    };
  return {
    summary: `${counted(expired.count, 'row is', 'rows are')} already past ${one ? 'its valid-until date' : 'their valid-until dates'}: ${linesOf(expired)}`,
    why: one ? 'It can be imported, but will not count towards coverage today.' : 'They can be imported, but will not count towards coverage today.',
  };
}

/** The sample CSV as the page shows it: line by line, so that a long line wraps under itself. */
export const sampleLines = (sample: string) => sample.replace(/\r?\n$/, '').split(/\r?\n/);

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
  const expired = expiredNotice(result.expired, result.ok);
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
