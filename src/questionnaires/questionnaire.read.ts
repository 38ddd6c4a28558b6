import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { AppError } from '../http/errors.ts';

// Reading a customer's questionnaire: find the sheet, the header row and the question, answer,
// comment and reference columns by themselves, on ordinary workbooks (title rows, a cover sheet,
// merged cells, section headings between questions). What was found is returned so a person can
// check it (and correct it) before answers are written back.

export const MAX_ROWS = 20_000;

export interface Layout {
  sheet: string;
  headerRow: number;
  question: number;
  answer: number | null;
  comment: number | null;
  ref: number | null;
}

export interface Question {
  /** Row number in the sheet (1-based), where the answer goes back. */
  row: number;
  ref: string | null;
  text: string;
}

export interface ReadQuestionnaire {
  layout: Layout;
  /** Header text of each column found, for people to check. */
  headers: Record<string, string>;
  questions: Question[];
  /** Rows skipped as section headings. */
  headings: number;
  /** Every sheet's name and the chosen header row's cells, so a person can choose differently. */
  sheets: string[];
  columns: string[];
}

/** A person's choice of sheet, header row (1-based) and columns (0-based), instead of detection. */
export type LayoutChoice = Layout;

/** A refusal about one field of a person's layout choice. */
const refuseField = (field: string, message: string) => AppError.invalid([{ field, message }], message);

/** Column letters for people: 0 → A, 27 → AB. */
export function columnLetter(index: number): string {
  let out = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) out = String.fromCharCode(65 + ((n - 1) % 26)) + out;
  return out;
}

/** A refusal about the file, with the reason as the message too (the CLI and the page show it). */
const refuse = (message: string) => AppError.invalid([{ field: 'file', message }], message);

const HEADERS = {
  question: /\b(question|questions|requirement|query|control (description|question)|description|item description|criteria)\b/i,
  answer: /\b(answer|response|yes\s*\/\s*no|y\/n|compliant|compliance|status|reply)\b/i,
  comment: /\b(comment|comments|remark|remarks|explanation|justification|additional (info|information|details)|notes|evidence|details)\b/i,
  ref: /^\s*(ref|ref\.|reference|#|no\.?|id|item|number|q\s*#|question (id|no\.?|number))\s*$/i,
};

type Grid = string[][];

const cellText = (v: unknown): string => {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') {
    const o = v as { richText?: { text: string }[]; text?: string; result?: unknown; formula?: string };
    if (o.richText) return o.richText.map((r) => r.text).join('');
    if (typeof o.text === 'string') return o.text;
    if (o.result !== undefined) return cellText(o.result);
    if (v instanceof Date) return v.toISOString().slice(0, 10);
    return '';
  }
  return String(v);
};

/** The best header row of a grid: the row naming a question column and at least one other known column. */
function findHeader(grid: Grid): { row: number; cols: Omit<Layout, 'sheet' | 'headerRow'>; score: number } | null {
  let best: { row: number; cols: Omit<Layout, 'sheet' | 'headerRow'>; score: number } | null = null;
  for (let r = 0; r < Math.min(grid.length, 40); r += 1) {
    const cells = grid[r] ?? [];
    const find = (re: RegExp, not: (number | null)[] = []) => {
      const i = cells.findIndex((c, idx) => !not.includes(idx) && c.length > 0 && c.length < 80 && re.test(c));
      return i === -1 ? null : i;
    };
    const question = find(HEADERS.question);
    if (question === null) continue;
    const ref = find(HEADERS.ref, [question]);
    const answer = find(HEADERS.answer, [question, ref]);
    const comment = find(HEADERS.comment, [question, ref, answer]);
    const score = 2 + (answer === null ? 0 : 2) + (comment === null ? 0 : 1) + (ref === null ? 0 : 1);
    if (!best || score > best.score) best = { row: r, cols: { question, answer, comment, ref }, score };
  }
  return best;
}

