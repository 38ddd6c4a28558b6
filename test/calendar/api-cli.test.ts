import ICAL from 'ical.js';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../../src/api/openapi.ts';
import { runCli } from '../helpers/cli.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { buildEvidence, buildUser, loadFixtureLibrary, tokenFor } from '../helpers/factories.ts';
import { buildApp, type TestApp } from '../helpers/http.ts';
import { fakeItems, registerFakeSource } from './fake-source.ts';

// GET /api/v1/calendar and `attest calendar`. The CLI runs in a child process: it sees the real
// sources only (evidence due dates here), not the fake one registered in this process.

let ctx: TestContext;
let t: TestApp;
let grcToken: string;
let unregister: () => void;

beforeAll(async () => {
  ctx = await createTestContext({ now: '2026-11-21T10:00:00.000Z' });
  await loadFixtureLibrary(ctx);
  t = await buildApp(ctx);
  const grace = await buildUser(ctx, { role: 'grc', name: 'Grace' });
  unregister = registerFakeSource(fakeItems(grace.id, grace.id));
  grcToken = await tokenFor(ctx, grace);
  await buildEvidence(ctx, { controls: ['IAM-01'], collectedAt: '2025-12-01', validUntil: '2026-12-01', review: 'accepted' });
});
afterAll(async () => {
  unregister();
  await ctx.cleanup();
});

const api = (query: string, token = grcToken) => supertest(t.app).get(`/api/v1/calendar${query}`).set('Authorization', `Bearer ${token}`);

describe('GET /api/v1/calendar', () => {
  it('returns the items of the next 60 days by default, sorted, with overdue marked', async () => {
    const res = await api('');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ today: '2026-11-21', from: '2026-11-21', to: '2027-01-19' });
    const keys = res.body.items.map((i: { key: string }) => i.key);
    expect(keys).toContain('evidence-due-IAM-01');
    expect(keys).toContain('audit-7');
    const starts = res.body.items.map((i: { start: string }) => i.start);
    expect(starts).toEqual([...starts].sort());
    expect(res.body.items.find((i: { key: string }) => i.key === 'evidence-due-CRY-02')).toMatchObject({
      start: '2026-11-21',
      flag: 'never_evidenced',
      overdue: false,
      href: '/controls/CRY-02',
    });
  });

  it('filters by framework and kind (repeated or comma-separated)', async () => {
    const res = await api('?from=2026-11-01&to=2026-12-31&kind=finding_due,evidence_request_due');
    expect(res.body.items.map((i: { key: string; overdue: boolean }) => [i.key, i.overdue])).toEqual([
      ['finding-2', false],
      ['request-1', true],
      ['finding-1', false],
    ]);
    const repeated = await api('?from=2026-11-01&to=2026-12-31&kind=finding_due&kind=fieldwork');
    expect(repeated.body.items.map((i: { key: string }) => i.key).sort()).toEqual(['fieldwork-7', 'finding-1', 'finding-2']);
    const beta = await api('?from=2026-11-01&to=2026-12-31&framework=beta&kind=milestone');
    expect(beta.body.items.map((i: { key: string }) => i.key)).toEqual(['event-1', 'event-2']);
  });

  it.each([
    ['?from=2026-02-30', 'from'],
    ['?from=2026-01-01&to=2027-12-31', 'to'],
    ['?framework=gamma', 'framework'],
    ['?kind=party', 'kind'],
    ['?owner=me', 'owner'],
    ['?from=2026-11-01%00', 'from'],
  ])('answers %s with a 400 naming %s', async (query, field) => {
    const res = await api(query);
    expect(res.status).toBe(400);
    expect(res.body.error.fields.map((f: { field: string }) => f.field)).toContain(field);
  });

  it('is refused to customer-compliance staff and auditors, and documented', async () => {
    for (const role of ['customer_compliance', 'auditor'] as const) {
      expect((await api('', await tokenFor(ctx, await buildUser(ctx, { role })))).status).toBe(403);
    }
    expect((await api('', await tokenFor(ctx, await buildUser(ctx, { role: 'viewer' })))).status).toBe(200);
    expect(Object.keys((openApiDocument().paths as Record<string, unknown>)['/calendar'] as object)).toEqual(['get']);
  });
});

describe('attest calendar', () => {
  it('prints a table by default, JSON and iCalendar on request, to stdout only', () => {
    const table = runCli(['calendar', '--from', '2026-11-01', '--to', '2026-12-31'], ctx.childEnv);
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/2026-12-01\s+Evidence due\s+Evidence due: IAM-01 Access control policy\s+CISO/);
    const json = runCli(['calendar', '--from', '2026-11-01', '--to', '2026-12-31', '--format', 'json', '--framework', 'alpha'], ctx.childEnv);
    expect(json.status).toBe(0);
    // The child process runs on the real clock: controls never evidenced fall on the real today.
    const parsed = JSON.parse(json.stdout) as { items: { key: string; frameworks: string[] }[] };
    expect(parsed.items.map((i) => i.key)).toContain('evidence-due-IAM-01');
    expect(parsed.items.every((i) => i.frameworks.includes('alpha'))).toBe(true);
    const ics = runCli(['calendar', '--from', '2026-11-01', '--to', '2026-12-31', '--format', 'ics'], ctx.childEnv);
    expect(ics.status).toBe(0);
    const events = new ICAL.Component(ICAL.parse(ics.stdout)).getAllSubcomponents('vevent').map((v) => new ICAL.Event(v).uid);
    expect(events).toContain('evidence-due-IAM-01@attest');
  });

  it('refuses bad dates and unknown frameworks with a message naming the option, exit 2', () => {
    for (const [args, option] of [
      [['--from', '2026-02-30'], '--from'],
      [['--from', '2026-01-01', '--to', '2027-06-01'], '--to'],
      [['--framework', 'gamma'], '--framework'],
    ] as const) {
      const res = runCli(['calendar', ...args], ctx.childEnv);
      expect(res.status).toBe(2);
      expect(res.stderr).toContain(option);
      expect(res.stdout).toBe('');
    }
  });
});
