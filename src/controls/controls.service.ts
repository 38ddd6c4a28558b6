import { withActivity } from '../activity/activity.service.ts';
import { authorize, type Resource } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import { AppError } from '../http/errors.ts';
import { findFramework } from '../frameworks/frameworks.repository.ts';
import * as repo from './controls.repository.ts';
import type { ControlRow } from './library.repository.ts';
import { satisfiesFully, type Frequency, type ImplementationStatus, type Relationship } from './controls.model.ts';

export interface Control {
  id: number;
  ref: string;
  domain: string;
  domainName: string;
  title: string;
  description: string;
  frequency: Frequency;
  owner: string;
  status: ImplementationStatus;
  applicable: boolean;
  applicabilityNote: string | null;
  evidenceHint: string[];
  editedInApp: boolean;
  retiredAt: string | null;
  /** The control that absorbed this one when it was merged. */
  mergedInto: string | null;
  updatedAt: string;
}

export interface ControlMapping {
  id: number;
  framework: string;
  frameworkName: string;
  ref: string;
  name: string;
  relationship: Relationship;
  full: boolean;
  strength: number | null;
  rationale: string | null;
}

function toControl(row: ControlRow & { domain_name: string }): Control {
  const frequency = row.frequency as Frequency;
  const status = row.status as ImplementationStatus;
  return {
    id: row.id,
    ref: row.ref,
    domain: row.domain,
    domainName: row.domain_name,
    title: row.title,
    description: row.description,
    frequency,
    owner: row.owner,
    status,
    applicable: row.applicable === 1,
    applicabilityNote: row.applicability_note,
    evidenceHint: JSON.parse(row.evidence_hint) as string[],
    editedInApp: row.app_edited === 1,
    retiredAt: row.retired_at,
    mergedInto: row.merged_into,
    updatedAt: row.updated_at,
  };
}

/** What the policy needs to know about a control. */
export const controlResource = (control: Pick<Control, 'retiredAt'>): Resource => ({ kind: 'control', retired: control.retiredAt !== null });

export async function listControls(ctx: AppContext, principal: Principal, filter: repo.ControlFilter, page: { limit: number; offset: number }) {
  authorize(principal, 'catalog.read');
  const { rows, total } = await repo.listControls(ctx.db, filter, page);
  return { items: rows.map((r) => ({ ...toControl(r), mappingCount: r.mapping_count })), total };
}

export async function getControl(ctx: AppContext, principal: Principal, ref: string): Promise<{ control: Control; mappings: ControlMapping[] }> {
  authorize(principal, 'catalog.read');
  const row = await repo.findControlByRef(ctx.db, ref);
  if (!row) throw AppError.notFound(`Control ${ref}`);
  const mappings = (await repo.mappingsOfControl(ctx.db, row.id)).map((m) => {
    const relationship = m.relationship as Relationship;
    return {
      id: m.id,
      framework: m.slug,
      frameworkName: m.framework_name,
      ref: m.ref,
      name: m.name,
      relationship,
      full: satisfiesFully(relationship),
      strength: m.strength,
      rationale: m.rationale,
    };
  });
  return { control: toControl(row), mappings };
}

export async function controlFacets(ctx: AppContext, principal: Principal) {
  authorize(principal, 'catalog.read');
  return { domains: await repo.domains(ctx.db), owners: await repo.owners(ctx.db) };
}

export interface ControlChoice {
  ref: string;
  title: string;
  domainName: string;
}

/** The active controls a form may offer (evidence is logged only against active controls). */
export async function controlChoices(ctx: AppContext, principal: Principal): Promise<ControlChoice[]> {
  authorize(principal, 'catalog.read');
  const rows = await repo.activeControlChoices(ctx.db);
  return rows.map((r) => ({ ref: r.ref, title: r.title, domainName: r.domain_name }));
}

/** The control as it stands inside the unit of work, checked against the policy for editing. */
async function editableControl(trx: AppContext['db'], principal: Principal, ref: string): Promise<ControlRow & { domain_name: string }> {
  const row = await repo.findControlByRef(trx, ref);
  if (!row) throw AppError.notFound(`Control ${ref}`);
  authorize(principal, 'controls.edit', { kind: 'control', retired: row.retired_at !== null });
  return row;
}

