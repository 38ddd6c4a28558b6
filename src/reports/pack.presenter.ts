import { auditView } from '../audits/audits.presenter.ts';
import { relationshipLabels } from '../controls/controls.model.ts';
import { formatDayLong, formatInstant } from '../dates.ts';
import { evidenceKindLabels, evidenceStatusLabels } from '../evidence/evidence.model.ts';
import type { Evidence } from '../evidence/evidence.service.ts';
import type { PackContents, PackFile, PackRequirement } from './pack.contents.ts';
import { packHref } from './pack.links.ts';
import { MANIFEST_HASH_LABEL, MANIFEST_NAME } from './pack.manifest.ts';

// What pack.pdf shows: the audit's facts, then one table per framework, requirement → control →
// evidence, each file with its path in the ZIP (a link) and its SHA-256. Labels live here.

export interface PackMeta {
  reportId: number;
  generatedAt: string;
  chainHead: string;
  manifestSha256: string;
}

const sizeText = (bytes: number) => (bytes < 1024 ? `${bytes} B` : bytes < 1024 ** 2 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 ** 2).toFixed(1)} MiB`);

function evidenceView(e: Evidence, files: PackFile[]) {
  return {
    id: e.id,
    title: e.title,
    kindLabel: evidenceKindLabels[e.kind] ?? e.kind,
    statusLabel: evidenceStatusLabels[e.status] ?? e.status,
    statusClass: e.status === 'accepted' ? 'ok' : 'warn',
    collected: e.collectedAt,
    validUntil: e.validUntil,
    // Name and day apart: the template isolates the name, so a right-to-left name cannot reorder the day.
    reviewer: e.reviewer ? e.reviewer.name || e.reviewer.email || 'unknown' : null,
    reviewedOn: e.reviewedAt ? e.reviewedAt.slice(0, 10) : null,
    link: e.linkUrl,
    files: files.map((f) => ({ path: f.path, href: packHref(f.path), sha256: f.sha256, size: sizeText(f.size), original: f.filename })),
  };
}

type EvidenceView = ReturnType<typeof evidenceView>;

interface ScopeRow {
  requirement: { ref: string; name: string; excluded: boolean };
  /** The requirement's first row shows it in full; the others name it as continued. */
  first: boolean;
  control: { ref: string; title: string; relationship: string } | null;
  evidence: EvidenceView[];
}

/** One row per requirement and mapped control (a row per requirement when none is mapped). */
function requirementRows(r: PackRequirement, views: Map<number, EvidenceView>): ScopeRow[] {
  const requirement = { ref: r.ref, name: r.name, excluded: r.excluded };
  if (r.controls.length === 0) return [{ requirement, first: true, control: null, evidence: [] }];
  return r.controls.map((c, i) => ({
    requirement,
    first: i === 0,
    control: { ref: c.ref, title: c.title, relationship: relationshipLabels[c.relationship] },
    evidence: c.evidenceIds.map((id) => views.get(id)).filter((v) => v !== undefined),
  }));
}

export function packView(contents: PackContents, meta: PackMeta) {
  const audit = auditView(contents.audit);
  const filesOf = new Map<number, PackFile[]>();
  for (const f of contents.files) filesOf.set(f.evidenceId, [...(filesOf.get(f.evidenceId) ?? []), f]);
  const views = new Map([...contents.evidence.values()].map((e) => [e.id, evidenceView(e, filesOf.get(e.id) ?? [])]));
  const frameworks = audit.frameworks.map((f) => {
    const requirements = contents.requirements.filter((r) => r.framework.slug === f.slug);
    return { name: f.name, slug: f.slug, count: requirements.length, rows: requirements.flatMap((r) => requirementRows(r, views)) };
  });
  const unevidenced = contents.requirements.filter((r) => !r.excluded && r.controls.every((c) => c.evidenceIds.length === 0)).length;
  return {
    title: `Evidence pack: ${audit.title}`,
    manifestLabel: MANIFEST_HASH_LABEL,
    manifestName: MANIFEST_NAME,
    manifestSha256: meta.manifestSha256,
    reportId: meta.reportId,
    generatedAt: formatInstant(meta.generatedAt),
    asOf: formatDayLong(contents.asOf),
    chainHead: meta.chainHead || 'none (no activity recorded yet)',
    audit,
    counts: {
      requirements: contents.requirements.length,
      controls: new Set(contents.requirements.flatMap((r) => r.controls.map((c) => c.ref))).size,
      evidence: contents.evidence.size,
      files: contents.files.length,
      unevidenced,
    },
    frameworks: frameworks.filter((f) => f.count > 0),
  };
}
