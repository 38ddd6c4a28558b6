import path from 'node:path';
import { performance } from 'node:perf_hooks';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { systemPrincipal } from '../src/auth/principal.ts';
import { openContext } from '../src/bootstrap.ts';
import { loadConfig } from '../src/config.ts';
import { readLibraryFiles } from '../src/controls/library.files.ts';
import { loadLibrary } from '../src/controls/library.load.ts';
import { computeCoverage } from '../src/coverage/coverage.service.ts';
import { checkIntervals } from '../src/coverage/intervals.service.ts';
import { createLogger } from '../src/logger.ts';
import { ACTIVE_CONTROLS, AS_OF, buildOrg, EVIDENCE, fmt, SHAPE, stats } from './org.ts';

// bench/coverage.ts on PostgreSQL: the same generated organisation (built in SQLite by buildOrg,
// then copied row for row into a PostgreSQL schema of its own), Attest's computeCoverage against
// raw `pg` floors (per-control EXISTS over the evidence; the same over control_intervals).
// PG_URL (default postgres://postgres@127.0.0.1:5432/test).

const URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const RUNS = Number(process.env.RUNS ?? 40);
const SCHEMA = `bench_cov_${SHAPE}_${EVIDENCE}_${ACTIVE_CONTROLS}`;

