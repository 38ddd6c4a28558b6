import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ZipArchive } from 'archiver';
import yauzl from 'yauzl';
import { assignAuditor } from '../../src/audits/assignments.service.ts';
import { assignmentsOfUser } from '../../src/audits/audits.repository.ts';
import { userPrincipal, type Principal } from '../../src/auth/principal.ts';
import { createEvidence, fileStore, reviewEvidence } from '../../src/evidence/evidence.service.ts';
import type { TestContext } from '../helpers/context.ts';
import { buildUser, principalFor } from '../helpers/factories.ts';

// Building evidence with real files, auditors with assignments, and reading or rewriting ZIPs.

type Person = Awaited<ReturnType<typeof buildUser>>;

/** Evidence logged with real files (temporary uploads, as the form and the demo do), then accepted. */
export async function evidenceWithFiles(
  ctx: TestContext,
  people: { submitter: Person; reviewer: Person },
  input: { title: string; controls: string[]; files: { name: string; content: Buffer | string }[]; accept?: boolean },
): Promise<number> {
  const tmp = fileStore(ctx).tmpDir;
  const files = input.files.map((f, i) => {
    const file = path.join(tmp, `upload-${Date.now()}-${Math.random().toString(36).slice(2)}-${i}`);
    fs.writeFileSync(file, f.content);
    return { path: file, originalName: f.name, mediaType: 'application/octet-stream' };
  });
  const today = ctx.clock().toISOString().slice(0, 10);
  const id = await createEvidence(ctx, principalFor(people.submitter), { title: input.title, kind: 'document', collected_at: today, controls: input.controls }, files);
  if (input.accept ?? true) await reviewEvidence(ctx, principalFor(people.reviewer), id, { decision: 'accepted' });
  return id;
}

/** An external auditor assigned to the audit for the window, and the principal a session of theirs has. */
export async function assignedAuditor(
  ctx: TestContext,
  grc: Person,
  auditId: number,
  window: { from: string; until: string },
): Promise<{ user: Person; principal: () => Promise<Principal> }> {
  const user = await buildUser(ctx, { role: 'auditor' });
  await assignAuditor(ctx, principalFor(grc), auditId, { user: { id: user.id }, access_from: window.from, access_until: window.until });
  // As the identity middleware does on every request: the assignments as they are now.
  const principal = async () =>
    userPrincipal(
      user,
      'session',
      { ip: '127.0.0.1', userAgent: 'test' },
      (await assignmentsOfUser(ctx.db, user.id)).map((a) => ({ auditId: a.audit_id, accessFrom: a.access_from, accessUntil: a.access_until })),
    );
  return { user, principal };
}

/** Every entry of a ZIP, in its order (test packs are small). */
export async function readZip(file: string): Promise<Map<string, Buffer>> {
  const zip = await yauzl.openPromise(file, { lazyEntries: true, autoClose: false });
  const entries = new Map<string, Buffer>();
  try {
    for await (const entry of zip.eachEntry()) {
      const chunks: Buffer[] = [];
      for await (const chunk of (await zip.openReadStreamPromise(entry)) as AsyncIterable<Buffer>) chunks.push(chunk);
      entries.set(entry.fileName, Buffer.concat(chunks));
    }
  } finally {
    zip.close();
  }
  return entries;
}

/** Writes a ZIP with these entries, in this order. */
export async function writeZip(file: string, entries: Iterable<[string, Buffer]>): Promise<void> {
  const archive = new ZipArchive();
  const out = fs.createWriteStream(file);
  const closed = new Promise<void>((resolve, reject) => {
    out.on('close', () => resolve());
    archive.on('error', reject);
  });
  archive.pipe(out);
  for (const [name, content] of entries) archive.append(content, { name });
  await archive.finalize();
  await closed;
}

/** The text of a PDF as poppler's pdftotext reads it. */
export function pdfText(file: string): string {
  const res = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`pdftotext failed: ${res.stderr}`);
  return res.stdout;
}

/** qpdf's structural check of a PDF. */
export function qpdfCheck(file: string): { status: number | null; output: string } {
  const res = spawnSync('/usr/bin/qpdf', ['--check', file], { encoding: 'utf8' });
  return { status: res.status, output: res.stdout + res.stderr };
}
