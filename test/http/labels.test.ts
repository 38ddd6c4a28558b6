import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { postEvidenceForm } from '../helpers/evidence.ts';
import { buildToken, buildUser, loadFixtureLibrary } from '../helpers/factories.ts';
import { buildApp, signedIn, type Browser, type TestApp } from '../helpers/http.ts';

// Words people read: filter options name statuses and actions in words (their values unchanged),
// and a date left empty in a date picker is asked for without a format the picker does not show.

let ctx: TestContext;
let t: TestApp;
let grc: Browser;
let admin: Browser;

beforeAll(async () => {
  ctx = await createTestContext({ now: '2026-11-21T10:00:00.000Z' });
  await loadFixtureLibrary(ctx);
  t = await buildApp(ctx);
  grc = await signedIn(t.app, await buildUser(ctx, { role: 'grc' }));
  admin = await signedIn(t.app, await buildUser(ctx, { role: 'admin' }));
});
afterAll(() => ctx.cleanup());

const options = (html: string, id: string) =>
  [...(new RegExp(`<select id="${id}"[\\s\\S]*?</select>`).exec(html)?.[0] ?? '').matchAll(/<option value="([^"]*)"[^>]*>([^<]*)<\/option>/g)].map(([, v, l]) => [v, l]);

describe('filter options', () => {
  it('name evidence statuses in words, values unchanged', async () => {
    const page = await grc.get('/evidence?status=submitted');
    expect(options(page.text, 'f-status')).toEqual([
      ['', 'Current (any)'],
      ['submitted', 'Awaiting review'],
      ['accepted', 'Accepted'],
      ['rejected', 'Rejected'],
      ['superseded', 'Superseded'],
    ]);
    expect(page.text).toContain('<option value="submitted" selected>Awaiting review</option>');
  });

  it('name activity actions in words, in the filter and in the rows', async () => {
    const page = await admin.get('/admin/activity?action=auth.login');
    const opts = options(page.text, 'f-action');
    expect(opts).toContainEqual(['auth.login', 'Signed in']);
    expect(opts).toContainEqual(['evidence.submitted', 'Evidence submitted']);
    // No option shows its code.
    expect(opts.filter(([v, l]) => v !== '' && (l === v || /[._]/.test(l!)))).toEqual([]);
    // The rows read as sentences ("… signed in"), never the code.
    expect(page.text).toMatch(/signed in/);
    expect(page.text).not.toContain('<code>auth.login</code>');
  });
});

describe('date fields', () => {
  it('an empty date picker is asked for plainly; text in the wrong form is told the form', async () => {
    const empty = await postEvidenceForm(grc, '/evidence', { title: 'Policy', kind: 'link', collected_at: '', controls: 'IAM-01', link_url: 'https://e.example.test/1' });
    expect(empty.status).toBe(422);
    expect(empty.text).toContain('<p class="field-error" id="collected_at-error">Enter the collection date.</p>');
    expect(empty.text).not.toContain('YYYY-MM-DD');

    const { secret } = await buildToken(ctx, { role: 'grc' });
    const typed = await supertest(t.app)
      .post('/api/v1/evidence')
      .set('Authorization', `Bearer ${secret}`)
      .send({ title: 'Policy', kind: 'link', collected_at: '21/11/2026', controls: ['IAM-01'], link_url: 'https://e.example.test/2' });
    expect(typed.status).toBe(400);
    expect(typed.body.error.fields).toContainEqual({ field: 'collected_at', message: 'Enter the collection date as YYYY-MM-DD.' });
  });
});
