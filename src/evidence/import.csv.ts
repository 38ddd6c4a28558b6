import fs from 'node:fs';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';

export const IMPORT_COLUMNS = ['title', 'kind', 'collected_at', 'controls', 'link_url', 'valid_until', 'description'] as const;
export const REQUIRED_COLUMNS: readonly string[] = ['title', 'kind', 'collected_at', 'controls', 'link_url'];

/**
 * The sample shown on the import page and offered as a download: every column, one row that
 * leaves its optional values out (trailing ones may be left off altogether) and one that fills them.
 */
export const SAMPLE_CSV = [
  IMPORT_COLUMNS.join(','),
  'Quarterly access review Q3,export,2026-09-30,IAM-03;IAM-04,https://tickets.example/GRC-1042',
  'Key rotation run,automated_check,2026-10-01,CRY-02,https://ci.example/runs/5531,2027-09-30,"Rotated by the nightly job, signed off by the platform lead"',
  '',
].join('\r\n');

/** One problem with the file: its line, the column it is in (none when it is the whole row or file), and why. */
export interface ImportProblem {
  line: number;
  column: string | null;
  message: string;
}

/** One row of the file: the line it starts on, and its values by column. */
export interface ParsedRow {
  line: number;
  record: Record<string, string>;
}

/** Where the CSV comes from: bytes in memory (tests, small files) or a file read as a stream. */
export type ImportSource = Buffer | { path: string };

const streamOf = (source: ImportSource): Readable => (Buffer.isBuffer(source) ? Readable.from([source]) : fs.createReadStream(source.path));

/** Line breaks inside the values of a row (quoted values may hold them); most rows have none. */
const newlines = (values: string[]) => values.reduce((n, v) => (v.includes('\n') || v.includes('\r') ? n + (v.match(/\r\n|\r|\n/g)?.length ?? 0) : n), 0);

/** What a parser error means, in plain words (the parser's own text names its internals). */
function plainParseError(err: { code?: string; message?: string }): string {
  switch (err.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a value opens a double quote (") that is never closed.';
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return 'a double quote (") appears inside a value: put the whole value in double quotes and write each quote in it twice ("").';
    case 'CSV_MAX_RECORD_SIZE':
      return 'a row is longer than 64 KB.';
    case 'CSV_INVALID_ARGUMENT':
    case 'CSV_INVALID_OPTION_BOM':
      return 'the file could not be read as text.';
    default:
      return 'the file could not be read as comma-separated values.';
  }
}

/** A row with more or fewer values than the header has columns: what is wrong with it, if anything. */
function lengthProblem(header: string[], values: string[]): string | null {
  if (values.length > header.length)
    return `This row has ${values.length} values but the header has ${header.length} columns. A value that contains a comma must be put in double quotes.`;
  // Trailing optional values may be left off; required ones may not.
  const missing = header.slice(values.length).filter((c) => REQUIRED_COLUMNS.includes(c));
  if (!missing.length) return null;
  return `This row has ${values.length} of the ${header.length} columns; it ends before ${missing.join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} required.`;
}

/** The header's problems: required columns missing, unknown or repeated ones. */
function headerProblems(header: string[]): ImportProblem[] {
  const problems: ImportProblem[] = [];
  for (const col of REQUIRED_COLUMNS)
    if (!header.includes(col)) problems.push({ line: 1, column: col, message: `Missing column "${col}". Columns: ${IMPORT_COLUMNS.join(', ')}.` });
  header.forEach((col, i) => {
    if (!(IMPORT_COLUMNS as readonly string[]).includes(col))
      problems.push({ line: 1, column: col || null, message: col ? `Unknown column "${col}".` : `Column ${i + 1} has no name.` });
    else if (header.indexOf(col) !== i) problems.push({ line: 1, column: col, message: `Column "${col}" appears more than once.` });
  });
  return problems;
}

/**
 * The rows of the file, one at a time (memory stays flat however long the file is), after the
 * header. A row of the wrong length is reported through `onRow` as a problem and reading goes on;
 * a problem with the file itself (not CSV, no rows, missing or unknown columns) ends it.
 */
export async function* rowsOf(source: ImportSource, onBytes?: (chunk: Buffer) => void): AsyncGenerator<ParsedRow | ImportProblem, ImportProblem[]> {
  const parser = parse({
    bom: true,
    trim: true,
    skip_empty_lines: true,
    info: true,
    // Lengths are checked here, row by row, so that one short or long row does not end the check.
    relax_column_count: true,
    max_record_size: 64 * 1024,
  });
  const input = streamOf(source);
  if (onBytes) input.on('data', (chunk) => onBytes(chunk as Buffer));
  input.on('error', (err) => parser.destroy(err));
  input.pipe(parser);
  let header: string[] | null = null;
  let any = false;
  try {
    for await (const p of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const values = p.record;
      // The parser counts lines to the end of the row; a quoted value may span several.
      const line = p.info.lines - newlines(values);
      if (!header) {
        header = values.map((x) => x.trim().toLowerCase());
        const problems = headerProblems(header);
        if (problems.length) {
          input.destroy();
          return problems;
        }
        continue;
      }
      any = true;
      const wrong = lengthProblem(header, values);
      if (wrong) {
        yield { line, column: null, message: wrong };
        continue;
      }
      const record: Record<string, string> = {};
      values.forEach((v, i) => {
        record[header![i]!] = v;
      });
      yield { line, record };
    }
  } catch (err) {
    input.destroy();
    const e = err as { code?: string; message?: string; lines?: number };
    return [{ line: e.lines ?? 1, column: null, message: `Not valid CSV: ${plainParseError(e)}` }];
  }
  if (!any) return [{ line: 1, column: null, message: 'The file has a header but no rows, or is empty.' }];
  return [];
}
