import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { runCli } from '../helpers/cli.ts';
import { buildEvidence, buildToken, buildUser, loadFixtureLibrary } from '../helpers/factories.ts';
import { buildApp, signedIn, type Browser, type TestApp } from '../helpers/http.ts';

// Coverage is asked for a day no later than today, by every face alike (the date pickers stop at
// today too); a refused day still shows today's figures with the reason on the date field. The
// figures read the same everywhere: one decimal, no "+0.0% partial", plain words on an empty day.

let ctx: TestContext;
let t: TestApp;
let grc: Browser;
let viewer: Browser;

beforeAll(async () => {
  ctx = await createTestContext({ now: '2026-11-21T10:00:00.000Z' });
  await loadFixtureLibrary(ctx);
  t = await buildApp(ctx);
  grc = await signedIn(t.app, await buildUser(ctx, { role: 'grc' }));
  viewer = await signedIn(t.app, await buildUser(ctx, { role: 'viewer' }));
  // IAM-01 is superset for alpha 1.1 and subset for beta B1: alpha 1 of 2 met, beta 1 of 2 partial.
  await buildEvidence(ctx, { controls: ['IAM-01'], collectedAt: '2026-11-01', review: 'accepted' });
});
afterAll(() => ctx.cleanup());

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
const dateInput = (html: string) => /<input id="as_of"[^>]*>/.exec(html)![0];

describe('an as-of date after today', () => {
  it('is refused on the dashboard, on the field, while today’s coverage is still shown', async () => {
    const page = await grc.get('/?as_of=2026-12-25');
    expect(page.status).toBe(422);
    expect(page.text).toContain('Coverage can be shown up to today (2026-11-21), not for a later day.');
    expect(dateInput(page.text)).toContain('aria-invalid="true"');
    expect(dateInput(page.text)).toContain('max="2026-11-21"');
    expect(text(page.text)).toContain('Coverage of every framework today, as of 2026-11-21');
    expect(page.text).toContain('<strong>50.0%</strong>');
  });

  it('is refused on a framework’s coverage page the same way, and its picker stops at today', async () => {
    const page = await viewer.get('/coverage/alpha?as_of=2027-01-01');
    expect(page.status).toBe(422);
    expect(page.text).toContain('Coverage can be shown up to today (2026-11-21), not for a later day.');
    expect(text(page.text)).toContain('As of 2026-11-21 : 1 met, 0 partial, 1 gap, 1 not applicable (50.0% met)');
    expect(dateInput(page.text)).toContain('max="2026-11-21"');
    const todayPage = await viewer.get('/coverage/alpha?as_of=2026-11-21');
    expect(todayPage.status).toBe(200);
    expect(todayPage.text).not.toContain('aria-invalid');
  });

  it('is refused by the API and the CLI with the same message', async () => {
    const { secret } = await buildToken(ctx, { role: 'viewer' });
    const api = await supertest(t.app).get('/api/v1/coverage?as_of=2026-11-22').set('Authorization', `Bearer ${secret}`);
    expect(api.status).toBe(400);
    expect(api.body.error.fields).toEqual([{ field: 'as_of', message: 'Coverage can be shown up to today (2026-11-21), not for a later day.' }]);
    const today = await supertest(t.app).get('/api/v1/coverage?as_of=2026-11-21').set('Authorization', `Bearer ${secret}`);
    expect(today.status).toBe(200);
    const cli = runCli(['coverage', '--as-of', '2999-01-01'], ctx.childEnv);
    expect(cli.status).not.toBe(0);
    expect(cli.stderr).toContain('--as-of: Coverage can be shown up to today');
  });

  it('a report’s as-of picker stops at today as well', async () => {
    const page = await grc.get('/reports');
    expect(/<input id="r-asof"[^>]*>/.exec(page.text)![0]).toContain('max="2026-11-21"');
  });
});

describe('the dashboard’s figures', () => {
  it('print every share with one decimal and leave out a zero partial share', async () => {
    const page = await grc.get('/');
    const rows = Object.fromEntries(
      [...page.text.matchAll(/<a href="\/coverage\/([a-z]+)\?as_of=[^"]*">[^<]*<\/a><\/td>([\s\S]*?)<\/tr>/g)].map(([, slug, cells]) => [slug, text(cells!).trim()]),
    );
    // alpha: 1 of 2 met, nothing partial; beta: nothing met, 1 of 2 partial.
    expect(rows.alpha).toMatch(/50\.0%$/);
    expect(rows.alpha).not.toContain('partial');
    expect(rows.beta).toMatch(/0\.0% \+50\.0% partial$/);
    // The chart prints the same format.
    expect(page.text).toContain('class="chart-value">50.0%</text>');
  });

  it('explain an empty day in plain words, with what to do in the app', async () => {
    const past = await grc.get('/?as_of=2026-01-01');
    expect(past.status).toBe(200);
    const banner = text(/<div class="flash flash-info" role="status">([\s\S]*?)<\/div>/.exec(past.text)![1]!);
    expect(banner).toContain('No control had accepted evidence valid on 2026-01-01');
    expect(banner).toContain('Choose a later date above, or see today');
    expect(past.text).toContain('<a href="/">see today</a>');
    expect(past.text).not.toContain('npm run demo');
  });
});