/** Question rows under the header: text in the question column; short, unnumbered lines without a question mark are section headings. */
function questionsOf(grid: Grid, layout: Layout): { questions: Question[]; headings: number } {
  const questions: Question[] = [];
  let headings = 0;
  for (let r = layout.headerRow + 1; r < grid.length; r += 1) {
    const cells = grid[r] ?? [];
    const text = (cells[layout.question] ?? '').replace(/\s+/g, ' ').trim();
    if (!text) {
      // A line of its own in another column ("ACCESS CONTROL") is a section heading.
      if (cells.filter((c) => c.trim() !== '').length === 1) headings += 1;
      continue;
    }
    const ref = layout.ref === null ? null : (cells[layout.ref] ?? '').trim() || null;
    const filled = cells.filter((c) => c.trim() !== '').length;
    const heading = !ref && !text.includes('?') && text.length < 70 && (filled === 1 || text === text.toUpperCase());
    if (heading) {
      headings += 1;
      continue;
    }
    questions.push({ row: r + 1, ref, text });
  }
  return { questions, headings };
}

/** Control characters (NUL above all, which PostgreSQL refuses) have no place in a question. */
const clean = (grid: Grid): Grid => grid.map((row) => row.map((c) => c.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '')));

/** The header row's cells up to its last filled one (at most 52 columns), for the correction form. */
const headerCells = (grid: Grid, row: number) => {
  const cells = (grid[row] ?? []).slice(0, 52);
  let last = cells.length - 1;
  while (last >= 0 && !cells[last]) last -= 1;
  return Array.from(cells.slice(0, Math.max(last + 1, 1)), (c) => c ?? '');
};

function withChoice(grids: { sheet: string; grid: Grid }[], choice: LayoutChoice): ReadQuestionnaire {
  const g = grids.find((x) => x.sheet === choice.sheet);
  if (!g) throw refuseField('sheet', `The file has no sheet named "${choice.sheet}".`);
  const headerRow = choice.headerRow - 1;
  if (headerRow < 0 || headerRow >= g.grid.length)
    throw refuseField('header_row', `The sheet "${g.sheet}" has ${g.grid.length} rows; choose a header row between 1 and ${g.grid.length}.`);
  const used = [choice.question, choice.answer, choice.comment, choice.ref].filter((c): c is number => c !== null);
  if (new Set(used).size !== used.length) throw refuseField('question', 'Choose a different column for each role.');
  const layout: Layout = { ...choice, headerRow };
  const header = g.grid[headerRow] ?? [];
  const headers: Record<string, string> = {};
  for (const key of ['question', 'answer', 'comment', 'ref'] as const) {
    const i = layout[key];
    if (i !== null) headers[key] = header[i] ?? '';
  }
  const { questions, headings } = questionsOf(g.grid, layout);
  if (questions.length === 0) throw refuseField('question', `Column ${columnLetter(choice.question)} of "${g.sheet}" has no questions under row ${choice.headerRow}.`);
  return { layout: { ...layout, headerRow: choice.headerRow }, headers, questions, headings, sheets: grids.map((x) => x.sheet), columns: headerCells(g.grid, headerRow) };
}

