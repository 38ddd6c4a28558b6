import { Writable } from 'node:stream';
import { pino } from 'pino';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPrincipal } from '../../src/auth/principal.ts';
import { readLibraryFiles } from '../../src/controls/library.files.ts';
import { loadLibrary } from '../../src/controls/library.load.ts';
import type { RouteInfo } from '../../src/http/routes.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { postEvidenceForm } from '../helpers/evidence.ts';
import { buildUser, tokenFor } from '../helpers/factories.ts';
import { Browser, buildApp, signedIn, type TestApp } from '../helpers/http.ts';
import { writeFixture } from '../helpers/library-fixture.ts';

/**
 * Walks every registered route as an administrator with junk: malformed queries, junk path
 * parameters, junk bodies of every shape. Nothing may answer 5xx, and nothing may be written.
 * Requests run one after another; the server's logged error is attached to every 5xx found.
 */

let ctx: TestContext;
let t: TestApp;
let admin: Browser;
let adminCsrf: string;
let token: string;
let ids: { target: number; evidence: number; file: number };
type Client = { browser: Browser; csrf: string };
/** Signing in, signing out and changing a password would end the walk's session: each gets a browser of its own. */
const own = new Map<string, Client>();
/** The user whose password the sign-in and password forms' valid bodies carry. */
let owner: { email: string; password: string };
const logged: { reqId?: string; err?: { message?: string } }[] = [];

beforeAll(async () => {
  ctx = await createTestContext({ now: '2026-11-21T10:00:00.000Z', env: { LOGIN_MAX_PER_IP: '100000', LOGIN_MAX_PER_ACCOUNT: '100000' } });
  await loadLibrary(ctx, cliPrincipal, readLibraryFiles(writeFixture()), { overwrite: false });
  // The app logs unhandled errors; keep them to explain any 5xx.
  const sink = new Writable({
    write(chunk, _enc, done) {
      logged.push(JSON.parse(String(chunk)) as (typeof logged)[number]);
      done();
    },
  });
  t = await buildApp({ ...ctx, logger: pino({ level: 'error' }, sink) });
  const adminUser = await buildUser(ctx, { role: 'admin' });
  admin = await signedIn(t.app, adminUser);
  adminCsrf = await admin.csrfToken();
  token = await tokenFor(ctx, adminUser, 'fuzz');
  const target = await buildUser(ctx, { role: 'viewer' });
  // Evidence with a file, by someone else, so that the admin could review it.
  const grc = await signedIn(t.app, await buildUser(ctx, { role: 'grc' }));
  const logged303 = await postEvidenceForm(grc, '/evidence', { title: 'Fuzz target', kind: 'export', collected_at: '2026-11-01', controls: 'CRY-01' }, [
    { name: 'target.txt', content: 'fuzz target' },
  ]);
  const evidence = Number(/\/evidence\/(\d+)/.exec(logged303.headers.location ?? '')?.[1]);
  const file = (await ctx.db.selectFrom('evidence_files').select('id').where('evidence_id', '=', evidence).executeTakeFirstOrThrow()).id;
  ids = { target: target.id, evidence, file };
  owner = await buildUser(ctx, { role: 'admin' });
  for (const path of ['/logout', '/account/password'] as const) {
    const browser = await signedIn(t.app, owner);
    own.set(path, { browser, csrf: await browser.csrfToken() });
  }
  const signedOut = new Browser(t.app);
  own.set('/login', { browser: signedOut, csrf: await signedOut.csrfToken() });
});
afterAll(() => ctx.cleanup());

// ---- what is sent ---------------------------------------------------------------------------

