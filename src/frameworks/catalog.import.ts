import { createHash } from 'node:crypto';
import { recordActivity } from '../activity/activity.service.ts';
import { authorize } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import type { Relationship } from '../controls/controls.model.ts';
import { unitOfWork } from '../db/unit-of-work.ts';
import { AppError } from '../http/errors.ts';
import type { CatalogRow } from './catalog.read.ts';
import * as repo from './catalog.repository.ts';
import { counted } from '../words.ts';

// Bringing in a team's own catalog — the licensed text of a standard in place of Attest's
// paraphrase or provisional numbering, or a scheme Attest ships no catalog for — kept in their
// database, never shipped. Replacing a catalog moves every record that points at an old requirement
// (mappings, exclusions, audit scopes, findings, evidence requests) to its successor through the
// team's old → new map (a ref kept in the new catalog is its own successor). All or nothing: a
// mapping left without a target is refused unless the team accepts dropping it, and an audit record
// left without one is always refused (audit history is not rewritten into nothing). Recorded.

export interface CatalogImport {
  slug: string;
  file: { name: string; content: Buffer };
  rows: CatalogRow[];
  /** Old ref → new ref (null: no successor). */
  map: Map<string, string | null>;
  name?: string | undefined;
  edition?: string | undefined;
  publisher?: string | undefined;
  /** Drop mappings whose requirement has no successor (listed in the report) instead of refusing. */
  dropUnmapped: boolean;
  /** Work out and report everything, change nothing. */
  dryRun: boolean;
}

export interface CatalogImportReport {
  slug: string;
  created: boolean;
  requirements: { added: number; kept: number; removed: number };
  moved: { mappings: number; exclusions: number; auditScope: number; findings: number; requests: number };
  /** Mappings left without a target (dropped with dropUnmapped, else the import was refused). */
  unmapped: { control: string; ref: string; relationship: string }[];
  exclusionsDropped: string[];
  dryRun: boolean;
}

const SLUG = /^[a-z0-9][a-z0-9.-]{1,60}$/;
const strongest = (a: Relationship, b: Relationship): Relationship => {
  const rank: Record<Relationship, number> = { equal: 0, superset: 1, subset: 2, intersect: 3 };
  return rank[a] <= rank[b] ? a : b;
};

