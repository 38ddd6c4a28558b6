import { authorize } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import { relationshipRank, satisfiesFully, type Relationship } from '../controls/controls.model.ts';
import { AppError } from '../http/errors.ts';
import * as repo from './frameworks.repository.ts';

export interface FrameworkSummary {
  slug: string;
  name: string;
  edition: string;
  publisher: string;
  source: string;
  /** 'provisional': identifiers assigned by Attest (or a team), not by the publisher: say so wherever they are shown. */
  numbering: 'publisher' | 'provisional';
  origin: 'shipped' | 'imported';
  requirements: number;
  assessable: number;
  excluded: number;
  applicable: number;
  /** Applicable assessable requirements with at least one mapped control. */
  mapped: number;
  /** … with at least one control that fully satisfies them (equal or superset). */
  fullyMapped: number;
  mappedPercent: number;
}

export interface MappedControl {
  mappingId: number;
  controlRef: string;
  controlTitle: string;
  relationship: Relationship;
  full: boolean;
  rationale: string | null;
}

export interface RequirementNode {
  ref: string;
  name: string;
  summary: string;
  parentRef: string | null;
  assessable: boolean;
  excluded: boolean;
  justification: string | null;
  controls: MappedControl[];
  children: RequirementNode[];
  /** Assessable requirements at or below this node that have no mapping and are not excluded. */
  unmappedBelow: number;
  assessableBelow: number;
}

export async function listFrameworks(ctx: AppContext, principal: Principal): Promise<FrameworkSummary[]> {
  authorize(principal, 'catalog.read');
  const [frameworks, flags, mapped] = await Promise.all([repo.listFrameworkRows(ctx.db), repo.requirementFlags(ctx.db), repo.activeMappingRelationships(ctx.db)]);
  const anyMapping = new Set(mapped.map((m) => m.requirement_id));
  const fullMapping = new Set(mapped.filter((m) => satisfiesFully(m.relationship as Relationship)).map((m) => m.requirement_id));
  return frameworks.map((f) => {
    const own = flags.filter((r) => r.framework_id === f.id);
    const applicable = own.filter((r) => r.assessable === 1 && r.excluded_id === null);
    const mappedCount = applicable.filter((r) => anyMapping.has(r.id)).length;
    return {
      slug: f.slug,
      name: f.name,
      edition: f.edition,
      publisher: f.publisher,
      source: f.source,
      numbering: f.numbering,
      origin: f.origin,
      requirements: own.length,
      assessable: own.filter((r) => r.assessable === 1).length,
      excluded: own.filter((r) => r.assessable === 1 && r.excluded_id !== null).length,
      applicable: applicable.length,
      mapped: mappedCount,
      fullyMapped: applicable.filter((r) => fullMapping.has(r.id)).length,
      mappedPercent: applicable.length ? Math.round((mappedCount / applicable.length) * 1000) / 10 : 100,
    };
  });
}

export async function getFramework(ctx: AppContext, principal: Principal, slug: string): Promise<FrameworkSummary> {
  authorize(principal, 'catalog.read');
  const found = (await listFrameworks(ctx, principal)).find((f) => f.slug === slug);
  if (!found) throw AppError.notFound(`Framework ${slug}`);
  return found;
}

export interface FrameworkIdentity {
  /** The record id, for records that point at the framework (an issued report). */
  id: number;
  slug: string;
  name: string;
  edition: string;
  publisher: string;
  source: string;
  numbering: 'publisher' | 'provisional';
  origin: 'shipped' | 'imported';
}

/** Who the framework is, without the counts getFramework works out (one row). */
export async function frameworkIdentity(ctx: AppContext, principal: Principal, slug: string): Promise<FrameworkIdentity> {
  authorize(principal, 'catalog.read');
  const fw = await repo.findFramework(ctx.db, slug);
  if (!fw) throw AppError.notFound(`Framework ${slug}`);
  return { id: fw.id, slug: fw.slug, name: fw.name, edition: fw.edition, publisher: fw.publisher, source: fw.source, numbering: fw.numbering, origin: fw.origin };
}

export interface RequirementChoices {
  slug: string;
  name: string;
  requirements: { ref: string; name: string }[];
}

/** The assessable requirements a mapping may point at, by framework (a heading groups others and is never mapped). */
export async function requirementChoices(ctx: AppContext, principal: Principal): Promise<RequirementChoices[]> {
  authorize(principal, 'catalog.read');
  const [frameworks, rows] = await Promise.all([repo.listFrameworkRows(ctx.db), repo.assessableRequirementRows(ctx.db)]);
  return frameworks.map((f) => ({ slug: f.slug, name: f.name, requirements: rows.filter((r) => r.slug === f.slug).map((r) => ({ ref: r.ref, name: r.name })) }));
}

