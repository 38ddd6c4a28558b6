import { authorize } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import { isDay, today } from '../dates.ts';
import { relationshipRank, satisfiesFully, type Relationship } from '../controls/controls.model.ts';
import { AppError } from '../http/errors.ts';
import * as repo from './coverage.repository.ts';
import { intervalsOnDay, versionOf } from './intervals.repository.ts';
import { counted } from '../words.ts';

export type CoverageStatus = 'met' | 'partial' | 'gap' | 'not_applicable';

export interface ControlOnDay {
  ref: string;
  title: string;
  relationship: Relationship;
  effective: boolean;
  /** Why the control is or is not effective on the day. */
  reason: string;
}

export interface RequirementCoverage {
  ref: string;
  name: string;
  status: CoverageStatus;
  reason: string;
  controls: ControlOnDay[];
}

export interface CoverageCounts {
  met: number;
  partial: number;
  gap: number;
  notApplicable: number;
  /** Applicable assessable requirements: met + partial + gap. */
  applicable: number;
}

export interface FrameworkCoverage {
  slug: string;
  name: string;
  counts: CoverageCounts;
  /** Shares of the applicable requirements, in percent with one decimal. */
  metPercent: number;
  partialPercent: number;
  gapPercent: number;
  requirements?: RequirementCoverage[];
}

export interface CoverageReport {
  asOf: string;
  frameworks: FrameworkCoverage[];
}

export { isDay } from '../dates.ts';

/**
 * The as-of day a person asked for (today when none), checked as every face checks it: an existing
 * day, and not after today — no evidence has been collected for a later day, so its coverage would
 * be an empty guess. Internal callers (reports, tests) compare days they chose themselves.
 */
export function askedCoverageDay(ctx: AppContext, asOf: string | undefined): string {
  const day = today(ctx.clock);
  if (asOf === undefined || asOf === '') return day;
  if (!isDay(asOf)) throw AppError.invalid([{ field: 'as_of', message: 'Use a date like 2026-01-31.' }]);
  if (asOf > day) throw AppError.invalid([{ field: 'as_of', message: `Coverage can be shown up to today (${day}), not for a later day.` }]);
  return asOf;
}

const percent = (n: number, of: number) => (of === 0 ? 0 : Math.round((n / of) * 1000) / 10);

interface ControlInfo {
  ref: string;
  title: string;
  status: string;
  applicable: boolean;
  retired: boolean;
  /** Latest valid_until of evidence valid on the day, if any. */
  validUntil: string | undefined;
}

/**
 * The coverage rule of DESIGN.md, the one implementation every page, API call, CLI command and
 * report uses. A control is effective on day D when it is applicable, implemented (and not
 * retired) and has accepted evidence (current version) with collected_at ≤ D ≤ valid_until. A
 * requirement is met when an effective control maps to it as equal or superset, partial when only
 * other effective mappings exist, a gap otherwise, and not applicable when excluded.
 * Pass `detail` to get each requirement with its reason.
 */