const LONG = 'x'.repeat(5000);
const FIELD_LONG = 'y'.repeat(10_000);
/** The filter names of the zod query schemas (and `next`, read by the sign-in page). */
const QUERY_NAMES = 'q page limit status kind control framework as_of from to format detail frequency retired owner domain action actor subject_type subject_id next'.split(' ');
/**
 * Lists three names at a time (a handler reading req.query may assume a string), long strings two
 * at a time (URLs stay under Node's 16 kB header limit), impossible dates and numbers under the
 * names that take them, the rest under every name at once. Few names share a request, so a name
 * one schema refuses rarely hides another; requests stay few, so the walk stays quick.
 */
const QUERY_TYPED: Record<string, string[]> = {
  as_of: ['2026-02-30', '+275760-09-13'],
  from: ['0000-00-00'],
  to: ['99999-01-01'],
  page: ['99999999999999999999'],
  limit: ['1.5'],
};
const QUERY_ALL = ['a\u0000', '99999999999999999999', 'abc', '-1', ' '];
/** What some lists need before they read anything else; junk under a name replaces its value. */
const VALID_QUERY: Record<string, Record<string, string>> = {
  '/crosswalk': { from: 'alpha', to: 'beta' },
  '/api/v1/crosswalk': { from: 'alpha', to: 'beta' },
  '/api/v1/mappings': { framework: 'alpha' },
};
const PARAM_JUNK = ['abc', '-1', '1.5', '99999999999999999999', '%00', 'z'.repeat(300), '%E0%A4%A', '..%2F..'];
/** Body field names of the zod input schemas; every junk body carries all of them. */
const BODY_NAMES = [
  'title kind description link_url collected_at valid_until controls shareable decision comment email password name role next',
  'expires_in_days owner frequency status applicable applicability_note framework requirement relationship rationale current_password new_password confirm_password',
  'job_title confirm',
].flatMap((names) => names.split(' '));
const WRONG_TYPES: unknown[] = [123, ['a', 'b'], [], { a: 'b' }, null, true];
/** One field at a time gets fewer: one of each shape. */
const FIELD_WRONG_TYPES: unknown[] = [123, ['a', 'b'], { a: 'b' }, null];
/** Fields whose valid value is not a string get junk of their own: numbers are valid days, booleans valid flags. */
const TYPED_JUNK: Record<string, unknown[]> = {
  expires_in_days: ['abc', '1e9', 1e9, -1.5, ['1', '2'], [], { a: 1 }, null, true],
  shareable: ['maybe', 1, ['a', 'b'], [], { a: 1 }, null],
  contract_value: ['abc', -1, 1.5, 1e10, ['1', '2'], [], { a: 1 }, true],
};

/**
 * A valid body for each write route, so that junk in one field is what gets tested. The writes
 * they would make are not expected: each is sent with one field broken.
 */
