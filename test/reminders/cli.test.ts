import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { dayOf } from '../../src/dates.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { loadFixtureLibrary } from '../helpers/factories.ts';
import { buildPeople, type People, scenarioItems } from './scenario.ts';
import { runCliAsync as runCli } from './run-cli.ts';
import { SMTP_PASSWORD, startSmtp, type TestSmtp } from './smtp.ts';

/**
 * The real `attest reminders send` in a child process, against this test's database and a real
 * SMTP server in this process. The child gets a calendar source serving this test's items through
 * a preloaded module (fake-source.preload.mjs); it runs on the real clock, so the items are laid
 * out around the real today.
 */
const PRELOAD = path.resolve(import.meta.dirname, 'fake-source.preload.mjs');
const PUBLIC_URL = 'https://attest.example.test';
let ctx: TestContext;
let smtp: TestSmtp;

beforeAll(async () => {
  smtp = await startSmtp();
  ctx = await createTestContext({ env: { SMTP_URL: smtp.url, PUBLIC_URL } });
  // A catalog, so the command does not load the shipped library into the test database first.
  await loadFixtureLibrary(ctx);
});
afterAll(async () => {
  await ctx.cleanup();
  await smtp.close();
});
beforeEach(() => {
  smtp.received.length = 0;
  smtp.refuse.clear();
});

/** Fresh users, their items around today in a file, and the child's environment to serve them. */
async function scenario(envOverride: Record<string, string> = {}) {
  const people = await buildPeople(ctx);
  const { tag, items } = scenarioItems(people, dayOf(new Date()));
  const file = path.join(ctx.config.dataDir, `items-${tag}.json`);
  fs.writeFileSync(file, JSON.stringify(items));
  // From source: the preload adds its fake source to the TypeScript modules, not to the compiled ones.
  const env = { ...ctx.childEnv, NODE_OPTIONS: `--import "${PRELOAD}"`, ATTEST_FROM_SOURCE: '1', ATTEST_TEST_CALENDAR_ITEMS: file, ...envOverride };
  return { ...people, tag, env };
}

const rowsFor = ({ ana, ben, cy, dee }: People) =>
  ctx.db.selectFrom('reminder_deliveries').selectAll().where('user_id', 'in', [ana.id, ben.id, cy.id, dee.id]).orderBy('user_id').execute();