export async function computeCoverage(
  ctx: AppContext,
  principal: Principal,
  options: {
    asOf?: string | undefined;
    framework?: string | undefined;
    detail?: boolean;
    /** Where "accepted evidence valid on the day" is read: the maintained intervals (always), or the evidence itself (the reference the equality test compares with). */
    from?: 'intervals' | 'evidence';
  } = {},
): Promise<CoverageReport> {
  authorize(principal, 'catalog.read');
  const asOf = options.asOf ?? today(ctx.clock);
  if (!isDay(asOf)) throw AppError.invalid([{ field: 'as_of', message: 'Use a date like 2026-01-31.' }]);
  const frameworks = await repo.frameworkRows(ctx.db, options.framework);
  if (options.framework && frameworks.length === 0) {
    throw AppError.invalid([{ field: 'framework', message: `Unknown framework ${options.framework}.` }]);
  }
  const frameworkIds = frameworks.map((f) => f.id);
  const [{ requirementsOf, byRequirement, mappings, controls }, valid] = await Promise.all([
    catalogShape(ctx, frameworkIds),
    options.from === 'evidence' ? repo.validEvidenceByControl(ctx.db, asOf) : intervalsOnDay(ctx.db, asOf),
  ]);
  const validUntil = new Map(valid.map((v) => [v.control_id, String(v.valid_until)]));
  const info = new Map<number, ControlInfo>(
    controls.map((c) => [c.id, { ref: c.ref, title: c.title, status: c.status, applicable: c.applicable === 1, retired: c.retired_at !== null, validUntil: validUntil.get(c.id) }]),
  );
  const effective = (c: ControlInfo) => c.applicable && !c.retired && c.status === 'implemented' && c.validUntil !== undefined;

  const reasons = options.detail
    ? await notEffectiveReasons(
        ctx,
        asOf,
        info,
        mappings.map((m) => m.control_id),
      )
    : undefined;

  return {
    asOf,
    frameworks: frameworks.map((fw) => {
      const counts: CoverageCounts = { met: 0, partial: 0, gap: 0, notApplicable: 0, applicable: 0 };
      const details: RequirementCoverage[] = [];
      for (const req of requirementsOf.get(fw.id) ?? []) {
        const mapped = (byRequirement.get(req.id) ?? []).filter((m) => !info.get(m.controlId)?.retired);
        let status: CoverageStatus;
        if (req.justification !== null) status = 'not_applicable';
        else if (mapped.some((m) => satisfiesFully(m.relationship) && effective(info.get(m.controlId)!))) status = 'met';
        else if (mapped.some((m) => effective(info.get(m.controlId)!))) status = 'partial';
        else status = 'gap';
        if (status === 'not_applicable') counts.notApplicable += 1;
        else counts[status] += 1;
        if (reasons) details.push(describe(req, status, mapped, info, effective, reasons));
      }
      counts.applicable = counts.met + counts.partial + counts.gap;
      return {
        slug: fw.slug,
        name: fw.name,
        counts,
        metPercent: percent(counts.met, counts.applicable),
        partialPercent: percent(counts.partial, counts.applicable),
        gapPercent: percent(counts.gap, counts.applicable),
        ...(reasons ? { requirements: details } : {}),
      };
    }),
  };
}

type Shape = {
  /** Each framework's assessable requirements, in order. */
  requirementsOf: Map<number, Awaited<ReturnType<typeof repo.assessableRequirements>>>;
  mappings: Awaited<ReturnType<typeof repo.mappingsOf>>;
  /** Each requirement's mapped controls. */
  byRequirement: Map<number, { controlId: number; relationship: Relationship }[]>;
  controls: Awaited<ReturnType<typeof repo.controlStates>>;
};
const shapes = new WeakMap<object, { version: number; byFrameworks: Map<string, Shape> }>();

/**
 * What coverage reads besides the evidence — requirements, exclusions, mappings, the controls'
 * states — does not depend on the day and changes only with the coverage version (catalogs,
 * applicability, controls, mappings), so it is read once per version and per process.
 */
async function catalogShape(ctx: AppContext, frameworkIds: number[]): Promise<Shape> {
  const version = await versionOf(ctx.db, 'coverage');
  let entry = shapes.get(ctx.db);
  if (!entry || entry.version !== version) {
    entry = { version, byFrameworks: new Map() };
    shapes.set(ctx.db, entry);
  }
  const key = frameworkIds.join(',');
  const hit = entry.byFrameworks.get(key);
  if (hit) return hit;
  const [requirements, mappings, controls] = await Promise.all([
    repo.assessableRequirements(ctx.db, frameworkIds),
    repo.mappingsOf(ctx.db, frameworkIds),
    repo.controlStates(ctx.db),
  ]);
  const requirementsOf = new Map<number, typeof requirements>();
  for (const req of requirements) {
    const list = requirementsOf.get(req.framework_id) ?? [];
    list.push(req);
    requirementsOf.set(req.framework_id, list);
  }
  const byRequirement = new Map<number, { controlId: number; relationship: Relationship }[]>();
  for (const m of mappings) {
    const list = byRequirement.get(m.requirement_id) ?? [];
    list.push({ controlId: m.control_id, relationship: m.relationship as Relationship });
    byRequirement.set(m.requirement_id, list);
  }
  const shape = { requirementsOf, byRequirement, mappings, controls };
  // Read again if the version moved while reading: never keep a shape under a version it may not match.
  if ((await versionOf(ctx.db, 'coverage')) === version) entry.byFrameworks.set(key, shape);
  return shape;
}

