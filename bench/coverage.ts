import { performance } from 'node:perf_hooks';
import SQLite from 'better-sqlite3';
import { computeCoverage } from '../src/coverage/coverage.service.ts';
import { systemPrincipal } from '../src/auth/principal.ts';
import { AS_OF, buildOrg, fmt, stats } from './org.ts';

// Coverage of every framework as of one date, through Attest's code (Kysely, the one coverage
// implementation) against the floor: one hand-written SQL query in raw better-sqlite3 that
// computes the same counts. The two answers are compared before anything is timed.

const FLOOR_SQL = `
with eff as (
  select distinct ec.control_id
  from evidence e
  join evidence_controls ec on ec.evidence_id = e.id
  join controls c on c.id = ec.control_id
  where e.status = 'accepted' and e.superseded_by_id is null and e.collected_at <= ? and e.valid_until >= ?
    and c.applicable = 1 and c.status = 'implemented' and c.retired_at is null
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

const RUNS = Number(process.env.RUNS ?? 60);

const { ctx, dbFile } = await buildOrg();
const raw = new SQLite(dbFile, { readonly: true });
const floorQuery = raw.prepare(FLOOR_SQL);

const ours = await computeCoverage(ctx, systemPrincipal, { asOf: AS_OF });
const floor = floorQuery.all(AS_OF, AS_OF) as { slug: string; met: number; partial: number; gap: number; not_applicable: number }[];
for (const f of floor) {
  const o = ours.frameworks.find((x) => x.slug === f.slug)!;
  const same = o.counts.met === f.met && o.counts.partial === f.partial && o.counts.gap === f.gap && o.counts.notApplicable === f.not_applicable;
  if (!same) throw new Error(`coverage differs from the floor query for ${f.slug}: ${JSON.stringify(o.counts)} vs ${JSON.stringify(f)}`);
}

const timeOurs: number[] = [];
const timeFloor: number[] = [];
for (let i = 0; i < RUNS + 5; i += 1) {
  // Interleave the two so both see the same machine state.
  let t = performance.now();
  await computeCoverage(ctx, systemPrincipal, { asOf: AS_OF });
  const a = performance.now() - t;
  t = performance.now();
  floorQuery.all(AS_OF, AS_OF);
  const b = performance.now() - t;
  if (i >= 5) {
    timeOurs.push(a);
    timeFloor.push(b);
  }
}
const o = stats(timeOurs);
const f = stats(timeFloor);
const counts = raw
  .prepare(
    'select (select count(*) from evidence) as evidence, (select count(*) from controls where retired_at is null) as controls, (select count(*) from frameworks) as frameworks',
  )
  .get();
console.log(`data: ${JSON.stringify(counts)}, as of ${AS_OF}, ${RUNS} runs`);
console.log(`attest computeCoverage (all frameworks): median ${fmt(o.median)}, p95 ${fmt(o.p95)}`);
console.log(`floor: one SQL query, raw better-sqlite3: median ${fmt(f.median)}, p95 ${fmt(f.p95)}`);
console.log(`ratio attest/floor (median): ${(o.median / f.median).toFixed(2)}`);
for (const fw of ours.frameworks) console.log(`  ${fw.slug}: ${fw.counts.met} met, ${fw.counts.partial} partial, ${fw.counts.gap} gap, ${fw.counts.notApplicable} n/a`);
raw.close();
await ctx.database.close();
