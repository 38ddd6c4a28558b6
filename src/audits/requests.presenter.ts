import ExcelJS from 'exceljs';
import { REQUEST_COLUMNS } from './requests.import.ts';

// The sample request list offered on the import page, as CSV and as xlsx.

export interface SampleExample {
  requirement: string | null;
  control: string | null;
  due: string;
  assignee: string | null;
}

/** The columns, and two rows naming the audit's own scope, so the sample imports as it is. */
export function sampleRows(example: SampleExample): string[][] {
  return [
    [...REQUEST_COLUMNS],
    ['Access review records for the period', 'Sign-offs of the last two quarterly access reviews', example.requirement ?? '', '', example.due, example.assignee ?? ''],
    ['Encryption key inventory', 'Export from the key management service', example.requirement ?? '', example.control ?? '', example.due, ''],
  ];
}

const csvCell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

export function sampleCsv(example: SampleExample): string {
  return `${sampleRows(example)
    .map((row) => row.map(csvCell).join(','))
    .join('\r\n')}\r\n`;
}

export async function sampleXlsx(example: SampleExample): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Requests');
  for (const row of sampleRows(example)) sheet.addRow(row);
  sheet.getRow(1).font = { bold: true };
  sheet.columns.forEach((c) => {
    c.width = 28;
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
