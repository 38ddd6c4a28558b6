import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../../src/activity/activity.service.ts';
import { cliPrincipal } from '../../src/auth/principal.ts';
import { certificationCalendarItems } from '../../src/certifications/certifications.calendar.ts';
import { certificationAlerts, soc2Gaps } from '../../src/certifications/alerts.service.ts';
import { runCli } from '../helpers/cli.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { buildEvidence, buildUser, principalFor, tokenFor } from '../helpers/factories.ts';
import { buildApp, signedIn, type Browser, type TestApp } from '../helpers/http.ts';
import { activityOf, count, isoForm, loadShippedLibrary, recordCertification } from './helpers.ts';

let ctx: TestContext;
let t: TestApp;
let grc: Browser;
let grcUser: Awaited<ReturnType<typeof buildUser>>;
let token: string;

beforeAll(async () => {
  ctx = await createTestContext({ now: '2026-11-21T10:00:00.000Z' });
  await loadShippedLibrary(ctx);
  t = await buildApp(ctx);
  grcUser = await buildUser(ctx, { role: 'grc', name: 'Grace Auditready', email: 'grace@example.test' });
  grc = await signedIn(t.app, grcUser);
  token = await tokenFor(ctx, grcUser);
}, 60_000);
afterAll(() => ctx.cleanup());

const eventsOf = (id: number) => ctx.db.selectFrom('programme_events').selectAll().where('certification_id', '=', id).orderBy('starts_on').orderBy('id').execute();

