import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPrincipal } from '../../src/auth/principal.ts';
import { computeCoverage } from '../../src/coverage/coverage.service.ts';
import { validEvidenceByControl } from '../../src/coverage/coverage.repository.ts';
import { mergeIntervals } from '../../src/coverage/intervals.ts';
import { intervalsOnDay, versionOf } from '../../src/coverage/intervals.repository.ts';
import { checkIntervals } from '../../src/coverage/intervals.service.ts';
import { addDays, daysFrom } from '../../src/dates.ts';
import { createEvidence, createVersion, reviewEvidence } from '../../src/evidence/evidence.service.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { buildUser, principalFor } from '../helpers/factories.ts';

// Coverage on a day reads the maintained per-control intervals, not the evidence. Two years of
// evidence written through the services (accepted, rejected, new versions that supersede accepted
// items, overlapping and adjacent validity, gaps), then every day compared both ways, on the
// database the suite runs on; and the rebuild recomputes exactly what was maintained.

let ctx: TestContext;
const START = '2024-12-01';
const END = '2026-11-30';

/** A small deterministic generator, so a failure can be replayed. */
function seeded(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

beforeAll(async () => {
  ctx = await createTestContext({ now: `${START}T08:00:00.000Z` });
  const { loadLibraryIfEmpty } = await import('../../src/bootstrap.ts');
  await loadLibraryIfEmpty(ctx);
  const a = principalFor(await buildUser(ctx, { role: 'grc' }));
  const b = principalFor(await buildUser(ctx, { role: 'grc' }));
  const refs = (await ctx.db.selectFrom('controls').select('ref').orderBy('ref').limit(40).execute()).map((r) => r.ref);
  const rand = seeded(20261129);
  const steps: { day: string; ref: string }[] = [];
  for (const ref of refs) for (let day = addDays(START, Math.floor(rand() * 60)); day < END; day = addDays(day, 20 + Math.floor(rand() * 90))) steps.push({ day, ref });
  steps.sort((x, y) => x.day.localeCompare(y.day) || x.ref.localeCompare(y.ref));
  for (const [i, s] of steps.entries()) {
    ctx.setNow(`${s.day}T09:00:00.000Z`);
    const validity = 10 + Math.floor(rand() * 120);
    const id = await createEvidence(
      ctx,
      i % 2 ? a : b,
      { title: `Item ${i}`, kind: 'link', link_url: `https://example.test/${i}`, collected_at: s.day, valid_until: addDays(s.day, validity), controls: [s.ref] },
      [],
    );
    const fate = rand();
    if (fate < 0.15) continue; // left awaiting review
    await reviewEvidence(ctx, i % 2 ? b : a, id, { decision: fate < 0.25 ? 'rejected' : 'accepted', ...(fate < 0.25 ? { comment: 'Not it.' } : {}) });
    if (fate > 0.9) {
      // A corrected version supersedes the accepted item; half are accepted, half left pending.
      const v2 = await createVersion(
        ctx,
        i % 2 ? a : b,
        id,
        { title: `Item ${i} v2`, kind: 'link', link_url: `https://example.test/${i}/2`, collected_at: s.day, valid_until: addDays(s.day, validity + 15), controls: [s.ref] },
        [],
      );
      if (fate > 0.95) await reviewEvidence(ctx, i % 2 ? b : a, v2, { decision: 'accepted' });
    }
  }
  ctx.setNow(`${END}T08:00:00.000Z`);
}, 300_000);
afterAll(() => ctx.cleanup());

describe('coverage from maintained intervals', () => {
  it('merges overlapping and next-day ranges, and only those', () => {
    expect(
      mergeIntervals([
        { from: '2026-01-10', until: '2026-01-20' },
        { from: '2026-01-01', until: '2026-01-09' },
        { from: '2026-01-15', until: '2026-02-01' },
        { from: '2026-02-03', until: '2026-02-05' },
        { from: '2026-03-01', until: '2026-02-28' },
      ]),
    ).toEqual([
      { from: '2026-01-01', until: '2026-02-01' },
      { from: '2026-02-03', until: '2026-02-05' },
    ]);
  });

  it('gives the same answer as the evidence itself on every day of two years', async () => {
    let compared = 0;
    for (const day of daysFrom(addDays(START, -3), END)) {
      const [fromIntervals, fromEvidence] = await Promise.all([intervalsOnDay(ctx.db, day), validEvidenceByControl(ctx.db, day)]);
      const a = fromIntervals.map((r) => r.control_id).sort((x, y) => x - y);
      const b = fromEvidence.map((r) => r.control_id).sort((x, y) => x - y);
      expect(a, day).toEqual(b);
      compared += 1;
    }
    expect(compared).toBeGreaterThan(720);
    // And whole reports (every framework's counts and shares) on every tenth day.
    for (const [i, day] of daysFrom(START, END).entries()) {
      if (i % 10) continue;
      const [x, y] = await Promise.all([computeCoverage(ctx, cliPrincipal, { asOf: day }), computeCoverage(ctx, cliPrincipal, { asOf: day, from: 'evidence' })]);
      expect(x, day).toEqual(y);
    }
  }, 300_000);

  it('is reproduced exactly by the rebuild, which repairs intervals that drifted', async () => {
    expect(await checkIntervals(ctx, cliPrincipal, { apply: false })).toMatchObject({ differing: [], rebuilt: false });
    const before = await versionOf(ctx.db, 'coverage');
    // Damage one control's intervals behind the services' back: the check finds it, the rebuild mends it.
    const victim = (await ctx.db.selectFrom('control_intervals').select('control_id').limit(1).executeTakeFirstOrThrow()).control_id;
    await ctx.db.deleteFrom('control_intervals').where('control_id', '=', victim).execute();
    expect((await checkIntervals(ctx, cliPrincipal, { apply: false })).differing).toEqual([victim]);
    expect(await checkIntervals(ctx, cliPrincipal, { apply: true })).toMatchObject({ differing: [victim], rebuilt: true });
    expect((await checkIntervals(ctx, cliPrincipal, { apply: false })).differing).toEqual([]);
    expect(await versionOf(ctx.db, 'coverage')).toBe(before + 1);
    const trail = await ctx.db.selectFrom('activity').select('details').where('action', '=', 'coverage.intervals_rebuilt').execute();
    expect(trail.map((r) => JSON.parse(r.details))).toEqual([{ controls: [victim], count: 1 }]);
  });
});