function toMapped(m: Awaited<ReturnType<typeof repo.mappingsForRequirements>>[number]): MappedControl {
  const relationship = m.relationship as Relationship;
  return {
    mappingId: m.id,
    controlRef: m.control_ref,
    controlTitle: m.control_title,
    relationship,
    full: satisfiesFully(relationship),
    rationale: m.rationale,
  };
}

const byStrength = (a: MappedControl, b: MappedControl) => relationshipRank[b.relationship] - relationshipRank[a.relationship] || a.controlRef.localeCompare(b.controlRef);

/** The framework's requirements as a tree, each with the controls mapped to it. */
export async function requirementTree(ctx: AppContext, principal: Principal, slug: string): Promise<RequirementNode[]> {
  authorize(principal, 'catalog.read');
  const fw = await repo.findFramework(ctx.db, slug);
  if (!fw) throw AppError.notFound(`Framework ${slug}`);
  const rows = await repo.requirementRows(ctx.db, fw.id);
  const mappings = await repo.mappingsForRequirements(
    ctx.db,
    rows.map((r) => r.id),
  );
  const controlsByReq = new Map<number, MappedControl[]>();
  for (const m of mappings) controlsByReq.set(m.requirement_id, [...(controlsByReq.get(m.requirement_id) ?? []), toMapped(m)]);
  const nodes = new Map<string, RequirementNode>();
  const roots: RequirementNode[] = [];
  for (const r of rows) {
    const node: RequirementNode = {
      ref: r.ref,
      name: r.name,
      summary: r.summary,
      parentRef: r.parent_ref,
      assessable: r.assessable === 1,
      excluded: r.justification !== null,
      justification: r.justification,
      controls: (controlsByReq.get(r.id) ?? []).sort(byStrength),
      children: [],
      unmappedBelow: 0,
      assessableBelow: 0,
    };
    nodes.set(r.ref, node);
    const parent = r.parent_ref ? nodes.get(r.parent_ref) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  const tally = (n: RequirementNode): void => {
    n.children.forEach(tally);
    n.assessableBelow = (n.assessable ? 1 : 0) + n.children.reduce((s, c) => s + c.assessableBelow, 0);
    n.unmappedBelow = (n.assessable && !n.excluded && n.controls.length === 0 ? 1 : 0) + n.children.reduce((s, c) => s + c.unmappedBelow, 0);
  };
  roots.forEach(tally);
  return roots;
}

export interface RequirementDetail {
  framework: { slug: string; name: string; numbering: 'publisher' | 'provisional' };
  ref: string;
  name: string;
  summary: string;
  parentRef: string | null;
  assessable: boolean;
  excluded: boolean;
  justification: string | null;
  controls: (MappedControl & { alsoSatisfies: { framework: string; frameworkName: string; ref: string; name: string; relationship: Relationship }[] })[];
}

/** One requirement, the controls that satisfy it, and what else those controls satisfy. */
export async function getRequirement(ctx: AppContext, principal: Principal, slug: string, ref: string): Promise<RequirementDetail> {
  authorize(principal, 'catalog.read');
  const fw = await repo.findFramework(ctx.db, slug);
  if (!fw) throw AppError.notFound(`Framework ${slug}`);
  const req = await repo.findRequirement(ctx.db, fw.id, ref);
  if (!req) throw AppError.notFound(`Requirement ${ref} of ${fw.name}`);
  const mappings = await repo.mappingsForRequirements(ctx.db, [req.id]);
  const others = await repo.requirementsOfControls(
    ctx.db,
    mappings.map((m) => m.control_id),
  );
  return {
    framework: { slug: fw.slug, name: fw.name, numbering: fw.numbering },
    ref: req.ref,
    name: req.name,
    summary: req.summary,
    parentRef: req.parent_ref,
    assessable: req.assessable === 1,
    excluded: req.justification !== null,
    justification: req.justification,
    controls: mappings
      .map((m) => ({
        ...toMapped(m),
        alsoSatisfies: others
          .filter((o) => o.control_id === m.control_id && !(o.slug === slug && o.ref === ref))
          .map((o) => ({ framework: o.slug, frameworkName: o.framework_name, ref: o.ref, name: o.name, relationship: o.relationship as Relationship })),
      }))
      .sort(byStrength),
  };
}