describe('an ISO 27001 certificate through its cycle', () => {
  let id: number;
  let documentId: number;

  it('a GRC user records the certificate, its document linked as evidence; the register shows it current', async () => {
    documentId = (await buildEvidence(ctx, { controls: ['IAM-01'], title: 'ISO 27001 certificate PDF', kind: 'document' })).id;
    const before = await count(ctx, 'activity');
    id = await recordCertification(grc, isoForm({ owner_id: String(grcUser.id), document_evidence_id: String(documentId) }));
    const page = await grc.get(`/certifications/${id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('ISO/IEC 27001:2022');
    expect(page.text).toContain('status-cert-current');
    expect(page.text).toContain(`href="/evidence/${documentId}"`);
    expect(page.text).toContain('Certification body');
    const list = await grc.get('/certifications');
    expect(list.text).toContain(`/certifications/${id}`);
    expect(list.text).toContain('BSI Group');
    expect((await grc.get('/certifications?status=expired')).text).not.toContain(`/certifications/${id}"`);
    expect((await grc.get('/certifications?status=current&framework=iso27001-2022')).text).toContain(`/certifications/${id}"`);
    expect(await count(ctx, 'activity')).toBe(before + 1);
    const [created] = await activityOf(ctx, 'certification', id);
    expect(created).toMatchObject({
      action: 'certification.created',
      actor: 'grace@example.test',
      details: { framework: 'iso27001-2022', issuer: 'BSI Group', valid_until: '2029-01-14' },
    });
  });

  it('plans its cycle: surveillance audits, recertification, expiry, internal audits and reviews; stage audits as it is the first', async () => {
    const res = await grc.post(`/certifications/${id}/plan`);
    expect(res.status).toBe(303);
    const events = await eventsOf(id);
    expect(events.filter((e) => e.kind === 'surveillance_audit').map((e) => e.starts_on)).toEqual(['2026-12-15', '2027-12-15']);
    expect(events.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['stage1_audit', 'stage2_audit', 'recertification_audit', 'certificate_expiry', 'internal_audit', 'management_review']),
    );
    expect(events.every((e) => e.owner_id === grcUser.id)).toBe(true);
    // What led up to the certificate is done; what is past but after valid_from may still be owed.
    expect(events.filter((e) => e.status === 'done').map((e) => e.kind)).toEqual(['internal_audit', 'management_review', 'stage1_audit', 'stage2_audit']);
    expect(events.find((e) => e.kind === 'internal_audit' && e.starts_on === '2026-10-20')!.status).toBe('planned');
    const page = await grc.get(`/certifications/${id}`);
    expect(page.text).toContain('Surveillance audit 1');
    expect(page.text).toContain('Surveillance audit 2');
    const planned = (await activityOf(ctx, 'certification', id)).at(-1)!;
    expect(planned.action).toBe('certification.cycle_planned');
    expect((planned.details.created as number[]).length).toBe(events.length);
  });

  it('planning again replaces still-planned generated events, keeps done and hand-added ones, and duplicates nothing', async () => {
    const events = await eventsOf(id);
    const internal = events.find((e) => e.kind === 'internal_audit' && e.starts_on === '2026-10-20')!;
    expect((await grc.post(`/certifications/${id}/events/${internal.id}/status`, { status: 'done' })).status).toBe(303);
    const added = await grc.post(`/certifications/${id}/events`, {
      kind: 'internal_audit',
      title: 'Extra internal audit of the new data centre',
      starts_on: '2027-06-01',
      ends_on: '2027-06-03',
      owner_id: '',
      status: 'planned',
    });
    expect(added.status).toBe(303);
    const again = await supertest(t.app).post(`/api/v1/certifications/${id}/plan`).set('Authorization', `Bearer ${token}`);
    expect(again.status).toBe(200);
    const after = await eventsOf(id);
    expect(after).toHaveLength(events.length + 1);
    expect(after.find((e) => e.id === internal.id)).toMatchObject({ status: 'done', done_on: '2026-11-21' });
    expect(after.filter((e) => e.kind === 'stage1_audit')).toHaveLength(1);
    expect(after.filter((e) => e.title === 'Extra internal audit of the new data centre')).toHaveLength(1);
    expect(again.body.replaced).toHaveLength(events.length - 5);
    expect(again.body.kept).toHaveLength(6);
    expect(again.body.events).toHaveLength(after.length);
  });

  it('events are edited, completed and deleted, each recorded', async () => {
    const surveillance = (await eventsOf(id)).find((e) => e.kind === 'surveillance_audit')!;
    const edit = await grc.post(`/certifications/${id}/events/${surveillance.id}`, {
      kind: 'surveillance_audit',
      title: 'Surveillance audit 1 (BSI, remote)',
      starts_on: '2026-12-08',
      ends_on: '2026-12-10',
      owner_id: '',
      status: 'planned',
    });
    expect(edit.status).toBe(303);
    const [updated] = await activityOf(ctx, 'programme_event', surveillance.id);
    expect(updated).toMatchObject({
      action: 'event.updated',
      details: { before: { starts_on: '2026-12-15', ends_on: null }, after: { starts_on: '2026-12-08', ends_on: '2026-12-10', title: 'Surveillance audit 1 (BSI, remote)' } },
    });
    const review = (await eventsOf(id)).find((e) => e.kind === 'management_review')!;
    expect((await grc.post(`/certifications/${id}/events/${review.id}/delete`)).status).toBe(303);
    expect((await eventsOf(id)).some((e) => e.id === review.id)).toBe(false);
    expect((await activityOf(ctx, 'programme_event', review.id))[0]).toMatchObject({ action: 'event.deleted', details: { kind: 'management_review', certification: id } });
    // An event of another certification, or none, is a 404.
    expect((await grc.post(`/certifications/${id}/events/999999/delete`)).status).toBe(404);
  });

  it('is edited after creation, with each change recorded before and after; saving unchanged records nothing', async () => {
    const res = await grc.post(`/certifications/${id}`, isoForm({ issuer: 'BSI Assurance UK Ltd', owner_id: String(grcUser.id), document_evidence_id: String(documentId) }));
    expect(res.status).toBe(303);
    const last = (await activityOf(ctx, 'certification', id)).at(-1)!;
    expect(last).toMatchObject({ action: 'certification.updated', details: { before: { issuer: 'BSI Group' }, after: { issuer: 'BSI Assurance UK Ltd' } } });
    const n = await count(ctx, 'activity');
    expect(
      (await grc.post(`/certifications/${id}`, isoForm({ issuer: 'BSI Assurance UK Ltd', owner_id: String(grcUser.id), document_evidence_id: String(documentId) }))).status,
    ).toBe(303);
    expect(await count(ctx, 'activity')).toBe(n);
  });

  it('through the API, optional fields left out keep their value and an empty one clears it', async () => {
    const { framework: _f, number: _n, scope: _s, issued_on: _i, owner_id: _o, document_evidence_id: _d, ...required } = isoForm({ issuer: 'BSI Assurance UK Ltd' });
    const kept = await supertest(t.app)
      .post(`/api/v1/certifications/${id}`)
      .set('Authorization', `Bearer ${token}`)
      .send({ ...required, framework: 'iso27001-2022' });
    expect(kept.status).toBe(200);
    expect(kept.body).toMatchObject({ number: 'IS 712345', owner: { id: grcUser.id }, documentEvidenceId: documentId, issuedOn: '2026-01-10' });
    const cleared = await supertest(t.app)
      .post(`/api/v1/certifications/${id}`)
      .set('Authorization', `Bearer ${token}`)
      .send({ ...required, framework: 'iso27001-2022', owner_id: null, number: '' });
    expect(cleared.body).toMatchObject({ number: '', owner: null, documentEvidenceId: documentId });
    expect((await activityOf(ctx, 'certification', id)).at(-1)).toMatchObject({
      details: { before: { number: 'IS 712345', owner_id: grcUser.id }, after: { number: '', owner_id: null } },
    });
    const restored = await supertest(t.app)
      .post(`/api/v1/certifications/${id}`)
      .set('Authorization', `Bearer ${token}`)
      .send({ ...required, framework: 'iso27001-2022', owner_id: grcUser.id });
    expect(restored.body.owner.id).toBe(grcUser.id);
  });

  it('the calendar source gives its events and expiry with stable keys; nothing to those who may not read certifications', async () => {
    const items = await certificationCalendarItems(ctx, principalFor(grcUser), { from: '2025-01-01', to: '2029-12-31' });
    const expiry = items.find((i) => i.key === `cert-${id}-expiry`)!;
    expect(expiry).toMatchObject({ kind: 'certificate_expiry', start: '2029-01-14', frameworks: ['iso27001-2022'], href: `/certifications/${id}`, done: false });
    expect(items.filter((i) => i.kind === 'certificate_expiry' && i.href === `/certifications/${id}`)).toHaveLength(1);
    const surveillance = items.find((i) => i.title === 'Surveillance audit 1 (BSI, remote)')!;
    expect(surveillance).toMatchObject({ kind: 'milestone', start: '2026-12-08', end: '2026-12-10', ownerId: grcUser.id, rrule: null });
    expect(surveillance.key).toMatch(/^event-\d+$/);
    expect(items.find((i) => i.title.startsWith('ISO/IEC 27001:2022: Stage 1'))?.done).toBe(true);
    const narrow = await certificationCalendarItems(ctx, principalFor(grcUser), { from: '2026-12-01', to: '2026-12-31' });
    expect(narrow.map((i) => i.title)).toContain('Surveillance audit 1 (BSI, remote)');
    expect(narrow.some((i) => i.kind === 'certificate_expiry')).toBe(false);
    const auditor = await buildUser(ctx, { role: 'auditor' });
    expect(await certificationCalendarItems(ctx, principalFor(auditor), { from: '2026-01-01', to: '2029-12-31' })).toEqual([]);
  });

  it('is withdrawn with confirmation: status withdrawn, later planned events cancelled; not twice, and not planned again', async () => {
    const res = await grc.post(`/certifications/${id}/withdraw`, { withdrawn_on: '2026-11-20', reason: 'Suspended by the certification body' });
    expect(res.status).toBe(303);
    const page = await grc.get(`/certifications/${id}`);
    expect(page.text).toContain('status-cert-withdrawn');
    const events = await eventsOf(id);
    expect(events.filter((e) => e.starts_on >= '2026-11-20' && e.status === 'planned')).toEqual([]);
    expect(events.find((e) => e.kind === 'stage1_audit')!.status).toBe('done');
    expect((await activityOf(ctx, 'certification', id)).at(-1)).toMatchObject({
      action: 'certification.withdrawn',
      details: { withdrawn_on: '2026-11-20', reason: 'Suspended by the certification body' },
    });
    expect((await grc.post(`/certifications/${id}/withdraw`, { withdrawn_on: '' })).status).toBe(409);
    const plan = await supertest(t.app).post(`/api/v1/certifications/${id}/plan`).set('Authorization', `Bearer ${token}`);
    expect(plan.status).toBe(409);
    expect(plan.body.error.message).toContain('withdrawn');
  });
});