const { dbFile, ctx: sqliteCtx } = await buildOrg();
await sqliteCtx.database.close();
const admin = new pg.Client({ connectionString: URL });
await admin.connect();
const ready = await admin.query(`select 1 from information_schema.tables where table_schema = $1 and table_name = 'bench_ready'`, [SCHEMA]);
if (ready.rowCount === 0) {
  await admin.query(`drop schema if exists ${SCHEMA} cascade`);
  await admin.query(`create schema ${SCHEMA}`);
}
process.env.PGOPTIONS = `-c search_path=${SCHEMA}`;
const config = loadConfig({ DATABASE_URL: URL, DATA_DIR: path.dirname(dbFile), LOG_LEVEL: 'silent', COOKIE_SECURE: 'false' });
const ctx = await openContext(config, createLogger('silent'));
if (ready.rowCount === 0) {
  const started = performance.now();
  await loadLibrary(ctx, systemPrincipal, readLibraryFiles(), { overwrite: false });
  const lite = new SQLite(dbFile, { readonly: true });
  const client = new pg.Client({ connectionString: URL, options: `-c search_path=${SCHEMA}` });
  await client.connect();
  const idByRef = new Map((await client.query('select id, ref from controls')).rows.map((r: { id: number; ref: string }) => [r.ref, r.id]));
  const liteRefs = new Map((lite.prepare('select id, ref, retired_at from controls').all() as { id: number; ref: string; retired_at: string | null }[]).map((r) => [r.id, r]));
  // Copies of shipped controls (ORG_CONTROLS beyond the library, "IAM-01~2") get their original's row and mappings.
  const columnsOf = async (table: string, skip: string[]) =>
    (await client.query('select column_name from information_schema.columns where table_schema = $1 and table_name = $2 order by ordinal_position', [SCHEMA, table])).rows
      .map((r: { column_name: string }) => r.column_name)
      .filter((c: string) => !skip.includes(c));
  const controlColumns = (await columnsOf('controls', ['id', 'ref'])).join(', ');
  const mappingColumns = (await columnsOf('mappings', ['id', 'control_id'])).join(', ');
  for (const r of liteRefs.values()) {
    if (idByRef.has(r.ref)) continue;
    const source = idByRef.get(r.ref.split('~')[0]!)!;
    const { rows } = await client.query(`insert into controls (ref, ${controlColumns}) select $1, ${controlColumns} from controls where id = $2 returning id`, [r.ref, source]);
    idByRef.set(r.ref, rows[0].id);
    await client.query(`insert into mappings (control_id, ${mappingColumns}) select $1, ${mappingColumns} from mappings where control_id = $2`, [rows[0].id, source]);
  }
  for (const r of liteRefs.values()) if (r.retired_at) await client.query('update controls set retired_at = $1 where ref = $2', [r.retired_at, r.ref]);
  const copy = async (sql: string, columns: string[], table: string, map: (row: Record<string, unknown>) => unknown[]) => {
    const batch = Math.floor(30_000 / columns.length);
    let rows: unknown[][] = [];
    const flush = async () => {
      if (!rows.length) return;
      const values = rows.map((_, i) => `(${columns.map((__, j) => `$${i * columns.length + j + 1}`).join(',')})`).join(',');
      await client.query(`insert into ${table} (${columns.join(',')}) values ${values}`, rows.flat());
      rows = [];
    };
    for (const row of lite.prepare(sql).iterate() as Iterable<Record<string, unknown>>) {
      rows.push(map(row));
      if (rows.length >= batch) await flush();
    }
    await flush();
  };
  const evidenceColumns = ['id', 'lineage_id', 'version', 'title', 'kind', 'description', 'link_url', 'collected_at', 'valid_until', 'status', 'submitted_at'];
  await copy(`select ${evidenceColumns.join(',')} from evidence order by id`, evidenceColumns, 'evidence', (r) => evidenceColumns.map((c) => r[c]));
  await copy('select evidence_id, control_id from evidence_controls', ['evidence_id', 'control_id'], 'evidence_controls', (r) => [
    r.evidence_id,
    idByRef.get(liteRefs.get(r.control_id as number)!.ref),
  ]);
  await client.query(`select setval(pg_get_serial_sequence('evidence', 'id'), (select max(id) from evidence))`);
  await client.query('analyze');
  await client.end();
  lite.close();
  await checkIntervals(ctx, systemPrincipal, { apply: true });
  await admin.query(`create table ${SCHEMA}.bench_ready (at text)`);
  process.stderr.write(`copied into PostgreSQL schema ${SCHEMA} in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
}

const COUNTS = (eff: string) => `
with eff as materialized (
  select c.id as control_id from controls c
  where c.applicable = 1 and c.status = 'implemented' and c.retired_at is null and ${eff}
),
req as (
  select r.id, r.framework_id, bool_or(x.requirement_id is not null) as na,
    max(case when m.relationship in ('equal', 'superset') and eff.control_id is not null then 1 else 0 end) as full_,
    max(case when eff.control_id is not null then 1 else 0 end) as anyeff
  from requirements r
  left join requirement_exclusions x on x.requirement_id = r.id
  left join mappings m on m.requirement_id = r.id
  left join eff on eff.control_id = m.control_id
  where r.assessable = 1
  group by r.id
)
select f.slug,
  sum(case when not na and full_ = 1 then 1 else 0 end)::int as met,
  sum(case when not na and full_ = 0 and anyeff = 1 then 1 else 0 end)::int as partial,
  sum(case when not na and anyeff = 0 then 1 else 0 end)::int as gap,
  sum(case when na then 1 else 0 end)::int as not_applicable
from req join frameworks f on f.id = req.framework_id
group by f.slug order by f.slug`;
// EVIDENCE_FLOOR=0: check floor A's answers but do not time it (seconds a run at a million items,
// and it evicts what the others keep warm).
const timeEvidenceFloor = process.env.EVIDENCE_FLOOR !== '0';
const EXISTS_SQL = COUNTS(`exists (
    select 1 from evidence_controls ec join evidence e on e.id = ec.evidence_id
    where ec.control_id = c.id and e.status = 'accepted' and e.superseded_by_id is null and e.collected_at <= $1 and e.valid_until >= $1)`);
const INTERVAL_SQL = COUNTS(`exists (select 1 from control_intervals i where i.control_id = c.id and i.valid_from <= $1 and i.valid_until >= $1)`);

const raw = new pg.Client({ connectionString: URL, options: `-c search_path=${SCHEMA}` });
await raw.connect();
const DATES = [AS_OF, '2025-03-15', '2026-12-01', '2022-06-30'];
type Row = { slug: string; met: number; partial: number; gap: number; not_applicable: number };
for (const day of DATES) {
  const ours = await computeCoverage(ctx, systemPrincipal, { asOf: day });
  for (const [name, sql] of [
    ['exists', EXISTS_SQL],
    ['interval', INTERVAL_SQL],
  ] as const) {
    for (const f of (await raw.query(sql, [day])).rows as Row[]) {
      const o = ours.frameworks.find((x) => x.slug === f.slug)!;
      if (o.counts.met !== f.met || o.counts.partial !== f.partial || o.counts.gap !== f.gap || o.counts.notApplicable !== f.not_applicable) {
        throw new Error(`${day}: coverage differs from the ${name} floor for ${f.slug}: ${JSON.stringify(o.counts)} vs ${JSON.stringify(f)}`);
      }
    }
  }
}
const tOurs: number[] = [];
const tExists: number[] = [];
const tInterval: number[] = [];
for (let i = 0; i < RUNS + 5; i += 1) {
  const day = DATES[i % DATES.length]!;
  let t = performance.now();
  await computeCoverage(ctx, systemPrincipal, { asOf: day });
  const a = performance.now() - t;
  t = performance.now();
  if (timeEvidenceFloor) await raw.query(EXISTS_SQL, [day]);
  const b = timeEvidenceFloor ? performance.now() - t : Number.POSITIVE_INFINITY;
  t = performance.now();
  await raw.query(INTERVAL_SQL, [day]);
  const c = performance.now() - t;
  if (i >= 5) {
    tOurs.push(a);
    tExists.push(b);
    tInterval.push(c);
  }
}
const o = stats(tOurs);
const e = stats(tExists);
const iv = stats(tInterval);
console.log(`PostgreSQL, data (${SHAPE}): ${EVIDENCE} evidence, four dates in turn, ${RUNS} runs`);
console.log(`attest computeCoverage (all frameworks): median ${fmt(o.median)}, p95 ${fmt(o.p95)}`);
console.log(
  timeEvidenceFloor
    ? `floor A: per-control EXISTS over the evidence, raw pg: median ${fmt(e.median)}, p95 ${fmt(e.p95)}`
    : 'floor A: per-control EXISTS over the evidence: answers checked, not timed (EVIDENCE_FLOOR=0)',
);
console.log(`floor B: the same over control_intervals, raw pg: median ${fmt(iv.median)}, p95 ${fmt(iv.p95)}`);
console.log(`ratio attest/best floor (median): ${(o.median / Math.min(e.median, iv.median)).toFixed(2)}`);
await raw.end();
await admin.end();
await ctx.database.close();
