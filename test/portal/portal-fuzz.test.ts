import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignAuditor } from '../../src/audits/assignments.service.ts';
import { createAudit } from '../../src/audits/audits.service.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { buildUser, loadFixtureLibrary, principalFor, tokenFor } from '../helpers/factories.ts';
import { type Browser, buildApp, signedIn, type TestApp } from '../helpers/http.ts';

// Malformed, missing, oversized, wrong-typed and NUL-bearing input on every form and endpoint an
// auditor uses, as an auditor inside the window: never a 5xx, and nothing written.

let ctx: TestContext;
let t: TestApp;
let aria: Browser;
let token: string;
let auditId: number;

const LONG = 'y'.repeat(5000);
const HUGE_POPULATION = Array.from({ length: 60_000 }, (_, i) => `item-${i}`).join('\n');

/** Field values that must all be refused (or, for text, stored as text) without a 5xx. */
const hostile: unknown[] = ['', ' ', 'a\u0000b', LONG, '-1', '0', '99999999999999', '1e3', 'NaN', '<script>x</script>', ['a', 'b'], { nested: true }, null, 12.5, true];

const forms: Record<string, string[]> = {
  requests: ['title', 'description', 'requirement', 'control', 'due_on', 'assignee'],
  findings: ['kind', 'title', 'description', 'requirements', 'controls', 'owner', 'due_on'],
  samples: ['title', 'population', 'size', 'seed'],
  comments: ['body'],
};

async function counts() {
  const n = async (table: 'samples' | 'findings' | 'evidence_requests' | 'comments') =>
    Number(
      (
        await ctx.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return { samples: await n('samples'), findings: await n('findings'), requests: await n('evidence_requests'), comments: await n('comments') };
}

beforeAll(async () => {
  ctx = await createTestContext({ env: { LOGIN_MAX_PER_IP: '10000', LOGIN_MAX_PER_ACCOUNT: '10000' } });
  await loadFixtureLibrary(ctx);
  t = await buildApp(ctx);
  const grc = await buildUser(ctx, { role: 'grc' });
  const auditor = await buildUser(ctx, { role: 'auditor' });
  auditId = await createAudit(ctx, principalFor(grc), { kind: 'internal', title: 'Fuzzed audit', frameworks: ['alpha'], owner: { id: grc.id } });
  await assignAuditor(ctx, principalFor(grc), auditId, { user: { id: auditor.id }, access_from: '2026-01-01', access_until: '2027-12-31' });
  aria = await signedIn(t.app, auditor);
  token = await tokenFor(ctx, auditor);
});
afterAll(() => ctx.cleanup());

describe('fuzzing the auditor’s portal', () => {
  it('refuses every malformed form and API body without a 5xx or a write', async () => {
    const before = await counts();
    const problems: string[] = [];
    let commentsAccepted = 0;
    // A comment is any text from 1 to 4000 characters: the only body that should be accepted alone.
    const goodComment = (v: unknown) => typeof v === 'string' && v.trim().length > 0 && v.length <= 4000 && !v.includes('\u0000');
    for (const [form, fields] of Object.entries(forms)) {
      for (const field of fields) {
        for (const value of hostile) {
          // A body with only this field set to the hostile value: at least one required field is missing or bad.
          const body = { [field]: value };
          const page = await aria.agent
            .post(`/portal/audits/${auditId}/${form}`)
            .type('form')
            .send({
              ...Object.fromEntries(Object.entries(body).map(([k, v]) => [k, typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)])),
              _csrf: await aria.csrfToken(),
            });
          const asText = typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
          const pageOk = form === 'comments' && goodComment(asText);
          if (pageOk) commentsAccepted += 1;
          if (page.status >= 500 || page.status < 400 !== pageOk) problems.push(`page ${form}.${field}=${JSON.stringify(value)?.slice(0, 30)}: ${page.status}`);
          const api = await supertest(t.app).post(`/api/v1/portal/audits/${auditId}/${form}`).set('Authorization', `Bearer ${token}`).send(body);
          const apiOk = form === 'comments' && goodComment(value);
          if (apiOk) commentsAccepted += 1;
          if (api.status >= 500 || api.status < 400 !== apiOk) problems.push(`api ${form}.${field}=${JSON.stringify(value)?.slice(0, 30)}: ${api.status}`);
        }
      }
    }
    const huge = await supertest(t.app)
      .post(`/api/v1/portal/audits/${auditId}/samples`)
      .set('Authorization', `Bearer ${token}`)
      .send({ title: 'Too big', population: HUGE_POPULATION, size: 5 });
    expect(huge.status).toBeLessThan(500);
    expect(huge.status).toBeGreaterThanOrEqual(400);
    for (const bad of ['0', '-1', 'abc', '99999999999', '1.5', '%00']) {
      for (const path of [
        `/portal/audits/${bad}`,
        `/portal/audits/${auditId}/evidence/${bad}`,
        `/portal/audits/${auditId}/samples/${bad}`,
        `/portal/audits/${auditId}/evidence/1/files/${bad}`,
      ]) {
        const res = await aria.get(path);
        if (res.status >= 500) problems.push(`GET ${path}: ${res.status}`);
      }
      const api = await supertest(t.app).get(`/api/v1/portal/audits/${bad}`).set('Authorization', `Bearer ${token}`);
      if (api.status >= 500) problems.push(`GET api ${bad}: ${api.status}`);
    }
    expect(problems).toEqual([]);
    expect(await counts()).toEqual({ ...before, comments: before.comments + commentsAccepted });
  }, 300_000);
});
