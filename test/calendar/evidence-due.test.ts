import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateUser } from '../../src/auth/users.repository.ts';
import { checkRange, listCalendarItems } from '../../src/calendar/calendar.service.ts';
import { updateControl } from '../../src/controls/controls.service.ts';
import { isAppError } from '../../src/http/errors.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { buildEvidence, buildUser, loadFixtureLibrary, principalFor } from '../helpers/factories.ts';

// Evidence due dates from real evidence, logged and reviewed through the evidence services. The
// fixture library: IAM-01 (annual, CISO), CRY-01 (continuous) and CRY-02 (annual), both owned by
// the Head of Platform; all three map to alpha and beta. Today is 2026-11-21.

let ctx: TestContext;
let grc: ReturnType<typeof principalFor>;
let ciso: Awaited<ReturnType<typeof buildUser>>;
let submitter: Awaited<ReturnType<typeof buildUser>>;
let reviewer: Awaited<ReturnType<typeof buildUser>>;

const accepted = (controls: string[], collectedAt: string, validUntil: string) =>
  buildEvidence(ctx, { controls, collectedAt, validUntil, submitter, reviewer, review: 'accepted' });
const due = async (from = '2026-01-01', to = '2027-01-31') =>
  (await listCalendarItems(ctx, grc, { from, to, kinds: ['evidence_due'] })).map((i) => ({ key: i.key, start: i.start, overdue: i.overdue, flag: i.flag ?? null }));

beforeAll(async () => {
  ctx = await createTestContext({ now: '2026-11-21T10:00:00.000Z' });
  await loadFixtureLibrary(ctx);
  submitter = await buildUser(ctx, { role: 'grc' });
  reviewer = await buildUser(ctx, { role: 'grc' });
  grc = principalFor(await buildUser(ctx, { role: 'grc' }));
  ciso = await buildUser(ctx, { role: 'grc', name: 'Cleo CISO' });
  // Job titles are matched without regard to case.
  await updateUser(ctx.db, ciso.id, { job_title: 'ciso' });
  await accepted(['IAM-01'], '2025-12-01', '2026-12-01');
  await accepted(['CRY-01'], '2026-06-01', '2026-10-31');
  // Neither submitted nor rejected evidence counts.
  await buildEvidence(ctx, { controls: ['CRY-02'], collectedAt: '2026-11-01', validUntil: '2027-10-31', submitter });
  await buildEvidence(ctx, { controls: ['CRY-02'], collectedAt: '2026-11-01', validUntil: '2027-10-31', submitter, reviewer, review: 'rejected' });
});
afterAll(() => ctx.cleanup());

describe('evidence due dates', () => {
  it('fall on the last day current accepted evidence is valid; never-evidenced controls are due today, flagged', async () => {
    expect(await due()).toEqual([
      { key: 'evidence-due-CRY-01', start: '2026-10-31', overdue: true, flag: null },
      { key: 'evidence-due-CRY-02', start: '2026-11-21', overdue: false, flag: 'never_evidenced' },
      { key: 'evidence-due-IAM-01', start: '2026-12-01', overdue: false, flag: null },
    ]);
  });

  it('carry the title, the control page, the owner (and the user holding that job title) and the frameworks', async () => {
    const items = await listCalendarItems(ctx, grc, { from: '2026-01-01', to: '2027-01-31', kinds: ['evidence_due'] });
    const iam = items.find((i) => i.key === 'evidence-due-IAM-01')!;
    expect(iam).toMatchObject({
      kind: 'evidence_due',
      title: 'Evidence due: IAM-01 Access control policy',
      end: '2026-12-01',
      href: '/controls/IAM-01',
      ownerLabel: 'CISO',
      ownerId: ciso.id,
      frameworks: ['alpha', 'beta'],
      done: false,
      rrule: null,
      auditId: null,
    });
    expect(items.find((i) => i.key === 'evidence-due-CRY-01')).toMatchObject({ ownerLabel: 'Head of Platform', ownerId: null });
    // The owner filter uses that user.
    expect((await listCalendarItems(ctx, grc, { from: '2026-01-01', to: '2027-01-31', ownerId: ciso.id })).map((i) => i.key)).toEqual(['evidence-due-IAM-01']);
  });

  it('move to the latest validity when newer evidence is accepted, and keep their key', async () => {
    await accepted(['IAM-01'], '2026-11-15', '2027-11-14');
    expect((await due('2027-01-01', '2027-12-31')).find((d) => d.key === 'evidence-due-IAM-01')).toEqual({
      key: 'evidence-due-IAM-01',
      start: '2027-11-14',
      overdue: false,
      flag: null,
    });
    expect((await due()).map((d) => d.key)).not.toContain('evidence-due-IAM-01');
  });

  it('leave out controls that are not implemented or not applicable', async () => {
    const editor = principalFor(await buildUser(ctx, { role: 'grc' }));
    const cry01 = { owner: 'Head of Platform', frequency: 'continuous', status: 'implemented', applicable: true } as const;
    await updateControl(ctx, editor, 'CRY-01', { ...cry01, status: 'planned' });
    expect((await due()).map((d) => d.key)).not.toContain('evidence-due-CRY-01');
    await updateControl(ctx, editor, 'CRY-01', { ...cry01, applicable: false, applicability_note: 'Not for the test.' });
    expect((await due()).map((d) => d.key)).not.toContain('evidence-due-CRY-01');
    await updateControl(ctx, editor, 'CRY-01', cry01);
    expect((await due()).map((d) => d.key)).toContain('evidence-due-CRY-01');
  });

  it('are shown only to those who may log evidence', async () => {
    const viewer = principalFor(await buildUser(ctx, { role: 'viewer' }));
    expect(await listCalendarItems(ctx, viewer, { from: '2026-01-01', to: '2027-01-31', kinds: ['evidence_due'] })).toEqual([]);
    const admin = principalFor(await buildUser(ctx, { role: 'admin' }));
    expect((await listCalendarItems(ctx, admin, { from: '2026-01-01', to: '2027-01-31', kinds: ['evidence_due'] })).length).toBe(2);
    const cc = principalFor(await buildUser(ctx, { role: 'customer_compliance' }));
    await expect(listCalendarItems(ctx, cc, { from: '2026-01-01', to: '2026-01-31' })).rejects.toMatchObject({ code: 'forbidden' });
  });
});

describe('ranges', () => {
  const fieldOf = (from: string, to: string) => {
    try {
      checkRange(from, to);
      return null;
    } catch (err) {
      return isAppError(err) ? err.fields.map((f) => f.field) : err;
    }
  };

  it('take existing days, in order, at most 400 days, naming the field at fault', () => {
    expect(fieldOf('2026-01-01', '2027-02-04')).toBeNull();
    expect(fieldOf('2026-01-01', '2027-02-05')).toEqual(['to']);
    expect(fieldOf('2026-02-30', '2026-03-01')).toEqual(['from']);
    expect(fieldOf('2026-02-01', '2026-02-29')).toEqual(['to']);
    expect(fieldOf('2026-03-01', '2026-02-01')).toEqual(['to']);
    expect(fieldOf('yesterday', 'tomorrow')).toEqual(['from', 'to']);
    expect(fieldOf('+275760-09-13', '2026-01-01')).toEqual(['from']);
  });
});