function fromGrids(raw: { sheet: string; grid: Grid }[], choice?: LayoutChoice): ReadQuestionnaire {
  const grids = raw.map((g) => ({ sheet: g.sheet.replace(/[\u0000-\u001F\u007F]/g, ''), grid: clean(g.grid) }));
  if (choice) return withChoice(grids, choice);
  let chosen: { sheet: string; grid: Grid; found: NonNullable<ReturnType<typeof findHeader>> } | null = null;
  for (const g of grids) {
    const found = findHeader(g.grid);
    if (!found) continue;
    // Between sheets that look alike, the one with more rows of questions wins (not the cover sheet).
    const rows = g.grid.length - found.row;
    if (!chosen || found.score > chosen.found.score || (found.score === chosen.found.score && rows > chosen.grid.length - chosen.found.row)) chosen = { ...g, found };
  }
  if (!chosen) {
    throw refuse('No sheet has a header row naming a question column (for example "Question" or "Requirement"). Choose the columns by hand.');
  }
  const layout: Layout = { sheet: chosen.sheet, headerRow: chosen.found.row, ...chosen.found.cols };
  const header = chosen.grid[layout.headerRow] ?? [];
  const headers: Record<string, string> = {};
  for (const key of ['question', 'answer', 'comment', 'ref'] as const) {
    const i = layout[key];
    if (i !== null) headers[key] = header[i] ?? '';
  }
  const { questions, headings } = questionsOf(chosen.grid, layout);
  if (questions.length === 0) throw refuse(`The sheet "${layout.sheet}" has a header row but no questions under it.`);
  return {
    layout: { ...layout, headerRow: layout.headerRow + 1 },
    headers,
    questions,
    headings,
    sheets: grids.map((g) => g.sheet),
    columns: headerCells(chosen.grid, layout.headerRow),
  };
}

/** Reads an xlsx workbook: every sheet as text (merged cells read once, at their top-left cell). */
export async function readXlsx(content: Buffer, choice?: LayoutChoice): Promise<ReadQuestionnaire> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(content as unknown as ArrayBuffer);
  } catch {
    throw refuse('This is not an xlsx workbook Attest can read (it may be password-protected, an old .xls, or damaged). Save it as .xlsx without a password.');
  }
  const grids = workbook.worksheets.map((ws) => {
    if (ws.rowCount > MAX_ROWS) throw refuse(`The sheet "${ws.name}" has ${ws.rowCount} rows; at most ${MAX_ROWS} are read.`);
    const grid: Grid = [];
    ws.eachRow({ includeEmpty: true }, (row, n) => {
      const cells: string[] = [];
      row.eachCell({ includeEmpty: true }, (cell, c) => {
        cells[c - 1] = cell.isMerged && cell.master.address !== cell.address ? '' : cellText(cell.value).trim();
      });
      grid[n - 1] = Array.from(cells, (c) => c ?? '');
    });
    return { sheet: ws.name, grid: Array.from(grid, (r) => r ?? []) };
  });
  return fromGrids(grids, choice);
}

/** Reads a CSV file (UTF-8, or UTF-16 with its byte-order mark). */
export function readCsv(content: Buffer, choice?: LayoutChoice): ReadQuestionnaire {
  let text: string;
  if (content[0] === 0xff && content[1] === 0xfe) text = content.subarray(2).toString('utf16le');
  else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(content);
    } catch {
      throw refuse('This CSV is not UTF-8 (it may be Windows-1252 or another encoding). Save it as "CSV UTF-8" and upload it again.');
    }
  }
  let rows: string[][];
  try {
    rows = parseCsv(text.replace(/^\uFEFF/, ''), { relax_column_count: true, skip_empty_lines: false, bom: true }) as string[][];
  } catch (err) {
    throw refuse(`Not a readable CSV: ${(err as Error).message.split('\n')[0]}`);
  }
  if (rows.length > MAX_ROWS) throw refuse(`The file has ${rows.length} rows; at most ${MAX_ROWS} are read.`);
  return fromGrids([{ sheet: 'csv', grid: rows.map((r) => r.map((c) => c.trim())) }], choice);
}

/** Reads by content: a ZIP signature is an xlsx; anything else is tried as CSV. */
export async function readQuestionnaire(content: Buffer, choice?: LayoutChoice): Promise<ReadQuestionnaire> {
  if (content.length === 0) throw refuse('The file is empty.');
  if (content.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return readXlsx(content, choice);
  if (content.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))) {
    throw refuse('This is an old .xls workbook or a password-protected one. Save it as .xlsx without a password.');
  }
  if (content.includes(0)) {
    if (!(content[0] === 0xff && content[1] === 0xfe)) throw refuse('This is not a spreadsheet (xlsx or CSV).');
  }
  return readCsv(content, choice);
}