function validBody(route: RouteInfo): Record<string, unknown> | undefined {
  const p = route.path.replace('/api/v1', '');
  const evidence = {
    title: 'Fuzz evidence',
    kind: 'link',
    link_url: 'https://example.test/e',
    collected_at: '2026-11-01',
    controls: route.api ? ['IAM-01'] : 'IAM-01',
    description: 'd',
  };
  if (p === '/evidence' || p === '/evidence/:id/versions') return evidence;
  if (p === '/evidence/:id/review') return { decision: 'rejected', comment: 'Not enough' };
  if (p === '/login') return { email: owner.email, password: owner.password, next: '/controls' };
  if (p === '/account/password') return { current_password: owner.password, new_password: 'a brand new passphrase', confirm_password: 'a brand new passphrase' };
  if (p === '/admin/users') return { email: 'fuzz-new@example.test', name: 'Fuzz New', role: 'viewer' };
  if (p === '/admin/users/:id/role') return { role: 'grc' };
  if (p === '/account/tokens') return { name: 'Fuzz token', expires_in_days: '30' };
  if (p === '/evidence/:id/shareable') return { shareable: route.api ? false : 'no' };
  if (p === '/controls/:ref') return { owner: 'CISO', frequency: 'annual', status: 'implemented', applicable: 'no', applicability_note: 'Because' };
  if (p === '/admin/users/:id/job-title') return { job_title: 'CISO' };
  if (p === '/reminders/send') return { confirm: 'yes' };
  if (p === '/controls/:ref/mappings') return { framework: 'alpha', requirement: '1.3', relationship: 'intersect', rationale: 'r' };
  if (p === '/audits' || p === '/audits/:id')
    return {
      kind: 'internal',
      title: 'Fuzz audit',
      frameworks: route.api ? ['alpha'] : 'alpha',
      owner: String(ids.target),
      fieldwork_from: '2026-12-01',
      fieldwork_to: '2026-12-05',
    };
  if (p === '/audits/:id/status') return { status: 'fieldwork' };
  if (p === '/audits/:id/scope') return { add: 'alpha:1.1', remove: 'alpha:1.2' };
  if (p === '/audits/:id/assignments') return { user: String(ids.target), access_from: '2026-12-01', access_until: '2026-12-31' };
  if (p === '/audits/:id/findings' || p === '/audits/:id/findings/:findingId')
    return {
      kind: 'minor_nc',
      title: 'Fuzz finding',
      owner: String(ids.target),
      due_on: '2027-01-01',
      requirements: route.api ? ['alpha:1.1'] : 'alpha:1.1',
      controls: route.api ? ['IAM-01'] : 'IAM-01',
    };
  if (p === '/audits/:id/findings/:findingId/status') return { status: 'action_taken' };
  if (p === '/audits/:id/requests')
    return { title: 'Fuzz request', description: 'd', requirement: 'alpha:1.1', control: 'IAM-01', due_on: '2027-01-01', assignee: String(ids.target) };
  if (p === '/audits/:id/requests/:requestId/link') return { evidence: route.api ? [ids.evidence] : String(ids.evidence) };
  if (p === '/audits/:id/requests/:requestId/status') return { status: 'returned', comment: 'Fuzz' };
  if (p === '/audits/:id/comments' || p === '/audits/:id/findings/:findingId/comments' || p === '/audits/:id/requests/:requestId/comments') return { body: 'Fuzz comment' };
  if (p === '/calendar/feeds') return { scope: 'audit', audit_id: '999999' };
  if (p === '/certifications' || p === '/certifications/:id')
    return {
      framework: 'alpha',
      kind: 'iso_certificate',
      number: 'F-1',
      issuer: 'Fuzz Body',
      scope: 's',
      issued_on: '2026-01-01',
      valid_from: '2026-01-01',
      valid_until: '2026-12-31',
    };
  if (p === '/certifications/:id/withdraw') return { withdrawn_on: '2026-11-01', reason: 'r' };
  if (p === '/certifications/:id/events' || p === '/certifications/:id/events/:eventId')
    return { kind: 'internal_audit', title: 'Fuzz event', starts_on: '2026-12-01', ends_on: '2026-12-02' };
  if (p === '/certifications/:id/events/:eventId/status') return { status: 'done' };
  if (p === '/certifications/demand') return { customer: 'Fuzz Co', scheme: 'BSI C5', requested_on: '2026-11-01', note: 'n', contract_value: route.api ? 1000 : '1000' };
  return undefined;
}

/** Routes that act without a body are given ids that do not exist, so junk never acts. */
const bodyless = (route: RouteInfo) => /\/(disable|enable|unlock|revoke|delete)$/.test(route.path);

function validParams(route: RouteInfo): Record<string, string> {
  const missing = '999999';
  const none = bodyless(route);
  return {
    id: none ? missing : route.path.includes('/admin/users/') ? String(ids.target) : String(ids.evidence),
    fileId: String(ids.file),
    tokenId: missing,
    mappingId: missing,
    ref: route.path.includes('/requirements/') ? '1.1' : 'IAM-01',
    slug: 'alpha',
  };
}

