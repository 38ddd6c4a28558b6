import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { buildUser } from '../helpers/factories.ts';
import { buildApp, signedIn, type Browser, type TestApp } from '../helpers/http.ts';
import { isoForm, loadShippedLibrary, recordCertification } from '../certifications/helpers.ts';

// The dashboard flags what needs attention across the programme: expired certificates and SOC 2
// period gaps (certifications), and shows a framework's open major nonconformities (audits).

let ctx: TestContext;
let t: TestApp;
let grc: Browser;
let viewer: Browser;

beforeAll(async () => {
  ctx = await createTestContext({ now: '2026-11-21T10:00:00.000Z' });
  await loadShippedLibrary(ctx);
  t = await buildApp(ctx);
  grc = await signedIn(t.app, await buildUser(ctx, { role: 'grc' }));
  viewer = await signedIn(t.app, await buildUser(ctx, { role: 'viewer' }));
});
afterAll(() => ctx.cleanup());

describe('the dashboard’s programme panel', () => {
  it('is absent while nothing needs attention', async () => {
    const page = await grc.get('/');
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('Needs attention');
  });

  it('flags an expired certificate and a gap between two SOC 2 periods, linking to them', async () => {
    const expired = await recordCertification(
      grc,
      isoForm({ framework: 'iso27701-2019', number: 'PIMS 1', issued_on: '2023-01-01', valid_from: '2023-01-05', valid_until: '2026-01-04' }),
    );
    const soc2 = { framework: 'soc2-2017', kind: 'soc2_type2', number: '', issuer: 'CPA firm LLP', scope: 'Platform', issued_on: '', owner_id: '', document_evidence_id: '' };
    await recordCertification(grc, { ...soc2, valid_from: '2025-01-01', valid_until: '2025-06-30' });
    await recordCertification(grc, { ...soc2, valid_from: '2025-08-01', valid_until: '2026-07-31' });
    const page = await grc.get('/');
    expect(page.text).toContain('Needs attention');
    expect(page.text).toContain('Certificates expired');
    expect(page.text).toContain(`href="/certifications/${expired}"`);
    expect(page.text).toContain('SOC 2 period gaps');
    // Readers see the same panel; nothing in it is an edit.
    expect((await viewer.get('/')).text).toContain('Certificates expired');
  });
});
