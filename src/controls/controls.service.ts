import { withActivity } from '../activity/activity.service.ts';
import type { Actor, AppContext } from '../context.ts';
import { AppError } from '../http/errors.ts';
import * as repo from './controls.repository.ts';
import type { ControlRow } from './library.repository.ts';
import {
  frequencyLabels,
  satisfiesFully,
  statusLabels,
  type Frequency,
  type ImplementationStatus,
  type Relationship,
} from './controls.model.ts';

export interface Control {
  id: number;
  ref: string;
  domain: string;
  domainName: string;
  title: string;
  description: string;
  frequency: Frequency;
  frequencyLabel: string;
  owner: string;
  status: ImplementationStatus;
  statusLabel: string;
  applicable: boolean;
  applicabilityNote: string | null;
  evidenceHint: string[];
  editedInApp: boolean;
  retiredAt: string | null;
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
    frequencyLabel: frequencyLabels[frequency] ?? row.frequency,
    owner: row.owner,
    status,
    statusLabel: statusLabels[status] ?? row.status,
    applicable: row.applicable === 1,
    applicabilityNote: row.applicability_note,
    evidenceHint: JSON.parse(row.evidence_hint) as string[],
    editedInApp: row.app_edited === 1,
    retiredAt: row.retired_at,
    updatedAt: row.updated_at,
  };
}

export async function listControls(ctx: AppContext, filter: repo.ControlFilter, page: { limit: number; offset: number }) {
  const { rows, total } = await repo.listControls(ctx.db, filter, page);
  return { items: rows.map((r) => ({ ...toControl(r), mappingCount: r.mapping_count })), total };
}

export async function getControl(ctx: AppContext, ref: string): Promise<{ control: Control; mappings: ControlMapping[] }> {
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

export const controlFacets = async (ctx: AppContext) => ({
  domains: await repo.domains(ctx.db),
  owners: await repo.owners(ctx.db),
});

/** Changes a control's metadata; the change and its before/after go to the activity trail. */
export async function updateControl(
  ctx: AppContext,
  actor: Actor,
  ref: string,
  input: { owner: string; frequency: Frequency; status: ImplementationStatus; applicable: boolean; applicability_note?: string | undefined },
): Promise<Control> {
  const { control } = await getControl(ctx, ref);
  if (control.retiredAt) throw AppError.conflict('This control is retired and cannot be edited.');
  const before = { owner: control.owner, frequency: control.frequency, status: control.status, applicable: control.applicable, applicability_note: control.applicabilityNote };
  const after = { owner: input.owner, frequency: input.frequency, status: input.status, applicable: input.applicable, applicability_note: input.applicable ? null : input.applicability_note ?? null };
  const changed = (Object.keys(after) as (keyof typeof after)[]).filter((k) => before[k] !== after[k]);
  if (changed.length === 0) return control;
  await withActivity(
    ctx,
    actor,
    (trx) =>
      repo.updateControlColumns(trx, control.id, {
        owner: after.owner,
        frequency: after.frequency,
        status: after.status,
        applicable: after.applicable ? 1 : 0,
        applicability_note: after.applicability_note,
        app_edited: 1,
        updated_at: ctx.clock().toISOString(),
      }),
    () => ({
      action: 'control.updated',
      subjectType: 'control',
      subjectId: ref,
      details: { source: 'app', changes: Object.fromEntries(changed.map((k) => [k, { from: before[k], to: after[k] }])) },
    }),
  );
  return (await getControl(ctx, ref)).control;
}

/** Adds a mapping, or changes the relationship/rationale of an existing one. */
export async function saveMapping(
  ctx: AppContext,
  actor: Actor,
  ref: string,
  input: { framework: string; requirement: string; relationship: Relationship; rationale?: string | undefined },
): Promise<void> {
  const { control } = await getControl(ctx, ref);
  if (control.retiredAt) throw AppError.conflict('This control is retired and cannot be edited.');
  const req = await repo.findAssessableRequirement(ctx.db, input.framework, input.requirement);
  if (!req) throw AppError.invalid([{ field: 'requirement', message: `${input.framework} has no requirement ${input.requirement}.` }]);
  if (req.assessable !== 1) throw AppError.invalid([{ field: 'requirement', message: `${input.requirement} groups other requirements; map to one of them.` }]);
  const existing = await repo.findMapping(ctx.db, control.id, req.id);
  const rationale = input.rationale ?? null;
  if (existing && existing.relationship === input.relationship && existing.rationale === rationale) return;
  await withActivity(
    ctx,
    actor,
    async (trx) => {
      if (existing) await repo.updateMapping(trx, existing.id, { relationship: input.relationship, rationale });
      else await repo.insertMapping(trx, { control_id: control.id, requirement_id: req.id, relationship: input.relationship, rationale });
      await repo.updateControlColumns(trx, control.id, { app_edited: 1, updated_at: ctx.clock().toISOString() });
    },
    () => ({
      action: existing ? 'mapping.updated' : 'mapping.added',
      subjectType: 'control',
      subjectId: ref,
      details: {
        framework: input.framework,
        requirement: input.requirement,
        relationship: input.relationship,
        ...(existing ? { previous_relationship: existing.relationship } : {}),
        ...(rationale ? { rationale } : {}),
      },
    }),
  );
}

export async function removeMapping(ctx: AppContext, actor: Actor, ref: string, mappingId: number): Promise<void> {
  const { control, mappings } = await getControl(ctx, ref);
  const mapping = mappings.find((m) => m.id === mappingId);
  if (!mapping) throw AppError.notFound('Mapping');
  if (control.retiredAt) throw AppError.conflict('This control is retired and cannot be edited.');
  await withActivity(
    ctx,
    actor,
    async (trx) => {
      await repo.deleteMapping(trx, mappingId);
      await repo.updateControlColumns(trx, control.id, { app_edited: 1, updated_at: ctx.clock().toISOString() });
    },
    () => ({ action: 'mapping.removed', subjectType: 'control', subjectId: ref, details: { framework: mapping.framework, requirement: mapping.ref, relationship: mapping.relationship } }),
  );
}