async function notEffectiveReasons(ctx: AppContext, asOf: string, info: Map<number, ControlInfo>, mappedIds: number[]): Promise<Map<number, string>> {
  const ids = [...new Set(mappedIds)].filter((id) => info.get(id)?.validUntil === undefined);
  const [expired, pending] = await Promise.all([repo.expiredEvidenceByControl(ctx.db, asOf, ids), repo.pendingEvidenceByControl(ctx.db, ids)]);
  const expiredOn = new Map(expired.map((e) => [e.control_id, String(e.valid_until)]));
  const awaiting = new Map(pending.map((p) => [p.control_id, Number(p.items)]));
  const out = new Map<number, string>();
  for (const [id, c] of info) {
    if (c.retired) out.set(id, 'retired');
    else if (!c.applicable) out.set(id, 'marked not applicable');
    else if (c.status !== 'implemented') out.set(id, `status is ${c.status.replace(/_/g, ' ')}`);
    else if (c.validUntil !== undefined) out.set(id, `evidence valid until ${c.validUntil}`);
    else {
      const parts = [expiredOn.has(id) ? `evidence expired after ${expiredOn.get(id)}` : 'no accepted evidence for this date'];
      if (awaiting.get(id)) parts.push(`${counted(awaiting.get(id)!, 'item')} awaiting review`);
      out.set(id, parts.join('; '));
    }
  }
  return out;
}

function describe(
  req: { ref: string; name: string; justification: string | null },
  status: CoverageStatus,
  mapped: { controlId: number; relationship: Relationship }[],
  info: Map<number, ControlInfo>,
  effective: (c: ControlInfo) => boolean,
  reasons: Map<number, string>,
): RequirementCoverage {
  const controls = mapped
    .map((m) => {
      const c = info.get(m.controlId)!;
      return { ref: c.ref, title: c.title, relationship: m.relationship, effective: effective(c), reason: reasons.get(m.controlId) ?? '' };
    })
    .sort((a, b) => Number(b.effective) - Number(a.effective) || relationshipRank[b.relationship] - relationshipRank[a.relationship] || a.ref.localeCompare(b.ref));
  const list = (cs: ControlOnDay[]) => cs.map((c) => `${c.ref} (${c.relationship})`).join(', ');
  let reason: string;
  if (status === 'not_applicable') reason = `Not applicable: ${req.justification}`;
  else if (status === 'met') reason = `Met by ${list(controls.filter((c) => c.effective && satisfiesFully(c.relationship)))}.`;
  else if (status === 'partial') {
    const full = controls.filter((c) => satisfiesFully(c.relationship));
    reason = `Only partly covered: ${list(controls.filter((c) => c.effective))} effective; ${
      full.length ? `fully covering ${full.map((c) => `${c.ref} is not effective (${c.reason})`).join('; ')}` : 'no control covers the whole requirement'
    }.`;
  } else if (controls.length === 0) reason = 'No control is mapped to this requirement.';
  else reason = `No mapped control is effective: ${controls.map((c) => `${c.ref}: ${c.reason}`).join('; ')}.`;
  return { ref: req.ref, name: req.name, status, reason, controls };
}
