import { KeptUntilNextChange } from '../activity/kept.ts';
import { authorize, type EvidenceScope, evidenceScope } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import { addDays, today } from '../dates.ts';
import * as repo from './evidence.repository.ts';
import { type ControlEvidenceState, type ControlStateView, controlEvidenceState } from './control-state.ts';

const awaiting = new KeptUntilNextChange<Awaited<ReturnType<typeof repo.awaitingReviewByControl>>>(1);

/**
 * Items awaiting review per control. Counting them walks every submitted item (~35 ms with 50,000
 * waiting), and they change only by a submission, a review, a new version or a withdrawal, each
 * recorded: so they are kept until the next recorded change.
 */
function awaitingReview(ctx: AppContext) {
  return awaiting.get(ctx, '', () => repo.awaitingReviewByControl(ctx.db));
}

export interface ExpiringItem {
  evidenceId: number;
  title: string;
  validUntil: string;
  daysLeft: number;
  controlRef: string;
  controlTitle: string;
}

export interface StaleControl {
  ref: string;
  title: string;
  /** The last day its evidence covered, or null when it never had accepted evidence. */
  lastDay: string | null;
  /** Submitted items waiting for review: then the next step is a review, not more evidence. */
  awaitingReview: number;
  state: ControlEvidenceState;
}

export interface OwnerFreshness {
  owner: string;
  expiring: ExpiringItem[];
  expired: StaleControl[];
  missing: StaleControl[];
}

const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

/** Evidence expiring within the window, and controls whose evidence has run out, per control owner. */
export async function freshness(
  ctx: AppContext,
  principal: Principal,
  windowDays = ctx.config.expiryWindowDays,
): Promise<{ today: string; windowDays: number; owners: OwnerFreshness[] }> {
  authorize(principal, 'evidence.read');
  const day = today(ctx.clock);
  const [expiring, lastDays, pending] = await Promise.all([repo.expiringBetween(ctx.db, day, addDays(day, windowDays)), repo.lastValidDayByControl(ctx.db), awaitingReview(ctx)]);
  const waiting = new Map(pending.map((p) => [p.control_id, Number(p.n)]));
  const owners = new Map<string, OwnerFreshness>();
  const of = (owner: string) => {
    let o = owners.get(owner);
    if (!o) {
      o = { owner, expiring: [], expired: [], missing: [] };
      owners.set(owner, o);
    }
    return o;
  };
  for (const e of expiring) {
    of(e.owner).expiring.push({
      evidenceId: e.id,
      title: e.title,
      validUntil: e.valid_until,
      daysLeft: daysBetween(day, e.valid_until),
      controlRef: e.ref,
      controlTitle: e.control_title,
    });
  }
  for (const c of lastDays) {
    if (c.applicable !== 1 || c.status !== 'implemented') continue;
    const lastDay = c.last_day === null ? null : String(c.last_day);
    const awaitingReview = waiting.get(c.id) ?? 0;
    const { state } = controlEvidenceState({ lastDay, awaitingReview, today: day, windowDays });
    if (lastDay === null) of(c.owner).missing.push({ ref: c.ref, title: c.title, lastDay, awaitingReview, state });
    else if (lastDay < day) of(c.owner).expired.push({ ref: c.ref, title: c.title, lastDay, awaitingReview, state });
  }
  return { today: day, windowDays, owners: [...owners.values()].sort((a, b) => a.owner.localeCompare(b.owner)) };
}

/**
 * Today's evidence state of every implemented, applicable control, by ref: the same story the control
 * page, freshness and My work tell, for pages that list many controls (coverage).
 */
export async function evidenceStatesByRef(ctx: AppContext, principal: Principal): Promise<Map<string, ControlStateView>> {
  authorize(principal, 'evidence.read');
  const day = today(ctx.clock);
  const [lastDays, pending] = await Promise.all([repo.lastValidDayByControl(ctx.db), awaitingReview(ctx)]);
  const waiting = new Map(pending.map((p) => [p.control_id, Number(p.n)]));
  const states = new Map<string, ControlStateView>();
  for (const c of lastDays) {
    if (c.applicable !== 1 || c.status !== 'implemented') continue;
    const lastDay = c.last_day === null ? null : String(c.last_day);
    states.set(c.ref, controlEvidenceState({ lastDay, awaitingReview: waiting.get(c.id) ?? 0, today: day, windowDays: ctx.config.expiryWindowDays }));
  }
  return states;
}

export interface ControlTimeline {
  /** Which items the caller may see listed: all, only those marked shareable (customer compliance), or none (viewers). */
  scope: EvidenceScope;
  items: { id: number; title: string; kind: string; status: string; collectedAt: string; validUntil: string; version: number; current: boolean; validToday: boolean }[];
  /** When the next evidence is due: the last day current accepted evidence covers. */
  nextDue: string | null;
  overdue: boolean;
  awaitingReview: number;
  state: ControlStateView;
}

/**
 * A control's evidence state, for everyone who may see the control (the same derived state the
 * coverage pages reflect), with the items the policy lets the caller see: every item for GRC, the
 * shareable ones for customer compliance, none for viewers.
 */
export async function controlTimeline(ctx: AppContext, principal: Principal, controlId: number): Promise<ControlTimeline> {
  authorize(principal, 'catalog.read');
  const day = today(ctx.clock);
  const scope = evidenceScope(principal);
  const rows = await repo.timelineOfControl(ctx.db, controlId, 'all');
  const shown = scope === 'all' ? rows : scope === 'none' ? [] : await repo.timelineOfControl(ctx.db, controlId, scope);
  const current = rows.filter((r) => r.superseded_by_id === null && r.status === 'accepted');
  const nextDue = current.length
    ? current
        .map((r) => r.valid_until)
        .sort()
        .at(-1)!
    : null;
  return {
    scope,
    items: shown.map((r) => ({
      id: r.id,
      title: r.title,
      kind: r.kind,
      status: r.status,
      collectedAt: r.collected_at,
      validUntil: r.valid_until,
      version: r.version,
      current: r.superseded_by_id === null,
      validToday: r.superseded_by_id === null && r.status === 'accepted' && r.collected_at <= day && day <= r.valid_until,
    })),
    nextDue,
    overdue: nextDue === null || nextDue < day,
    awaitingReview: rows.filter((r) => r.superseded_by_id === null && r.status === 'submitted').length,
    state: controlEvidenceState({
      lastDay: nextDue,
      awaitingReview: rows.filter((r) => r.superseded_by_id === null && r.status === 'submitted').length,
      today: day,
      windowDays: ctx.config.expiryWindowDays,
    }),
  };
}

/** Per control ref: current items submitted and not yet reviewed (for "My work"'s next steps). */
export async function awaitingReviewByRef(ctx: AppContext, principal: Principal): Promise<Map<string, number>> {
  authorize(principal, 'evidence.read');
  const [pending, controls] = await Promise.all([awaitingReview(ctx), repo.allControlRefs(ctx.db)]);
  const refOf = new Map(controls.map((c) => [c.id, c.ref]));
  return new Map(pending.map((p) => [refOf.get(p.control_id) ?? '', Number(p.n)]));
}
