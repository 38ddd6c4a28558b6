import { authorize } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import type { DB } from '../db/schema.ts';
import { unitOfWork } from '../db/unit-of-work.ts';
import { recordActivity } from '../activity/activity.service.ts';
import type { Transaction } from 'kysely';
import type { Interval } from './intervals.ts';
import * as repo from './intervals.repository.ts';

/**
 * Inside the transaction of a change to evidence (a review, a new version, a merge): recompute the
 * intervals of the controls that evidence belongs to. Costs one query over those controls' evidence.
 */
export async function refreshIntervalsForEvidence(trx: Transaction<DB>, evidenceIds: number[]): Promise<void> {
  const controlIds = (await repo.controlIdsOfEvidence(trx, evidenceIds)).map((r) => r.control_id);
  await refreshIntervals(trx, controlIds);
}

export async function refreshIntervals(trx: Transaction<DB>, controlIds: number[]): Promise<void> {
  if (controlIds.length === 0) return;
  await repo.replaceIntervals(trx, controlIds, await repo.computeIntervals(trx, controlIds));
}

const same = (a: Interval[] = [], b: Interval[] = []) => a.length === b.length && a.every((x, i) => x.from === b[i]!.from && x.until === b[i]!.until);

export interface IntervalCheck {
  controls: number;
  intervals: number;
  /** Controls whose stored intervals differ from what their evidence says. */
  differing: number[];
  rebuilt: boolean;
}

/**
 * Recomputes every control's intervals from scratch and compares them with the stored ones; with
 * `apply`, replaces them (in one unit of work) — `attest coverage intervals [--rebuild]`.
 */
export async function checkIntervals(ctx: AppContext, principal: Principal, options: { apply: boolean }): Promise<IntervalCheck> {
  authorize(principal, options.apply ? 'controls.edit' : 'catalog.read');
  return unitOfWork(ctx, async (trx) => {
    const [fresh, stored] = await Promise.all([repo.computeIntervals(trx), repo.storedIntervals(trx)]);
    const ids = [...new Set([...fresh.keys(), ...stored.keys()])].sort((a, b) => a - b);
    const differing = ids.filter((id) => !same(fresh.get(id), stored.get(id)));
    if (options.apply && differing.length) {
      await repo.replaceIntervals(trx, differing, fresh);
      // Recorded like every change (which also moves the coverage version, in this transaction).
      await recordActivity(ctx, trx, principal, {
        action: 'coverage.intervals_rebuilt',
        subjectType: 'coverage',
        details: { controls: differing.slice(0, 500), count: differing.length },
      });
    }
    return { controls: fresh.size, intervals: [...fresh.values()].reduce((n, l) => n + l.length, 0), differing, rebuilt: options.apply && differing.length > 0 };
  });
}
