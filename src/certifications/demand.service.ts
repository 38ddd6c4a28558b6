import { withActivity } from '../activity/activity.service.ts';
import { authorize, can } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import { computeCoverage } from '../coverage/coverage.service.ts';
import { today } from '../dates.ts';
import { AppError } from '../http/errors.ts';
import { type HeldCertification, heldFrameworks } from './alerts.service.ts';
import type { DemandSource } from './certifications.model.ts';
import { frameworkBySlug, frameworkRows } from './certifications.repository.ts';
import * as repo from './demand.repository.ts';
import type { DemandInput } from './demand.schema.ts';

// Customers' demand for certifications and schemes not held yet, and the planning ranking.

export interface Demand {
  id: number;
  customer: string;
  /** The loaded framework asked for, or null for a scheme Attest has no catalog for. */
  framework: { slug: string; name: string } | null;
  scheme: string;
  requestedOn: string;
  note: string;
  contractValue: number | null;
  source: DemandSource;
  sourceRef: string | null;
  createdBy: string | null;
  createdAt: string;
}

/** Where a request came from: a person, or (later) a customer's questionnaire, by reference. */
export type DemandOrigin = { source: 'manual' } | { source: 'questionnaire'; ref: string };

const toDemand = (r: repo.DemandRow): Demand => ({
  id: r.id,
  customer: r.customer,
  framework: r.framework_slug && r.framework_name ? { slug: r.framework_slug, name: r.framework_name } : null,
  scheme: r.scheme,
  requestedOn: r.requested_on,
  note: r.note,
  contractValue: r.contract_value === null ? null : Number(r.contract_value),
  source: r.source,
  sourceRef: r.source_ref,
  createdBy: r.created_by_email,
  createdAt: r.created_at,
});

/** Case, spacing and punctuation aside, "ISO/IEC 42001" and "iso/iec  42001" are one scheme. */
export const normalise = (s: string) => s.toLowerCase().replace(/\s+/g, ' ').trim();

/**
 * Records one customer's request. Pages and the API call it as people (source 'manual'); the
 * questionnaire importer will call it with `{ source: 'questionnaire', ref }`, and recording the
 * same reference for the same customer and scheme again returns the first record, unchanged. A
 * free-text scheme naming a loaded framework (by slug or name) counts as that framework.
 */
export async function recordDemand(
  ctx: AppContext,
  principal: Principal,
  input: DemandInput,
  origin: DemandOrigin = { source: 'manual' },
): Promise<{ id: number; created: boolean }> {
  authorize(principal, 'demand.record');
  if (input.requested_on > today(ctx.clock)) throw AppError.invalid([{ field: 'requested_on', message: 'The request date cannot be in the future.' }]);
  const sourceRef = origin.source === 'manual' ? null : origin.ref.trim().slice(0, 200);
  let framework: { id: number; slug: string; name: string } | undefined;
  const result = await withActivity(
    ctx,
    principal,
    async (trx) => {
      if (input.framework) {
        framework = await frameworkBySlug(trx, input.framework);
        if (!framework) throw AppError.invalid([{ field: 'framework', message: `Unknown framework ${input.framework}; choose a loaded one, or name the scheme instead.` }]);
      } else {
        const named = normalise(input.scheme ?? '');
        framework = (await frameworkRows(trx)).find((f) => normalise(f.slug) === named || normalise(f.name) === named);
      }
      const scheme = framework ? framework.name : (input.scheme ?? '').replace(/\s+/g, ' ');
      if (sourceRef !== null) {
        const same = (await repo.findDemandFromSource(trx, origin.source, sourceRef)).find(
          (r) =>
            normalise(r.customer) === normalise(input.customer) &&
            (framework ? r.framework_id === framework.id : r.framework_id === null && normalise(r.scheme) === normalise(scheme)),
        );
        if (same) return { id: same.id, created: false, scheme };
      }
      const id = await repo.insertDemand(trx, {
        customer: input.customer,
        framework_id: framework?.id ?? null,
        scheme,
        requested_on: input.requested_on,
        note: input.note ?? '',
        contract_value: input.contract_value ?? null,
        source: origin.source,
        source_ref: sourceRef,
        created_by: principal.userId,
        created_at: ctx.clock().toISOString(),
      });
      return { id, created: true, scheme };
    },
    (r) =>
      r.created
        ? {
            action: 'demand.recorded',
            subjectType: 'certification_request',
            subjectId: r.id,
            details: {
              customer: input.customer,
              framework: framework?.slug ?? null,
              scheme: r.scheme,
              requested_on: input.requested_on,
              note: input.note ?? '',
              contract_value: input.contract_value ?? null,
              source: origin.source,
              source_ref: sourceRef,
            },
          }
        : [],
  );
  return { id: result.id, created: result.created };
}

