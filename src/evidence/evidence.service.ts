import path from 'node:path';
import { withActivity } from '../activity/activity.service.ts';
import { authorize, evidenceScope, type Resource } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import type { Frequency } from '../controls/controls.model.ts';
import { today } from '../dates.ts';
import { AppError, type FieldError } from '../http/errors.ts';
import { defaultValidUntil, type EvidenceKind, type EvidenceStatus } from './evidence.model.ts';
import * as repo from './evidence.repository.ts';
import { refreshIntervalsForEvidence } from '../coverage/intervals.service.ts';
import type { EvidenceInput } from './evidence.schema.ts';
import { FileIntegrityError, FileStore, sanitizeFilename } from './file-store.ts';

export interface UploadedFile {
  /** Temporary path written by the upload parser. */
  path: string;
  originalName: string;
  mediaType: string;
}

export interface EvidenceFile {
  id: number;
  filename: string;
  size: number;
  mediaType: string;
  sha256: string;
}

export interface Evidence {
  id: number;
  lineageId: number;
  version: number;
  title: string;
  kind: EvidenceKind;
  description: string;
  linkUrl: string | null;
  collectedAt: string;
  validUntil: string;
  status: EvidenceStatus;
  current: boolean;
  supersededById: number | null;
  supersedesId: number | null;
  submitter: { id: number | null; email: string | null; name: string | null };
  submittedAt: string;
  reviewer: { id: number | null; email: string | null; name: string | null } | null;
  reviewedAt: string | null;
  reviewComment: string | null;
  /** Customer-compliance staff may see and send it. */
  shareable: boolean;
  controls: { ref: string; title: string }[];
  files: EvidenceFile[];
}

export interface EvidenceVersion {
  id: number;
  version: number;
  title: string;
  status: EvidenceStatus;
  submittedAt: string;
  submitterEmail: string | null;
  collectedAt: string;
  validUntil: string;
  superseded: boolean;
}

/** What the policy needs to know about an evidence item. */
export const evidenceResource = (e: { submitter_id: number | null; shareable: number }): Resource => ({
  kind: 'evidence',
  submitterId: e.submitter_id,
  shareable: e.shareable === 1,
});

/** The item, if it exists and the principal may do `action` on it; a 404 otherwise, a 403 when refused. */
/**
 * Evidence reached through an audit (the auditor's portal): the policy decides whether the caller
 * may read inside that audit today, and the audits domain decides which items the audit holds.
 */
export interface AuditReach {
  auditId: number;
  today: string;
  holds(evidenceId: number): Promise<boolean>;
}

async function permittedRow(
  db: AppContext['db'],
  principal: Principal,
  action: 'evidence.read' | 'evidence.files.read' | 'evidence.review' | 'evidence.share' | 'evidence.log',
  id: number,
  reach?: AuditReach,
) {
  const row = await repo.findEvidenceRow(db, id);
  if (!row) throw AppError.notFound('Evidence');
  if (reach && principal.role === 'auditor') {
    authorize(principal, action, { kind: 'audit', id: reach.auditId, today: reach.today });
    // Outside the audit the item does not exist for the auditor: a 404, not a hint that it does.
    if (!(await reach.holds(id))) throw AppError.notFound('Evidence');
    return row;
  }
  authorize(principal, action, evidenceResource(row));
  return row;
}

export function fileStore(ctx: AppContext): FileStore {
  return new FileStore(path.join(ctx.config.dataDir, 'files'));
}

/**
 * Checks what the schema cannot (controls exist and are active, the date is not in the future, a
 * file or link is given) and reports every problem at once, so a form is corrected in one pass.
 */
async function checkInput(ctx: AppContext, input: EvidenceInput, fileCount: number) {
  const problems: FieldError[] = [];
  const found = await repo.activeControlsByRef(ctx.db, input.controls);
  const active = found.filter((c) => c.retired_at === null);
  const missing = input.controls.filter((r) => !active.some((c) => c.ref === r));
  if (missing.length) problems.push({ field: 'controls', message: `Unknown or retired control${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}.` });
  if (input.collected_at > today(ctx.clock)) problems.push({ field: 'collected_at', message: 'The collection date cannot be in the future.' });
  if (fileCount === 0 && !input.link_url) problems.push({ field: 'files', message: 'Attach at least one file or give a link.' });
  if (problems.length) throw AppError.invalid(problems);
  return active;
}

