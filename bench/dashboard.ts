import autocannon from 'autocannon';
import { hashPassword } from '../src/auth/password.ts';
import { updateUser, findUserByEmail } from '../src/auth/users.repository.ts';
import { createUser } from '../src/auth/users.service.ts';
import { systemPrincipal as systemActor } from '../src/auth/principal.ts';
import { buildOrg } from './org.ts';
import { signIn, startServer } from './server.ts';

// The dashboard (coverage of every framework, chart and table) served to 20 concurrent clients
// for 15 s over loopback, with the server in its own process. /healthz in the same run is the
// floor: the cheapest route through the same stack.

const PORT = 3399;
const EMAIL = 'bench@example.test';
const PASSWORD = 'bench password 2026';
const DURATION = Number(process.env.DURATION ?? 15);

const { ctx } = await buildOrg();
if (!(await findUserByEmail(ctx.db, EMAIL))) {
  const { user } = await createUser(ctx, systemActor, { email: EMAIL, name: 'Bench', role: 'grc' });
  await updateUser(ctx.db, user.id, { password_hash: await hashPassword(PASSWORD), must_change_password: 0 });
}
const dataDir = ctx.config.dataDir;
await ctx.database.close();

const { base, server } = await startServer(dataDir, PORT, { LOGIN_MAX_PER_IP: '1000' });
const cookie = await signIn(base, EMAIL, PASSWORD);
const check = await fetch(`${base}/`, { headers: { cookie } });
if (!check.ok || !(await check.text()).includes('<svg')) throw new Error('dashboard did not render');

async function load(url: string) {
  const result = await autocannon({ url, connections: 20, duration: DURATION, headers: { cookie } });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

/**
 * A different as-of date on every request (the five years up to today: a later day is refused), so
 * no two requests share a cache entry.
 */
async function loadEveryDay() {
  let n = 0;
  const result = await autocannon({
    url: `${base}/`,
    connections: 20,
    duration: DURATION,
    headers: { cookie },
    requests: [
      {
        setupRequest: (req) => {
          n += 1;
          const day = new Date(Date.now() - (n % 1825) * 86_400_000).toISOString().slice(0, 10);
          return { ...req, path: `/?as_of=${day}` };
        },
      },
    ],
  });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

const dashboard = await load(`${base}/`);
const floor = await load(`${base}/healthz`);
// Uncached dashboards from 20 clients, and at the same time one client timing /healthz.
const [everyDay, healthUnderLoad] = await Promise.all([
  loadEveryDay(),
  autocannon({ url: `${base}/healthz`, connections: 1, duration: DURATION }).then((r) => ({ p50: r.latency.p50, p99: r.latency.p99, rps: r.requests.average })),
]);
server.kill('SIGTERM');
console.log(
  `dashboard GET / (${process.env.ORG_EVIDENCE ?? 100_000} evidence, ${process.env.ORG_SHAPE ?? 'scattered'}, 7 frameworks), 20 connections, ${DURATION} s: ${dashboard.rps.toFixed(0)} req/s, p50 ${dashboard.p50} ms, p99 ${dashboard.p99} ms, errors ${dashboard.errors}`,
);
console.log(
  `dashboard GET /?as_of=<a different day each request>, 20 connections: ${everyDay.rps.toFixed(0)} req/s, p50 ${everyDay.p50} ms, p99 ${everyDay.p99} ms, errors ${everyDay.errors}`,
);
console.log(`  meanwhile GET /healthz, 1 connection: p50 ${healthUnderLoad.p50} ms, p99 ${healthUnderLoad.p99} ms`);
console.log(`floor GET /healthz, same run: ${floor.rps.toFixed(0)} req/s, p50 ${floor.p50} ms, p99 ${floor.p99} ms`);
console.log(`ratio dashboard/floor throughput: ${(dashboard.rps / floor.rps).toFixed(2)}`);
