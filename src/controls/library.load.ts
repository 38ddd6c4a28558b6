import type { Transaction } from 'kysely';
import { recordActivity } from '../activity/activity.service.ts';
import { authorize } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import { unitOfWork } from '../db/unit-of-work.ts';
import { flag, type DB } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';
import { checkLibrary, formatProblem } from './library.check.ts';
import type { ControlDef, FrameworkDef, LibraryFiles } from './library.files.ts';
import * as repo from './library.repository.ts';
import { refreshIntervals } from '../coverage/intervals.service.ts';
import { counted } from '../words.ts';

export interface LoadReport {
  /** `kept`: a catalog the team imported, left as it is. */
  frameworks: { slug: string; created: boolean; added: number; updated: number; removed: number; kept?: boolean }[];
  exclusions: { added: number; updated: number; removed: number };
  controls: {
    added: string[];
    updated: string[];
    overwritten: string[];
    /** Edited in the app and different from the files: kept, unless loading with overwrite. */
    differs: { ref: string; fields: string[] }[];
    retired: string[];
    /** Retired because another control absorbed them; their evidence is linked to the survivor too. */
    merged: { ref: string; into: string; evidence: number }[];
    restored: string[];
    unchanged: number;
  };
}

/** The comparable state of a control, whether it comes from the files or from the database. */
interface ControlState {
  domain: string;
  title: string;
  description: string;
  frequency: string;
  owner: string;
  status: string;
  applicable: boolean;
  applicabilityNote: string | null;
  evidence: string[];
  mappings: string[];
}

const mappingKey = (m: { framework: string; ref: string; relationship: string; strength: number | null; rationale: string | null }) =>
  [m.framework, m.ref, m.relationship, m.strength ?? '', m.rationale ?? ''].join('|');

function fileState(c: ControlDef): ControlState {
  return {
    domain: c.domain,
    title: c.title,
    description: c.description,
    frequency: c.frequency,
    owner: c.owner,
    status: c.status,
    applicable: c.applicable,
    applicabilityNote: c.applicabilityNote,
    evidence: c.evidence,
    mappings: c.mappings.map(mappingKey).sort(),
  };
}

function dbState(row: repo.ControlRow, mappings: repo.MappingWithTarget[]): ControlState {
  return {
    domain: row.domain,
    title: row.title,
    description: row.description,
    frequency: row.frequency,
    owner: row.owner,
    status: row.status,
    applicable: row.applicable === 1,
    applicabilityNote: row.applicability_note,
    evidence: JSON.parse(row.evidence_hint) as string[],
    mappings: mappings.map(mappingKey).sort(),
  };
}

function changedFields(a: ControlState, b: ControlState): string[] {
  return (Object.keys(a) as (keyof ControlState)[]).filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}

/**
 * Loads the files into the database in one transaction, recording every change in the activity
 * trail. Framework catalogs and default applicability always follow the files. Controls: new ones
 * are added; ones changed in the files are updated unless they were edited in the app (then they
 * are reported, and replaced only with `overwrite`); ones gone from the files are retired, never
 * deleted, so their history and evidence stay.
 */
export async function loadLibrary(ctx: AppContext, principal: Principal, files: LibraryFiles, options: { overwrite: boolean }): Promise<LoadReport> {
  authorize(principal, 'controls.edit');
  const problems = checkLibrary(files);
  if (problems.length) {
    throw new AppError(
      'validation_failed',
      `The control files have ${counted(problems.length, 'problem')}; run \`attest controls check\`:\n${problems.slice(0, 20).map(formatProblem).join('\n')}`,
    );
  }
  return unitOfWork(ctx, async (trx) => {
    const now = ctx.clock().toISOString();
    const report: LoadReport = {
      frameworks: [],
      exclusions: { added: 0, updated: 0, removed: 0 },
      controls: { added: [], updated: [], overwritten: [], differs: [], retired: [], merged: [], restored: [], unchanged: 0 },
    };
    for (const fw of files.frameworks) report.frameworks.push(await loadFramework(ctx, trx, principal, fw, now));
    const index = await repo.requirementIndex(trx);
    // Catalogs a team imported in place of a shipped one keep their own refs: the files' mappings
    // and exclusions are read through the team's old → new map, and those without a target dropped.
    const translated = translateRefs(files, await repo.refMaps(trx), index);
    report.exclusions = await loadExclusions(ctx, trx, principal, translated, index, now);
    for (const d of files.domains) await repo.upsertDomain(trx, d.slug, d.name);
    await loadControls(ctx, trx, principal, translated, index, now, options.overwrite, report.controls);
    return report;
  });
}