// Each run starts a Node process with the TypeScript loader: seconds each on a busy machine.
describe('attest reminders send', { timeout: 120_000 }, () => {
  it('--dry-run lists who would get how many items, and sends and records nothing', async () => {
    const s = await scenario();
    const res = await runCli(['reminders', 'send', '--dry-run'], s.env);
    expect(res.status).toBe(0);
    const lines = res.stdout.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^would send\\s+4 items \\(1 overdue\\)\\s+${s.ana.email}$`)),
      expect.stringMatching(new RegExp(`^would send\\s+2 items \\(1 overdue\\)\\s+${s.ben.email}$`)),
    ]);
    expect(res.stdout).not.toContain(s.cy.email);
    expect(res.stdout).not.toContain(s.dee.email);
    expect(res.stderr).toMatch(/Dry run: e-mail via smtp:\/\/reminders@127\.0\.0\.1:\d+/);
    expect(res.stderr).toContain('2 users would get a digest by e-mail');
    expect(res.stderr).toContain('Dry run: nothing was sent or recorded.');
    expect(res.stderr + res.stdout).not.toContain(SMTP_PASSWORD);
    await new Promise((r) => setTimeout(r, 100));
    expect(smtp.received).toEqual([]);
    expect(await rowsFor(s)).toEqual([]);
  });

  it('e-mails each user with something due, reports progress on stderr, and skips them on a second run the same day', async () => {
    const s = await scenario();
    const res = await runCli(['reminders', 'send'], s.env);
    expect(res.stdout).toBe('');
    expect(res.status).toBe(0);
    expect(res.stderr).toMatch(new RegExp(`sent\\s+4 items \\(1 overdue\\)\\s+${s.ana.email}`));
    expect(res.stderr).toMatch(new RegExp(`sent\\s+2 items \\(1 overdue\\)\\s+${s.ben.email}`));
    expect(res.stderr).toContain('2 digests sent by e-mail');
    expect(res.stderr).not.toContain(SMTP_PASSWORD);
    const received = await smtp.waitFor(2);
    expect(received.map((r) => r.to).sort()).toEqual([[s.ana.email], [s.ben.email]].sort());
    const ana = received.find((r) => r.to.includes(s.ana.email))!;
    expect(ana.mail.subject).toBe('Attest reminders: 1 overdue, 3 due in the next 14 days');
    expect(ana.mail.text).toContain(`Finding F-1 ${s.tag}: rotate the keys`);
    expect(ana.mail.text).toContain(`${PUBLIC_URL}/audits/1/findings/${s.tag}`);
    expect((await rowsFor(s)).map((r) => [r.user_id, r.channel, r.item_count])).toEqual([
      [s.ana.id, 'email', 4],
      [s.ben.id, 'email', 2],
    ]);
    const records = await ctx.db
      .selectFrom('activity')
      .selectAll()
      .where('action', '=', 'reminders.sent')
      .where('subject_id', 'in', [String(s.ana.id), String(s.ben.id)])
      .execute();
    expect(records.map((r) => r.actor_label)).toEqual(['cli', 'cli']);

    smtp.received.length = 0;
    const again = await runCli(['reminders', 'send'], s.env);
    expect(again.status).toBe(0);
    expect(again.stderr).toMatch(new RegExp(`skipped\\s+4 items \\(1 overdue\\)\\s+${s.ana.email}: already had the \\d{4}-\\d{2}-\\d{2} digest`));
    expect(again.stderr).toContain('0 digests sent by e-mail, 2 already had today');
    await new Promise((r) => setTimeout(r, 100));
    expect(smtp.received).toEqual([]);
    expect(await rowsFor(s)).toHaveLength(2);
  });

  it('reports a recipient the SMTP server refuses, delivers the others, and exits 1', async () => {
    const s = await scenario();
    smtp.refuse.add(s.ben.email);
    const res = await runCli(['reminders', 'send'], s.env);
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(new RegExp(`FAILED\\s+2 items \\(1 overdue\\)\\s+${s.ben.email}: .*550`));
    expect(res.stderr).toContain('1 digest sent by e-mail, 1 failed');
    expect(res.stderr).toContain(`Not sent to: ${s.ben.email}.`);
    expect((await smtp.waitFor(1)).map((r) => r.to)).toEqual([[s.ana.email]]);
    expect((await rowsFor(s)).map((r) => r.user_id)).toEqual([s.ana.id]);
  });

  it('without SMTP_URL posts the digests in the app', async () => {
    const s = await scenario({ SMTP_URL: '' });
    const res = await runCli(['reminders', 'send'], s.env);
    expect(res.status).toBe(0);
    expect(res.stderr).toContain('SMTP_URL is not set: digests are posted in the app');
    expect(res.stderr).toContain('2 digests posted in the app');
    expect((await rowsFor(s)).map((r) => [r.user_id, r.channel])).toEqual([
      [s.ana.id, 'app'],
      [s.ben.id, 'app'],
    ]);
  });
});

describe('reminder configuration', { timeout: 120_000 }, () => {
  it('defaults match the README', () => {
    const config = loadConfig({ PORT: '3300' });
    expect(config).toMatchObject({ publicUrl: 'http://127.0.0.1:3300', mail: { smtpUrl: null, from: 'Attest <attest@localhost>' }, reminders: { windowDays: 14, dailyAt: null } });
    expect(loadConfig({ PUBLIC_URL: 'https://grc.example.com/attest/', REMINDERS_DAILY_AT: '23:59', REMINDER_WINDOW_DAYS: '30' })).toMatchObject({
      publicUrl: 'https://grc.example.com/attest',
      reminders: { windowDays: 30, dailyAt: '23:59' },
    });
    for (const bad of [{ REMINDERS_DAILY_AT: '7:00' }, { REMINDERS_DAILY_AT: '24:00' }, { SMTP_URL: 'https://mail.example.com' }, { MAIL_FROM: 'Attest\r\nBcc: x@y' }]) {
      expect(() => loadConfig(bad)).toThrow(new RegExp(Object.keys(bad)[0]!));
    }
  });

  it('a bad value stops the start with a message naming the variable', async () => {
    const badUrl = await runCli(['reminders', 'send', '--dry-run'], { ...ctx.childEnv, SMTP_URL: 'mail.example.com:25' });
    expect(badUrl.status).toBe(2);
    expect(badUrl.stderr).toContain('SMTP_URL: must be a URL like smtp://');
    const badTime = await runCli(['serve'], { ...ctx.childEnv, PORT: '0', REMINDERS_DAILY_AT: '25:00' });
    expect(badTime.status).toBe(2);
    expect(badTime.stderr).toContain('REMINDERS_DAILY_AT: must be a time of day HH:MM in UTC');
    const badWindow = await runCli(['serve'], { ...ctx.childEnv, PORT: '0', REMINDER_WINDOW_DAYS: '0', PUBLIC_URL: 'ftp://x' });
    expect(badWindow.status).toBe(2);
    expect(badWindow.stderr).toContain('REMINDER_WINDOW_DAYS');
    expect(badWindow.stderr).toContain('PUBLIC_URL: must be an http(s) URL');
  });
});
