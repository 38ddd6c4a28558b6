import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { buildUser } from '../helpers/factories.ts';
import { buildApp, signedIn, type Browser } from '../helpers/http.ts';

let ctx: TestContext;
let admin: Browser;

beforeAll(async () => {
  ctx = await createTestContext();
  const t = await buildApp(ctx);
  admin = await signedIn(t.app, await buildUser(ctx, { role: 'admin' }));
});
afterAll(() => ctx.cleanup());

describe('the activity page filter', () => {
  it('accepts real days', async () => {
    const res = await admin.get('/admin/activity?from=2024-02-29&to=2026-02-28');
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('field-error');
  });

  it.each([
    ['from', '2026-02-30'],
    ['to', '2026-04-31'],
    ['from', '2025-02-29'],
    ['to', '2026-13-01'],
  ])('refuses %s=%s, a day that does not exist, with a 422 naming the field', async (field, value) => {
    const res = await admin.get(`/admin/activity?${field}=${value}`);
    expect(res.status).toBe(422);
    expect(res.text).toContain(`<p class="field-error" id="f-${field}-error">Not a real date.</p>`);
    expect(res.text).toMatch(new RegExp(`name="${field}" type="date" value="${value}" aria-invalid="true"`));
  });
});