/** The files with refs of replaced catalogs translated (see loadLibrary); unresolvable ones dropped. */
function translateRefs(files: LibraryFiles, maps: Map<string, Map<string, string | null>>, index: Map<string, number>): LibraryFiles {
  if (maps.size === 0) return files;
  const resolve = (framework: string, ref: string): string | null => {
    const map = maps.get(framework);
    if (!map) return ref;
    const target = map.has(ref) ? map.get(ref)! : ref;
    return target !== null && index.has(`${framework}\u0000${target}`) ? target : null;
  };
  return {
    ...files,
    controls: files.controls.map((c) => ({
      ...c,
      mappings: c.mappings.flatMap((m) => {
        const ref = resolve(m.framework, m.ref);
        return ref === null ? [] : [{ ...m, ref }];
      }),
    })),
    exclusions: files.exclusions.flatMap((e) => {
      const ref = resolve(e.framework, e.ref);
      return ref === null ? [] : [{ ...e, ref }];
    }),
  };
}

async function loadFramework(ctx: AppContext, trx: Transaction<DB>, principal: Principal, fw: FrameworkDef, now: string) {
  // A catalog the team imported (their licensed text, their numbering) is theirs: the shipped file
  // does not overwrite it.
  const existing = await repo.findFrameworkBySlug(trx, fw.slug);
  if (existing?.origin === 'imported') return { slug: fw.slug, created: false, added: 0, updated: 0, removed: 0, kept: true };
  const { id, created, changed } = await repo.upsertFramework(trx, {
    slug: fw.slug,
    name: fw.name,
    edition: fw.edition,
    publisher: fw.publisher,
    source: fw.source,
    numbering: fw.numbering,
    loaded_at: now,
  });
  const remaining = new Map((await repo.requirementsOf(trx, id)).map((r) => [r.ref, r]));
  const toInsert: Parameters<typeof repo.insertRequirements>[1] = [];
  const updated: string[] = [];
  for (const [position, req] of fw.requirements.entries()) {
    const row = { name: req.name, summary: req.summary, parent_ref: req.parent, assessable: flag(req.assessable), position };
    const old = remaining.get(req.ref);
    remaining.delete(req.ref);
    if (!old) {
      toInsert.push({ framework_id: id, ref: req.ref, ...row });
    } else if ((Object.keys(row) as (keyof typeof row)[]).some((k) => old[k] !== row[k])) {
      await repo.updateRequirement(trx, old.id, row);
      updated.push(req.ref);
    }
  }
  await repo.insertRequirements(trx, toInsert);
  const removed = [...remaining.values()];
  await repo.deleteRequirements(
    trx,
    removed.map((r) => r.id),
  );
  if (created || changed || toInsert.length || updated.length || removed.length) {
    await recordActivity(ctx, trx, principal, {
      action: created ? 'framework.created' : 'framework.updated',
      subjectType: 'framework',
      subjectId: fw.slug,
      details: {
        added: toInsert.length,
        updated: updated.slice(0, 100),
        removed: removed.map((r) => r.ref).slice(0, 100),
        ...(changed && !created ? { metadata_changed: true } : {}),
      },
    });
  }
  return { slug: fw.slug, created, added: toInsert.length, updated: updated.length, removed: removed.length };
}

async function loadExclusions(
  ctx: AppContext,
  trx: Transaction<DB>,
  principal: Principal,
  files: LibraryFiles,
  index: Map<string, number>,
  now: string,
): Promise<LoadReport['exclusions']> {
  const current = new Map((await repo.allExclusions(trx)).map((e) => [e.requirement_id, e]));
  const result = { added: 0, updated: 0, removed: 0 };
  const changes: string[] = [];
  for (const e of files.exclusions) {
    const requirementId = index.get(`${e.framework}\u0000${e.ref}`)!;
    const old = current.get(requirementId);
    current.delete(requirementId);
    if (old?.justification === e.justification) continue;
    await repo.setExclusion(trx, requirementId, e.justification, now);
    result[old ? 'updated' : 'added'] += 1;
    changes.push(`${old ? 'updated' : 'excluded'} ${e.framework} ${e.ref}`);
  }
  for (const gone of current.values()) {
    await repo.deleteExclusion(trx, gone.requirement_id);
    result.removed += 1;
    changes.push(`included ${gone.slug} ${gone.ref}`);
  }
  if (changes.length) {
    await recordActivity(ctx, trx, principal, { action: 'applicability.loaded', subjectType: 'applicability', details: { ...result, changes: changes.slice(0, 200) } });
  }
  return result;
}