async function storeFiles(ctx: AppContext, files: UploadedFile[], now: string) {
  const store = fileStore(ctx);
  const stored = [];
  for (const f of files) {
    const { sha256, size } = await store.ingest(f.path);
    stored.push({ sha256, size, filename: sanitizeFilename(f.originalName), media_type: f.mediaType || 'application/octet-stream', uploaded_at: now });
  }
  return stored;
}

/**
 * Logs evidence against one or more controls. Files are moved into the content-addressed store
 * before the transaction; a file left unreferenced by a failed transaction is harmless (stored by
 * hash, reused on the next identical upload).
 */
export async function createEvidence(ctx: AppContext, principal: Principal, input: EvidenceInput, files: UploadedFile[], previous?: repo.EvidenceRow): Promise<number> {
  authorize(principal, 'evidence.log');
  // Only those who may share evidence choose to; a new version keeps its predecessor's choice otherwise.
  const shareable = input.shareable !== undefined ? input.shareable : previous ? previous.shareable === 1 : false;
  if (input.shareable && !previous?.shareable) authorize(principal, 'evidence.share');
  const controls = await checkInput(ctx, input, files.length);
  const validUntil =
    input.valid_until ??
    defaultValidUntil(
      input.collected_at,
      controls.map((c) => c.frequency as Frequency),
    );
  const now = ctx.clock().toISOString();
  const stored = await storeFiles(ctx, files, now);
  return withActivity(
    ctx,
    principal,
    async (trx) => {
      const id = await repo.insertEvidence(trx, {
        lineage_id: previous?.lineage_id ?? null,
        version: previous ? previous.version + 1 : 1,
        supersedes_id: previous?.id ?? null,
        title: input.title,
        kind: input.kind,
        description: input.description ?? '',
        link_url: input.link_url ?? null,
        collected_at: input.collected_at,
        valid_until: validUntil,
        status: 'submitted',
        submitter_id: principal.userId,
        submitted_at: now,
        shareable: shareable ? 1 : 0,
      });
      if (!previous) await repo.setLineage(trx, id, id);
      if (previous && !(await repo.markSuperseded(trx, previous.id, id, now))) {
        throw AppError.conflict('This evidence already has a newer version; open the latest one.');
      }
      // A superseded item no longer counts until its new version is accepted.
      if (previous) await refreshIntervalsForEvidence(trx, [previous.id]);
      await repo.linkControls(
        trx,
        controls.map((c) => ({ evidence_id: id, control_id: c.id })),
      );
      await repo.insertFiles(
        trx,
        stored.map((s) => ({ ...s, evidence_id: id })),
      );
      return id;
    },
    (id) => ({
      action: previous ? 'evidence.version_submitted' : 'evidence.submitted',
      subjectType: 'evidence',
      subjectId: id,
      details: {
        title: input.title,
        controls: controls.map((c) => c.ref),
        collected_at: input.collected_at,
        valid_until: validUntil,
        files: stored.map((s) => ({ name: s.filename, sha256: s.sha256, size: s.size })),
        shareable,
        ...(previous ? { supersedes: previous.id, version: previous.version + 1 } : {}),
      },
    }),
  );
}

/** A new version supersedes the current one; the old version stays, marked superseded. */
export async function createVersion(ctx: AppContext, principal: Principal, evidenceId: number, input: EvidenceInput, files: UploadedFile[]): Promise<number> {
  const previous = await permittedRow(ctx.db, principal, 'evidence.log', evidenceId);
  if (previous.superseded_by_id !== null) throw AppError.conflict('This evidence already has a newer version; open the latest one.');
  return createEvidence(ctx, principal, input, files, previous);
}

