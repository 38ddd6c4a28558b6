import type { ControlChoice } from '../controls/controls.service.ts';
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

const CONTROL_REF = /^[A-Z]{2,5}-\d{2,3}$/;

/** The control refs a form sent (a list from the picker, or "IAM-03, IAM-04" typed or from a link), as the schema reads them. */
export function chosenControlRefs(value: unknown): string[] {
  const parts = Array.isArray(value) ? value : typeof value === 'string' ? value.split(/[\s,;]+/) : [];
  return [...new Set(parts.filter((p): p is string => typeof p === 'string').map((p) => p.trim().toUpperCase()))].filter((r) => CONTROL_REF.test(r));
}

/**
 * The evidence form's control picker: one group per domain, "IAM-03 — Quarterly access reviews".
 * A chosen ref that is no longer an active control (a retired control on the version before, a
 * mistyped one) stays listed and chosen, so the refusal that names it can be seen and undone.
 */
export function controlPicker(choices: ControlChoice[], selected: string[]) {
  const groups: { label: string; options: { value: string; label: string; selected: boolean }[] }[] = [];
  for (const c of choices) {
    let group = groups.at(-1);
    if (group?.label !== c.domainName) {
      group = { label: c.domainName, options: [] };
      groups.push(group);
    }
    group.options.push({ value: c.ref, label: `${c.ref} — ${c.title}`, selected: selected.includes(c.ref) });
  }
  const missing = selected.filter((r) => !choices.some((c) => c.ref === r));
  if (missing.length) groups.push({ label: 'Not an active control', options: missing.map((r) => ({ value: r, label: r, selected: true })) });
  return groups;
}