describe('SOC 2 periods, PCI scans and alerts', () => {
  const api = () => supertest(t.app);
  const soc2 = (from: string, until: string, number: string) => ({
    framework: 'soc2-2017',
    kind: 'soc2_type2',
    number,
    issuer: 'Example CPA LLP',
    scope: 'Security and availability',
    valid_from: from,
    valid_until: until,
  });
  let first: number;
  let second: number;

  it('records two periods through the API; the gap between them is flagged with its days', async () => {
    const a = await api()
      .post('/api/v1/certifications')
      .set('Authorization', `Bearer ${token}`)
      .send(soc2('2024-10-01', '2025-09-30', 'SOC2-2025'));
    expect(a.status).toBe(201);
    first = a.body.id;
    const b = await api()
      .post('/api/v1/certifications')
      .set('Authorization', `Bearer ${token}`)
      .send(soc2('2025-11-01', '2026-10-31', 'SOC2-2026'));
    expect(b.status).toBe(201);
    second = b.body.id;
    expect(b.body).toMatchObject({ framework: { slug: 'soc2-2017' }, kind: 'soc2_type2', status: 'expired', validUntil: '2026-10-31' });
    const gaps = await soc2Gaps(ctx, principalFor(grcUser));
    expect(gaps).toEqual([
      {
        framework: { slug: 'soc2-2017', name: 'AICPA Trust Services Criteria (SOC 2)' },
        from: '2025-10-01',
        to: '2025-10-31',
        days: 31,
        beforeId: first,
        afterId: second,
        bridgedBy: null,
      },
    ]);
    const page = await grc.get(`/certifications/${second}`);
    expect(page.text).toContain('SOC 2 gap: 31 days (2025-10-01 – 2025-10-31)');
    expect((await api().get('/api/v1/certifications/soc2-gaps').set('Authorization', `Bearer ${token}`)).body.items).toHaveLength(1);
  });

  it('an overlapping period of the same framework is refused naming valid_from, and nothing is written', async () => {
    const before = await count(ctx, 'certifications');
    const res = await api()
      .post('/api/v1/certifications')
      .set('Authorization', `Bearer ${token}`)
      .send(soc2('2026-10-01', '2027-09-30', 'SOC2-2027'));
    expect(res.status).toBe(400);
    expect(res.body.error.fields[0].field).toBe('valid_from');
    expect(res.body.error.fields[0].message).toContain('overlaps');
    const form = await grc.post('/certifications', soc2('2025-06-01', '2025-12-31', 'SOC2-X'));
    expect(form.status).toBe(422);
    expect(form.text).toContain('overlaps the SOC 2 Type II period');
    expect(await count(ctx, 'certifications')).toBe(before);
  });

  it('the first period’s bridge letter covers the gap; the last one’s runs to today', async () => {
    await api().post(`/api/v1/certifications/${first}/plan`).set('Authorization', `Bearer ${token}`).expect(200);
    const plan = await api().post(`/api/v1/certifications/${second}/plan`).set('Authorization', `Bearer ${token}`);
    const bridges = await ctx.db.selectFrom('programme_events').selectAll().where('kind', '=', 'bridge_letter').orderBy('starts_on').execute();
    expect(bridges.map((b) => [b.certification_id, b.starts_on, b.ends_on])).toEqual([
      [first, '2025-10-01', '2025-10-31'],
      [second, '2026-11-01', '2026-11-21'],
    ]);
    expect(plan.body.events.map((e: { kind: string }) => e.kind)).toEqual(['soc2_period', 'bridge_letter', 'soc2_fieldwork', 'soc2_report']);
    // A period that has ended has happened: done, never overdue; what follows it is still owed.
    expect(plan.body.events.map((e: { status: string }) => e.status)).toEqual(['done', 'planned', 'planned', 'planned']);
    const items = await certificationCalendarItems(ctx, principalFor(grcUser), { from: '2026-01-01', to: '2026-12-31' });
    expect(items.filter((i) => i.href === `/certifications/${second}`).map((i) => i.kind)).toEqual(['soc2_period', 'bridge_letter', 'milestone', 'milestone']);
    // SOC 2 reports cover a period; they have no certificate expiry item.
    expect(items.some((i) => i.key === `cert-${second}-expiry`)).toBe(false);
  });

  it('PCI DSS scans are recurring events in the calendar', async () => {
    const res = await api()
      .post('/api/v1/certifications')
      .set('Authorization', `Bearer ${token}`)
      .send({ framework: 'pcidss-4.0.1', kind: 'pci_aoc', issuer: 'QSA Partners', valid_from: '2026-03-01', valid_until: '2027-02-28' });
    expect(res.status).toBe(201);
    const plan = await api().post(`/api/v1/certifications/${res.body.id}/plan`).set('Authorization', `Bearer ${token}`);
    expect(plan.body.events.filter((e: { rrule: string | null }) => e.rrule === 'FREQ=MONTHLY;INTERVAL=3;COUNT=4')).toHaveLength(2);
    // A series that began before the range still shows in it.
    const items = await certificationCalendarItems(ctx, principalFor(grcUser), { from: '2026-12-01', to: '2026-12-31' });
    expect(items.filter((i) => i.rrule !== null).map((i) => i.start)).toEqual(['2026-03-01', '2026-03-01']);
  });

  it('alerts list the expired certificate and the SOC 2 gap; an expired period renewed by a later one is no alert', async () => {
    const expired = await recordCertification(grc, {
      framework: 'eu-cloud-coc',
      kind: 'eu_coc_declaration',
      number: 'CoC-2024',
      issuer: 'SCOPE Europe',
      valid_from: '2024-11-01',
      valid_until: '2025-10-31',
    });
    const expiring = await recordCertification(grc, isoForm({ framework: 'iso27701-2019', number: 'PIMS 1', valid_from: '2024-01-20', valid_until: '2027-01-19', issued_on: '' }));
    const alerts = await certificationAlerts(ctx, principalFor(grcUser));
    expect(alerts.expired.map((a) => a.href)).toContain(`/certifications/${expired}`);
    expect(alerts.expired.find((a) => a.certificationId === expired)!.label).toBe(
      'EU Cloud Code of Conduct (EU Data Protection Code of Conduct for Cloud Service Providers) EU Cloud CoC declaration of adherence CoC-2024 expired on 2025-10-31; no later one is recorded',
    );
    expect(alerts.expired.map((a) => a.certificationId)).not.toContain(first);
    expect(alerts.expired.map((a) => a.certificationId)).toContain(second);
    expect(alerts.expiring).toEqual([
      expect.objectContaining({ certificationId: expiring, href: `/certifications/${expiring}`, label: expect.stringContaining('expires on 2027-01-19 (in 59 days)') }),
    ]);
    expect(alerts.soc2Gaps).toEqual([expect.objectContaining({ days: 31, href: `/certifications/${second}`, label: expect.stringContaining('31 days not covered') })]);
    const viaApi = await supertest(t.app).get('/api/v1/certifications/alerts').set('Authorization', `Bearer ${token}`);
    expect(viaApi.body.expiring).toHaveLength(1);
  });

  it('issuing the bridge letter over the gap ends the alert; the gap stays on the page, marked as bridged', async () => {
    const letter = await ctx.db.selectFrom('programme_events').select('id').where('certification_id', '=', first).where('kind', '=', 'bridge_letter').executeTakeFirstOrThrow();
    // A letter that stops short of the gap's last day does not cover it.
    const edit = (ends_on: string) =>
      api()
        .post(`/api/v1/certifications/${first}/events/${letter.id}`)
        .set('Authorization', `Bearer ${token}`)
        .send({ kind: 'bridge_letter', title: 'Bridge letter', starts_on: '2025-10-01', ends_on, status: 'done' })
        .expect(200);
    await edit('2025-10-30');
    expect((await certificationAlerts(ctx, principalFor(grcUser))).soc2Gaps).toHaveLength(1);
    await edit('2025-10-31');
    expect((await certificationAlerts(ctx, principalFor(grcUser))).soc2Gaps).toEqual([]);
    expect((await soc2Gaps(ctx, principalFor(grcUser)))[0]!.bridgedBy).toEqual({ certificationId: first, eventId: letter.id, from: '2025-10-01', to: '2025-10-31' });
    const page = await grc.get(`/certifications/${second}`);
    expect(page.text).toContain('are covered by a');
    expect(page.text).toContain(`href="/certifications/${first}#event-${letter.id}"`);
    expect(page.text).not.toContain('A bridge letter or a new period should cover them');
  });
});