/** The loaded frameworks the demand form offers (any other scheme is typed in). */
export async function demandFormOptions(ctx: AppContext, principal: Principal) {
  authorize(principal, 'demand.record');
  return frameworkRows(ctx.db);
}

export async function getDemand(ctx: AppContext, principal: Principal, id: number): Promise<Demand> {
  authorize(principal, 'demand.read');
  const row = await repo.findDemand(ctx.db, id);
  if (!row) throw AppError.notFound('Demand record');
  return toDemand(row);
}

export async function listDemand(ctx: AppContext, principal: Principal, page: { limit: number; offset: number }): Promise<{ items: Demand[]; total: number }> {
  authorize(principal, 'demand.read');
  const { rows, total } = await repo.listDemand(ctx.db, page);
  return { items: rows.map(toDemand), total };
}

/** Removes a request recorded by mistake; the activity record keeps what it said. */
export async function removeDemand(ctx: AppContext, principal: Principal, id: number): Promise<void> {
  authorize(principal, 'demand.record');
  let removed: Demand | undefined;
  await withActivity(
    ctx,
    principal,
    async (trx) => {
      const row = await repo.findDemand(trx, id);
      if (!row) throw AppError.notFound('Demand record');
      removed = toDemand(row);
      await repo.deleteDemand(trx, id);
    },
    () => ({
      action: 'demand.removed',
      subjectType: 'certification_request',
      subjectId: id,
      details: {
        customer: removed?.customer,
        framework: removed?.framework?.slug ?? null,
        scheme: removed?.scheme,
        requested_on: removed?.requestedOn,
        contract_value: removed?.contractValue ?? null,
        source: removed?.source,
      },
    }),
  );
}

export interface PlanningRow {
  /** `framework:<slug>` or `scheme:<normalised name>`. */
  key: string;
  label: string;
  framework: { slug: string; name: string } | null;
  customers: number;
  requests: number;
  /** Each customer's largest stated value, summed (a customer asking twice is not counted twice); null when none was given. */
  totalValue: number | null;
  latest: string;
  /** Coverage of the framework today; null for a scheme without catalog (or when the caller may not see coverage). */
  coverage: { metPercent: number; partialPercent: number } | null;
  /** The framework's best certification today (current over expiring over not yet valid over expired over withdrawn). */
  held: HeldCertification | null;
}

/** Requested frameworks and schemes ranked by distinct customers, then total value, then the latest request. */
export async function demandPlanning(ctx: AppContext, principal: Principal): Promise<PlanningRow[]> {
  authorize(principal, 'demand.read');
  const rows = await repo.allDemand(ctx.db);
  const groups = new Map<
    string,
    { label: string; framework: Demand['framework']; frameworkId: number | null; values: Map<string, number | null>; requests: number; latest: string }
  >();
  for (const raw of rows) {
    const d = toDemand(raw);
    const key = d.framework ? `framework:${d.framework.slug}` : `scheme:${normalise(d.scheme)}`;
    const g = groups.get(key) ?? {
      label: d.framework?.name ?? d.scheme,
      framework: d.framework,
      frameworkId: raw.framework_id,
      values: new Map(),
      requests: 0,
      latest: d.requestedOn,
    };
    const customer = normalise(d.customer);
    const before = g.values.get(customer);
    g.values.set(customer, d.contractValue === null ? (before ?? null) : Math.max(before ?? 0, d.contractValue));
    g.requests += 1;
    if (d.requestedOn > g.latest) g.latest = d.requestedOn;
    groups.set(key, g);
  }
  const coverage = can(principal, 'catalog.read') && groups.size ? (await computeCoverage(ctx, principal)).frameworks : [];
  const held = can(principal, 'certifications.read') ? await heldFrameworks(ctx, principal) : new Map();
  return [...groups.entries()]
    .map(([key, g]): PlanningRow => {
      const values = [...g.values.values()].filter((v): v is number => v !== null);
      const cov = g.framework ? coverage.find((f) => f.slug === g.framework?.slug) : undefined;
      return {
        key,
        label: g.label,
        framework: g.framework,
        customers: g.values.size,
        requests: g.requests,
        totalValue: values.length ? values.reduce((a, b) => a + b, 0) : null,
        latest: g.latest,
        coverage: cov ? { metPercent: cov.metPercent, partialPercent: cov.partialPercent } : null,
        held: g.frameworkId !== null ? (held.get(g.frameworkId) ?? null) : null,
      };
    })
    .sort((a, b) => b.customers - a.customers || (b.totalValue ?? 0) - (a.totalValue ?? 0) || b.latest.localeCompare(a.latest) || a.label.localeCompare(b.label));
}
