import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { buildEvidence, buildUser, loadFixtureLibrary } from '../helpers/factories.ts';
import { buildApp, signedIn, type Browser, type TestApp } from '../helpers/http.ts';

// A control's page shows its one derived evidence state to everyone who may see the control, and
// lists the evidence the policy lets each role see: all of it for GRC, the items marked shareable
// for customer compliance, none for viewers — with no action the reader cannot take.

let ctx: TestContext;
let t: TestApp;
let grc: Browser;
let viewer: Browser;
let customer: Browser;

beforeAll(async () => {
  ctx = await createTestContext({ now: '2026-11-21T10:00:00.000Z' });
  await loadFixtureLibrary(ctx);
  t = await buildApp(ctx);
  grc = await signedIn(t.app, await buildUser(ctx, { role: 'grc' }));
  viewer = await signedIn(t.app, await buildUser(ctx, { role: 'viewer' }));
  customer = await signedIn(t.app, await buildUser(ctx, { role: 'customer_compliance' }));
  // IAM-01 (annual): accepted evidence valid for a year, one item shared with customers, one internal,
  // and one more submitted and waiting for review.
  await buildEvidence(ctx, { controls: ['IAM-01'], title: 'Shared access policy', collectedAt: '2026-11-01', shareable: true, review: 'accepted' });
  await buildEvidence(ctx, { controls: ['IAM-01'], title: 'Internal access review notes', collectedAt: '2026-11-02', review: 'accepted' });
  await buildEvidence(ctx, { controls: ['CRY-01'], title: 'KMS export awaiting', collectedAt: '2026-11-20' });
});
afterAll(() => ctx.cleanup());

const section = (html: string) => /<section class="card" id="evidence"[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
const words = (html: string) => html.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ');

describe('the evidence part of a control’s page', () => {
  it('shows GRC staff the state and every item, with their actions', async () => {
    const page = await grc.get('/controls/IAM-01');
    const ev = section(page.text);
    expect(words(ev)).toContain('current Next evidence is due by');
    expect(ev).toContain('Shared access policy');
    expect(ev).toContain('Internal access review notes');
    expect(ev).toContain('Log evidence');
    expect(ev).toContain('>Accepted</span>');
  });

  it('shows a viewer the same state, read-only, and no item', async () => {
    const page = await viewer.get('/controls/IAM-01');
    expect(page.status).toBe(200);
    const ev = section(page.text);
    expect(ev).toContain('<h2 id="ev-title">Evidence status</h2>');
    expect(words(ev)).toContain('current Next evidence is due by 2027-');
    expect(ev).not.toContain('Shared access policy');
    expect(ev).not.toContain('href="/evidence');
    expect(ev).not.toContain('Log evidence');

    // Waiting evidence is named as waiting for the GRC team, not as a review the viewer should do.
    const waiting = words(section((await viewer.get('/controls/CRY-01')).text));
    expect(waiting).toContain('awaiting review No accepted evidence yet; 1 submitted item waits for review by the GRC team.');
    expect(waiting).not.toContain('review it rather than logging more');
    expect(waiting).not.toContain('KMS export awaiting');
  });

  it('lists for customer compliance only the items marked shareable, which they can open', async () => {
    const page = await customer.get('/controls/IAM-01');
    expect(page.status).toBe(200);
    const ev = section(page.text);
    expect(words(ev)).toContain('current Next evidence is due by');
    expect(ev).toContain('Only evidence marked shareable with customers is listed.');
    expect(ev).toContain('Shared access policy');
    expect(ev).not.toContain('Internal access review notes');
    expect(ev).not.toContain('Log evidence');
    const href = /href="(\/evidence\/\d+)"/.exec(ev)![1]!;
    expect((await customer.get(href)).status).toBe(200);

    const none = section((await customer.get('/controls/CRY-01')).text);
    expect(none).toContain('No evidence of this control is marked shareable with customers yet.');
    expect(none).not.toContain('KMS export awaiting');
  });
});
