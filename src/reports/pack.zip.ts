import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline, type Readable, Transform } from 'node:stream';
import { ZipArchive } from 'archiver';

// Writes the pack's ZIP to a temporary file, one entry at a time, so that memory holds one file's
// chunks, never the whole pack. Stored files are hashed as they stream in; the caller compares.

// Reads of 32 KiB, not Node's 64 KiB: every chunk is garbage once written, and garbage waiting for
// the collector is most of what streaming costs in memory. In bench/pack.ts (500 files of 512 KiB)
// 64 KiB reads peaked ~10 MB higher; 16 KiB ones saved little more and took twice as long.
const READ_CHUNK_BYTES = 32 * 1024;

/** Deflate the entry, or store it as it is (content that is compressed already). */
export interface EntryOptions {
  compress: boolean;
}

export class PackZipWriter {
  private failure: Error | null = null;
  private readonly failed: Promise<never>;

  private constructor(
    readonly path: string,
    private readonly archive: ZipArchive,
    private readonly output: fs.WriteStream,
    private readonly date: Date,
  ) {
    this.failed = new Promise<never>((_resolve, reject) => {
      const fail = (err: Error) => {
        this.failure ??= err;
        reject(this.failure);
      };
      archive.on('error', fail);
      output.on('error', fail);
    });
    // Nobody may be waiting when it fails; the next call sees `failure`.
    this.failed.catch(() => undefined);
  }

  /** A new ZIP in `dir`; every entry is dated `date` (the report's), so the listing is stable. */
  static create(dir: string, date: Date): PackZipWriter {
    const file = path.join(dir, `pack-${randomBytes(8).toString('hex')}.zip`);
    const output = fs.createWriteStream(file, { flags: 'wx' });
    const archive = new ZipArchive({ zlib: { level: 6 } });
    archive.pipe(output);
    return new PackZipWriter(file, archive, output, date);
  }

  /** Appends one entry and resolves when it is written (archiver's queue takes one at a time). */
  private append(source: Readable | Buffer, name: string, options: EntryOptions): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const written = new Promise<void>((resolve) => this.archive.once('entry', () => resolve()));
    this.archive.append(source, { name, date: this.date, store: !options.compress });
    return Promise.race([written, this.failed]);
  }

  async addBuffer(name: string, content: Buffer, options: EntryOptions): Promise<void> {
    await this.append(content, name, options);
  }

  /** Streams a file into the ZIP; returns the SHA-256 and size of what was actually written. */
  async addFile(name: string, handle: fsp.FileHandle, options: EntryOptions): Promise<{ sha256: string; size: number }> {
    const hash = createHash('sha256');
    let size = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    const source = handle.createReadStream({ highWaterMark: READ_CHUNK_BYTES });
    // pipeline passes a read error on to the tap, and archiver reports it as the entry's failure.
    pipeline(source, tap, () => undefined);
    try {
      await this.append(tap, name, options);
    } finally {
      // Closes the file if the entry failed before reading it to the end (a no-op otherwise).
      source.destroy();
    }
    return { sha256: hash.digest('hex'), size };
  }

  /** Writes the central directory and waits until the file is on disk; returns its path. */
  async finish(): Promise<string> {
    if (this.failure) throw this.failure;
    const closed = new Promise<void>((resolve) => this.output.once('close', () => resolve()));
    await Promise.race([this.archive.finalize(), this.failed]);
    await Promise.race([closed, this.failed]);
    return this.path;
  }

  /** Stops writing and removes the partial file (a failed pack leaves nothing behind). */
  async discard(): Promise<void> {
    this.archive.abort();
    this.output.destroy();
    await fsp.rm(this.path, { force: true });
  }
}