function fill(route: RouteInfo, override: Record<string, string> = {}): string {
  const values = { ...validParams(route), ...override };
  return route.path.replace(/:([A-Za-z]+)/g, (_m, name: string) => values[name] ?? '1');
}

const paramNames = (route: RouteInfo) => [...route.path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]!);

function queryString(entries: [string, string | string[]][]): string {
  const parts: string[] = [];
  for (const [k, v] of entries) for (const one of Array.isArray(v) ? v : [v]) parts.push(`${k}=${encodeURIComponent(one)}`);
  return parts.join('&');
}

type Body =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown }
  | { kind: 'raw'; type: string; text: string }
  | { kind: 'form'; fields: Record<string, unknown> }
  | { kind: 'multipart'; fields: Record<string, string>; files?: { name: string; content: string }[] };

interface Probe {
  method: 'GET' | 'POST';
  path: string;
  body: Body;
  label: string;
}

const clientFor = (route: RouteInfo): Client => own.get(route.path) ?? { browser: admin, csrf: adminCsrf };

async function send(route: RouteInfo, probe: Probe, who: Client): Promise<supertest.Response> {
  let req: supertest.Test;
  if (route.api) {
    const base = supertest(t.app);
    req = (probe.method === 'GET' ? base.get(probe.path) : base.post(probe.path)).set('Authorization', `Bearer ${token}`);
  } else {
    const agent = who.browser.agent;
    req = (probe.method === 'GET' ? agent.get(probe.path) : agent.post(probe.path)).set('X-CSRF-Token', who.csrf);
  }
  const body = probe.body;
  if (body.kind === 'json') return req.set('Content-Type', 'application/json').send(JSON.stringify(body.value));
  if (body.kind === 'raw') return req.set('Content-Type', body.type).send(body.text);
  if (body.kind === 'form') return req.type('form').send(formEncode(body.fields));
  if (body.kind === 'multipart') {
    for (const [k, v] of Object.entries(body.fields)) req = req.field(k, v);
    for (const f of body.files ?? []) req = req.attach(route.path.endsWith('/import') ? 'file' : 'files', Buffer.from(f.content), f.name);
    return req;
  }
  return req;
}

