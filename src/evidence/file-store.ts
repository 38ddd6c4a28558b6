import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';

export class FileIntegrityError extends Error {
  constructor(
    readonly sha256: string,
    readonly reason: 'missing' | 'mismatch',
  ) {
    super(reason === 'missing' ? `stored file ${sha256} is missing` : `stored file ${sha256} does not match its hash`);
  }
}

const HASH = /^[0-9a-f]{64}$/;

/**
 * A content-addressed store: each file lives at objects/ab/cd/<sha256>. Writes go to a temporary
 * file that is synced and then renamed into place, so a crash never leaves a half-written object;
 * identical files are stored once; every read is checked against the hash.
 */
export class FileStore {
  constructor(private readonly root: string) {}

  get tmpDir(): string {
    const dir = path.join(this.root, 'tmp');
    fs.mkdirSync(dir, { recursive: true });
    return dir;
  }

  pathOf(sha256: string): string {
    if (!HASH.test(sha256)) throw new Error('not a SHA-256 hex digest');
    return path.join(this.root, 'objects', sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  /** Moves an uploaded temporary file into the store; returns its hash and size. */
  async ingest(tmpPath: string): Promise<{ sha256: string; size: number }> {
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of fs.createReadStream(tmpPath)) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
    const sha256 = hash.digest('hex');
    const target = this.pathOf(sha256);
    if (fs.existsSync(target)) {
      await fsp.rm(tmpPath, { force: true });
      return { sha256, size };
    }
    const handle = await fsp.open(tmpPath, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fsp.mkdir(path.dirname(target), { recursive: true });
    await fsp.rename(tmpPath, target);
    await syncDir(path.dirname(target));
    return { sha256, size };
  }

  /** Stores bytes (used by the demo and by tests) the same way as an upload. */
  async putBuffer(content: Buffer): Promise<{ sha256: string; size: number }> {
    const tmp = path.join(this.tmpDir, `put-${randomBytes(8).toString('hex')}`);
    await fsp.writeFile(tmp, content);
    return this.ingest(tmp);
  }

  /** Reads a stored file, refusing it if it is missing or no longer matches its hash. */
  async read(sha256: string): Promise<Buffer> {
    let content: Buffer;
    try {
      content = await fsp.readFile(this.pathOf(sha256));
    } catch {
      throw new FileIntegrityError(sha256, 'missing');
    }
    if (createHash('sha256').update(content).digest('hex') !== sha256) throw new FileIntegrityError(sha256, 'mismatch');
    return content;
  }
}

async function syncDir(dir: string): Promise<void> {
  // Makes the rename durable; some platforms cannot open directories, which is harmless.
  try {
    const handle = await fsp.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    /* not supported here */
  }
}

/**
 * A safe display name: no path parts, no control characters, no bidirectional controls (which
 * make "evil\u202Efdp.exe" show as "evilexe.pdf"), at most 200 characters.
 */
export function sanitizeFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .normalize('NFC')
    .replace(/[\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]/g, '')
    .replace(/[\u0000-\u001f\u007f-\u009f"<>:|?*]/g, '_')
    .replace(/^\.+/, '')
    .trim()
    .slice(0, 200);
  return cleaned || 'file';
}
