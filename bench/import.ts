import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import SQLite from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import { openContext } from '../src/bootstrap.ts';
import { loadConfig } from '../src/config.ts';
import { cliPrincipal as cliActor, systemPrincipal as systemActor } from '../src/auth/principal.ts';
import { readLibraryFiles } from '../src/controls/library.files.ts';
import { loadLibrary } from '../src/controls/library.load.ts';
import { seeded } from '../src/demo/demo.data.ts';
import { addDays } from '../src/dates.ts';
import { importEvidenceCsv } from '../src/evidence/import.service.ts';
import { createLogger } from '../src/logger.ts';

// Importing 100,000 evidence rows from CSV through Attest (parse, validate every row, one
// transaction, one activity record) against the floor: the same file parsed and inserted with a
// prepared statement in raw better-sqlite3, no validation.

const ROWS = Number(process.env.ROWS ?? 100_000);

async function freshDb(name: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `attest-bench-${name}-`));
  const config = loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent' });
  const ctx = await openContext(config, createLogger('silent'), () => new Date('2026-11-21T10:00:00Z'));
  await loadLibrary(ctx, systemActor, readLibraryFiles(), { overwrite: false });
  return { ctx, dir, dbFile: path.join(dir, 'attest.db') };
}

const { ctx, dir } = await freshDb('import');
const refs = (await ctx.db.selectFrom('controls').select('ref').orderBy('ref').execute()).map((r) => r.ref);
const rand = seeded(7);
const lines = ['title,kind,collected_at,controls,link_url,valid_until,description'];
for (let i = 0; i < ROWS; i += 1) {
  const collected = addDays('2025-01-01', Math.floor(rand() * 680));
  const controls = rand() < 0.3 ? `${refs[i % refs.length]};${refs[(i * 7) % refs.length]}` : refs[i % refs.length];
  lines.push(`Automated check ${i},automated_check,${collected},${controls},https://ci.example.test/runs/${i},,nightly run ${i}`);
}
const csv = Buffer.from(`${lines.join('\n')}\n`);
const csvFile = path.join(dir, 'evidence.csv');
fs.writeFileSync(csvFile, csv);

let t = performance.now();
const result = await importEvidenceCsv(ctx, cliActor, { path: csvFile });
const ours = performance.now() - t;
if (!result.ok) throw new Error(`import failed: ${JSON.stringify(result.problems.slice(0, 3))}`);
await ctx.database.close();

const floorDb = await freshDb('floor');
await floorDb.ctx.database.close();
const raw = new SQLite(floorDb.dbFile);
raw.pragma('journal_mode = WAL');
raw.pragma('synchronous = NORMAL');
const ids = new Map((raw.prepare('select id, ref from controls').all() as { id: number; ref: string }[]).map((c) => [c.ref, c.id]));
t = performance.now();
const records = parse(fs.readFileSync(csvFile), { columns: true }) as Record<string, string>[];
const ins = raw.prepare(
  `insert into evidence (version, title, kind, description, link_url, collected_at, valid_until, status, submitted_at) values (1, ?, ?, ?, ?, ?, ?, 'submitted', ?)`,
);
const link = raw.prepare('insert into evidence_controls (evidence_id, control_id) values (?, ?)');
raw.transaction(() => {
  for (const r of records) {
    const id = Number(ins.run(r.title, r.kind, r.description, r.link_url, r.collected_at, addDays(r.collected_at!, 364), '2026-11-21T10:00:00.000Z').lastInsertRowid);
    for (const ref of new Set(r.controls!.split(';'))) link.run(id, ids.get(ref));
  }
})();
const floor = performance.now() - t;
raw.close();

console.log(`rows: ${ROWS} (${(csv.length / 1024 / 1024).toFixed(1)} MB CSV)`);
console.log(`attest importEvidenceCsv: ${(ours / 1000).toFixed(2)} s (${Math.round(ROWS / (ours / 1000))} rows/s)`);
console.log(`floor: csv-parse + prepared inserts in raw better-sqlite3: ${(floor / 1000).toFixed(2)} s`);
console.log(`ratio attest/floor: ${(ours / floor).toFixed(2)}`);
fs.rmSync(dir, { recursive: true, force: true });
fs.rmSync(floorDb.dir, { recursive: true, force: true });
