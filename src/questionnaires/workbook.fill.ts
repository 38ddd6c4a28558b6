import { PassThrough } from 'node:stream';
import { ZipArchive } from 'archiver';
import yauzl from 'yauzl';
import { AppError } from '../http/errors.ts';

// Writing answers back into the customer's own workbook. Only the answer and comment cells of the
// answered rows change: the sheet's XML is edited cell by cell and every other part of the file
// (styles, merged cells, data validations, frozen panes, autofilters, print settings, formulas,
// other sheets, images) is copied through byte for byte. A workbook round-tripped through a
// spreadsheet library loses what the library does not model; this does not.

export interface CellWrite {
  /** 1-based row and column. */
  row: number;
  column: number;
  text: string;
}

const escapeXml = (s: string) =>
  s
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

export function columnName(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

const columnNumber = (letters: string) => [...letters].reduce((n, c) => n * 26 + (c.charCodeAt(0) - 64), 0);

const inlineCell = (ref: string, text: string, style: string | null) =>
  `<c r="${ref}"${style ? ` s="${style}"` : ''} t="inlineStr"><is><t xml:space="preserve">${escapeXml(text)}</t></is></c>`;

/** The sheet's XML with the writes applied; cells holding a formula are left alone and reported. */
export function fillSheetXml(xml: string, writes: CellWrite[]): { xml: string; skipped: string[] } {
  const skipped: string[] = [];
  const open = xml.indexOf('<sheetData');
  if (open === -1) throw new Error('sheet has no sheetData');
  const selfClosing = /<sheetData\s*\/>/.exec(xml);
  let body: string;
  let before: string;
  let after: string;
  if (selfClosing && selfClosing.index === open) {
    before = `${xml.slice(0, open)}<sheetData>`;
    body = '';
    after = `</sheetData>${xml.slice(open + selfClosing[0].length)}`;
  } else {
    const start = xml.indexOf('>', open) + 1;
    const end = xml.indexOf('</sheetData>', start);
    before = xml.slice(0, start);
    body = xml.slice(start, end);
    after = xml.slice(end);
  }
  const byRow = new Map<number, CellWrite[]>();
  for (const w of writes) byRow.set(w.row, [...(byRow.get(w.row) ?? []), w]);
  const rowRe = /<row\b[^>]*?\br="(\d+)"[^>]*?(?:\/>|>([\s\S]*?)<\/row>)/g;
  const rows: { n: number; text: string }[] = [];
  for (let m = rowRe.exec(body); m; m = rowRe.exec(body)) rows.push({ n: Number(m[1]), text: m[0] });
  for (const [n, list] of byRow) {
    const existing = rows.find((r) => r.n === n);
    let rowXml = existing?.text ?? `<row r="${n}"></row>`;
    if (rowXml.endsWith('/>')) rowXml = `${rowXml.slice(0, -2)}></row>`;
    const headEnd = rowXml.indexOf('>') + 1;
    const head = rowXml.slice(0, headEnd);
    const inner = rowXml.slice(headEnd, rowXml.lastIndexOf('</row>'));
    const cellRe = /<c\b[^>]*?\br="([A-Z]+)(\d+)"[^>]*?(?:\/>|>[\s\S]*?<\/c>)/g;
    const cells: { col: number; text: string }[] = [];
    for (let c = cellRe.exec(inner); c; c = cellRe.exec(inner)) cells.push({ col: columnNumber(c[1]!), text: c[0] });
    for (const w of list) {
      const ref = `${columnName(w.column)}${n}`;
      const at = cells.findIndex((c) => c.col === w.column);
      if (at >= 0) {
        if (/<f[\s>]/.test(cells[at]!.text)) {
          skipped.push(ref);
          continue;
        }
        const style = /\bs="(\d+)"/.exec(cells[at]!.text)?.[1] ?? null;
        cells[at] = { col: w.column, text: inlineCell(ref, w.text, style) };
      } else {
        // A new cell takes the row's style if the row has one (custom format), else none.
        const style = /\bcustomFormat="1"/.test(head) ? (/\bs="(\d+)"/.exec(head)?.[1] ?? null) : null;
        cells.push({ col: w.column, text: inlineCell(ref, w.text, style) });
      }
    }
    cells.sort((a, b) => a.col - b.col);
    // The row's span hint may no longer cover its cells; Excel recomputes it when absent.
    const newRow = `${head.replace(/\sspans="[^"]*"/, '')}${cells.map((c) => c.text).join('')}</row>`;
    if (existing) existing.text = newRow;
    else rows.push({ n, text: newRow });
  }
  rows.sort((a, b) => a.n - b.n);
  return { xml: `${before}${rows.map((r) => r.text).join('')}${after}`, skipped };
}

async function readEntries(content: Buffer): Promise<{ name: string; data: Buffer }[]> {
  const zip = await yauzl.fromBufferPromise(content, { lazyEntries: true });
  const out: { name: string; data: Buffer }[] = [];
  for await (const entry of zip.eachEntry()) {
    const stream = await zip.openReadStreamPromise(entry);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    out.push({ name: entry.fileName, data: Buffer.concat(chunks) });
  }
  await zip.close();
  return out;
}

/** The path of the named sheet's XML inside the workbook. */
function sheetPath(entries: { name: string; data: Buffer }[], sheet: string): string {
  const workbook = entries.find((e) => e.name === 'xl/workbook.xml')?.data.toString('utf8') ?? '';
  const rels = entries.find((e) => e.name === 'xl/_rels/workbook.xml.rels')?.data.toString('utf8') ?? '';
  const decode = (s: string) =>
    s
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  const sheetTag = [...workbook.matchAll(/<sheet\b[^>]*>/g)].map((m) => m[0]).find((t) => decode(/\bname="([^"]*)"/.exec(t)?.[1] ?? '') === sheet);
  const rid = sheetTag ? /\br:id="([^"]+)"/.exec(sheetTag)?.[1] : undefined;
  const rel = rid ? [...rels.matchAll(/<Relationship\b[^>]*>/g)].map((m) => m[0]).find((t) => t.includes(`Id="${rid}"`)) : undefined;
  const target = rel ? /\bTarget="([^"]+)"/.exec(rel)?.[1] : undefined;
  if (!target) throw AppError.invalid([{ field: 'file', message: `The workbook has no sheet "${sheet}".` }], `The workbook has no sheet "${sheet}".`);
  return target.startsWith('/') ? target.slice(1) : `xl/${target.replace(/^\.\//, '')}`;
}

/** The customer's workbook with the writes made on one sheet, everything else unchanged. */
export async function fillWorkbook(content: Buffer, sheet: string, writes: CellWrite[]): Promise<{ content: Buffer; skipped: string[] }> {
  const entries = await readEntries(content);
  const target = sheetPath(entries, sheet);
  const entry = entries.find((e) => e.name === target);
  if (!entry) throw AppError.invalid([{ field: 'file', message: `The sheet "${sheet}" is missing from the workbook.` }], `The sheet "${sheet}" is missing from the workbook.`);
  const { xml, skipped } = fillSheetXml(entry.data.toString('utf8'), writes);
  entry.data = Buffer.from(xml, 'utf8');
  const archive = new ZipArchive({ zlib: { level: 6 } });
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    sink.on('end', resolve);
    archive.on('error', reject);
  });
  archive.pipe(sink);
  // Every part in its original order, only the one sheet changed.
  for (const e of entries) archive.append(e.data, { name: e.name });
  await archive.finalize();
  await done;
  return { content: Buffer.concat(chunks), skipped };
}
