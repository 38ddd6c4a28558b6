import { createHash } from 'node:crypto';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { MANIFEST_HASH_LABEL, MANIFEST_NAME, manifestSchema, type PackManifest, PDF_NAME, unsafeEntryName } from './pack.manifest.ts';

// Checks an evidence pack with nothing but the ZIP (no database, so a recipient can run it): every
// file against manifest.json, and manifest.json against the hash pack.pdf prints. Entries are read
// as streams with a ceiling each, so a hostile ZIP (a bomb, names escaping the folder, thousands
// of entries) is reported, not obeyed.

/** The file is not an evidence pack at all: not a ZIP, or no readable manifest. */
export class PackFormatError extends Error {
  override name = 'PackFormatError';
}

export interface PackVerification {
  ok: boolean;
  manifestSha256: string;
  /** Files listed in the manifest and found with the listed size and SHA-256. */
  matched: number;
  /** In the manifest and the ZIP, with other content. */
  altered: string[];
  /** In the manifest, not in the ZIP. */
  missing: string[];
  /** In the ZIP, not in the manifest (other than manifest.json and pack.pdf). */
  added: string[];
  /** Anything else: pack.pdf missing or vouching for another manifest, unsafe or duplicate names. */
  problems: string[];
}

const MAX_ENTRIES = 100_000;
const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;
const MAX_PDF_BYTES = 512 * 1024 * 1024;
/** Read at most this far past an entry's declared size before calling it altered. */
const SIZE_MARGIN = 1024;

class TooLargeError extends Error {}

/** Reads an entry through SHA-256, stopping once it passes `limit` bytes (a zip bomb stops there). */
async function readEntry(zip: ZipFile, entry: Entry, limit: number, keep: boolean): Promise<{ sha256: string; size: number; bytes: Buffer | null }> {
  if (entry.uncompressedSize > limit) throw new TooLargeError(`declares ${entry.uncompressedSize} bytes`);
  const stream = await zip.openReadStreamPromise(entry);
  const hash = createHash('sha256');
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) throw new TooLargeError(`holds more than ${limit} bytes`);
      hash.update(chunk);
      if (keep) chunks.push(chunk);
    }
  } finally {
    stream.destroy();
  }
  return { sha256: hash.digest('hex'), size, bytes: keep ? Buffer.concat(chunks) : null };
}

/** Every entry by its name; unsafe, duplicate or unreadable entries become problems. */
async function listEntries(zip: ZipFile, problems: string[]): Promise<Map<string, Entry>> {
  const entries = new Map<string, Entry>();
  let count = 0;
  for await (const entry of zip.eachEntry()) {
    count += 1;
    if (count > MAX_ENTRIES) throw new PackFormatError(`The ZIP holds more than ${MAX_ENTRIES} entries; it is not an evidence pack.`);
    const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, true);
    const shown = JSON.stringify(name.slice(0, 200));
    const unsafe = unsafeEntryName(name);
    if (unsafe) problems.push(`Unsafe entry name ${shown}: ${unsafe} (not read).`);
    else if (entries.has(name)) problems.push(`The ZIP holds ${shown} more than once.`);
    else if (!entry.canDecodeFileData()) problems.push(`Entry ${shown} is encrypted or uses an unsupported compression method (not read).`);
    else entries.set(name, entry);
  }
  return entries;
}

