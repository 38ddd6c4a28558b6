import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordDemand } from '../../src/certifications/demand.service.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { buildEvidence, buildUser, principalFor, tokenFor } from '../helpers/factories.ts';
import { buildApp, signedIn, type Browser, type TestApp } from '../helpers/http.ts';
import { activityOf, count, isoForm, loadShippedLibrary, recordCertification } from './helpers.ts';

let ctx: TestContext;
let t: TestApp;
let grc: Browser;
let cc: Browser;
let ccUser: Awaited<ReturnType<typeof buildUser>>;
let ccToken: string;

beforeAll(async () => {
  ctx = await createTestContext({ now: '2026-11-21T10:00:00.000Z' });
  await loadShippedLibrary(ctx);
  t = await buildApp(ctx);
  grc = await signedIn(t.app, await buildUser(ctx, { role: 'grc' }));
  ccUser = await buildUser(ctx, { role: 'customer_compliance', email: 'casey@example.test' });
  cc = await signedIn(t.app, ccUser);
  ccToken = await tokenFor(ctx, ccUser);
}, 60_000);
afterAll(() => ctx.cleanup());

const demand = (fields: Record<string, string>) => ({ customer: 'Acme Bank', framework: '', scheme: '', requested_on: '2026-11-01', note: '', contract_value: '', ...fields });

describe('recording demand and ranking it', () => {
  it('customer-compliance staff record requests for frameworks and for schemes without catalog', async () => {
    const before = await count(ctx, 'certification_requests');
    const requests: Record<string, string>[] = [
      { customer: 'Acme Bank', scheme: 'BSI C5', contract_value: '120,000', note: 'Needed for the German tender' },
      { customer: 'Globex', scheme: 'bsi  c5', contract_value: '80000', requested_on: '2026-10-15' },
      { customer: 'acme bank', scheme: 'BSI C5', contract_value: '50000', requested_on: '2026-11-20' },
      { customer: 'Initech', framework: 'iso27701-2019', contract_value: '30000' },
      { customer: 'Umbrella', scheme: 'ISO/IEC 42001' },
      // A scheme naming a loaded framework counts as that framework.
      { customer: 'Hooli', scheme: 'ISO/IEC 27701:2019', requested_on: '2026-09-01' },
    ];
    for (const fields of requests) {
      const res = await cc.post('/certifications/demand', demand(fields));
      expect(res.status, JSON.stringify(fields)).toBe(303);
    }
    expect(await count(ctx, 'certification_requests')).toBe(before + 6);
    const hooli = await ctx.db.selectFrom('certification_requests').selectAll().where('customer', '=', 'Hooli').executeTakeFirstOrThrow();
    expect(hooli.framework_id).not.toBeNull();
    expect(hooli).toMatchObject({ scheme: 'ISO/IEC 27701:2019', source: 'manual', created_by: ccUser.id });
    const [recorded] = await activityOf(ctx, 'certification_request', hooli.id);
    expect(recorded).toMatchObject({ action: 'demand.recorded', actor: 'casey@example.test', details: { customer: 'Hooli', framework: 'iso27701-2019' } });
  });

  it('the planning page ranks by distinct customers, then value; shows coverage, "no catalog" and what is held', async () => {
    const held = await recordCertification(grc, isoForm({ framework: 'iso27701-2019', valid_from: '2026-02-01', valid_until: '2029-01-31', issued_on: '' }));
    await buildEvidence(ctx, { controls: ['IAM-01'], review: 'accepted' });
    const res = await supertest(t.app).get('/api/v1/certifications/planning').set('Authorization', `Bearer ${ccToken}`);
    expect(res.status).toBe(200);
    const items = res.body.items as {
      scheme: string | null;
      framework: { slug: string } | null;
      customers: number;
      totalValue: number | null;
      latestRequest: string;
      catalog: boolean;
      coverage: unknown;
      held: unknown;
    }[];
    expect(items.map((i) => i.framework?.slug ?? i.scheme)).toEqual(['BSI C5', 'iso27701-2019', 'ISO/IEC 42001']);
    // Acme asked twice: its larger value counts once.
    expect(items[0]).toMatchObject({ customers: 2, totalValue: 200_000, latestRequest: '2026-11-20', catalog: false, coverage: null, held: null });
    expect(items[1]).toMatchObject({ customers: 2, totalValue: 30_000, catalog: true, held: { status: 'current', certificationId: held } });
    expect(items[1]!.coverage).toEqual({ metPercent: expect.any(Number), partialPercent: expect.any(Number) });
    expect(items[2]).toMatchObject({ customers: 1, totalValue: null });
    const page = await cc.get('/certifications/planning');
    expect(page.status).toBe(200);
    expect(page.text).toContain('no catalog');
    expect(page.text).toContain('200,000');
    expect(page.text).toMatch(/\d+\.\d% met/);
    expect(page.text).toMatch(/status-cert-current">Current<\/a> <span class="small muted nowrap">until 2029-01-31/);
    expect(page.text.indexOf('BSI C5')).toBeLessThan(page.text.indexOf('ISO/IEC 27701:2019'));
  });

  it('a questionnaire can record demand through the service, once per reference', async () => {
    const input = { customer: 'Stark Industries', scheme: 'TISAX', requested_on: '2026-11-02' };
    const first = await recordDemand(ctx, principalFor(ccUser), input, { source: 'questionnaire', ref: 'questionnaire-7/q-12' });
    const again = await recordDemand(ctx, principalFor(ccUser), input, { source: 'questionnaire', ref: 'questionnaire-7/q-12' });
    expect(first.created).toBe(true);
    expect(again).toEqual({ id: first.id, created: false });
    const row = await ctx.db.selectFrom('certification_requests').selectAll().where('id', '=', first.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ source: 'questionnaire', source_ref: 'questionnaire-7/q-12' });
    expect(await activityOf(ctx, 'certification_request', first.id)).toHaveLength(1);
  });

  it('a request is removed with confirmation, and the removal recorded', async () => {
    const row = await ctx.db.selectFrom('certification_requests').selectAll().where('customer', '=', 'Umbrella').executeTakeFirstOrThrow();
    const page = await cc.get('/certifications/planning');
    expect(page.text).toContain(`action="/certifications/demand/${row.id}/delete"`);
    expect((await cc.post(`/certifications/demand/${row.id}/delete`)).status).toBe(303);
    expect(await ctx.db.selectFrom('certification_requests').select('id').where('id', '=', row.id).executeTakeFirst()).toBeUndefined();
    expect((await activityOf(ctx, 'certification_request', row.id)).at(-1)).toMatchObject({ action: 'demand.removed', details: { customer: 'Umbrella', scheme: 'ISO/IEC 42001' } });
    expect((await cc.post(`/certifications/demand/${row.id}/delete`)).status).toBe(404);
    const api = await supertest(t.app).get('/api/v1/certifications/demand').set('Authorization', `Bearer ${ccToken}`);
    expect(api.body.items.some((d: { customer: string }) => d.customer === 'Umbrella')).toBe(false);
  });
});

