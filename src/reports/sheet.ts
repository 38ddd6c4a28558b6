import ExcelJS from 'exceljs';
import type { IssueFacts } from './document.ts';
import { ORGANISATION } from './documents.presenter.ts';
import { mediaTypes, type OutputFile } from './reports.model.ts';

// Spreadsheet versions of the document reports: one sheet per table with a frozen header row, an
// autofilter, set column widths and wrapped text, and an "About" sheet with the facts of issue.
// Values are written as plain strings, never formulas, so user text starting with "=" stays text.

export interface Column {
  header: string;
  key: string;
  /** In characters, as Excel counts column widths. */
  width: number;
}

export type Row = Record<string, string | number | null>;

/** Excel refuses cells longer than this. */
const MAX_CELL = 32_767;

const clip = (v: string | number | null) => (typeof v === 'string' && v.length > MAX_CELL ? `${v.slice(0, MAX_CELL - 1)}…` : v);

export function newWorkbook(issue: IssueFacts, subject: string): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
  // The report's generation instant, not the moment of writing: the file states when it was issued.
  const issued = new Date(issue.createdAt);
  wb.creator = 'Attest';
  wb.lastModifiedBy = 'Attest';
  wb.created = issued;
  wb.modified = issued;
  wb.title = issue.title;
  wb.subject = subject;
  wb.company = ORGANISATION;
  return wb;
}

export function addTable(wb: ExcelJS.Workbook, name: string, columns: Column[], rows: Row[]): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1, xSplit: 0, topLeftCell: 'A2', activeCell: 'A2' }] });
  ws.columns = columns.map((c) => ({ header: c.header, key: c.key, width: c.width }));
  for (const row of rows) ws.addRow(Object.fromEntries(Object.entries(row).map(([k, v]) => [k, clip(v)])));
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  ws.eachRow((row, n) => {
    row.alignment = { wrapText: true, vertical: 'top' };
    if (n === 1) {
      row.font = { bold: true };
      row.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEEF1F6' } };
    }
  });
  return ws;
}

/** The facts of issue, label and value, so a copy of the sheet still says what it is and where it came from. */
export function addAboutSheet(wb: ExcelJS.Workbook, facts: [string, string][]): void {
  const ws = wb.addWorksheet('About');
  ws.columns = [
    { header: 'Fact', key: 'label', width: 26 },
    { header: 'Value', key: 'value', width: 90 },
  ];
  for (const [label, value] of facts) ws.addRow({ label, value });
  ws.getRow(1).font = { bold: true };
  ws.eachRow((row) => {
    row.alignment = { wrapText: true, vertical: 'top' };
  });
}

export async function writeWorkbook(wb: ExcelJS.Workbook, path: string, name: string): Promise<OutputFile> {
  await wb.xlsx.writeFile(path);
  return { name, mediaType: mediaTypes.xlsx, path };
}