describe('faces and the trail', () => {
  it('ids that do not exist are 404, on pages and the API', async () => {
    for (const path of ['/certifications/999999', '/certifications/999999/edit', '/certifications/999999/events/new', '/certifications/1/events/999999/edit']) {
      expect((await grc.get(path)).status, path).toBe(404);
    }
    for (const path of ['/certifications/999999/plan', '/certifications/999999/withdraw', '/certifications/999999', '/certifications/demand/999999/delete']) {
      expect((await grc.post(path, isoForm())).status, path).toBe(404);
    }
    const api = (p: string) => supertest(t.app).post(p).set('Authorization', `Bearer ${token}`);
    expect((await api('/api/v1/certifications/999999').send(isoForm())).status).toBe(404);
    expect((await api('/api/v1/certifications/999999/plan')).status).toBe(404);
    expect((await api('/api/v1/certifications/999999/events').send({ kind: 'internal_audit', title: 'x', starts_on: '2026-12-01' })).status).toBe(404);
    expect((await supertest(t.app).get('/api/v1/certifications/999999').set('Authorization', `Bearer ${token}`)).status).toBe(404);
  });

  // Three child processes, each starting the CLI: slow on a busy machine.
  it('the CLI lists the register as a table and as JSON (JSON alone on stdout)', { timeout: 180_000 }, () => {
    const table = runCli(['certifications', 'list'], ctx.childEnv);
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/^id\s+framework\s+kind/);
    expect(table.stdout).toContain('iso27001-2022');
    expect(table.stdout).toContain('Withdrawn');
    const json = runCli(['certifications', 'list', '--format', 'json', '--framework', 'soc2-2017'], ctx.childEnv);
    expect(json.status).toBe(0);
    const parsed = JSON.parse(json.stdout) as { items: { framework: { slug: string }; kind: string }[] };
    expect(parsed.items).toHaveLength(2);
    expect(parsed.items.every((i) => i.framework.slug === 'soc2-2017' && i.kind === 'soc2_type2')).toBe(true);
    const bad = runCli(['certifications', 'list', '--status', 'nope'], ctx.childEnv);
    expect(bad.status).not.toBe(0);
    expect(bad.stdout).toBe('');
  });

  it('every change is in an intact activity chain', async () => {
    const verified = await verifyChain(ctx.db);
    expect(verified.ok).toBe(true);
    const actions = new Set((await ctx.db.selectFrom('activity').select('action').execute()).map((r) => r.action));
    for (const a of [
      'certification.created',
      'certification.updated',
      'certification.withdrawn',
      'certification.cycle_planned',
      'event.created',
      'event.updated',
      'event.deleted',
    ]) {
      expect(actions.has(a as never), a).toBe(true);
    }
    expect(cliPrincipal.role).toBe('admin');
  });
});
