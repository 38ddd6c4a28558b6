import { evidenceKindLabels, evidenceStatusLabels } from './evidence.model.ts';
import type { Evidence, EvidenceVersion } from './evidence.service.ts';
import type { ControlTimeline } from './freshness.service.ts';

// What each face shows of evidence. The domain objects carry values; labels and page-only shapes
// live here, and the API gets a stable, explicit field list.

const sizeText = (bytes: number) => (bytes < 1024 ? `${bytes} bytes` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`);

export function evidenceView(e: Evidence) {
  return {
    ...e,
    kindLabel: evidenceKindLabels[e.kind] ?? e.kind,
    statusLabel: evidenceStatusLabels[e.status] ?? e.status,
    submitterText: e.submitter.email ?? 'the command line',
    files: e.files.map((f) => ({ ...f, sizeText: sizeText(f.size) })),
  };
}

export function versionView(v: EvidenceVersion, shownId: number) {
  return {
    ...v,
    isThis: v.id === shownId,
    statusLabel: evidenceStatusLabels[v.status] ?? v.status,
    submitterText: v.submitterEmail ?? 'the command line',
  };
}

/** A control's evidence as its page lists it, each status in words. */
export function timelineView(t: ControlTimeline) {
  return { ...t, items: t.items.map((i) => ({ ...i, statusLabel: evidenceStatusLabels[i.status as keyof typeof evidenceStatusLabels] ?? i.status })) };
}

export function evidenceJson(e: Evidence) {
  return {
    id: e.id,
    lineageId: e.lineageId,
    version: e.version,
    title: e.title,
    kind: e.kind,
    description: e.description,
    linkUrl: e.linkUrl,
    collectedAt: e.collectedAt,
    validUntil: e.validUntil,
    status: e.status,
    current: e.current,
    supersededById: e.supersededById,
    supersedesId: e.supersedesId,
    shareable: e.shareable,
    submitter: { email: e.submitter.email, name: e.submitter.name },
    submittedAt: e.submittedAt,
    reviewer: e.reviewer ? { email: e.reviewer.email, name: e.reviewer.name } : null,
    reviewedAt: e.reviewedAt,
    reviewComment: e.reviewComment,
    controls: e.controls.map((c) => ({ ref: c.ref, title: c.title })),
    files: e.files.map((f) => ({ id: f.id, filename: f.filename, size: f.size, mediaType: f.mediaType, sha256: f.sha256 })),
  };
}
