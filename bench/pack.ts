import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ZipArchive } from 'archiver';
import { userPrincipal } from '../src/auth/principal.ts';
import { openContext } from '../src/bootstrap.ts';
import { loadConfig } from '../src/config.ts';
import { fileStore } from '../src/evidence/evidence.service.ts';
import { createLogger } from '../src/logger.ts';
import { planPack } from '../src/reports/pack.ts';
import type { ReportBuilder } from '../src/reports/reports.model.ts';
import { generateReport } from '../src/reports/reports.service.ts';

// An ISO 27001 audit whose scope holds 500 evidence files of 512 KiB (random, so incompressible:
// 250 MiB, more than the memory ceiling), made by bench/pack.setup.ts in a child process. Measured
// here: building the evidence pack through the reports service, as `attest report pack` and the
// server do (read, stream, hash, zip, PDF, store the ZIP) — wall time, this process's peak RSS
// (sampled every 50 ms) and the event loop's lateness (a 10 ms interval) — against a floor in the
// same run: archiver zipping the same 500 stored files straight from disk, same entry options.

const FILES = Number(process.env.FILES ?? 500);
const FILE_BYTES = 512 * 1024;
const RUNS = Math.max(1, Number(process.env.RUNS ?? 3));
const NOW = '2026-11-21T10:00:00.000Z';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-bench-pack-'));
const setup = spawnSync(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'pack.setup.ts'), dir, String(FILES), String(FILE_BYTES), NOW], {
  stdio: 'inherit',
});
if (setup.status !== 0) throw new Error('set-up failed');

const config = loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent', COOKIE_SECURE: 'false', NODE_ENV: 'production' });
const ctx = await openContext(config, createLogger('silent'), () => new Date(NOW));
const grc = userPrincipal(await ctx.db.selectFrom('users').select(['id', 'email', 'role']).where('email', '=', 'grc@bench.test').executeTakeFirstOrThrow(), 'session');
const auditId = (await ctx.db.selectFrom('audits').select('id').executeTakeFirstOrThrow()).id;
const storedFiles = (await ctx.db.selectFrom('evidence_files').select('sha256').orderBy('id').execute()).map((f) => fileStore(ctx).pathOf(f.sha256));

interface Measured {
  ms: number;
  peakRss: number;
  loopP99: number;
  loopMax: number;
}

/** Runs `work` while sampling RSS every 50 ms and the lateness of a 10 ms interval. */
async function measure(work: () => Promise<unknown>): Promise<Measured> {
  let peakRss = process.memoryUsage().rss;
  const rssTimer = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  const delays: number[] = [];
  let last = performance.now();
  const loopTimer = setInterval(() => {
    const now = performance.now();
    delays.push(Math.max(0, now - last - 10));
    last = now;
  }, 10);
  const t0 = performance.now();
  await work();
  const ms = performance.now() - t0;
  clearInterval(rssTimer);
  clearInterval(loopTimer);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  delays.sort((a, b) => a - b);
  return { ms, peakRss, loopP99: delays[Math.floor(delays.length * 0.99)] ?? 0, loopMax: delays.at(-1) ?? 0 };
}

type Phases = { collect: number; files: number; manifestAndPdf: number; store: number };

/** The pack through the reports service; the phases are seen through the builder's progress. */
async function attestPack(): Promise<Measured & { phases: Phases }> {
  const marks = { start: performance.now(), collected: 0, files: 0, built: 0, end: 0 };
  const measured = await measure(async () => {
    const { request, build } = await planPack(ctx, grc, { auditId });
    const timed: ReportBuilder = async ({ reportId, progress }) => {
      let [done, total] = [0, 0];
      const outputs = await build({
        reportId,
        progress: {
          async total(steps) {
            total = steps;
            marks.collected = performance.now();
            await progress.total(steps);
          },
          async advance(steps = 1) {
            done += steps;
            if (done === total - 2) marks.files = performance.now();
            await progress.advance(steps);
          },
        },
      });
      marks.built = performance.now();
      return outputs;
    };
    const report = await generateReport(ctx, grc, request, timed);
    if (report.files[0]!.size < FILES * FILE_BYTES) throw new Error('the pack is smaller than its files');
    marks.end = performance.now();
  });
  const phases = { collect: marks.collected - marks.start, files: marks.files - marks.collected, manifestAndPdf: marks.built - marks.files, store: marks.end - marks.built };
  return { ...measured, phases };
}

/** The floor: archiver writing the same stored files to a ZIP, stored as the pack stores them. */
function floorZip(): Promise<Measured> {
  return measure(async () => {
    const out = path.join(fileStore(ctx).tmpDir, `floor-${randomBytes(4).toString('hex')}.zip`);
    const archive = new ZipArchive({ zlib: { level: 6 } });
    const output = fs.createWriteStream(out);
    const closed = new Promise<void>((resolve) => output.on('close', () => resolve()));
    archive.pipe(output);
    for (const [i, file] of storedFiles.entries()) archive.append(fs.createReadStream(file), { name: `evidence/${i}.bin`, store: true });
    await archive.finalize();
    await closed;
    fs.rmSync(out);
  });
}

await ctx.pdf.render('<p>warm-up</p>'); // the browser's first launch is not the pack's cost
const rssBefore = process.memoryUsage().rss;
// The packs first: the floor opens all 500 files at once, and the memory it leaves would count against them.
const packs = [];
for (let i = 0; i < RUNS; i += 1) packs.push(await attestPack());
const floors = [];
for (let i = 0; i < RUNS; i += 1) floors.push(await floorZip());
await ctx.pdf.close();
await ctx.database.close();
fs.rmSync(dir, { recursive: true, force: true });

const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const median = (xs: Measured[], key: 'ms' | 'loopP99') => [...xs].sort((a, b) => a[key] - b[key])[Math.floor(xs.length / 2)]![key];
console.log(`evidence pack: ${FILES} files of ${FILE_BYTES / 1024} KiB (${mb(FILES * FILE_BYTES)}), ${RUNS} runs; RSS before the first pack ${mb(rssBefore)}`);
for (const [i, r] of packs.entries()) {
  const p = r.phases;
  console.log(
    `attest run ${i + 1}: ${fmt(r.ms)} (collect ${fmt(p.collect)}, files ${fmt(p.files)}, manifest+PDF ${fmt(p.manifestAndPdf)}, store ${fmt(p.store)}) | peak RSS ${mb(r.peakRss)} | event loop p99 ${fmt(r.loopP99)}, max ${fmt(r.loopMax)}`,
  );
}
for (const [i, f] of floors.entries()) console.log(`floor run ${i + 1}: ${fmt(f.ms)} | peak RSS ${mb(f.peakRss)} | event loop p99 ${fmt(f.loopP99)}, max ${fmt(f.loopMax)}`);
const [attestMs, floorMs] = [median(packs, 'ms'), median(floors, 'ms')];
console.log(
  `median: attest ${fmt(attestMs)} | floor ${fmt(floorMs)} | ratio ${(attestMs / floorMs).toFixed(2)} | peak RSS of the packs ${mb(Math.max(...packs.map((r) => r.peakRss)))} (limit 200 MB) | event loop p99 ${fmt(median(packs, 'loopP99'))}`,
);