async function loadControls(
  ctx: AppContext,
  trx: Transaction<DB>,
  principal: Principal,
  files: LibraryFiles,
  index: Map<string, number>,
  now: string,
  overwrite: boolean,
  report: LoadReport['controls'],
): Promise<void> {
  const rows = new Map((await repo.allControls(trx)).map((r) => [r.ref, r]));
  const mappingsByControl = new Map<number, repo.MappingWithTarget[]>();
  for (const m of await repo.allMappings(trx)) {
    const list = mappingsByControl.get(m.control_id) ?? [];
    list.push(m);
    mappingsByControl.set(m.control_id, list);
  }
  const mappingRows = (c: ControlDef) =>
    c.mappings.map((m) => ({
      requirement_id: index.get(`${m.framework}\u0000${m.ref}`)!,
      relationship: m.relationship,
      strength: m.strength,
      rationale: m.rationale,
    }));
  const columns = (c: ControlDef) => ({
    domain: c.domain,
    title: c.title,
    description: c.description,
    frequency: c.frequency,
    owner: c.owner,
    status: c.status,
    applicable: flag(c.applicable),
    applicability_note: c.applicabilityNote,
    evidence_hint: JSON.stringify(c.evidence),
  });

  for (const c of files.controls) {
    const row = rows.get(c.ref);
    rows.delete(c.ref);
    if (!row) {
      const id = await repo.insertControl(trx, { ref: c.ref, ...columns(c), app_edited: 0, created_at: now, updated_at: now });
      await repo.replaceMappings(trx, id, mappingRows(c));
      await recordActivity(ctx, trx, principal, { action: 'control.created', subjectType: 'control', subjectId: c.ref, details: { source: 'files', mappings: c.mappings.length } });
      report.added.push(c.ref);
      continue;
    }
    const fields = changedFields(dbState(row, mappingsByControl.get(row.id) ?? []), fileState(c));
    const retired = row.retired_at !== null;
    if (fields.length === 0 && !retired) {
      report.unchanged += 1;
      continue;
    }
    const editedInApp = row.app_edited === 1;
    if (editedInApp && fields.length > 0 && !overwrite) {
      report.differs.push({ ref: c.ref, fields });
      if (!retired) continue;
    }
    const replace = fields.length > 0 && (!editedInApp || overwrite);
    await repo.updateControl(trx, row.id, {
      ...(replace ? { ...columns(c), app_edited: 0 } : {}),
      retired_at: null,
      merged_into: null,
      updated_at: now,
    });
    if (replace && fields.includes('mappings')) await repo.replaceMappings(trx, row.id, mappingRows(c));
    if (retired) report.restored.push(c.ref);
    if (replace) (editedInApp ? report.overwritten : report.updated).push(c.ref);
    await recordActivity(ctx, trx, principal, {
      action: retired ? 'control.restored' : 'control.updated',
      subjectType: 'control',
      subjectId: c.ref,
      details: { source: 'files', fields: replace ? fields : [], ...(editedInApp && replace ? { overwrote_app_edits: true } : {}) },
    });
  }

  // Controls gone from the files: retired; one named in a survivor's merged_from also hands its
  // evidence to the survivor, so what was evidenced once still counts (and says where it went).
  const survivorOf = new Map(files.controls.flatMap((c) => c.mergedFrom.map((ref) => [ref, c.ref] as const)));
  const idOf = new Map((await repo.allControls(trx)).map((r) => [r.ref, r.id]));
  for (const row of rows.values()) {
    const survivor = survivorOf.get(row.ref);
    if (survivor && row.merged_into === null) {
      const evidence = await repo.linkEvidenceOfControl(trx, row.id, idOf.get(survivor)!);
      await refreshIntervals(trx, [idOf.get(survivor)!]);
      await repo.updateControl(trx, row.id, { retired_at: row.retired_at ?? now, merged_into: survivor, updated_at: now });
      await recordActivity(ctx, trx, principal, {
        action: 'control.merged',
        subjectType: 'control',
        subjectId: row.ref,
        details: { into: survivor, evidence_linked: evidence, reason: 'merged_from in the control files' },
      });
      if (row.retired_at === null) report.retired.push(row.ref);
      report.merged.push({ ref: row.ref, into: survivor, evidence: evidence.length });
      continue;
    }
    if (row.retired_at !== null) continue;
    await repo.updateControl(trx, row.id, { retired_at: now, updated_at: now });
    await recordActivity(ctx, trx, principal, { action: 'control.retired', subjectType: 'control', subjectId: row.ref, details: { reason: 'removed from the control files' } });
    report.retired.push(row.ref);
  }
}