export async function importCatalog(ctx: AppContext, principal: Principal, input: CatalogImport): Promise<CatalogImportReport> {
  authorize(principal, 'controls.edit');
  if (!SLUG.test(input.slug)) throw AppError.invalid([{ field: 'framework', message: 'A framework slug: lower-case letters, digits, dots and dashes (e.g. bsi-c5-2020).' }]);
  const sha256 = createHash('sha256').update(input.file.content).digest('hex');
  const now = ctx.clock().toISOString();
  const source = `Imported by the team from ${input.file.name} (SHA-256 ${sha256}) on ${now.slice(0, 10)}; kept in this database, not shipped with Attest.`;
  const work = async (trx: Parameters<Parameters<typeof unitOfWork>[1]>[0]): Promise<CatalogImportReport> => {
    const existing = await repo.frameworkBySlug(trx, input.slug);
    const report: CatalogImportReport = {
      slug: input.slug,
      created: !existing,
      requirements: { added: 0, kept: 0, removed: 0 },
      moved: { mappings: 0, exclusions: 0, auditScope: 0, findings: 0, requests: 0 },
      unmapped: [],
      exclusionsDropped: [],
      dryRun: input.dryRun,
    };
    const reqRow = (r: CatalogRow, position: number) => ({ name: r.name, summary: r.summary, parent_ref: r.parent, assessable: (r.assessable ? 1 : 0) as 0 | 1, position });

    if (!existing) {
      if (!input.name) throw AppError.invalid([{ field: 'name', message: `There is no framework ${input.slug} yet: give its name (--name) to add it.` }]);
      if (input.map.size) throw AppError.invalid([{ field: 'map', message: `There is no framework ${input.slug} yet, so there is nothing to map from.` }]);
      const id = await repo.insertFramework(trx, {
        slug: input.slug,
        name: input.name,
        edition: input.edition ?? 'as imported',
        publisher: input.publisher ?? 'not stated',
        source,
        loaded_at: now,
      });
      for (const [i, r] of input.rows.entries()) await repo.insertRequirement(trx, { framework_id: id, ref: r.ref, ...reqRow(r, i) });
      report.requirements.added = input.rows.length;
    } else {
      const old = await repo.requirementsOf(trx, existing.id);
      const oldByRef = new Map(old.map((r) => [r.ref, r]));
      const newRefs = new Set(input.rows.map((r) => r.ref));
      const problems: { field: string; message: string }[] = [];
      for (const [from, to] of input.map) {
        if (!oldByRef.has(from)) problems.push({ field: 'map', message: `The map names ${from}, which is not a requirement of ${input.slug}.` });
        if (to !== null && !newRefs.has(to)) problems.push({ field: 'map', message: `The map sends ${from} to ${to}, which is not in the new catalog.` });
      }
      if (problems.length) throw AppError.invalid(problems.slice(0, 50), `${problems.length} problems in the map; nothing was imported.`);
      const successor = (ref: string): string | null => (input.map.has(ref) ? input.map.get(ref)! : newRefs.has(ref) ? ref : null);

      // Requirements: update the ones kept, add the new, and remember the old ids to move from.
      const idOf = new Map<string, number>();
      for (const [i, r] of input.rows.entries()) {
        const kept = oldByRef.get(r.ref);
        if (kept) {
          await repo.updateRequirement(trx, kept.id, reqRow(r, i));
          idOf.set(r.ref, kept.id);
          report.requirements.kept += 1;
        } else {
          idOf.set(r.ref, await repo.insertRequirement(trx, { framework_id: existing.id, ref: r.ref, ...reqRow(r, i) }));
          report.requirements.added += 1;
        }
      }
      const targetOf = (requirementId: number): number | null => {
        const ref = old.find((o) => o.id === requirementId)!.ref;
        const to = successor(ref);
        return to === null ? null : idOf.get(to)!;
      };
      const refOf = (requirementId: number) => old.find((o) => o.id === requirementId)!.ref;

      const refs = await repo.referencesTo(
        trx,
        old.map((o) => o.id),
      );
      // Audit records are history: each must have a successor.
      const stranded = [
        ...refs.scope.filter((s) => targetOf(s.requirement_id) === null).map((s) => `audit ${s.audit_id} has ${refOf(s.requirement_id)} in its scope`),
        ...refs.findings.filter((f) => f.requirement_id !== null && targetOf(f.requirement_id) === null).map((f) => `finding ${f.finding_id} cites ${refOf(f.requirement_id!)}`),
        ...refs.requests
          .filter((r) => r.requirement_id !== null && targetOf(r.requirement_id) === null)
          .map((r) => `evidence request ${r.ref} of audit ${r.audit_id} cites ${refOf(r.requirement_id!)}`),
      ];
      if (stranded.length) {
        throw AppError.invalid(
          stranded.slice(0, 50).map((message) => ({ field: 'map', message: `${message}, which has no successor: map it to a new requirement.` })),
          `${counted(stranded.length, 'audit record')} ${stranded.length === 1 ? 'points' : 'point'} at requirements with no successor; nothing was imported.`,
        );
      }
      report.unmapped = refs.mappings
        .filter((m) => targetOf(m.requirement_id) === null)
        .map((m) => ({ control: m.control_ref, ref: refOf(m.requirement_id), relationship: m.relationship }));
      if (report.unmapped.length && !input.dropUnmapped) {
        throw AppError.invalid(
          report.unmapped
            .slice(0, 50)
            .map((u) => ({ field: 'map', message: `${u.control} maps to ${u.ref} (${u.relationship}), which has no successor in the map or the new catalog.` })),
          `${counted(report.unmapped.length, 'mapping')} would be left without a target; map their requirements, or accept dropping them (--drop-unmapped). Nothing was imported.`,
        );
      }

      // Mappings and exclusions: removed and written again on their successors (one per control
      // and requirement; where two old requirements merge into one, the stronger claim stays).
      const movedIds = old.map((o) => o.id);
      const mappings = new Map<string, (typeof refs.mappings)[number] & { to: number }>();
      for (const m of refs.mappings) {
        const to = targetOf(m.requirement_id);
        if (to === null) continue;
        const key = `${m.control_id}:${to}`;
        const prior = mappings.get(key);
        if (!prior || strongest(prior.relationship as Relationship, m.relationship as Relationship) === m.relationship) mappings.set(key, { ...m, to });
        if (to !== m.requirement_id) report.moved.mappings += 1;
      }
      await repo.deleteMappingsOf(trx, movedIds);
      for (const m of mappings.values()) {
        await repo.insertMapping(trx, {
          control_id: m.control_id,
          requirement_id: m.to,
          relationship: m.relationship as Relationship,
          strength: m.strength,
          rationale: m.rationale,
        });
      }
      const exclusions = new Map<number, (typeof refs.exclusions)[number]>();
      for (const e of refs.exclusions) {
        const to = targetOf(e.requirement_id);
        if (to === null) report.exclusionsDropped.push(refOf(e.requirement_id));
        else {
          if (to !== e.requirement_id) report.moved.exclusions += 1;
          exclusions.set(to, e);
        }
      }
      await repo.deleteExclusionsOf(trx, movedIds);
      for (const [to, e] of exclusions) await repo.insertExclusion(trx, { requirement_id: to, justification: e.justification, updated_at: e.updated_at });
      for (const s of refs.scope) {
        const to = targetOf(s.requirement_id)!;
        if (to === s.requirement_id) continue;
        await repo.moveScope(trx, s.audit_id, s.requirement_id, to);
        report.moved.auditScope += 1;
      }
      for (const f of refs.findings) {
        const to = f.requirement_id === null ? null : targetOf(f.requirement_id);
        if (to === null || to === f.requirement_id) continue;
        await repo.moveFindingLink(trx, f.finding_id, f.requirement_id!, to);
        report.moved.findings += 1;
      }
      for (const r of refs.requests) {
        const to = r.requirement_id === null ? null : targetOf(r.requirement_id);
        if (to === null || to === r.requirement_id) continue;
        await repo.moveRequest(trx, r.id, to);
        report.moved.requests += 1;
      }
      for (const o of old) {
        if (newRefs.has(o.ref)) continue;
        await repo.deleteRequirement(trx, o.id);
        report.requirements.removed += 1;
      }

      // The shipped control files still name the old refs: keep the map (composed with any
      // earlier one) so `controls load` reads them through it.
      const earlier = await repo.refMapOf(trx, existing.id);
      const composed = new Map<string, string | null>();
      for (const e of earlier) composed.set(e.old_ref, e.new_ref === null ? null : successor(e.new_ref));
      for (const o of old) if (successor(o.ref) !== o.ref) composed.set(o.ref, successor(o.ref));
      await repo.replaceRefMap(
        trx,
        existing.id,
        [...composed].map(([old_ref, new_ref]) => ({ old_ref, new_ref })),
      );
      await repo.updateFramework(trx, existing.id, {
        ...(input.name ? { name: input.name } : {}),
        ...(input.edition ? { edition: input.edition } : {}),
        ...(input.publisher ? { publisher: input.publisher } : {}),
        source,
        loaded_at: now,
      });
    }
    await recordActivity(ctx, trx, principal, {
      action: 'framework.imported',
      subjectType: 'framework',
      subjectId: input.slug,
      details: {
        file: input.file.name,
        sha256,
        created: report.created,
        requirements: report.requirements,
        moved: report.moved,
        unmapped_dropped: report.unmapped.map((u) => `${u.control} → ${u.ref}`).slice(0, 500),
        exclusions_dropped: report.exclusionsDropped,
      },
    });
    if (input.dryRun) throw new DryRun(report);
    return report;
  };
  try {
    return await unitOfWork(ctx, work);
  } catch (err) {
    if (err instanceof DryRun) return err.report;
    throw err;
  }
}

/** Thrown to roll a dry run's unit of work back, carrying what it would have done. */
class DryRun extends Error {
  constructor(readonly report: CatalogImportReport) {
    super('dry run');
  }
}
