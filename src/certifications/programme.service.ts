import { listActivity, withActivity } from '../activity/activity.service.ts';
import { authorize } from '../auth/policy.ts';
import { systemPrincipal, type Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import { inTransaction } from '../db/unit-of-work.ts';
import { today } from '../dates.ts';
import { AppError, type FieldError } from '../http/errors.ts';
import type { EventKind, EventStatus } from './certifications.model.ts';
import * as repo from './certifications.repository.ts';
import type { EventInput } from './certifications.schema.ts';
import { checkOwner, findOrThrow, person, type Person } from './certifications.service.ts';
import { planCycle, sameOccurrence, seriesEnd } from './lifecycle.ts';

// A certification's programme: the dated events its lifecycle template generates ("Plan the
// cycle"), and the single events people add, edit, complete and delete.

export interface ProgrammeEvent {
  id: number;
  certificationId: number;
  kind: EventKind;
  title: string;
  startsOn: string;
  endsOn: string | null;
  rrule: string | null;
  owner: Person | null;
  status: EventStatus;
  doneOn: string | null;
}

export function toEvent(row: repo.EventRow): ProgrammeEvent {
  return {
    id: row.id,
    certificationId: row.certification_id ?? 0,
    kind: row.kind,
    title: row.title,
    startsOn: row.starts_on,
    endsOn: row.ends_on,
    rrule: row.rrule,
    owner: person(row.owner_id, row.owner_email, row.owner_name),
    status: row.status,
    doneOn: row.done_on,
  };
}

export async function listEvents(ctx: AppContext, principal: Principal, certificationId: number): Promise<ProgrammeEvent[]> {
  authorize(principal, 'certifications.read');
  await findOrThrow(ctx, certificationId);
  return (await repo.eventsOf(ctx.db, certificationId)).map(toEvent);
}

export async function getEvent(ctx: AppContext, principal: Principal, certificationId: number, eventId: number): Promise<ProgrammeEvent> {
  authorize(principal, 'certifications.read');
  const row = await repo.findEvent(ctx.db, certificationId, eventId);
  if (!row) throw AppError.notFound('Event');
  return toEvent(row);
}

export interface PlanResult {
  created: number[];
  /** Of those created, the ones that ended before today and before valid_from: done, since the certificate they led to exists. */
  past: number[];
  replaced: number[];
  kept: number[];
}

/**
 * Ids of the events earlier plans of this certification generated, from their activity records
 * (the table has no column for it). A bookkeeping read: nothing of the trail reaches the caller.
 */
async function generatedBefore(ctx: AppContext, certificationId: number): Promise<Set<number>> {
  const { items } = await listActivity(
    ctx,
    systemPrincipal,
    { action: 'certification.cycle_planned', subjectType: 'certification', subjectId: String(certificationId) },
    { limit: 1000, offset: 0 },
  );
  return new Set(items.flatMap((a) => (Array.isArray(a.details.created) ? a.details.created.filter((n): n is number => typeof n === 'number') : [])));
}

/**
 * "Plan the cycle": generates the certification's events from its lifecycle template. Planning
 * again replaces the still-planned events an earlier plan generated (edits to them are lost) and
 * keeps done and cancelled ones and the events people added; a kept event of the same kind within
 * 45 days stands in for a generated one, so nothing is duplicated. Events that ended before today
 * and before valid_from (the stage audits of a certificate already issued, and their internal
 * audit and review) are recorded as done, without a day; later ones stay planned even when past.
 * A withdrawn certification is not planned (409).
 */
export async function planCertificationCycle(ctx: AppContext, principal: Principal, certificationId: number): Promise<PlanResult> {
  authorize(principal, 'certifications.edit');
  return withActivity(
    ctx,
    principal,
    async (trx) => {
      const tctx = inTransaction(ctx, trx);
      const cert = await findOrThrow(tctx, certificationId);
      if (cert.withdrawnOn !== null) throw AppError.conflict('This certification was withdrawn; its cycle is not planned.');
      const siblings = (await repo.certificationsOfFramework(trx, cert.framework.id)).filter((c) => c.id !== cert.id);
      const next = siblings
        .filter((c) => c.kind === 'soc2_type2' && c.withdrawn_on === null && c.valid_from > cert.validUntil)
        .sort((a, b) => a.valid_from.localeCompare(b.valid_from))[0];
      const template = planCycle({
        kind: cert.kind,
        frameworkName: cert.framework.name,
        validFrom: cert.validFrom,
        validUntil: cert.validUntil,
        first: !siblings.some((c) => c.valid_from < cert.validFrom),
        nextPeriodStart: next?.valid_from ?? null,
        today: today(ctx.clock),
      });
      const generated = await generatedBefore(tctx, cert.id);
      const existing = (await repo.eventsOf(trx, cert.id)).map(toEvent);
      const replaced = existing.filter((e) => generated.has(e.id) && e.status === 'planned');
      const kept = existing.filter((e) => !replaced.includes(e));
      const now = ctx.clock().toISOString();
      const day = today(ctx.clock);
      await repo.deleteEvents(
        trx,
        cert.id,
        replaced.map((e) => e.id),
      );
      const fresh = template.filter((t) => !kept.some((k) => sameOccurrence(k, t)));
      // Only what led up to the certificate is surely done (and an observation period that ended has
      // simply happened); later past events may still be owed.
      const isPast = fresh.map((t) => seriesEnd(t) < day && (seriesEnd(t) < cert.validFrom || t.kind === 'soc2_period'));
      const created = await repo.insertEvents(
        trx,
        fresh.map((t, i) => ({
          certification_id: cert.id,
          framework_id: cert.framework.id,
          kind: t.kind,
          title: t.title,
          starts_on: t.startsOn,
          ends_on: t.endsOn,
          rrule: t.rrule,
          owner_id: cert.owner?.id ?? null,
          status: isPast[i] ? ('done' as const) : ('planned' as const),
          created_at: now,
          updated_at: now,
        })),
      );
      return { created, past: created.filter((_id, i) => isPast[i]), replaced: replaced.map((e) => e.id), kept: kept.map((e) => e.id) };
    },
    (result) => ({ action: 'certification.cycle_planned', subjectType: 'certification', subjectId: certificationId, details: { ...result } }),
  );
}

async function checkEventInput(ctx: AppContext, input: Pick<EventInput, 'owner_id'>): Promise<void> {
  const problems: FieldError[] = [];
  await checkOwner(ctx.db, input.owner_id, problems);
  if (problems.length) throw AppError.invalid(problems);
}

const doneOn = (status: EventStatus, before: string | null, day: string) => (status === 'done' ? (before ?? day) : null);

/** Adds one event to a certification's programme by hand. */
export async function addEvent(ctx: AppContext, principal: Principal, certificationId: number, input: EventInput): Promise<number> {
  authorize(principal, 'certifications.edit');
  const status = input.status ?? 'planned';
  return withActivity(
    ctx,
    principal,
    async (trx) => {
      const tctx = inTransaction(ctx, trx);
      const cert = await findOrThrow(tctx, certificationId);
      await checkEventInput(tctx, input);
      const now = ctx.clock().toISOString();
      const [id] = await repo.insertEvents(trx, [
        {
          certification_id: cert.id,
          framework_id: cert.framework.id,
          kind: input.kind,
          title: input.title,
          starts_on: input.starts_on,
          ends_on: input.ends_on ?? null,
          rrule: null,
          owner_id: input.owner_id ?? null,
          status,
          done_on: doneOn(status, null, today(ctx.clock)),
          created_at: now,
          updated_at: now,
        },
      ]);
      return id!;
    },
    (id) => ({ action: 'event.created', subjectType: 'programme_event', subjectId: id, details: { certification: certificationId, ...input, status } }),
  );
}

const editable = ['kind', 'title', 'starts_on', 'ends_on', 'owner_id', 'status'] as const;

/** Changes an event's dates, title, owner or status; recorded with each changed field before and after. */
export async function updateEvent(ctx: AppContext, principal: Principal, certificationId: number, eventId: number, input: Partial<EventInput>): Promise<void> {
  authorize(principal, 'certifications.edit');
  const changes: { certification: number; before: Record<string, unknown>; after: Record<string, unknown> } = { certification: certificationId, before: {}, after: {} };
  await withActivity(
    ctx,
    principal,
    async (trx) => {
      const row = await repo.findEvent(trx, certificationId, eventId);
      if (!row) throw AppError.notFound('Event');
      await checkEventInput(inTransaction(ctx, trx), { owner_id: input.owner_id ?? undefined });
      const next = {
        kind: input.kind ?? row.kind,
        title: input.title ?? row.title,
        starts_on: input.starts_on ?? row.starts_on,
        ends_on: 'ends_on' in input ? (input.ends_on ?? null) : row.ends_on,
        owner_id: 'owner_id' in input ? (input.owner_id ?? null) : row.owner_id,
        status: input.status ?? row.status,
      };
      if (next.ends_on !== null && next.ends_on < next.starts_on) throw AppError.invalid([{ field: 'ends_on', message: 'The end must be on or after the start.' }]);
      for (const key of editable) {
        if (row[key] === next[key]) continue;
        changes.before[key] = row[key];
        changes.after[key] = next[key];
      }
      if (Object.keys(changes.after).length === 0) return;
      await repo.updateEvent(trx, eventId, { ...next, done_on: doneOn(next.status, row.done_on, today(ctx.clock)), updated_at: ctx.clock().toISOString() });
    },
    () => (Object.keys(changes.after).length ? { action: 'event.updated', subjectType: 'programme_event', subjectId: eventId, details: changes } : []),
  );
}

/** Deletes one event; the record keeps what it was. */
export async function deleteEvent(ctx: AppContext, principal: Principal, certificationId: number, eventId: number): Promise<void> {
  authorize(principal, 'certifications.edit');
  let gone: ProgrammeEvent | undefined;
  await withActivity(
    ctx,
    principal,
    async (trx) => {
      const row = await repo.findEvent(trx, certificationId, eventId);
      if (!row) throw AppError.notFound('Event');
      gone = toEvent(row);
      await repo.deleteEvents(trx, certificationId, [eventId]);
    },
    () => ({
      action: 'event.deleted',
      subjectType: 'programme_event',
      subjectId: eventId,
      details: { certification: certificationId, kind: gone?.kind, title: gone?.title, starts_on: gone?.startsOn, ends_on: gone?.endsOn, status: gone?.status },
    }),
  );
}
