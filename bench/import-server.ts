import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { hashPassword } from '../src/auth/password.ts';
import { systemPrincipal } from '../src/auth/principal.ts';
import { updateUser } from '../src/auth/users.repository.ts';
import { createUser } from '../src/auth/users.service.ts';
import { openContext } from '../src/bootstrap.ts';
import { loadConfig } from '../src/config.ts';
import { readLibraryFiles } from '../src/controls/library.files.ts';
import { loadLibrary } from '../src/controls/library.load.ts';
import { addDays } from '../src/dates.ts';
import { seeded } from '../src/demo/demo.data.ts';
import { createLogger } from '../src/logger.ts';
import { signIn, startServer } from './server.ts';

// A CSV import through the server's page, as a user would send it, with the server in its own
// process: how long it takes, the server's peak memory (VmHWM from /proc) while it runs, and what
// another client sees meanwhile — /healthz timed by one connection for the whole import.

const ROWS = Number(process.env.ROWS ?? 100_000);
const PORT = 3398;
const EMAIL = 'bench-import@example.test';
const PASSWORD = 'bench password 2026';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-bench-import-server-'));
const config = loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent', COOKIE_SECURE: 'false' });
const ctx = await openContext(config, createLogger('silent'));
await loadLibrary(ctx, systemPrincipal, readLibraryFiles(), { overwrite: false });
const { user } = await createUser(ctx, systemPrincipal, { email: EMAIL, name: 'Bench', role: 'grc' });
await updateUser(ctx.db, user.id, { password_hash: await hashPassword(PASSWORD), must_change_password: 0 });
const refs = (await ctx.db.selectFrom('controls').select('ref').orderBy('ref').execute()).map((r) => r.ref);
await ctx.database.close();
const rand = seeded(7);
const csvFile = path.join(dir, 'evidence.csv');
const out = fs.createWriteStream(csvFile);
out.write('title,kind,collected_at,controls,link_url,valid_until,description\n');
for (let i = 0; i < ROWS; i += 1) {
  const collected = addDays('2025-01-01', Math.floor(rand() * 680));
  const controls = rand() < 0.3 ? `${refs[i % refs.length]};${refs[(i * 7) % refs.length]}` : refs[i % refs.length];
  out.write(`Automated check ${i},automated_check,${collected},${controls},https://ci.example.test/runs/${i},,nightly run ${i}\n`);
}
await new Promise((r) => out.end(r));
const size = fs.statSync(csvFile).size;

const { base, server } = await startServer(dir, PORT, { UPLOAD_MAX_MB: '2048' });
const cookie = await signIn(base, EMAIL, PASSWORD);
const page = await (await fetch(`${base}/evidence/import`, { headers: { cookie } })).text();
const formToken = /_csrf=([^"]+)"/.exec(page)![1]!;

const rssOf = () => {
  const status = fs.readFileSync(`/proc/${server.pid}/status`, 'utf8');
  return { rss: Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024, hwm: Number(/VmHWM:\s+(\d+)/.exec(status)![1]) / 1024 };
};
const baseline = rssOf();
let peak = baseline.rss;
const sampler = setInterval(() => {
  peak = Math.max(peak, rssOf().rss);
}, 50);

const started = performance.now();
const form = new FormData();
form.append('file', new Blob([fs.readFileSync(csvFile)], { type: 'text/csv' }), 'evidence.csv');
let importing = true;
const health = autocannon({ url: `${base}/healthz`, connections: 1, duration: 3600 });
const posted = await fetch(`${base}/evidence/import?_csrf=${encodeURIComponent(formToken)}`, { method: 'POST', body: form, redirect: 'manual', headers: { cookie } });
const job = posted.headers.get('location');
if (posted.status !== 303 || !job) throw new Error(`upload failed: ${posted.status}`);
let final = '';
while (importing) {
  await new Promise((r) => setTimeout(r, 250));
  const text = await (await fetch(`${base}${job}`, { headers: { cookie } })).text();
  if (!text.includes('http-equiv="refresh"')) {
    importing = false;
    final = text;
  }
}
const seconds = (performance.now() - started) / 1000;
(health as unknown as { stop(): void }).stop();
const h = await health;
clearInterval(sampler);
const end = rssOf();
server.kill('SIGTERM');
const imported = /Imported ([\d,]+) evidence/.exec(final)?.[1];
console.log(
  `rows: ${ROWS} (${(size / 1024 / 1024).toFixed(1)} MB CSV), uploaded through POST /evidence/import, imported ${imported ?? 'NOTHING'} in ${seconds.toFixed(1)} s (${Math.round(ROWS / seconds)} rows/s)`,
);
console.log(`server memory: ${baseline.rss.toFixed(0)} MB before, peak RSS sampled ${peak.toFixed(0)} MB, VmHWM ${end.hwm.toFixed(0)} MB`);
console.log(
  `meanwhile GET /healthz, 1 connection: ${h.requests.total} requests, p50 ${h.latency.p50} ms, p99 ${h.latency.p99} ms, max ${h.latency.max} ms, errors ${h.errors + h.non2xx}`,
);
fs.rmSync(dir, { recursive: true, force: true });
