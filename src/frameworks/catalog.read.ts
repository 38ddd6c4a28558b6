import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { AppError } from '../http/errors.ts';

// Reading a catalog a team brings in (their licensed text of a standard, or a scheme Attest has no
// catalog for): one row per requirement with its ref, name, parent, whether it is assessable and
// their own summary or text. And the map that says what each old requirement ref became.

export const MAX_REQUIREMENTS = 20_000;
const MAX_TEXT = 20_000;

export interface CatalogRow {
  /** Line (CSV) or row (xlsx) number, for messages. */
  line: number;
  ref: string;
  name: string;
  parent: string | null;
  assessable: boolean;
  summary: string;
}

const refuse = (field: string, problems: string[]) =>
  AppError.invalid(
    problems.slice(0, 50).map((message) => ({ field, message })),
    problems.length === 1 ? problems[0]! : `${problems.length} problems in the ${field === 'map' ? 'map' : 'catalog'} file; nothing was imported.`,
  );

/** Control characters (NUL above all, which PostgreSQL refuses) have no place in a catalog. */
const clean = (v: string) => v.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '').trim();

async function gridOf(content: Buffer, field: string): Promise<string[][]> {
  if (content.length === 0) throw refuse(field, ['The file is empty.']);
  if (content.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) {
    const wb = new ExcelJS.Workbook();
    try {
      await wb.xlsx.load(content as unknown as ArrayBuffer);
    } catch {
      throw refuse(field, ['This is not an xlsx workbook Attest can read (password-protected, an old .xls, or damaged).']);
    }
    const ws = wb.worksheets[0];
    if (!ws) throw refuse(field, ['The workbook has no sheet.']);
    if (ws.rowCount > MAX_REQUIREMENTS + 1) throw refuse(field, [`The sheet has ${ws.rowCount} rows; at most ${MAX_REQUIREMENTS} requirements are read.`]);
    const grid: string[][] = [];
    ws.eachRow({ includeEmpty: true }, (row, n) => {
      const cells: string[] = [];
      row.eachCell({ includeEmpty: true }, (cell, c) => {
        const v = cell.value as unknown;
        cells[c - 1] =
          v === null || v === undefined
            ? ''
            : typeof v === 'object'
              ? String((v as { text?: string; result?: unknown }).text ?? (v as { result?: unknown }).result ?? '')
              : String(v);
      });
      grid[n - 1] = Array.from(cells, (c) => clean(c ?? ''));
    });
    return Array.from(grid, (r) => r ?? []);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    throw refuse(field, ['This CSV is not UTF-8; save it as "CSV UTF-8" and try again.']);
  }
  try {
    const rows = parseCsv(text.replace(/^\uFEFF/, ''), { relax_column_count: true, skip_empty_lines: false }) as string[][];
    if (rows.length > MAX_REQUIREMENTS + 1) throw refuse(field, [`The file has ${rows.length} rows; at most ${MAX_REQUIREMENTS} requirements are read.`]);
    return rows.map((r) => r.map(clean));
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw refuse(field, [`Not a readable CSV: ${(err as Error).message.split('\n')[0]}`]);
  }
}

const yes = new Set(['', 'yes', 'y', 'true', '1', 'x']);
const no = new Set(['no', 'n', 'false', '0']);

/** Reads a catalog: a header row naming ref and name (parent, assessable, summary or text optional). */
export async function readCatalog(content: Buffer): Promise<CatalogRow[]> {
  const grid = await gridOf(content, 'file');
  const headerAt = grid.findIndex((r) => r.some((c) => /^ref(erence)?$|^id$/i.test(c)) && r.some((c) => /^(name|title)$/i.test(c)));
  if (headerAt === -1) throw refuse('file', ['No header row naming a "ref" and a "name" column (optional: parent, assessable, summary or text).']);
  const header = grid[headerAt]!.map((c) => c.toLowerCase());
  const col = (...names: string[]) => header.findIndex((c) => names.includes(c));
  const at = {
    ref: col('ref', 'reference', 'id'),
    name: col('name', 'title'),
    parent: col('parent', 'parent_ref'),
    assessable: col('assessable'),
    summary: col('summary', 'text', 'description'),
  };
  const rows: CatalogRow[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (let i = headerAt + 1; i < grid.length; i += 1) {
    const cells = grid[i]!;
    const line = i + 1;
    const get = (c: number) => (c === -1 ? '' : (cells[c] ?? ''));
    const ref = get(at.ref);
    if (!ref && !get(at.name)) continue;
    if (!ref) problems.push(`Row ${line}: the ref is empty.`);
    else if (ref.length > 60) problems.push(`Row ${line}: the ref "${ref.slice(0, 20)}…" is longer than 60 characters.`);
    else if (seen.has(ref)) problems.push(`Row ${line}: ${ref} is listed twice.`);
    const name = get(at.name);
    if (!name) problems.push(`Row ${line}: ${ref || 'the requirement'} has no name.`);
    else if (name.length > 500) problems.push(`Row ${line}: the name of ${ref} is longer than 500 characters.`);
    const summary = get(at.summary);
    if (summary.length > MAX_TEXT) problems.push(`Row ${line}: the text of ${ref} is longer than ${MAX_TEXT} characters.`);
    const assessableText = get(at.assessable).toLowerCase();
    if (!yes.has(assessableText) && !no.has(assessableText)) problems.push(`Row ${line}: assessable must be yes or no, not "${assessableText.slice(0, 20)}".`);
    seen.add(ref);
    rows.push({ line, ref, name, parent: get(at.parent) || null, assessable: !no.has(assessableText), summary: summary || name });
  }
  for (const r of rows) if (r.parent !== null && !seen.has(r.parent)) problems.push(`Row ${r.line}: the parent ${r.parent} of ${r.ref} is not in the file.`);
  if (rows.length === 0 && problems.length === 0) problems.push('The file has a header row but no requirements under it.');
  if (problems.length) throw refuse('file', problems);
  return rows;
}

/** Reads the map: columns old and new (old_ref/new_ref); an empty new ref means no successor. */
export async function readRefMap(content: Buffer): Promise<Map<string, string | null>> {
  const grid = await gridOf(content, 'map');
  const header = (grid[0] ?? []).map((c) => c.toLowerCase());
  const oldAt = header.findIndex((c) => c === 'old' || c === 'old_ref');
  const newAt = header.findIndex((c) => c === 'new' || c === 'new_ref');
  if (oldAt === -1 || newAt === -1) throw refuse('map', ['The map needs a header row with the columns old_ref and new_ref.']);
  const map = new Map<string, string | null>();
  const problems: string[] = [];
  for (let i = 1; i < grid.length; i += 1) {
    const oldRef = grid[i]![oldAt] ?? '';
    const newRef = grid[i]![newAt] ?? '';
    if (!oldRef && !newRef) continue;
    if (!oldRef) problems.push(`Map row ${i + 1}: old_ref is empty.`);
    else if (map.has(oldRef)) problems.push(`Map row ${i + 1}: ${oldRef} is mapped twice.`);
    else map.set(oldRef, newRef || null);
  }
  if (problems.length) throw refuse('map', problems);
  return map;
}
