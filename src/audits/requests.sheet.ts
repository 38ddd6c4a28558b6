import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { dayOf } from '../dates.ts';

// Reads an uploaded request list, CSV or xlsx, into rows of text keyed by lower-cased header. A
// file that is neither (a PDF, an image, an encrypted workbook) is told apart with a clear message.

export interface SheetRow {
  /** The line (CSV) or row number (xlsx) as the user's editor shows it. */
  line: number;
  record: Record<string, string>;
}

export type Sheet = { ok: true; rows: SheetRow[]; header: string[] } | { ok: false; message: string };

const MAX_ROWS = 2000;
const NOT_A_SPREADSHEET = 'This file is not a spreadsheet: upload a CSV file (UTF-8) or an Excel .xlsx workbook.';

const startsWith = (buf: Buffer, bytes: number[]) => bytes.every((b, i) => buf[i] === b);
const ZIP = [0x50, 0x4b, 0x03, 0x04];
// Compound File Binary: an encrypted (password-protected) .xlsx, or an old .xls workbook.
const CFB = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

export async function readSheet(content: Buffer): Promise<Sheet> {
  if (startsWith(content, CFB)) {
    return {
      ok: false,
      message: 'This workbook is password-protected (encrypted) or in the old .xls format. Remove the password or save it as .xlsx or CSV, and upload it again.',
    };
  }
  if (startsWith(content, ZIP)) return readXlsx(content);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    return { ok: false, message: NOT_A_SPREADSHEET };
  }
  if (text.startsWith('%PDF') || looksBinary(text.slice(0, 4096))) return { ok: false, message: NOT_A_SPREADSHEET };
  return readCsv(text);
}

/** Control characters other than tab, line breaks and NUL (which a row reports by its line) mean a binary file. */
function looksBinary(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 1 && c <= 8) || (c >= 14 && c <= 31) || c === 11 || c === 12) return true;
  }
  return false;
}

function readCsv(text: string): Sheet {
  let parsed: { record: Record<string, string>; info: { lines: number } }[];
  try {
    parsed = parse(text, {
      columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()),
      bom: true,
      trim: true,
      skip_empty_lines: true,
      info: true,
      max_record_size: 64 * 1024,
      to: MAX_ROWS + 1,
    });
  } catch (err) {
    const e = err as { message?: string; lines?: number };
    return { ok: false, message: `Not valid CSV (near line ${e.lines ?? 1}): ${(e.message ?? 'unreadable').replace(/^Invalid [^:]*: /, '')}` };
  }
  const header = parsed[0] ? Object.keys(parsed[0].record) : headerOf(text);
  return limit({ ok: true, header, rows: parsed.map((p) => ({ line: p.info.lines, record: p.record })) });
}

/** The header of a CSV without rows (csv-parse gives no records then). */
function headerOf(text: string): string[] {
  const first = text.replace(/^\uFEFF/, '').split(/\r?\n/)[0] ?? '';
  return first
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter(Boolean);
}

async function readXlsx(content: Buffer): Promise<Sheet> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(content as unknown as ArrayBuffer);
  } catch {
    return { ok: false, message: 'This .xlsx file could not be read: it is damaged, or a zip archive that is not an Excel workbook.' };
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) return { ok: false, message: 'This workbook has no worksheet: the request list must be on the first sheet.' };
  const header: string[] = [];
  sheet.getRow(1).eachCell({ includeEmpty: true }, (cell, col) => {
    header[col - 1] = cellText(cell.value).trim().toLowerCase();
  });
  const rows: SheetRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, line) => {
    if (line === 1 || rows.length > MAX_ROWS) return;
    const record: Record<string, string> = {};
    header.forEach((name, i) => {
      if (name) record[name] = cellText(row.getCell(i + 1).value).trim();
    });
    if (Object.values(record).some((v) => v !== '')) rows.push({ line, record });
  });
  return limit({ ok: true, header: header.filter(Boolean), rows });
}

function limit(sheet: Sheet): Sheet {
  if (sheet.ok && sheet.rows.length > MAX_ROWS) return { ok: false, message: `The list has more than ${MAX_ROWS} rows; split it into smaller files.` };
  return sheet;
}

/** What a cell shows, as text: dates as YYYY-MM-DD, formulas as their result, rich text joined. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : dayOf(value);
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'object') {
    const v = value as { richText?: { text: string }[]; text?: unknown; result?: unknown; error?: string; formula?: string };
    if (Array.isArray(v.richText)) return v.richText.map((r) => r.text).join('');
    if (v.text !== undefined) return cellText(v.text);
    if ('result' in v || v.formula !== undefined) return cellText(v.result);
    if (v.error) return v.error;
  }
  return '';
}
