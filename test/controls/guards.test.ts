import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliPrincipal } from '../../src/auth/principal.ts';
import { removeMapping, saveMapping, updateControl } from '../../src/controls/controls.service.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { buildUser, loadFixtureLibrary } from '../helpers/factories.ts';
import { buildApp, signedIn, type Browser } from '../helpers/http.ts';
import { fixtureFiles } from '../helpers/library-fixture.ts';

/**
 * A retired control (one removed from the library files) is kept for its history but can no longer
 * be edited: the rule is in src/auth/policy.ts (decide(), the 'control' case), and these tests walk
 * every edit a GRC user can make from the control page.
 */

let ctx: TestContext;
let grc: Browser;

beforeEach(async () => {
  ctx = await createTestContext({ now: '2026-11-21T10:00:00.000Z' });
  await loadFixtureLibrary(ctx);
  // Retired the way `attest controls load` retires: the files no longer name CRY-02.
  const report = await loadFixtureLibrary(ctx, { 'library/crypto.yaml': fixtureFiles['library/crypto.yaml']!.split('  - ref: CRY-02')[0]! });
  expect(report.controls.retired).toEqual(['CRY-02']);
  const { app } = await buildApp(ctx);
  grc = await signedIn(app, await buildUser(ctx, { role: 'grc' }));
});
afterEach(() => ctx.cleanup());

/** Everything an edit could touch: the control row, its mappings, and the activity trail. */
async function snapshot(ref: string) {
  const control = await ctx.db.selectFrom('controls').selectAll().where('ref', '=', ref).executeTakeFirstOrThrow();
  const mappings = await ctx.db.selectFrom('mappings').selectAll().where('control_id', '=', control.id).orderBy('id').execute();
  const activity = await ctx.db.selectFrom('activity').select(['id', 'action', 'subject_id']).orderBy('id').execute();
  return { control, mappings, activity };
}

const editForm = { owner: 'Someone Else', frequency: 'quarterly', status: 'planned', applicable: 'yes' };
const newMapping = { framework: 'beta', requirement: 'B1', relationship: 'intersect', rationale: 'Keys protect access too.' };

describe('a retired control cannot be edited', () => {
  it('its page shows no edit, mapping or remove forms (an active control’s page does)', async () => {
    const retired = await grc.get('/controls/CRY-02');
    expect(retired.status).toBe(200);
    expect(retired.text).toContain('Retired');
    expect(retired.text).toContain('Key rotation');
    expect(retired.text).not.toContain('action="/controls/CRY-02"');
    expect(retired.text).not.toContain('action="/controls/CRY-02/mappings"');
    expect(retired.text).not.toMatch(/action="\/controls\/CRY-02\/mappings\/\d+\/delete"/);

    const active = await grc.get('/controls/CRY-01');
    expect(active.text).toContain('action="/controls/CRY-01"');
    expect(active.text).toContain('action="/controls/CRY-01/mappings"');
    expect(active.text).toMatch(/action="\/controls\/CRY-01\/mappings\/\d+\/delete"/);
  });

  it('changing its details is refused with 409 and changes nothing', async () => {
    const before = await snapshot('CRY-02');
    const res = await grc.post('/controls/CRY-02', editForm);
    expect(res.status).toBe(409);
    expect(await snapshot('CRY-02')).toEqual(before);
    expect(before.control).toMatchObject({ owner: 'Head of Platform', status: 'implemented', app_edited: 0 });

    // The same form on an active control goes through, so the refusal is about retirement.
    expect((await grc.post('/controls/CRY-01', editForm)).status).toBe(303);
    expect((await snapshot('CRY-01')).control).toMatchObject({ owner: 'Someone Else', status: 'planned' });
  });

  it('adding a mapping is refused with 409 and changes nothing', async () => {
    const before = await snapshot('CRY-02');
    const res = await grc.post('/controls/CRY-02/mappings', newMapping);
    expect(res.status).toBe(409);
    expect(await snapshot('CRY-02')).toEqual(before);

    expect((await grc.post('/controls/CRY-01/mappings', newMapping)).status).toBe(303);
    expect((await snapshot('CRY-01')).mappings).toHaveLength(3);
  });

  it('removing a mapping is refused with 409 and changes nothing', async () => {
    const before = await snapshot('CRY-02');
    expect(before.mappings).toHaveLength(3);
    const res = await grc.post(`/controls/CRY-02/mappings/${before.mappings[0]!.id}/delete`);
    expect(res.status).toBe(409);
    expect(res.text).toContain('This control is retired and cannot be edited.');
    expect(await snapshot('CRY-02')).toEqual(before);

    const active = await snapshot('CRY-01');
    expect((await grc.post(`/controls/CRY-01/mappings/${active.mappings[0]!.id}/delete`)).status).toBe(303);
    expect((await snapshot('CRY-01')).mappings).toHaveLength(1);
  });

  it('the services refuse even an administrator, as a conflict', async () => {
    const before = await snapshot('CRY-02');
    const conflict = { code: 'conflict' };
    await expect(updateControl(ctx, cliPrincipal, 'CRY-02', { owner: 'X', frequency: 'annual', status: 'planned', applicable: true })).rejects.toMatchObject(conflict);
    await expect(saveMapping(ctx, cliPrincipal, 'CRY-02', { framework: 'beta', requirement: 'B1', relationship: 'intersect' })).rejects.toMatchObject(conflict);
    await expect(removeMapping(ctx, cliPrincipal, 'CRY-02', before.mappings[0]!.id)).rejects.toMatchObject(conflict);
    expect(await snapshot('CRY-02')).toEqual(before);
  });
});
