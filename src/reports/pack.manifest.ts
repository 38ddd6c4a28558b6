import { createHash } from 'node:crypto';
import { z } from 'zod';
import { sanitizeFilename } from '../evidence/file-store.ts';

// The evidence pack's format, shared by the builder (pack.ts) and the verifier (pack.verify.ts),
// which needs no database: a ZIP of evidence/<evidenceId>-<name> files, manifest.json listing each
// with its size and SHA-256, and pack.pdf printing the SHA-256 of manifest.json. So the PDF vouches
// for the manifest, and the manifest for every file.

export const PACK_FORMAT = 'attest-evidence-pack';
export const PACK_FORMAT_VERSION = 1;
export const MANIFEST_NAME = 'manifest.json';
export const PDF_NAME = 'pack.pdf';
export const EVIDENCE_DIR = 'evidence';
/** The words before the manifest's hash in pack.pdf; the verifier looks for them in its text. */
export const MANIFEST_HASH_LABEL = 'Manifest SHA-256';

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'not a SHA-256 hex digest');

/** Names a ZIP entry may have: relative, forward slashes, no "..", no control or bidi characters. */
export function unsafeEntryName(name: string): string | null {
  if (name.length === 0 || name.length > 512) return 'empty or longer than 512 characters';
  if (name.includes('\\')) return 'contains a backslash';
  if (name.startsWith('/') || /^[a-zA-Z]:/.test(name)) return 'is an absolute path';
  if (name.split('/').some((part) => part === '..' || part === '.')) return 'contains a "." or ".." path part';
  if (/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(name)) return 'contains control or bidirectional characters';
  return null;
}

const entryPath = z.string().superRefine((name, issue) => {
  const problem = unsafeEntryName(name);
  if (problem) issue.addIssue({ code: 'custom', message: `unsafe path: ${problem}` });
  else if (!name.startsWith(`${EVIDENCE_DIR}/`)) issue.addIssue({ code: 'custom', message: `files live under ${EVIDENCE_DIR}/` });
});

export const manifestSchema = z.object({
  format: z.literal(PACK_FORMAT),
  version: z.literal(PACK_FORMAT_VERSION),
  reportId: z.number().int().positive(),
  audit: z.object({
    id: z.number().int().positive(),
    title: z.string(),
    frameworks: z.array(z.object({ slug: z.string(), name: z.string() })),
  }),
  generatedAt: z.string(),
  asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  /** The activity chain's head when the report was recorded (empty on a database without activity). */
  chainHead: z.string(),
  files: z
    .array(z.object({ path: entryPath, size: z.number().int().nonnegative(), sha256: sha256Hex, evidenceId: z.number().int().positive() }))
    .refine((files) => new Set(files.map((f) => f.path)).size === files.length, 'a path is listed twice'),
});

export type PackManifest = z.infer<typeof manifestSchema>;
export type ManifestFile = PackManifest['files'][number];

/** The exact bytes written as manifest.json (and hashed for pack.pdf). */
export function manifestBytes(manifest: PackManifest): Buffer {
  const sorted = { ...manifest, files: [...manifest.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)) };
  return Buffer.from(`${JSON.stringify(sorted, null, 2)}\n`, 'utf8');
}

export const sha256Of = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/**
 * A portable name for a file inside the ZIP: the stored display name with anything but letters,
 * digits, dot, dash and underscore replaced (so every unzip tool and shell takes it as it is),
 * at most 100 characters, the extension kept.
 */
export function zipSafeName(filename: string): string {
  const cleaned = sanitizeFilename(filename)
    .replace(/[^\p{L}\p{N}._-]+/gu, '_')
    .replace(/^[._]+/, '');
  const dot = cleaned.lastIndexOf('.');
  const ext = dot > 0 && cleaned.length - dot <= 12 ? cleaned.slice(dot) : '';
  const stem = (ext ? cleaned.slice(0, dot) : cleaned).slice(0, 100 - ext.length);
  return `${stem || 'file'}${ext}`;
}

/** evidence/<evidenceId>-<name>; a second file of the same name in one item gets -2, -3 … */
export function evidenceEntryPath(evidenceId: number, filename: string, taken: Set<string>): string {
  const name = zipSafeName(filename);
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  for (let n = 1; ; n += 1) {
    const path = `${EVIDENCE_DIR}/${evidenceId}-${n === 1 ? name : `${stem}-${n}${ext}`}`;
    if (!taken.has(path)) {
      taken.add(path);
      return path;
    }
  }
}
