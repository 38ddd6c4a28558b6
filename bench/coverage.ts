import { performance } from 'node:perf_hooks';
import SQLite from 'better-sqlite3';
import { computeCoverage } from '../src/coverage/coverage.service.ts';
import { systemPrincipal } from '../src/auth/principal.ts';
import { AS_OF, buildOrg, fmt, SHAPE, stats } from './org.ts';

// Coverage of every framework as of one date, through Attest's code (Kysely, the one coverage
// implementation, reading the maintained intervals) against two floors in raw better-sqlite3 that
// compute the same counts: a per-control EXISTS over the evidence (the fastest correct query on the
// evidence itself) and the same question asked of the interval table. The answers are compared
// before anything is timed. (The earlier floor joined the effective controls to every mapping in a
// plan SQLite chose badly; it made Attest look 0.3x of "the floor" — that figure was wrong.)

const COUNTS = (eff: string) => `
with eff as materialized (
  select c.id as control_id from controls c
  where c.applicable = 1 and c.status = 'implemented' and c.retired_at is null and ${eff}
),
req as (
  select r.id, r.framework_id, x.requirement_id is not null as na,
    max(case when m.relationship in ('equal', 'superset') and eff.control_id is not null then 1 else 0 end) as full,
    max(case when eff.control_id is not null then 1 else 0 end) as anyeff
  from requirements r
  left join requirement_exclusions x on x.requirement_id = r.id
  left join mappings m on m.requirement_id = r.id
  left join eff on eff.control_id = m.control_id
  where r.assessable = 1
  group by r.id
)
select f.slug,
  sum(case when not na and full = 1 then 1 else 0 end) as met,
  sum(case when not na and full = 0 and anyeff = 1 then 1 else 0 end) as partial,
  sum(case when not na and anyeff = 0 then 1 else 0 end) as gap,
  sum(na) as not_applicable
from req join frameworks f on f.id = req.framework_id
group by f.slug order by f.slug`;

const EXISTS_SQL = COUNTS(`exists (
    select 1 from evidence_controls ec join evidence e on e.id = ec.evidence_id
    where ec.control_id = c.id and e.status = 'accepted' and e.superseded_by_id is null and e.collected_at <= ? and e.valid_until >= ?)`);
const INTERVAL_SQL = COUNTS(`exists (select 1 from control_intervals i where i.control_id = c.id and i.valid_from <= ? and i.valid_until >= ?)`);

const RUNS = Number(process.env.RUNS ?? 60);

const { ctx, dbFile } = await buildOrg();
const raw = new SQLite(dbFile, { readonly: true });
const existsQuery = raw.prepare(EXISTS_SQL);
const intervalQuery = raw.prepare(INTERVAL_SQL);
const DATES = [AS_OF, '2025-03-15', '2026-12-01', '2022-06-30'];

type Row = { slug: string; met: number; partial: number; gap: number; not_applicable: number };
for (const day of DATES) {
  const ours = await computeCoverage(ctx, systemPrincipal, { asOf: day });
  for (const [name, q] of [
    ['exists', existsQuery],
    ['interval', intervalQuery],
  ] as const) {
    for (const f of q.all(day, day) as Row[]) {
      const o = ours.frameworks.find((x) => x.slug === f.slug)!;
      const same = o.counts.met === f.met && o.counts.partial === f.partial && o.counts.gap === f.gap && o.counts.notApplicable === f.not_applicable;
      if (!same) throw new Error(`${day}: coverage differs from the ${name} floor for ${f.slug}: ${JSON.stringify(o.counts)} vs ${JSON.stringify(f)}`);
    }
  }
}
const ours = await computeCoverage(ctx, systemPrincipal, { asOf: AS_OF });

// At a million items the evidence-walking floor takes a second a run; interleaved, it also evicts
// what the other two keep warm. EVIDENCE_FLOOR=0 checks its answers (above) but does not time it.
const timeEvidenceFloor = process.env.EVIDENCE_FLOOR !== '0';
const timeOurs: number[] = [];
const timeExists: number[] = [];
const timeInterval: number[] = [];
for (let i = 0; i < RUNS + 5; i += 1) {
  // Interleave them so all see the same machine state; a different date each run, as a user would.
  const day = DATES[i % DATES.length]!;
  let t = performance.now();
  await computeCoverage(ctx, systemPrincipal, { asOf: day });
  const a = performance.now() - t;
  t = performance.now();
  if (timeEvidenceFloor) existsQuery.all(day, day);
  const b = timeEvidenceFloor ? performance.now() - t : Number.POSITIVE_INFINITY;
  t = performance.now();
  intervalQuery.all(day, day);
  const c = performance.now() - t;
  if (i >= 5) {
    timeOurs.push(a);
    timeExists.push(b);
    timeInterval.push(c);
  }
}
const o = stats(timeOurs);
const e = stats(timeExists);
const iv = stats(timeInterval);
const f = e.median <= iv.median ? e : iv;
const counts = raw
  .prepare(
    'select (select count(*) from evidence) as evidence, (select count(*) from controls where retired_at is null) as controls, (select count(*) from frameworks) as frameworks, (select count(*) from control_intervals) as intervals',
  )
  .get();
console.log(`data (${SHAPE}): ${JSON.stringify(counts)}, four dates in turn, ${RUNS} runs`);
console.log(`attest computeCoverage (all frameworks): median ${fmt(o.median)}, p95 ${fmt(o.p95)}`);
console.log(
  timeEvidenceFloor
    ? `floor A: per-control EXISTS over the evidence, raw better-sqlite3: median ${fmt(e.median)}, p95 ${fmt(e.p95)}`
    : 'floor A: per-control EXISTS over the evidence: answers checked, not timed (EVIDENCE_FLOOR=0)',
);
console.log(`floor B: the same over control_intervals, raw better-sqlite3: median ${fmt(iv.median)}, p95 ${fmt(iv.p95)}`);
console.log(`ratio attest/best floor (median): ${(o.median / f.median).toFixed(2)}`);
for (const fw of ours.frameworks) console.log(`  ${fw.slug}: ${fw.counts.met} met, ${fw.counts.partial} partial, ${fw.counts.gap} gap, ${fw.counts.notApplicable} n/a`);
raw.close();
await ctx.database.close();