describe('bad demand input: a clear 4xx naming the field, and nothing written', () => {
  const cases: [string, Record<string, string>, string, string][] = [
    ['a request date in the future', { scheme: 'BSI C5', requested_on: '2026-11-22' }, 'requested_on', 'The request date cannot be in the future.'],
    ['a negative value', { scheme: 'BSI C5', contract_value: '-5' }, 'contract_value', 'The contract value cannot be negative.'],
    ['a fractional value', { scheme: 'BSI C5', contract_value: '10.5' }, 'contract_value', 'whole number'],
    ['a value too large', { scheme: 'BSI C5', contract_value: '5000000000' }, 'contract_value', 'At most 1,000,000,000.'],
    ['neither framework nor scheme', {}, 'framework', 'Choose a framework, or name a scheme'],
    ['both framework and scheme', { framework: 'soc2-2017', scheme: 'BSI C5' }, 'scheme', 'not both'],
    ['an unknown framework', { framework: 'nis2' }, 'framework', 'Unknown framework nis2'],
    ['a NUL byte', { scheme: 'BSI\u0000C5' }, 'scheme', 'NUL character'],
    ['a 10,000-character customer', { scheme: 'BSI C5', customer: 'c'.repeat(10_000) }, 'customer', 'At most 200 characters.'],
  ];
  for (const [what, fields, field, message] of cases) {
    it(what, async () => {
      const before = [await count(ctx, 'certification_requests'), await count(ctx, 'activity')];
      const form = await cc.post('/certifications/demand', demand(fields));
      expect(form.status).toBe(422);
      if (!message.includes('NUL')) expect(form.text).toContain(message);
      const api = await supertest(t.app).post('/api/v1/certifications/demand').set('Authorization', `Bearer ${ccToken}`).send(demand(fields));
      expect(api.status).toBe(400);
      expect(api.body.error.fields.map((f: { field: string }) => f.field)).toContain(field);
      expect(JSON.stringify(api.body.error)).toContain(message);
      expect([await count(ctx, 'certification_requests'), await count(ctx, 'activity')]).toEqual(before);
    });
  }

  it('JSON numbers are taken as they are: -1 and 1.5 refused, 0 accepted', async () => {
    const post = (contract_value: unknown) =>
      supertest(t.app)
        .post('/api/v1/certifications/demand')
        .set('Authorization', `Bearer ${ccToken}`)
        .send({ customer: 'Wayne', scheme: 'BSI C5', requested_on: '2026-11-01', contract_value });
    expect((await post(-1)).status).toBe(400);
    expect((await post(1.5)).status).toBe(400);
    expect((await post(true)).status).toBe(400);
    const ok = await post(0);
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ customer: 'Wayne', contractValue: 0, framework: null, scheme: 'BSI C5' });
  });
});
