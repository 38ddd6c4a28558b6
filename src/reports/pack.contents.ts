import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import * as auditsRepo from '../audits/audits.repository.ts';
import type { Audit } from '../audits/audits.service.ts';
import { auditScope } from '../audits/scope.service.ts';
import { authorize } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import { relationshipRank, type Relationship } from '../controls/controls.model.ts';
import { today } from '../dates.ts';
import { timelineOfControl } from '../evidence/evidence.repository.ts';
import { type AuditReach, type Evidence, type EvidenceFile, getEvidence } from '../evidence/evidence.service.ts';
import { mappingsForRequirements } from '../frameworks/frameworks.repository.ts';
import { evidenceEntryPath } from './pack.manifest.ts';

// What an evidence pack holds: every requirement in the audit's scope, the company controls mapped
// to it, and their current evidence on the as-of day, with each file's place in the ZIP.

export interface PackControl {
  ref: string;
  title: string;
  relationship: Relationship;
  /** Current evidence on the as-of day, newest collection first. */
  evidenceIds: number[];
}

export interface PackRequirement {
  framework: { slug: string; name: string };
  ref: string;
  name: string;
  excluded: boolean;
  controls: PackControl[];
}

export interface PackFile extends EvidenceFile {
  evidenceId: number;
  /** The entry's name in the ZIP. */
  path: string;
}

export interface PackContents {
  audit: Audit;
  asOf: string;
  requirements: PackRequirement[];
  evidence: Map<number, Evidence>;
  files: PackFile[];
}

interface ScopeLinks {
  /** Controls mapped to each in-scope requirement, keyed by `slug ref`. */
  controlsByRequirement: Map<string, { id: number; ref: string; title: string; relationship: Relationship }[]>;
  /** Per control id, its evidence that is current on the day. */
  evidenceByControl: Map<number, { id: number; collectedAt: string }[]>;
}

const requirementKey = (slug: string, ref: string) => `${slug} ${ref}`;

/**
 * Hundreds of small reads in a row: on SQLite each one completes synchronously and its promise
 * resolves in a microtask, so without a pause now and then no request would be served meanwhile
 * (the server builds packs while it serves).
 */
async function politely(done: number): Promise<void> {
  if (done % 10 === 9) await yieldToEventLoop();
}

/**
 * Current on `day`: the latest version (not superseded), not rejected, collected on or before the
 * day and still valid on it. Evidence awaiting review is included and shown with its status, so an
 * auditor sees what is submitted; rejected evidence is not evidence of anything.
 */
const currentOn = (day: string) => (e: { superseded_by_id: number | null; status: string; collected_at: string; valid_until: string }) =>
  e.superseded_by_id === null && e.status !== 'rejected' && e.collected_at <= day && e.valid_until >= day;

/**
 * Which controls map to the audit's requirements, and which of their evidence is current on `day`,
 * read from the repositories (the audit's scope, the catalog's mappings, the evidence timeline)
 * after one authorization against the audit itself.
 *
 * Why not through the services: the catalog services (frameworks, controls) and the evidence list
 * answer `catalog.read` / `evidence.read` for the whole library, which an external auditor does not
 * have; the auditor reaches these same facts only through the audit assigned to them, inside its
 * access window, and that is exactly what is authorized here (GRC staff pass the same check). Both
 * go through this one path, so an auditor's pack and GRC's pack of the same audit are the same. The
 * evidence items themselves are then read through the evidence service (getEvidence with the audit
 * as the reach), which checks each one again.
 */
async function readScopeLinksThroughAudit(ctx: AppContext, principal: Principal, auditId: number, day: string): Promise<ScopeLinks> {
  const inAudit = { kind: 'audit', id: auditId, today: today(ctx.clock) } as const;
  authorize(principal, 'audits.read', inAudit);
  authorize(principal, 'evidence.files.read', inAudit);
  const scope = await auditsRepo.scopeOf(ctx.db, auditId);
  const mappings = await mappingsForRequirements(
    ctx.db,
    scope.map((r) => r.id),
  );
  const controlsByRequirement: ScopeLinks['controlsByRequirement'] = new Map();
  for (const r of scope) {
    const mapped = mappings.filter((m) => m.requirement_id === r.id);
    controlsByRequirement.set(
      requirementKey(r.slug, r.ref),
      mapped.map((m) => ({ id: m.control_id, ref: m.control_ref, title: m.control_title, relationship: m.relationship as Relationship })),
    );
  }
  const evidenceByControl: ScopeLinks['evidenceByControl'] = new Map();
  for (const controlId of new Set(mappings.map((m) => m.control_id))) {
    await politely(evidenceByControl.size);
    const rows = (await timelineOfControl(ctx.db, controlId, 'all')).filter(currentOn(day));
    // Newest collection first, as the pack lists them.
    evidenceByControl.set(
      controlId,
      rows.map((e) => ({ id: e.id, collectedAt: e.collected_at })).sort((a, b) => b.collectedAt.localeCompare(a.collectedAt) || b.id - a.id),
    );
  }
  return { controlsByRequirement, evidenceByControl };
}

/** Everything the pack shows, read with the caller's principal; `audit` was read by planPack. */
export async function collectPackContents(ctx: AppContext, principal: Principal, audit: Audit, asOf: string): Promise<PackContents> {
  const scope = await auditScope(ctx, principal, audit.id);
  const links = await readScopeLinksThroughAudit(ctx, principal, audit.id, asOf);
  const wanted = new Set([...links.evidenceByControl.values()].flat().map((e) => e.id));
  const reach: AuditReach = { auditId: audit.id, today: today(ctx.clock), holds: async (id) => wanted.has(id) };
  const evidence = new Map<number, Evidence>();
  for (const id of [...wanted].sort((a, b) => a - b)) {
    await politely(evidence.size);
    evidence.set(id, await getEvidence(ctx, principal, id, reach));
  }
  const requirements = scope.flatMap((framework) =>
    framework.inScope.map((r) => ({
      framework: { slug: framework.slug, name: framework.name },
      ref: r.ref,
      name: r.name,
      excluded: r.excluded,
      // The strongest relationship first (equal, superset, subset, intersect), then by ref.
      controls: (links.controlsByRequirement.get(requirementKey(framework.slug, r.ref)) ?? [])
        .toSorted((a, b) => relationshipRank[b.relationship] - relationshipRank[a.relationship] || a.ref.localeCompare(b.ref))
        .map((c) => ({ ref: c.ref, title: c.title, relationship: c.relationship, evidenceIds: (links.evidenceByControl.get(c.id) ?? []).map((e) => e.id) })),
    })),
  );
  return { audit, asOf, requirements, evidence, files: packFiles(evidence) };
}

/** Every file of every item once, by evidence id, each with its name in the ZIP. */
function packFiles(evidence: Map<number, Evidence>): PackFile[] {
  const taken = new Set<string>();
  return [...evidence.values()].flatMap((e) => e.files.map((f) => ({ ...f, evidenceId: e.id, path: evidenceEntryPath(e.id, f.filename, taken) })));
}