/** Accepts or rejects submitted evidence; the reviewer must not be its submitter. */
export async function reviewEvidence(
  ctx: AppContext,
  principal: Principal,
  evidenceId: number,
  input: { decision: 'accepted' | 'rejected'; comment?: string | undefined },
): Promise<void> {
  authorize(principal, 'evidence.review');
  await withActivity(
    ctx,
    principal,
    async (trx) => {
      // Read and checked inside the transaction: the decision rests on the row as it is now.
      const row = await permittedRow(trx, principal, 'evidence.review', evidenceId);
      if (row.superseded_by_id !== null) throw AppError.conflict('A newer version of this evidence exists; review that one.');
      if (row.status !== 'submitted') throw AppError.conflict(`This evidence was already ${row.status}.`);
      const ok = await repo.recordReview(trx, evidenceId, {
        status: input.decision,
        reviewer_id: principal.userId,
        reviewed_at: ctx.clock().toISOString(),
        review_comment: input.comment ?? null,
      });
      if (!ok) throw AppError.conflict('This evidence was reviewed or superseded meanwhile.');
      // An accepted item extends its controls' coverage; the same transaction keeps it in step.
      await refreshIntervalsForEvidence(trx, [evidenceId]);
    },
    () => ({ action: `evidence.${input.decision}`, subjectType: 'evidence', subjectId: evidenceId, details: input.comment ? { comment: input.comment } : {} }),
  );
}

function toEvidence(
  row: NonNullable<Awaited<ReturnType<typeof repo.findEvidenceRow>>> | (repo.EvidenceRow & { submitter_email: string | null }),
  controls: { ref: string; title: string }[],
  files: repo.EvidenceFileRow[],
): Evidence {
  const kind = row.kind as EvidenceKind;
  const r = row as Partial<{ submitter_name: string | null; reviewer_email: string | null; reviewer_name: string | null }>;
  return {
    id: row.id,
    lineageId: row.lineage_id ?? row.id,
    version: row.version,
    title: row.title,
    kind,
    description: row.description,
    linkUrl: row.link_url,
    collectedAt: row.collected_at,
    validUntil: row.valid_until,
    status: row.status as EvidenceStatus,
    current: row.superseded_by_id === null,
    supersededById: row.superseded_by_id,
    supersedesId: row.supersedes_id,
    submitter: { id: row.submitter_id, email: row.submitter_email, name: r.submitter_name ?? null },
    submittedAt: row.submitted_at,
    reviewer: row.reviewer_id === null && !row.reviewed_at ? null : { id: row.reviewer_id, email: r.reviewer_email ?? null, name: r.reviewer_name ?? null },
    reviewedAt: row.reviewed_at,
    reviewComment: row.review_comment,
    shareable: row.shareable === 1,
    controls,
    files: files.map((f) => ({ id: f.id, filename: f.filename, size: f.size, mediaType: f.media_type, sha256: f.sha256 })),
  };
}

export async function getEvidence(ctx: AppContext, principal: Principal, id: number, reach?: AuditReach): Promise<Evidence> {
  const row = await permittedRow(ctx.db, principal, 'evidence.read', id, reach);
  const [controls, files] = await Promise.all([repo.controlsOfEvidence(ctx.db, [id]), repo.filesOfEvidence(ctx.db, [id])]);
  return toEvidence(row, controls, files);
}

/** Every version of one item that the principal may see, newest first. */
export async function evidenceVersions(ctx: AppContext, principal: Principal, lineageId: number): Promise<EvidenceVersion[]> {
  authorize(principal, 'evidence.read');
  const rows = await repo.versionsOf(ctx.db, lineageId, evidenceScope(principal));
  return rows.map((r) => ({
    id: r.id,
    version: r.version,
    title: r.title,
    status: r.status as EvidenceStatus,
    submittedAt: r.submitted_at,
    submitterEmail: r.submitter_email,
    collectedAt: r.collected_at,
    validUntil: r.valid_until,
    superseded: r.superseded_by_id !== null,
  }));
}

