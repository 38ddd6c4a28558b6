import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import type { Relationship } from '../controls/controls.model.ts';
import { listControls } from '../controls/controls.service.ts';
import { type CoverageCounts, type CoverageStatus, computeCoverage } from '../coverage/coverage.service.ts';
import { evidenceOnDay } from '../evidence/on-day.service.ts';
import { type FrameworkIdentity, type RequirementNode, requirementTree } from '../frameworks/frameworks.service.ts';

// What the Statement of Applicability and the readiness report say about one framework on one day,
// gathered only through the owning domains' services with the caller's principal: coverage (the one
// rule), the catalog (names, groups, exclusions), the controls (owners) and the evidence (what was
// current on the day). Everything is sorted, so the same day gives the same report.

export interface EvidenceFact {
  id: number;
  title: string;
  kind: string;
  collectedAt: string;
  validUntil: string;
  reviewer: string;
  reviewedAt: string | null;
}

export interface ControlFact {
  ref: string;
  title: string;
  relationship: Relationship;
  effective: boolean;
  /** Why the control is or is not effective on the day (from coverage). */
  reason: string;
  owner: string;
  /** Accepted evidence current on the day, newest first. */
  evidence: EvidenceFact[];
  /** The last day its accepted evidence collected by the day covers; null when it never had any. */
  coveredUntil: string | null;
}

export interface RequirementFact {
  ref: string;
  name: string;
  summary: string;
  /** The nearest grouping heading above it (A.5 Organizational controls), if any. */
  group: { ref: string; name: string } | null;
  justification: string | null;
  status: CoverageStatus;
  reason: string;
  controls: ControlFact[];
}

export interface FrameworkFacts {
  slug: string;
  name: string;
  edition: string;
  /** 'provisional': identifiers assigned by Attest, not by the publisher. */
  numbering: 'publisher' | 'provisional';
  source: string;
  asOf: string;
  counts: CoverageCounts;
  metPercent: number;
  partialPercent: number;
  gapPercent: number;
  requirements: RequirementFact[];
}

/** Every page of a paged service list. */
async function all<T>(list: (page: { limit: number; offset: number }) => Promise<{ items: T[]; total: number }>): Promise<T[]> {
  const items: T[] = [];
  for (let offset = 0; ; offset += 500) {
    const page = await list({ limit: 500, offset });
    items.push(...page.items);
    if (page.items.length < 500 || items.length >= page.total) return items;
  }
}

interface CatalogEntry {
  summary: string;
  justification: string | null;
  group: { ref: string; name: string } | null;
}

/** Per requirement ref: its summary, exclusion and nearest non-assessable ancestor (the heading it is printed under). */
function catalogEntries(tree: RequirementNode[]): Map<string, CatalogEntry> {
  const out = new Map<string, CatalogEntry>();
  const walk = (nodes: RequirementNode[], group: CatalogEntry['group']) => {
    for (const n of nodes) {
      out.set(n.ref, { summary: n.summary, justification: n.justification, group });
      walk(n.children, n.assessable ? group : { ref: n.ref, name: n.name });
    }
  };
  walk(tree, null);
  return out;
}

export async function frameworkFacts(ctx: AppContext, principal: Principal, framework: FrameworkIdentity, asOf: string): Promise<FrameworkFacts> {
  const slug = framework.slug;
  const [tree, coverage, controls, evidence] = await Promise.all([
    requirementTree(ctx, principal, slug),
    computeCoverage(ctx, principal, { framework: slug, asOf, detail: true }),
    all((page) => listControls(ctx, principal, { framework: slug }, page)),
    evidenceOnDay(ctx, principal, asOf),
  ]);
  const fw = coverage.frameworks[0]!;
  const owners = new Map(controls.map((c) => [c.ref, c.owner]));
  const catalog = catalogEntries(tree);
  const requirements = (fw.requirements ?? []).map((r): RequirementFact => {
    const entry = catalog.get(r.ref);
    return {
      ref: r.ref,
      name: r.name,
      summary: entry?.summary ?? '',
      group: entry?.group ?? null,
      justification: entry?.justification ?? null,
      status: r.status,
      reason: r.reason,
      controls: r.controls.map((c) => ({
        ref: c.ref,
        title: c.title,
        relationship: c.relationship,
        effective: c.effective,
        reason: c.reason,
        owner: owners.get(c.ref) ?? '',
        evidence: (evidence.get(c.ref)?.valid ?? []).map((e) => ({
          id: e.id,
          title: e.title,
          kind: e.kind,
          collectedAt: e.collectedAt,
          validUntil: e.validUntil,
          reviewer: e.reviewer ? e.reviewer.name || e.reviewer.email || '' : '',
          reviewedAt: e.reviewedAt,
        })),
        coveredUntil: evidence.get(c.ref)?.coveredUntil ?? null,
      })),
    };
  });
  return {
    slug,
    name: framework.name,
    edition: framework.edition,
    numbering: framework.numbering,
    source: framework.source,
    asOf,
    counts: fw.counts,
    metPercent: fw.metPercent,
    partialPercent: fw.partialPercent,
    gapPercent: fw.gapPercent,
    requirements,
  };
}
