import { cliPrincipal } from '../../src/auth/principal.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../../src/activity/activity.service.ts';
import { computeCoverage } from '../../src/coverage/coverage.service.ts';
import { buildDemo } from '../../src/demo/demo.service.ts';
import { freshness } from '../../src/evidence/freshness.service.ts';
import { certificationAlerts, soc2Gaps } from '../../src/certifications/alerts.service.ts';
import { demandPlanning } from '../../src/certifications/demand.service.ts';
import { listCalendarItems } from '../../src/calendar/calendar.service.ts';
import { allDigests } from '../../src/reminders/digest.service.ts';
import { createTestContext, testDatabaseUrl, type TestContext } from '../helpers/context.ts';

// Building the demo writes ~3,000 evidence items through the services; once, on SQLite, is enough
// to show it produces a living system (the same services are tested on PostgreSQL elsewhere).
describe.skipIf(Boolean(testDatabaseUrl))('npm run demo data', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ now: '2026-11-21T10:00:00.000Z' });
    await buildDemo(ctx, () => undefined);
    ctx.setNow('2026-11-21T10:00:00.000Z');
  }, 180_000);
  afterAll(() => ctx.cleanup());

  it('has two years of evidence with history, rejections, items awaiting review and corrections', async () => {
    const rows = await ctx.db.selectFrom('evidence').select(['status', 'superseded_by_id', 'collected_at']).execute();
    expect(rows.length).toBeGreaterThan(1500);
    expect(rows.some((r) => r.collected_at < '2025-01-01')).toBe(true);
    expect(rows.filter((r) => r.status === 'rejected').length).toBeGreaterThan(10);
    expect(rows.filter((r) => r.status === 'submitted').length).toBeGreaterThan(5);
    expect(rows.filter((r) => r.superseded_by_id !== null).length).toBeGreaterThan(10);
  });

  it('dates nothing after the moment it was built: no review, collection or activity record in the future', async () => {
    const builtAt = '2026-11-21T10:00:00.000Z';
    const reviewed = await ctx.db.selectFrom('evidence').select(['id', 'collected_at', 'reviewed_at']).where('reviewed_at', 'is not', null).execute();
    // Collections of the last days are reviewed too (their reviews were moved back to "now").
    expect(reviewed.some((r) => r.collected_at >= '2026-11-19')).toBe(true);
    expect(reviewed.filter((r) => r.reviewed_at! > builtAt)).toEqual([]);
    expect(await ctx.db.selectFrom('evidence').select(['id', 'collected_at']).where('collected_at', '>', '2026-11-21').execute()).toEqual([]);
    expect(await ctx.db.selectFrom('activity').select(['id', 'action', 'at']).where('at', '>', builtAt).execute()).toEqual([]);
  });

  it('shows met, partial and gap today, controls whose evidence expired, and an intact activity chain', async () => {
    const now = await computeCoverage(ctx, cliPrincipal, {});
    const iso = now.frameworks.find((f) => f.slug === 'iso27001-2022')!;
    expect(iso.counts.met).toBeGreaterThan(50);
    expect(iso.counts.gap).toBeGreaterThan(0);
    expect(now.frameworks.some((f) => f.counts.partial > 0)).toBe(true);
    const report = await freshness(ctx, cliPrincipal);
    expect(report.owners.some((o) => o.expired.length > 0)).toBe(true);
    expect((await verifyChain(ctx.db)).ok).toBe(true);
  });

  it('holds the audit programme: a certificate expiring, one expired, a SOC 2 gap closed by a bridge letter', async () => {
    const alerts = await certificationAlerts(ctx, cliPrincipal);
    expect(alerts.expiring.map((a) => a.framework)).toEqual(['iso27001-2022']);
    expect(alerts.expired.map((a) => a.framework)).toEqual(['iso27018-2019']);
    // Recorded, flagged while open, then covered by the bridge letter issued a month later.
    expect(alerts.soc2Gaps).toEqual([]);
    const gaps = await soc2Gaps(ctx, cliPrincipal);
    expect(gaps).toHaveLength(1);
    expect(gaps[0]!.bridgedBy).not.toBeNull();
    const trail = await ctx.db.selectFrom('activity').select(['action', 'at']).where('action', 'in', ['certification.created', 'event.updated']).execute();
    expect(trail.filter((r) => r.action === 'certification.created')).toHaveLength(12);
    const certs = await ctx.db.selectFrom('certifications').select(['framework_id', 'document_evidence_id', 'issued_on']).execute();
    expect(new Set(certs.map((c) => c.framework_id)).size).toBe(6);
    // Every certificate and issued report is kept as evidence.
    expect(certs.filter((c) => c.issued_on !== null).every((c) => c.document_evidence_id !== null)).toBe(true);
  });

  it('has audits in every status, with request lists in every state and findings of every stage', async () => {
    const audits = await ctx.db.selectFrom('audits').select(['id', 'status', 'kind']).execute();
    expect(new Set(audits.map((a) => a.status))).toEqual(new Set(['planned', 'fieldwork', 'reporting', 'closed']));
    expect(audits.filter((a) => a.status === 'closed').length).toBeGreaterThanOrEqual(8);
    const requests = await ctx.db.selectFrom('evidence_requests').select('status').execute();
    expect(new Set(requests.map((r) => r.status))).toEqual(new Set(['open', 'submitted', 'accepted']));
    const returned = await ctx.db.selectFrom('activity').select('id').where('action', '=', 'request.status_changed').where('details', 'like', '%"to":"returned"%').execute();
    expect(returned.length).toBeGreaterThan(0);
    const findings = await ctx.db.selectFrom('findings').select(['kind', 'status']).execute();
    expect(new Set(findings.map((f) => f.status))).toEqual(new Set(['open', 'action_taken', 'verified', 'closed']));
    expect(findings.some((f) => f.kind === 'major_nc' && f.status === 'open')).toBe(true);
    // The demo auditor has open windows on the audits under way, and has drawn her samples there.
    const aria = await ctx.db.selectFrom('users').select('id').where('email', '=', 'aria@demo.attest').executeTakeFirstOrThrow();
    const windows = await ctx.db.selectFrom('audit_assignments').select(['audit_id', 'access_from', 'access_until']).where('user_id', '=', aria.id).execute();
    expect(windows).toHaveLength(2);
    expect(windows.every((w) => w.access_from <= '2026-11-21' && w.access_until >= '2026-11-21')).toBe(true);
    expect((await ctx.db.selectFrom('samples').select('id').execute()).length).toBeGreaterThanOrEqual(1);
  });

  it('ranks customer demand for ISO 27017 and for schemes Attest has no catalog for', async () => {
    const rows = await demandPlanning(ctx, cliPrincipal);
    expect(rows[0]).toMatchObject({ framework: { slug: 'iso27017-2015' }, customers: 4 });
    expect(rows[0]!.coverage).not.toBeNull();
    expect(rows.filter((r) => r.framework === null).map((r) => r.label)).toEqual(expect.arrayContaining(['BSI C5', 'ISO/IEC 42001']));
  });

  it('fills the calendar and gives each GRC user a digest of what they own', async () => {
    const items = await listCalendarItems(ctx, cliPrincipal, { from: '2026-11-01', to: '2026-12-31' });
    const kinds = new Set(items.map((i) => i.kind));
    for (const kind of ['audit', 'fieldwork', 'milestone', 'certificate_expiry', 'evidence_due', 'evidence_request_due', 'finding_due']) expect(kinds, kind).toContain(kind);
    const owned = items.filter((i) => i.kind === 'evidence_due' && i.ownerId !== null);
    expect(owned.length).toBeGreaterThan(0);
    const digests = await allDigests(ctx, cliPrincipal);
    expect(digests.find((d) => d.user.email === 'grace@demo.attest')!.digest.count).toBeGreaterThan(0);
  });

  it('coverage from the maintained intervals equals coverage from the evidence on every day of the two years, and the rebuild finds nothing to mend', async () => {
    const { intervalsOnDay } = await import('../../src/coverage/intervals.repository.ts');
    const { validEvidenceByControl } = await import('../../src/coverage/coverage.repository.ts');
    const { checkIntervals } = await import('../../src/coverage/intervals.service.ts');
    const { daysFrom, addDays } = await import('../../src/dates.ts');
    const days = daysFrom(addDays('2026-11-21', -735), '2026-11-21');
    for (const day of days) {
      const [a, b] = await Promise.all([intervalsOnDay(ctx.db, day), validEvidenceByControl(ctx.db, day)]);
      expect(
        a.map((r) => r.control_id).sort((x, y) => x - y),
        day,
      ).toEqual(b.map((r) => r.control_id).sort((x, y) => x - y));
    }
    for (const day of days.filter((_, i) => i % 15 === 0)) {
      expect(await computeCoverage(ctx, cliPrincipal, { asOf: day }), day).toEqual(await computeCoverage(ctx, cliPrincipal, { asOf: day, from: 'evidence' }));
    }
    expect((await checkIntervals(ctx, cliPrincipal, { apply: false })).differing).toEqual([]);
  }, 120_000);
});