/** Marks an item shareable with customers or internal again; recorded, the evidence itself unchanged. */
export async function setEvidenceShareable(ctx: AppContext, principal: Principal, evidenceId: number, shareable: boolean): Promise<void> {
  authorize(principal, 'evidence.share');
  await withActivity(
    ctx,
    principal,
    async (trx) => {
      const row = await permittedRow(trx, principal, 'evidence.share', evidenceId);
      if ((row.shareable === 1) === shareable) return false;
      await repo.setShareable(trx, evidenceId, shareable);
      return true;
    },
    (changed) => (changed ? [{ action: 'evidence.shareability_changed', subjectType: 'evidence', subjectId: evidenceId, details: { shareable } }] : []),
  );
}

export async function listEvidence(ctx: AppContext, principal: Principal, filter: repo.EvidenceFilter, page: { limit: number; offset: number }) {
  authorize(principal, 'evidence.read');
  const { rows, total } = await repo.listEvidence(ctx.db, filter, page, evidenceScope(principal));
  const ids = rows.map((r) => r.id);
  const [controls, files] = await Promise.all([repo.controlsOfEvidence(ctx.db, ids), repo.filesOfEvidence(ctx.db, ids)]);
  return {
    total,
    items: rows.map((r) =>
      toEvidence(
        r,
        controls.filter((c) => c.evidence_id === r.id),
        files.filter((f) => f.evidence_id === r.id),
      ),
    ),
  };
}

/**
 * Reads a file of an evidence item for download, checking its hash. A mismatch or a missing file
 * is refused, logged and recorded in the activity trail; a good download is recorded too.
 */
export async function downloadFile(
  ctx: AppContext,
  principal: Principal,
  evidenceId: number,
  fileId: number,
  reach?: AuditReach,
): Promise<{ file: EvidenceFile; content: Buffer }> {
  await permittedRow(ctx.db, principal, 'evidence.files.read', evidenceId, reach);
  const row = await repo.findFile(ctx.db, evidenceId, fileId);
  if (!row) throw AppError.notFound('File');
  const file = { id: row.id, filename: row.filename, size: row.size, mediaType: row.media_type, sha256: row.sha256 };
  let content: Buffer;
  try {
    content = await fileStore(ctx).read(row.sha256);
  } catch (err) {
    if (!(err instanceof FileIntegrityError)) throw err;
    ctx.logger.error({ evidenceId, fileId, sha256: row.sha256, reason: err.reason }, 'evidence file failed its integrity check');
    await withActivity(
      ctx,
      principal,
      async () => undefined,
      () => ({
        action: 'evidence.file_integrity_failed',
        subjectType: 'evidence',
        subjectId: evidenceId,
        details: { file_id: fileId, sha256: row.sha256, reason: err.reason },
      }),
    );
    throw new AppError(
      'integrity_failed',
      `The stored file "${row.filename}" ${err.reason === 'missing' ? 'is missing' : 'no longer matches its fingerprint'}, so it was not sent. This has been recorded; contact an administrator.`,
    );
  }
  await withActivity(
    ctx,
    principal,
    async () => undefined,
    () => ({
      action: 'evidence.file_downloaded',
      subjectType: 'evidence',
      subjectId: evidenceId,
      details: { file_id: fileId, sha256: row.sha256, name: row.filename, via: principal.via, ...(reach ? { audit_id: reach.auditId } : {}) },
    }),
  );
  return { file, content };
}

/**
 * Evidence that may be shown to a customer about these controls on `day`: only items marked
 * shareable, whoever asks (a pack for a customer never lists internal evidence), accepted and current.
 */
export async function shareableEvidenceOf(ctx: AppContext, principal: Principal, controlRefs: string[], day: string) {
  authorize(principal, 'evidence.read');
  const rows = await repo.shareableCurrentOfControls(ctx.db, controlRefs, day);
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    kind: r.kind,
    collectedAt: r.collected_at,
    validUntil: r.valid_until,
    control: r.control_ref,
    files: r.files.map((f) => ({ name: f.filename, sha256: f.sha256, size: f.size })),
  }));
}