function formEncode(fields: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(fields)) {
    for (const one of Array.isArray(v) ? v : [v]) parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(typeof one === 'string' ? one : JSON.stringify(one))}`);
  }
  return parts.join('&');
}

function probesFor(route: RouteInfo): Probe[] {
  const probes: Probe[] = [];
  const path = fill(route);
  const add = (label: string, p: string, body: Body = { kind: 'none' }) => probes.push({ method: route.method, path: p, body, label });

  if (route.method === 'GET') {
    const query = (entries: [string, string | string[]][]) => `${path}?${queryString(Object.entries({ ...VALID_QUERY[route.path], ...Object.fromEntries(entries) }))}`;
    const grouped: [number, string | string[], string][] = [
      [3, ['1', '2'], 'a list'],
      [2, LONG, '5,000 characters'],
    ];
    for (const [size, value, what] of grouped) {
      for (let i = 0; i < QUERY_NAMES.length; i += size) {
        const names = QUERY_NAMES.slice(i, i + size);
        add(`${names.join(', ')} = ${what}`, query(names.map((n) => [n, value])));
      }
    }
    for (const [name, values] of Object.entries(QUERY_TYPED)) for (const v of values) add(`?${name}=${v}`, query([[name, v]]));
    for (const v of QUERY_ALL) add(`every filter = ${JSON.stringify(v)}`, query(QUERY_NAMES.map((n) => [n, v])));
    add('nested query keys', `${path}?q[a]=1&page[]=2&status[x][y]=3&__proto__=1&constructor[prototype]=1`);
    add('malformed escapes in the query', `${path}?q=%E0%A4%A&page=%`);
  }

  // Junk in each path parameter, the others valid.
  const base = validBody(route);
  const goodBody: Body = route.method === 'GET' ? { kind: 'none' } : base ? (route.api ? { kind: 'json', value: base } : { kind: 'form', fields: base }) : { kind: 'none' };
  for (const name of paramNames(route)) for (const junk of PARAM_JUNK) add(`:${name}=${junk.slice(0, 40)}`, fill(route, { [name]: junk }), goodBody);

  if (route.method === 'POST') {
    // A non-string valid for a typed field (true for a flag) is swapped for that field's first junk.
    const typed = (n: string, v: unknown) => (typeof v !== 'string' && TYPED_JUNK[n] && !TYPED_JUNK[n].includes(v) ? TYPED_JUNK[n][0] : v);
    const all = (v: unknown) => Object.fromEntries(BODY_NAMES.map((n) => [n, typed(n, v)]));
    add('empty body', path);
    add('empty JSON object', path, { kind: 'json', value: {} });
    add('every field NUL-bearing (form)', path, { kind: 'form', fields: all('a\u0000b') });
    add('every field NUL-bearing (JSON)', path, { kind: 'json', value: all('a\u0000b') });
    add('a NUL in a JSON key', path, { kind: 'json', value: { 'title\u0000': 'x', [`a\u0000`]: 1 } });
    for (const v of WRONG_TYPES) add(`every field ${JSON.stringify(v)} (JSON)`, path, { kind: 'json', value: all(v) });
    add('repeated form fields', path, { kind: 'form', fields: all(['a', 'b']) });
    add('bracketed form keys', path, { kind: 'raw', type: 'application/x-www-form-urlencoded', text: 'title[a]=1&controls[]=IAM-01&__proto__[x]=1' });
    add('body over 100 kB (JSON)', path, { kind: 'json', value: { title: 'z'.repeat(120 * 1024) } });
    add('body over 100 kB (form)', path, { kind: 'form', fields: { title: 'z'.repeat(120 * 1024) } });
    add('malformed JSON', path, { kind: 'raw', type: 'application/json', text: '{"a":' });
    add('JSON null', path, { kind: 'raw', type: 'application/json', text: 'null' });
    add('JSON string', path, { kind: 'raw', type: 'application/json', text: '"title"' });
    add('JSON array', path, { kind: 'json', value: [1, 'a', null] });
    add('deeply nested JSON', path, { kind: 'raw', type: 'application/json', text: `${'['.repeat(20_000)}${']'.repeat(20_000)}` });
    add('JSON in UTF-16', path, { kind: 'raw', type: 'application/json; charset=utf-16', text: '{"a":1}' });
    add('text/plain body', path, { kind: 'raw', type: 'text/plain', text: 'title=x' });
    add('broken multipart', path, { kind: 'raw', type: 'multipart/form-data; boundary=XyZ', text: '--XyZ\r\nContent-Disposition: form-data; name="title"\r\n\r\nabc\r\n--Xy' });
    add('multipart without boundary', path, { kind: 'raw', type: 'multipart/form-data', text: 'garbage' });
    add('multipart, junk headers', path, {
      kind: 'raw',
      type: 'multipart/form-data; boundary=B',
      text: '--B\r\nContent-Disposition: form-data; name="files"; filename="\u0000.txt"\r\nContent-Type: te\u0000xt/pl ain\r\n\r\nabc\r\n--B--\r\n',
    });
    add('multipart with NUL fields and a NUL file name', path, {
      kind: 'multipart',
      fields: all('a\u0000b') as Record<string, string>,
      files: [{ name: 'a\u0000b.txt', content: 'x' }],
    });
    if (route.path.endsWith('/import')) {
      const csv = (content: string): Body => ({ kind: 'multipart', fields: {}, files: [{ name: 'import.csv', content }] });
      add('CSV with a NUL', path, csv('title,kind,collected_at,controls,link_url\r\nA\u0000B,link,2026-11-01,IAM-01,https://example.test/x\r\n'));
      add('CSV with a far valid_until', path, csv('title,kind,collected_at,controls,link_url,valid_until\r\nA,link,2026-11-01,IAM-01,https://example.test/x,9999-12-31\r\n'));
    }
    if (base) {
      // One field broken at a time, the others valid. Forms are parsed to the same values as JSON,
      // so a form is only sent for what only a form sends: a field repeated.
      const [first] = Object.keys(base);
      for (const field of Object.keys(base)) {
        for (const junk of ['a\u0000b', FIELD_LONG, ...(TYPED_JUNK[field] ?? FIELD_WRONG_TYPES)]) {
          const value = { ...base, [field]: junk };
          const label = `${field}=${JSON.stringify(junk).slice(0, 30)}`;
          add(`${label} (JSON)`, path, { kind: 'json', value });
          if (!route.api && Array.isArray(junk) && junk.length > 0) add(`${label} (form)`, path, { kind: 'form', fields: value });
        }
      }
      // Multipart fields are checked by parseInput, not by the NUL guard.
      const fields = Object.fromEntries(Object.entries({ ...base, [first!]: 'a\u0000b' }).map(([k, v]) => [k, String(v)]));
      add(`${first} NUL (multipart)`, path, { kind: 'multipart', fields, files: [{ name: 'f.txt', content: 'f' }] });
    }
  }
  return probes;
}

async function rowCounts(): Promise<Record<string, number>> {
  const tables = [...new Set((await ctx.db.introspection.getTables()).map((tb) => tb.name))]
    // A refused import is still a finished job (its page shows the refusal, checked below); it writes no evidence.
    .filter((name) => !['activity', 'sessions', 'jobs'].includes(name) && !name.startsWith('kysely_'))
    .sort();
  const counts: Record<string, number> = {};
  for (const name of tables) {
    // Table names come from the database's own catalogue.
    const row = await ctx.db
      .selectFrom(name as 'users')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    counts[name] = Number(row.n);
  }
  return counts;
}

/** Follows an import's job page until it ends; true when it says nothing was imported. */
async function importRefused(who: ReturnType<typeof clientFor>, at: string): Promise<boolean> {
  for (let i = 0; i < 200; i += 1) {
    const page = await who.browser.get(at);
    if (!page.text.includes('http-equiv="refresh"')) return page.text.includes('was not imported') || page.text.includes('nothing was written');
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

describe('fuzzing every route', () => {
  it('never answers 5xx and writes nothing', async () => {
    const before = await rowCounts();
    const errors: string[] = [];
    const accepted: string[] = [];
    let sent = 0;
    for (const route of t.routes) {
      const who = clientFor(route);
      for (const probe of probesFor(route)) {
        const res = await send(route, probe, who);
        sent += 1;
        const line = `${probe.method} ${route.path} [${probe.label}] -> ${probe.path.slice(0, 120)}`;
        if (res.status >= 500) {
          const reqId = res.headers['x-request-id'];
          const err = logged.find((l) => l.reqId === reqId)?.err;
          errors.push(`${line}: ${res.status} ${err?.message ?? res.text.slice(0, 200)}`);
        } else if (probe.method === 'POST' && res.status < 400 && route.path !== '/logout') {
          // Imports run on a worker thread: the answer is the job page, which must end in a refusal.
          if (res.status === 303 && /^\/evidence\/import\/[0-9a-f-]{36}$/.test(res.headers.location ?? '') && (await importRefused(who, res.headers.location!))) continue;
          accepted.push(`${line}: ${res.status} ${res.headers.location ?? ''}`);
        }
      }
    }
    expect(sent).toBeGreaterThan(1000);
    // Soft, so that one run reports every finding.
    expect.soft(errors).toEqual([]);
    expect.soft(accepted).toEqual([]);
    expect.soft(await rowCounts()).toEqual(before);
  }, 900_000);
});