/** Changes a control's metadata; the change and its before/after go to the activity trail. */
export async function updateControl(
  ctx: AppContext,
  principal: Principal,
  ref: string,
  input: { owner: string; frequency: Frequency; status: ImplementationStatus; applicable: boolean; applicability_note?: string | undefined },
): Promise<Control> {
  authorize(principal, 'controls.edit');
  const after = {
    owner: input.owner,
    frequency: input.frequency,
    status: input.status,
    applicable: input.applicable,
    applicability_note: input.applicable ? null : (input.applicability_note ?? null),
  };
  let changed: (keyof typeof after)[] = [];
  let before: typeof after = after;
  await withActivity(
    ctx,
    principal,
    async (trx) => {
      const control = toControl(await editableControl(trx, principal, ref));
      before = { owner: control.owner, frequency: control.frequency, status: control.status, applicable: control.applicable, applicability_note: control.applicabilityNote };
      changed = (Object.keys(after) as (keyof typeof after)[]).filter((k) => before[k] !== after[k]);
      if (changed.length === 0) return false;
      await repo.updateControlColumns(trx, control.id, {
        owner: after.owner,
        frequency: after.frequency,
        status: after.status,
        applicable: after.applicable ? 1 : 0,
        applicability_note: after.applicability_note,
        app_edited: 1,
        updated_at: ctx.clock().toISOString(),
      });
      return true;
    },
    (updated) =>
      updated
        ? [
            {
              action: 'control.updated',
              subjectType: 'control',
              subjectId: ref,
              details: { source: 'app', changes: Object.fromEntries(changed.map((k) => [k, { from: before[k], to: after[k] }])) },
            },
          ]
        : [],
  );
  return (await getControl(ctx, principal, ref)).control;
}

/** Adds a mapping, or changes the relationship/rationale of an existing one; gives the framework's name for the confirmation. */
export async function saveMapping(
  ctx: AppContext,
  principal: Principal,
  ref: string,
  input: { framework: string; requirement: string; relationship: Relationship; rationale?: string | undefined },
): Promise<{ frameworkName: string }> {
  authorize(principal, 'controls.edit');
  const rationale = input.rationale ?? null;
  let frameworkName = input.framework;
  await withActivity(
    ctx,
    principal,
    async (trx) => {
      const control = await editableControl(trx, principal, ref);
      const req = await repo.findAssessableRequirement(trx, input.framework, input.requirement);
      if (!req) {
        // People read framework names, not slugs.
        const framework = await findFramework(trx, input.framework);
        throw AppError.invalid(
          framework
            ? [{ field: 'requirement', message: `${framework.name} has no requirement ${input.requirement}.` }]
            : [{ field: 'framework', message: `There is no framework "${input.framework}"; choose one from the list.` }],
        );
      }
      frameworkName = req.framework_name;
      if (req.assessable !== 1)
        throw AppError.invalid([{ field: 'requirement', message: `${req.framework_name} ${input.requirement} groups other requirements; map to one of them.` }]);
      // Looked up inside the transaction, so two people adding the same mapping cannot both insert it.
      const existing = await repo.findMapping(trx, control.id, req.id);
      if (existing && existing.relationship === input.relationship && existing.rationale === rationale) return null;
      if (existing) await repo.updateMapping(trx, existing.id, { relationship: input.relationship, rationale });
      else await repo.insertMapping(trx, { control_id: control.id, requirement_id: req.id, relationship: input.relationship, rationale });
      await repo.updateControlColumns(trx, control.id, { app_edited: 1, updated_at: ctx.clock().toISOString() });
      return { previous: existing?.relationship ?? null };
    },
    (saved) =>
      saved
        ? [
            {
              action: saved.previous ? 'mapping.updated' : 'mapping.added',
              subjectType: 'control',
              subjectId: ref,
              details: {
                framework: input.framework,
                requirement: input.requirement,
                relationship: input.relationship,
                ...(saved.previous ? { previous_relationship: saved.previous } : {}),
                ...(rationale ? { rationale } : {}),
              },
            },
          ]
        : [],
  );
  return { frameworkName };
}

export async function removeMapping(ctx: AppContext, principal: Principal, ref: string, mappingId: number): Promise<void> {
  authorize(principal, 'controls.edit');
  const { mappings } = await getControl(ctx, principal, ref);
  const mapping = mappings.find((m) => m.id === mappingId);
  if (!mapping) throw AppError.notFound('Mapping');
  await withActivity(
    ctx,
    principal,
    async (trx) => {
      const control = await editableControl(trx, principal, ref);
      await repo.deleteMapping(trx, mappingId);
      await repo.updateControlColumns(trx, control.id, { app_edited: 1, updated_at: ctx.clock().toISOString() });
    },
    () => ({
      action: 'mapping.removed',
      subjectType: 'control',
      subjectId: ref,
      details: { framework: mapping.framework, requirement: mapping.ref, relationship: mapping.relationship },
    }),
  );
}
