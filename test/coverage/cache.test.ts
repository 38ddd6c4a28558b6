import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { postEvidenceForm } from '../helpers/evidence.ts';
import { buildEvidence, buildUser, loadFixtureLibrary } from '../helpers/factories.ts';
import { buildApp, signedIn, type Browser } from '../helpers/http.ts';

/**
 * The dashboard, the framework coverage pages and the API read coverage through a cache
 * (src/coverage/coverage.cache.ts) keyed on the coverage version kept in the database. These tests watch the dashboard a GRC user sees before and after a change, so a key
 * that stopped following changes would show yesterday's figures and fail them.
 */

let ctx: TestContext;
let alice: Browser;
let bob: Browser;
let aliceUser: Awaited<ReturnType<typeof buildUser>>;
let bobUser: Awaited<ReturnType<typeof buildUser>>;

beforeEach(async () => {
  ctx = await createTestContext({ now: '2026-11-21T10:00:00.000Z' });
  await loadFixtureLibrary(ctx);
  const { app } = await buildApp(ctx);
  aliceUser = await buildUser(ctx, { role: 'grc' });
  bobUser = await buildUser(ctx, { role: 'grc' });
  alice = await signedIn(app, aliceUser);
  bob = await signedIn(app, bobUser);
});
afterEach(() => ctx.cleanup());

interface Figures {
  met: number;
  partial: number;
  gap: number;
  percent: number;
}

/** The dashboard table's figures per framework slug, as the page shows them. */
async function dashboard(browser: Browser, query = ''): Promise<Record<string, Figures>> {
  const res = await browser.get(`/${query}`);
  expect(res.status).toBe(200);
  const rows = [...res.text.matchAll(/<tr>\s*<td><a href="\/coverage\/([a-z0-9.-]+)\?[^"]*">[^<]*<\/a><\/td>([\s\S]*?)<\/tr>/g)];
  const figures: Record<string, Figures> = {};
  for (const [, slug, cells] of rows) {
    const counts = [...cells!.matchAll(/status=(met|partial|gap)">(\d+)<\/a>/g)].map(([, , n]) => Number(n));
    const percent = Number(/<strong>([\d.]+)%<\/strong>/.exec(cells!)?.[1]);
    figures[slug!] = { met: counts[0]!, partial: counts[1]!, gap: counts[2]!, percent };
  }
  expect(Object.keys(figures).sort()).toEqual(['alpha', 'beta']);
  return figures;
}

/** The lede of a framework's coverage page ("… 1 met, 0 partial, 1 gap …"). */
async function frameworkLede(browser: Browser, slug: string): Promise<string> {
  const res = await browser.get(`/coverage/${slug}`);
  expect(res.status).toBe(200);
  return /<p class="lede">([\s\S]*?)<\/p>/.exec(res.text)![1]!.replace(/<[^>]+>/g, '');
}

const allGaps = { alpha: { met: 0, partial: 0, gap: 2, percent: 0 }, beta: { met: 0, partial: 0, gap: 2, percent: 0 } };

describe('the dashboard follows changes, though it reads coverage through a cache', () => {
  it('evidence logged and accepted through the pages turns the dashboard figures', async () => {
    expect(await dashboard(alice)).toEqual(allGaps);

    const logged = await postEvidenceForm(alice, '/evidence', {
      title: 'KMS export',
      kind: 'link',
      collected_at: '2026-11-20',
      controls: 'CRY-01',
      link_url: 'https://kms.example.test/export',
    });
    expect(logged.status).toBe(303);
    const id = Number(/\/evidence\/(\d+)/.exec(logged.headers.location!)![1]);
    // Submitted evidence does not count yet.
    expect(await dashboard(bob)).toEqual(allGaps);

    const reviewed = await bob.post(`/evidence/${id}/review`, { decision: 'accepted' });
    expect(reviewed.status).toBe(303);
    // CRY-01 maps to alpha 1.2 as equal and to beta B2 as superset: one of two met in each.
    const after = await dashboard(alice);
    expect(after).toEqual({ alpha: { met: 1, partial: 0, gap: 1, percent: 50 }, beta: { met: 1, partial: 0, gap: 1, percent: 50 } });
    // The per-framework page (computed without the cache) agrees with the dashboard.
    expect(await frameworkLede(alice, 'alpha')).toContain('1 met, 0 partial, 1 gap, 1 not applicable (50.0% met)');
  });

  it('evidence accepted through the services, then a control edited through its page, each show on the next load', async () => {
    expect(await dashboard(alice)).toEqual(allGaps);
    await buildEvidence(ctx, { controls: ['IAM-01'], submitter: aliceUser, reviewer: bobUser, review: 'accepted' });
    // IAM-01 covers alpha 1.1 fully (superset) and beta B1 partly (subset).
    expect(await dashboard(alice)).toEqual({ alpha: { met: 1, partial: 0, gap: 1, percent: 50 }, beta: { met: 0, partial: 1, gap: 1, percent: 0 } });

    const edited = await bob.post('/controls/IAM-01', { owner: 'CISO', frequency: 'annual', status: 'planned', applicable: 'yes' });
    expect(edited.status).toBe(303);
    // A planned control is not effective, whatever its evidence.
    expect(await dashboard(alice)).toEqual(allGaps);
  });

  it('an earlier day keeps its own figures beside today’s', async () => {
    await buildEvidence(ctx, { controls: ['CRY-01'], collectedAt: '2026-11-10', submitter: aliceUser, reviewer: bobUser, review: 'accepted' });
    expect((await dashboard(alice, '?as_of=2026-11-09')).alpha).toEqual(allGaps.alpha);
    expect((await dashboard(alice)).alpha).toEqual({ met: 1, partial: 0, gap: 1, percent: 50 });
    expect((await dashboard(alice, '?as_of=2026-11-09')).alpha).toEqual(allGaps.alpha);
  });
});

describe('what the coverage cache forgets', () => {
  it('keeps its version through sign-ins, failed sign-ins and downloads, and moves it on an evidence decision, in the database', async () => {
    const { versionOf } = await import('../../src/coverage/intervals.repository.ts');
    const { app } = await buildApp(ctx);
    const start = await versionOf(ctx.db, 'coverage');
    await signedIn(app, await buildUser(ctx, { role: 'viewer' }));
    const { Browser } = await import('../helpers/http.ts');
    const stranger = new Browser(app);
    await stranger.agent
      .post('/login')
      .type('form')
      .send({ email: aliceUser.email, password: 'wrong password', _csrf: await stranger.csrfToken() });
    const item = await buildEvidence(ctx, { submitter: aliceUser, controls: ['IAM-01'] });
    // Submitting is not a decision: coverage cannot change yet.
    expect(await versionOf(ctx.db, 'coverage')).toBe(start);
    expect(await ctx.db.selectFrom('activity').select('id').where('action', 'in', ['auth.login', 'auth.login_failed']).execute()).not.toHaveLength(0);
    const { reviewEvidence } = await import('../../src/evidence/evidence.service.ts');
    const { principalFor } = await import('../helpers/factories.ts');
    await reviewEvidence(ctx, principalFor(bobUser), item.id, { decision: 'accepted' });
    expect(await versionOf(ctx.db, 'coverage')).toBe(start + 1);
  });
});
