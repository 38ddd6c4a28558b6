import { PDFContext, PDFDict, PDFName, type PDFObject, PDFObjectParser, type PDFRef } from 'pdf-lib';

// Replaces a few dictionary objects of a PDF written with one classic cross-reference table, as
// Chromium (Skia) writes them, and rewrites the table's offsets. Every other byte stays as Chromium
// wrote it, so the structure tree and outline are untouched, and the result is as deterministic as
// its input. pdf-lib parses and serialises the objects. Loading and saving the whole file with
// pdf-lib sets the same metadata, but parses every object (tens of thousands in a tagged report)
// and took a fifth of the print time of a 50-page SoA; this takes about 1 %. Any other layout (an
// xref stream, an earlier incremental update, encryption) returns null: the caller then rewrites
// the whole file with pdf-lib.

interface XrefEntry {
  num: number;
  offset: number;
  gen: number;
  inUse: boolean;
}

export interface ClassicPdf {
  context: PDFContext;
  trailer: PDFDict;
  /** The dictionary object `ref` points at, if it is one. */
  dictAt(ref: PDFRef): PDFDict | undefined;
}

const latin1 = new TextDecoder('latin1');
/** PDF syntax is bytes; pdf-lib's serialised objects hold one character per byte. */
const bytes = (text: string) => Buffer.from(text, 'latin1');

function lastIndexOf(pdf: Uint8Array, token: string, from = pdf.length): number {
  return Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength).lastIndexOf(token, from, 'latin1');
}

function indexOf(pdf: Uint8Array, token: string, from: number): number {
  return Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength).indexOf(token, from, 'latin1');
}

/** The single classic xref table: its entries, where it starts and where its trailer starts. */
function readXref(pdf: Uint8Array): { entries: XrefEntry[]; xrefAt: number; trailerAt: number } | null {
  const startxref = lastIndexOf(pdf, 'startxref');
  if (startxref < 0) return null;
  const xrefAt = Number(/^startxref\s+(\d+)/.exec(latin1.decode(pdf.subarray(startxref, startxref + 40)))?.[1]);
  if (!Number.isSafeInteger(xrefAt) || latin1.decode(pdf.subarray(xrefAt, xrefAt + 4)) !== 'xref') return null;
  const trailerAt = indexOf(pdf, 'trailer', xrefAt);
  if (trailerAt < 0) return null;
  const lines = latin1
    .decode(pdf.subarray(xrefAt + 4, trailerAt))
    .split(/\r\n|\r|\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const entries: XrefEntry[] = [];
  for (let i = 0; i < lines.length; ) {
    const head = /^(\d+) (\d+)$/.exec(lines[i]!);
    if (!head) return null;
    const [start, count] = [Number(head[1]), Number(head[2])];
    for (let k = 0; k < count; k++) {
      const e = /^(\d{10}) (\d{5}) ([nf])$/.exec(lines[i + 1 + k] ?? '');
      if (!e) return null;
      entries.push({ num: start + k, offset: Number(e[1]), gen: Number(e[2]), inUse: e[3] === 'n' });
    }
    i += 1 + count;
  }
  return { entries, xrefAt, trailerAt };
}

/** Where an object starts (its "N G obj"), where its value starts, and where its "endobj" ends. */
function spanOf(pdf: Uint8Array, entry: XrefEntry): { start: number; valueAt: number; end: number } | null {
  const header = new RegExp(`^${entry.num}\\s+${entry.gen}\\s+obj`).exec(latin1.decode(pdf.subarray(entry.offset, entry.offset + 32)));
  const endobj = indexOf(pdf, 'endobj', entry.offset);
  const stream = indexOf(pdf, 'stream', entry.offset);
  // A stream could hold the word "endobj"; only plain dictionaries are replaced.
  if (!header || endobj < 0 || (stream >= 0 && stream < endobj)) return null;
  return { start: entry.offset, valueAt: entry.offset + header[0].length, end: endobj + 'endobj'.length };
}

/**
 * Opens `pdf` for `edit`, which reads dictionaries and returns replacements by object number;
 * returns the rewritten file, or null when the file's layout is not the one handled here.
 */
export function replaceObjects(pdf: Uint8Array, edit: (doc: ClassicPdf) => Map<number, PDFObject> | null): Buffer | null {
  const xref = readXref(pdf);
  if (!xref) return null;
  const context = PDFContext.create();
  const trailer = PDFObjectParser.forBytes(pdf.subarray(xref.trailerAt + 'trailer'.length), context).parseObject();
  if (!(trailer instanceof PDFDict) || trailer.has(PDFName.of('Prev')) || trailer.has(PDFName.of('Encrypt'))) return null;
  const byNum = new Map(xref.entries.map((e) => [e.num, e]));
  const dictAt = (ref: PDFRef) => {
    const entry = byNum.get(ref.objectNumber);
    const span = entry?.inUse ? spanOf(pdf, entry) : null;
    if (!span) return undefined;
    const value = PDFObjectParser.forBytes(pdf.subarray(span.valueAt, span.end), context).parseObject();
    return value instanceof PDFDict ? value : undefined;
  };
  const replacements = edit({ context, trailer, dictAt });
  if (!replacements) return null;

  const spans = [...replacements].map(([num, value]) => {
    const entry = byNum.get(num);
    const span = entry?.inUse ? spanOf(pdf, entry) : null;
    return span && entry ? { ...span, text: bytes(`${num} ${entry.gen} obj\n${value.toString()}\nendobj`) } : null;
  });
  if (spans.some((s) => s === null)) return null;
  const ordered = (spans as NonNullable<(typeof spans)[number]>[]).sort((a, b) => a.start - b.start);
  const parts: Uint8Array[] = [];
  let at = 0;
  for (const s of ordered) {
    parts.push(pdf.subarray(at, s.start), s.text);
    at = s.end;
  }
  parts.push(pdf.subarray(at, xref.xrefAt));
  // Every object after a replaced one moves by the replacements' change in length before it.
  const shift = (offset: number) => ordered.reduce((d, s) => (s.start < offset ? d + s.text.length - (s.end - s.start) : d), 0);
  const body = Buffer.concat(parts);
  return Buffer.concat([body, bytes(xrefTable(xref.entries, shift)), pdf.subarray(xref.trailerAt, lastIndexOf(pdf, 'startxref')), bytes(`startxref\n${body.length}\n%%EOF\n`)]);
}

/** The table again, one subsection per run of consecutive object numbers, 20 bytes per entry. */
function xrefTable(entries: XrefEntry[], shift: (offset: number) => number): string {
  const lines = ['xref'];
  const sorted = [...entries].sort((a, b) => a.num - b.num);
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1]!.num === sorted[j]!.num + 1) j++;
    lines.push(`${sorted[i]!.num} ${j - i + 1}`);
    for (const e of sorted.slice(i, j + 1)) {
      const offset = e.inUse ? e.offset + shift(e.offset) : e.offset;
      lines.push(`${String(offset).padStart(10, '0')} ${String(e.gen).padStart(5, '0')} ${e.inUse ? 'n' : 'f'} `);
    }
    i = j + 1;
  }
  return `${lines.join('\n')}\n`;
}
