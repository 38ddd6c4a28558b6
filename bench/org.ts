import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { openContext } from '../src/bootstrap.ts';
import { loadConfig } from '../src/config.ts';
import type { AppContext } from '../src/context.ts';
import { systemPrincipal as systemActor } from '../src/auth/principal.ts';
import { readLibraryFiles } from '../src/controls/library.files.ts';
import { loadLibrary } from '../src/controls/library.load.ts';
import { seeded } from '../src/demo/demo.data.ts';
import { addDays } from '../src/dates.ts';
import { createLogger } from '../src/logger.ts';
import { checkIntervals } from '../src/coverage/intervals.service.ts';

/** Active controls: 200 by default (earlier figures); ORG_CONTROLS=500 adds copies of shipped controls, with their mappings, beyond the library's 253. */
export const ACTIVE_CONTROLS = Number(process.env.ORG_CONTROLS ?? 200);
export const EVIDENCE = Number(process.env.ORG_EVIDENCE ?? 100_000);
/** 'scattered': items at random days (ids not in date order); 'realistic': five years, each control's evidence renewed before it lapses, ids in date order. */
export const SHAPE = (process.env.ORG_SHAPE ?? 'scattered') as 'scattered' | 'realistic';
export const AS_OF = '2026-06-30';

/**
 * A generated organisation: the seven shipped framework catalogs, the shipped library reduced to
 * 200 active controls (the rest retired), and 100,000 evidence records over two years, 80 %
 * accepted, each linked to one or two controls. Written with raw better-sqlite3 for speed.
 */
export async function buildOrg(dir = path.join(os.tmpdir(), `attest-bench-org-${SHAPE}-${EVIDENCE}-${ACTIVE_CONTROLS}`)): Promise<{ ctx: AppContext; dbFile: string }> {
  const dbFile = path.join(dir, 'attest.db');
  const ready = fs.existsSync(path.join(dir, 'ready'));
  const config = loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent', COOKIE_SECURE: 'false' });
  const ctx = await openContext(config, createLogger('silent'));
  if (ready) return { ctx, dbFile };
  await loadLibrary(ctx, systemActor, readLibraryFiles(), { overwrite: false });
  await ctx.database.close();

  const db = new SQLite(dbFile);
  addControlCopies(db, ACTIVE_CONTROLS);
  const controls = db.prepare('select id from controls order by ref').all() as { id: number }[];
  const retired = controls.slice(ACTIVE_CONTROLS).map((c) => c.id);
  db.prepare(`update controls set retired_at = '2026-01-01T00:00:00.000Z' where id in (${retired.map(() => '?').join(',')})`).run(...retired);
  const active = controls.slice(0, ACTIVE_CONTROLS).map((c) => c.id);
  const rand = seeded(42);
  const insertEvidence = db.prepare(
    `insert into evidence (lineage_id, version, title, kind, description, link_url, collected_at, valid_until, status, submitter_id, submitted_at)
     values (null, 1, ?, 'automated_check', '', 'https://ci.example.test/run', ?, ?, ?, null, ?)`,
  );
  const link = db.prepare('insert into evidence_controls (evidence_id, control_id) values (?, ?)');
  const add = (i: number, collected: string, validUntil: string, status: string, first: number, second: number | null) => {
    const id = Number(insertEvidence.run(`Check ${i}`, collected, validUntil, status, `${collected}T10:00:00.000Z`).lastInsertRowid);
    link.run(id, first);
    if (second !== null && second !== first) link.run(id, second);
  };
  db.transaction(() => {
    if (SHAPE === 'scattered') {
      for (let i = 0; i < EVIDENCE; i += 1) {
        const collected = addDays('2025-01-01', Math.floor(rand() * 730));
        const validUntil = addDays(collected, 30 + Math.floor(rand() * 335));
        const r = rand();
        const status = r < 0.8 ? 'accepted' : r < 0.9 ? 'submitted' : 'rejected';
        const first = active[Math.floor(rand() * active.length)]!;
        add(i, collected, validUntil, status, first, rand() < 0.3 ? active[Math.floor(rand() * active.length)]! : null);
      }
    } else {
      // Five years up to the as-of year's end, in date order (ids follow the dates): the controls
      // take turns, so each collects evidence every `step` days, valid a little longer than that.
      const days = 5 * 365;
      const start = addDays('2026-12-31', -days);
      const step = (days * active.length) / EVIDENCE;
      for (let i = 0; i < EVIDENCE; i += 1) {
        const collected = addDays(start, Math.floor((i * days) / EVIDENCE));
        const control = active[i % active.length]!;
        const r = rand();
        const status = r < 0.9 ? 'accepted' : r < 0.95 ? 'submitted' : 'rejected';
        add(i, collected, addDays(collected, Math.ceil(step) + 10 + Math.floor(rand() * 20)), status, control, rand() < 0.1 ? active[Math.floor(rand() * active.length)]! : null);
      }
    }
    db.prepare('update evidence set lineage_id = id').run();
  })();
  db.exec('analyze');
  db.close();
  // Rows written behind the services' back: the maintained intervals are built from them once.
  const built = await openContext(config, createLogger('silent'));
  await checkIntervals(built, systemActor, { apply: true });
  fs.writeFileSync(path.join(dir, 'ready'), new Date().toISOString());
  return { ctx: built, dbFile };
}

/**
 * Grows the library to `wanted` controls by copying shipped ones (ref "IAM-01~2"), each with the
 * mappings of its original, so coverage has as many controls and mappings to weigh as a company
 * with a larger library would.
 */
function addControlCopies(db: SQLite.Database, wanted: number): void {
  const shipped = db.prepare('select id, ref from controls order by ref').all() as { id: number; ref: string }[];
  if (shipped.length >= wanted) return;
  const columnsOf = (table: string, skip: string[]) => (db.prepare(`pragma table_info(${table})`).all() as { name: string }[]).map((c) => c.name).filter((c) => !skip.includes(c));
  const controlColumns = columnsOf('controls', ['id', 'ref']);
  const mappingColumns = columnsOf('mappings', ['id', 'control_id']);
  const copyControl = db.prepare(`insert into controls (ref, ${controlColumns.join(', ')}) select ?, ${controlColumns.join(', ')} from controls where id = ?`);
  const copyMappings = db.prepare(`insert into mappings (control_id, ${mappingColumns.join(', ')}) select ?, ${mappingColumns.join(', ')} from mappings where control_id = ?`);
  db.transaction(() => {
    for (let k = 0; k < wanted - shipped.length; k += 1) {
      const source = shipped[k % shipped.length]!;
      const id = Number(copyControl.run(`${source.ref}~${Math.floor(k / shipped.length) + 2}`, source.id).lastInsertRowid);
      copyMappings.run(id, source.id);
    }
  })();
}

export function stats(samples: number[]): { median: number; p95: number; p99: number; min: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return { median: at(0.5), p95: at(0.95), p99: at(0.99), min: s[0]! };
}

export const fmt = (ms: number) => `${ms.toFixed(2)} ms`;
