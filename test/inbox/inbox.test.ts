import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPrincipal } from '../../src/auth/principal.ts';
import { setJobTitle } from '../../src/auth/users.service.ts';
import { reviewEvidence } from '../../src/evidence/evidence.service.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { buildEvidence, buildUser, principalFor } from '../helpers/factories.ts';
import { buildApp, signedIn, type TestApp } from '../helpers/http.ts';

// "My work" as GRC staff see it: evidence waiting for my review (never my own), my rejected
// submissions, what I owe by a date (my controls' evidence), and questionnaire answers assigned
// to me — each with its next step — and the count beside it in the navigation.

let ctx: TestContext;
let t: TestApp;

beforeAll(async () => {
  ctx = await createTestContext({ env: { LOGIN_MAX_PER_IP: '10000', LOGIN_MAX_PER_ACCOUNT: '10000' } });
  t = await buildApp(ctx);
  const { loadLibraryIfEmpty } = await import('../../src/bootstrap.ts');
  await loadLibraryIfEmpty(ctx);
}, 120_000);
afterAll(() => ctx.cleanup());

describe('My work', () => {
  it('is where GRC and customer-compliance staff land after signing in; viewers land on the dashboard; a chosen destination wins', async () => {
    const { Browser } = await import('../helpers/http.ts');
    const landing = async (role: 'grc' | 'customer_compliance' | 'viewer' | 'auditor', next?: string) => {
      const user = await buildUser(ctx, { role });
      const res = await new Browser(t.app).post('/login', { email: user.email, password: user.password, ...(next ? { next } : {}) });
      expect(res.status).toBe(303);
      return res.headers.location;
    };
    expect(await landing('grc')).toBe('/inbox');
    expect(await landing('customer_compliance')).toBe('/inbox');
    expect(await landing('viewer')).toBe('/');
    expect(await landing('auditor')).toBe('/');
    expect(await landing('grc', '/evidence/freshness')).toBe('/evidence/freshness');
  }, 120_000);

  it('lists what waits for me with the next step, never my own evidence to review, and counts it in the navigation', async () => {
    const ana = await buildUser(ctx, { role: 'grc', name: 'Ana Owner' });
    const ben = await buildUser(ctx, { role: 'grc', name: 'Ben Reviewer' });
    const owner = (await ctx.db.selectFrom('controls').select(['ref', 'owner']).where('ref', '=', 'IAM-01').executeTakeFirstOrThrow()).owner;
    await setJobTitle(ctx, cliPrincipal, ana.id, owner);
    // Ana submits two items: Ben must review them; Ana must not see them in her review queue.
    const mine = await buildEvidence(ctx, { submitter: ana, controls: ['IAM-01'], title: 'Ana <b>access</b> review' });
    const rejected = await buildEvidence(ctx, { submitter: ana, controls: ['IAM-02'], title: 'Ana second item' });
    await reviewEvidence(ctx, principalFor(ben), rejected.id, { decision: 'rejected', comment: 'Wrong quarter.' });
    const benItem = await buildEvidence(ctx, { submitter: ben, controls: ['CRY-01'], title: 'Ben key rotation' });

    const anaBrowser = await signedIn(t.app, ana);
    const page = await anaBrowser.get('/inbox');
    expect(page.status).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    // Ben's item is Ana's to review; her own is not.
    expect(page.text).toContain(`href="/evidence/${benItem.id}"`);
    expect(page.text).not.toContain(`href="/evidence/${mine.id}"`);
    // Her rejected item, with the reviewer's words, to redo.
    expect(page.text).toContain('My rejected evidence to redo');
    expect(page.text).toContain('Submit a new version — &quot;Wrong quarter.&quot;');
    // Her controls' evidence due (IAM-01 is hers by job title and never evidenced as accepted).
    expect(page.text).toMatch(/Evidence due: IAM-01/);
    // IAM-01's evidence is submitted and waits for Ben: Ana's next step is a review, not another item.
    const row = /<tr>(?:(?!<\/tr>)[\s\S])*Evidence due: IAM-01(?:(?!<\/tr>)[\s\S])*<\/tr>/.exec(page.text)?.[0] ?? '';
    expect(row).toContain('Review the submitted evidence');
    expect(row).not.toContain('Log evidence');
    // The count beside "My work" on any page.
    const controls = await anaBrowser.get('/controls');
    expect(controls.text).toMatch(/My work <span class="nav-count" aria-label="(\d+) to do">\1<\/span>/);

    const benBrowser = await signedIn(t.app, ben);
    const benPage = await benBrowser.get('/inbox');
    expect(benPage.text).toContain(`href="/evidence/${mine.id}"`);
    expect(benPage.text).not.toContain(`href="/evidence/${benItem.id}"`);
    expect(benPage.text).not.toContain('My rejected evidence to redo');

    // Ana logs fresh evidence for the rejected item's control: that work is done.
    ctx.setNow(new Date(Date.parse(ctx.clock().toISOString()) + 60_000).toISOString());
    await buildEvidence(ctx, { submitter: ana, controls: ['IAM-02'], title: 'Ana second item, right quarter' });
    expect((await anaBrowser.get('/inbox')).text).not.toContain('My rejected evidence to redo');
  });

  it('shows questionnaire answers assigned to me, and nothing to people with no work here', async () => {
    const carla = await buildUser(ctx, { role: 'customer_compliance', name: 'Carla CC' });
    const cc = await signedIn(t.app, carla);
    const page = await cc.get('/questionnaires');
    const token = /action="\/questionnaires\?_csrf=([^"]+)"/.exec(page.text)![1]!;
    const up = await cc.agent
      .post(`/questionnaires?_csrf=${token}`)
      .field('customer', 'Fabrikam')
      .attach('file', Buffer.from('#,Question\n1,Do you encrypt data at rest?\n'), 'f.csv');
    const id = Number(/\/questionnaires\/(\d+)$/.exec(up.headers.location!)![1]);
    expect((await cc.post(`/questionnaires/${id}/answers/2/assign`, { assignee: String(carla.id) })).status).toBe(303);
    const inbox = await cc.get('/inbox');
    expect(inbox.text).toMatch(/Questionnaire answers assigned to me <span class="muted">\(1\)<\/span>/);
    expect(inbox.text).toMatch(/My work <span class="nav-count"/);
    expect(inbox.text).toContain(`/questionnaires/${id}?show&#x3D;mine#row-2`);
    expect((await cc.post(`/questionnaires/${id}/answers/2/approve`)).status).toBe(303);
    expect((await cc.get('/inbox')).text).not.toContain('Questionnaire answers assigned to me');
    // A viewer has no inbox link, and an empty inbox says so.
    const viewer = await signedIn(t.app, await buildUser(ctx, { role: 'viewer' }));
    const dash = await viewer.get('/');
    expect(dash.text).not.toContain('href="/inbox"');
    expect((await viewer.get('/inbox')).text).toContain('Nothing waits for you today');
  });
});
