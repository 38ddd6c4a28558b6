import { cliPrincipal } from '../../src/auth/principal.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../../src/activity/activity.service.ts';
import { computeCoverage } from '../../src/coverage/coverage.service.ts';
import { buildDemo } from '../../src/demo/demo.service.ts';
import { freshness } from '../../src/evidence/freshness.service.ts';
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
});