function parseManifest(bytes: Buffer): PackManifest {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new PackFormatError(`${MANIFEST_NAME} is not valid JSON.`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`);
    throw new PackFormatError(`${MANIFEST_NAME} is not an evidence pack manifest: ${issues.join('; ')}.`);
  }
  return parsed.data;
}

/** The hashes printed after "Manifest SHA-256:" in the PDF's text (a wrapped hash is joined again). */
async function printedManifestHashes(pdf: Buffer): Promise<string[]> {
  const { extractText, getDocumentProxy } = await import('unpdf');
  const doc = await getDocumentProxy(new Uint8Array(pdf), { verbosity: 0 });
  const { text } = await extractText(doc, { mergePages: true });
  const label = MANIFEST_HASH_LABEL.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
  return [...text.matchAll(new RegExp(`${label}:\\s*((?:[0-9a-fA-F]\\s*){64})`, 'g'))].map((m) => m[1]!.replace(/\s+/g, '').toLowerCase());
}

async function checkPdf(zip: ZipFile, entry: Entry | undefined, manifestSha256: string, problems: string[]): Promise<void> {
  if (!entry) {
    problems.push(`${PDF_NAME} is missing: nothing vouches for the manifest.`);
    return;
  }
  let printed: string[];
  try {
    const { bytes } = await readEntry(zip, entry, MAX_PDF_BYTES, true);
    printed = await printedManifestHashes(bytes!);
  } catch (err) {
    problems.push(`${PDF_NAME} cannot be read as a PDF (${err instanceof Error ? err.message : String(err)}).`);
    return;
  }
  // Other occurrences may be user text (an evidence title can say anything); what counts is that
  // the PDF prints this manifest's hash, which nobody can know before the pack is built.
  if (printed.length === 0) problems.push(`${PDF_NAME} does not print a "${MANIFEST_HASH_LABEL}".`);
  else if (!printed.includes(manifestSha256)) {
    problems.push(`${PDF_NAME} vouches for another manifest: it prints ${MANIFEST_HASH_LABEL} ${printed[0]}, ${MANIFEST_NAME} has ${manifestSha256}.`);
  }
}

async function openZip(zipPath: string): Promise<ZipFile> {
  try {
    return await yauzl.openPromise(zipPath, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES') throw new PackFormatError(`${zipPath}: cannot open the file (${code}).`);
    throw new PackFormatError(`${zipPath} is not a readable ZIP file: ${err instanceof Error ? err.message : String(err)}.`);
  }
}

async function readManifest(zip: ZipFile, entry: Entry | undefined): Promise<{ manifest: PackManifest; sha256: string }> {
  if (!entry) throw new PackFormatError(`The ZIP has no ${MANIFEST_NAME}: it is not an Attest evidence pack, or the manifest was removed.`);
  try {
    const { bytes, sha256 } = await readEntry(zip, entry, MAX_MANIFEST_BYTES, true);
    return { manifest: parseManifest(bytes!), sha256 };
  } catch (err) {
    if (err instanceof PackFormatError) throw err;
    throw new PackFormatError(`${MANIFEST_NAME} cannot be read: ${err instanceof Error ? err.message : String(err)}.`);
  }
}

export async function verifyPack(zipPath: string): Promise<PackVerification> {
  const zip = await openZip(zipPath);
  try {
    const problems: string[] = [];
    let entries: Map<string, Entry>;
    try {
      entries = await listEntries(zip, problems);
    } catch (err) {
      if (err instanceof PackFormatError) throw err;
      throw new PackFormatError(`${zipPath} is not a readable ZIP file: ${err instanceof Error ? err.message : String(err)}.`);
    }
    const { manifest, sha256: manifestSha256 } = await readManifest(zip, entries.get(MANIFEST_NAME));
    const result: PackVerification = { ok: false, manifestSha256, matched: 0, altered: [], missing: [], added: [], problems };
    for (const file of manifest.files) {
      const entry = entries.get(file.path);
      if (!entry) {
        result.missing.push(file.path);
        continue;
      }
      const read = await readEntry(zip, entry, file.size + SIZE_MARGIN, false).catch(() => null);
      if (read && read.size === file.size && read.sha256 === file.sha256) result.matched += 1;
      else result.altered.push(file.path);
    }
    const listed = new Set(manifest.files.map((f) => f.path));
    result.added = [...entries.keys()].filter((name) => name !== MANIFEST_NAME && name !== PDF_NAME && !listed.has(name)).sort();
    await checkPdf(zip, entries.get(PDF_NAME), manifestSha256, problems);
    result.ok = result.altered.length + result.missing.length + result.added.length + problems.length === 0;
    return result;
  } finally {
    zip.close();
  }
}
