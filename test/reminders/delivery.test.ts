import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cliPrincipal } from '../../src/auth/principal.ts';
import type { CalendarItem } from '../../src/calendar/calendar.model.ts';
import { addDays } from '../../src/dates.ts';
import { allDigests, myDigest } from '../../src/reminders/digest.service.ts';
import { createMailer, describeSmtp } from '../../src/reminders/mailer.ts';
import { sendDigests } from '../../src/reminders/reminders.service.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { principalFor } from '../helpers/factories.ts';
import { fakeSource, installSource } from './fake-source.ts';
import { buildPeople, type People, scenarioItems } from './scenario.ts';
import { SMTP_PASSWORD, startSmtp, type TestSmtp } from './smtp.ts';

const PUBLIC_URL = 'https://attest.example.test';
let ctx: TestContext;
let smtp: TestSmtp;
let items: CalendarItem[] = [];
let uninstall: () => void;
let people: People;
/** Each test has a day of its own, so one test's deliveries are not another's "already sent". */
let DAY: string;
let nextDay = 1;

beforeAll(async () => {
  smtp = await startSmtp();
  ctx = await createTestContext({ env: { SMTP_URL: smtp.url, PUBLIC_URL } });
  people = await buildPeople(ctx);
  uninstall = installSource(fakeSource(() => items));
});
afterAll(async () => {
  uninstall();
  await ctx.cleanup();
  await smtp.close();
});
beforeEach(() => {
  DAY = `2026-11-${String(nextDay).padStart(2, '0')}`;
  nextDay += 2;
  ctx.setNow(`${DAY}T07:00:00.000Z`);
  smtp.received.length = 0;
  smtp.refuse.clear();
});
afterEach(() => {
  items = [];
});

function scenario() {
  const { tag, items: mine } = scenarioItems(people, DAY);
  items = mine;
  return { ...people, tag };
}

const send = (dryRun = false) => {
  const mailer = createMailer(ctx.config);
  return sendDigests(ctx, cliPrincipal, { mailer, dryRun }).finally(() => mailer?.close());
};
/** The test day's deliveries and 'reminders.sent' records of these users. */
const rowsFor = (userIds: number[]) => ctx.db.selectFrom('reminder_deliveries').selectAll().where('user_id', 'in', userIds).where('day', '=', DAY).orderBy('user_id').execute();
const sentRecords = (userIds: number[]) =>
  ctx.db.selectFrom('activity').selectAll().where('action', '=', 'reminders.sent').where('subject_id', 'in', userIds.map(String)).where('at', 'like', `${DAY}T%`).execute();

describe('the digest', () => {
  it('holds what the user owns that is overdue or due within the window, overdue first, grouped by kind', async () => {
    const { ana, tag } = scenario();
    const digest = await myDigest(ctx, principalFor(ana));
    expect(digest).toMatchObject({ day: DAY, windowDays: 14, count: 4, overdueCount: 1 });
    expect(digest.overdue).toEqual([
      {
        kind: 'finding_due',
        items: [{ key: `f-${tag}`, kind: 'finding_due', title: `Finding F-1 ${tag}: rotate the keys`, due: addDays(DAY, -11), daysLeft: -11, href: `/audits/1/findings/${tag}` }],
      },
    ]);
    expect(digest.dueSoon.map((s) => [s.kind, s.items.map((i) => [i.due, i.daysLeft])])).toEqual([
      ['evidence_due', [[DAY, 0]]],
      ['evidence_request_due', [[addDays(DAY, 4), 4]]],
      ['milestone', [[addDays(DAY, 14), 14]]],
    ]);
  });

  it('asks every source as the user (their own principal), and is empty for a user with nothing due', async () => {
    const { cy } = scenario();
    const seen: (number | null)[] = [];
    const remove = installSource(async (_ctx, principal) => {
      seen.push(principal.userId);
      return [];
    });
    try {
      expect((await myDigest(ctx, principalFor(cy))).count).toBe(0);
      const all = await allDigests(ctx, cliPrincipal);
      // Every active user was asked for as themselves; the disabled one was not.
      expect(seen).toEqual(expect.arrayContaining([cy.id, ...all.map((d) => d.user.id)]));
      expect(all.map((d) => d.user.email)).not.toContain(expect.stringContaining('dee-'));
    } finally {
      remove();
    }
  });

  it('is sent only by someone allowed to send everyone’s digest', async () => {
    const { ana } = scenario();
    await expect(allDigests(ctx, principalFor(ana))).rejects.toMatchObject({ code: 'forbidden' });
    await expect(sendDigests(ctx, principalFor(ana), { mailer: null })).rejects.toMatchObject({ code: 'forbidden' });
  });
});

describe('sending by e-mail', () => {
  it('e-mails each user with something due, once, with every item linked, overdue first; nobody else', async () => {
    const { ana, ben, cy, dee, tag } = scenario();
    const report = await send();
    expect(report).toMatchObject({ day: DAY, channel: 'email', dryRun: false, failed: 0 });
    const mine = report.deliveries.filter((d) => [ana.id, ben.id].includes(d.userId));
    expect(mine.map((d) => [d.email, d.status, d.items, d.overdue])).toEqual([
      [ana.email, 'sent', 4, 1],
      [ben.email, 'sent', 2, 1],
    ]);
    const received = await smtp.waitFor(2);
    const to = (email: string) => received.filter((r) => r.to.includes(email));
    expect(to(cy.email)).toEqual([]);
    expect(to(dee.email)).toEqual([]);

    const [anaMail] = to(ana.email);
    expect(to(ana.email)).toHaveLength(1);
    expect(anaMail!.to).toEqual([ana.email]);
    expect(anaMail!.from).toBe('attest@localhost');
    expect(anaMail!.mail.from?.value).toEqual([{ name: 'Attest', address: 'attest@localhost' }]);
    expect(anaMail!.mail.subject).toBe('Attest reminders: 1 overdue, 3 due in the next 14 days');
    const text = anaMail!.mail.text ?? '';
    const html = String(anaMail!.mail.html);
    for (const [title, link] of [
      [`Finding F-1 ${tag}: rotate the keys`, `${PUBLIC_URL}/audits/1/findings/${tag}`],
      [`Evidence due: IAM-01 ${tag}`, `${PUBLIC_URL}/controls/IAM-01`],
      [`Request R-7 ${tag}`, `${PUBLIC_URL}/audits/1/requests/${tag}`],
      [`Stage 2 audit booked ${tag}`, `${PUBLIC_URL}/certifications/1#${tag}`],
    ]) {
      expect(text).toContain(title);
      expect(text).toContain(link);
      expect(html).toContain(`href="${link}"`);
    }
    // Overdue first, in both forms.
    expect(text.indexOf('OVERDUE (1)')).toBeLessThan(text.indexOf('DUE IN THE NEXT 14 DAYS (3)'));
    expect(text.indexOf(`Finding F-1 ${tag}`)).toBeLessThan(text.indexOf(`Evidence due: IAM-01 ${tag}`));
    expect(html.indexOf(`Finding F-1 ${tag}`)).toBeLessThan(html.indexOf(`Evidence due: IAM-01 ${tag}`));
    expect(text).toContain(`11 days late (${addDays(DAY, -11)})`);
    expect(text).toContain(`${PUBLIC_URL}/reminders`);
    for (const absent of ['DONE finding', 'PAST WINDOW', 'OLDER THAN A YEAR', 'AUDIT SPAN', 'SOMEONE ELSE', 'TITLE ONLY', 'DISABLED']) {
      expect(text).not.toContain(absent);
    }

    // Ben's hostile title is escaped in the HTML, and a link that is not a path goes to the digest page.
    const benHtml = String(to(ben.email)[0]!.mail.html);
    expect(benHtml).not.toContain('<script>');
    expect(benHtml).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quotes&quot;');
    expect(benHtml).not.toContain('javascript:');
    expect(benHtml).toContain(`href="${PUBLIC_URL}/reminders"`);

    const rows = await rowsFor([ana.id, ben.id, cy.id, dee.id]);
    expect(rows.map((r) => [r.user_id, r.day, r.channel, r.item_count])).toEqual([
      [ana.id, DAY, 'email', 4],
      [ben.id, DAY, 'email', 2],
    ]);
    const records = await sentRecords([ana.id, ben.id, cy.id, dee.id]);
    expect(records.map((r) => [r.subject_id, JSON.parse(r.details)]).sort()).toEqual(
      [
        [String(ana.id), { channel: 'email', day: DAY, items: 4, overdue: 1 }],
        [String(ben.id), { channel: 'email', day: DAY, items: 2, overdue: 1 }],
      ].sort(),
    );
    expect(records.every((r) => r.actor_label === 'cli' && !r.details.includes('@'))).toBe(true);
  });

  it('does not send twice on the same day, and sends again the next day', async () => {
    const { ana, ben } = scenario();
    await send();
    await smtp.waitFor(2);
    smtp.received.length = 0;
    const again = await send();
    expect(again.deliveries.filter((d) => [ana.id, ben.id].includes(d.userId)).map((d) => [d.status, d.note])).toEqual([
      ['skipped', `already had the ${DAY} digest`],
      ['skipped', `already had the ${DAY} digest`],
    ]);
    expect(again.sent).toBe(0);
    await new Promise((r) => setTimeout(r, 100));
    expect(smtp.received).toEqual([]);
    expect(await rowsFor([ana.id, ben.id])).toHaveLength(2);
    expect(await sentRecords([ana.id, ben.id])).toHaveLength(2);

    ctx.setNow(`${addDays(DAY, 1)}T07:00:00.000Z`);
    const next = await send();
    expect(next.deliveries.filter((d) => d.userId === ana.id).map((d) => d.status)).toEqual(['sent']);
    expect((await smtp.waitFor(2)).some((r) => r.to.includes(ana.email))).toBe(true);
  });

  it('two runs at once (the daily job and the CLI, two servers) still send each user one e-mail', async () => {
    const { ana, ben } = scenario();
    const reports = await Promise.all([send(), send()]);
    const statuses = reports.flatMap((r) => r.deliveries.filter((d) => d.userId === ana.id).map((d) => d.status)).sort();
    expect(statuses).toEqual(['sent', 'skipped']);
    const received = await smtp.waitFor(2);
    await new Promise((r) => setTimeout(r, 100));
    expect(received.filter((r) => r.to.includes(ana.email))).toHaveLength(1);
    expect(received.filter((r) => r.to.includes(ben.email))).toHaveLength(1);
    expect(await sentRecords([ana.id, ben.id])).toHaveLength(2);
  });

  it('a dry run lists who would get how many items, and sends and records nothing', async () => {
    const { ana, ben } = scenario();
    const report = await send(true);
    expect(report.dryRun).toBe(true);
    expect(report.deliveries.filter((d) => [ana.id, ben.id].includes(d.userId)).map((d) => [d.email, d.status, d.items])).toEqual([
      [ana.email, 'would_send', 4],
      [ben.email, 'would_send', 2],
    ]);
    await new Promise((r) => setTimeout(r, 100));
    expect(smtp.received).toEqual([]);
    expect(await rowsFor([ana.id, ben.id])).toEqual([]);
    expect(await sentRecords([ana.id, ben.id])).toEqual([]);
  });

  it('a recipient the server refuses is reported, the others still get theirs, and a later run sends it', async () => {
    const { ana, ben } = scenario();
    smtp.refuse.add(ben.email);
    const report = await send();
    const byUser = new Map(report.deliveries.map((d) => [d.userId, d]));
    expect(byUser.get(ana.id)?.status).toBe('sent');
    expect(byUser.get(ben.id)).toMatchObject({ status: 'failed', email: ben.email });
    expect(byUser.get(ben.id)?.note).toContain('550');
    expect(report.failed).toBe(1);
    expect((await smtp.waitFor(1)).map((r) => r.to)).toEqual([[ana.email]]);
    // The failed delivery is not recorded, so it is not "already sent".
    expect((await rowsFor([ana.id, ben.id])).map((r) => r.user_id)).toEqual([ana.id]);
    expect((await sentRecords([ana.id, ben.id])).map((r) => r.subject_id)).toEqual([String(ana.id)]);

    smtp.refuse.clear();
    smtp.received.length = 0;
    const retry = await send();
    expect(retry.deliveries.filter((d) => [ana.id, ben.id].includes(d.userId)).map((d) => d.status)).toEqual(['skipped', 'sent']);
    expect((await smtp.waitFor(1)).map((r) => r.to)).toEqual([[ben.email]]);
  });

  it('without SMTP the digest is posted in the app: recorded once a day on the app channel, no e-mail', async () => {
    const { ana, ben } = scenario();
    const first = await sendDigests(ctx, cliPrincipal, { mailer: null });
    expect(first.channel).toBe('app');
    expect(first.deliveries.filter((d) => [ana.id, ben.id].includes(d.userId)).map((d) => d.status)).toEqual(['sent', 'sent']);
    const again = await sendDigests(ctx, cliPrincipal, { mailer: null });
    expect(again.deliveries.filter((d) => [ana.id, ben.id].includes(d.userId)).map((d) => d.status)).toEqual(['skipped', 'skipped']);
    expect((await rowsFor([ana.id, ben.id])).map((r) => [r.channel, r.item_count])).toEqual([
      ['app', 4],
      ['app', 2],
    ]);
    await new Promise((r) => setTimeout(r, 100));
    expect(smtp.received).toEqual([]);
  });
});

describe('the SMTP password', () => {
  it('is never shown: not in the description of the server, not in a refused login’s message', async () => {
    const wrong = smtp.url.replace(SMTP_PASSWORD, 'wrong-Passw0rd');
    expect(describeSmtp(smtp.url)).not.toContain(SMTP_PASSWORD);
    expect(describeSmtp(smtp.url)).toMatch(/^smtp:\/\/reminders@127\.0\.0\.1:\d+$/);
    const mailer = createMailer({ mail: { smtpUrl: wrong, from: 'Attest <attest@localhost>' } })!;
    try {
      const error = await mailer.send({ to: 'x@example.test', subject: 's', text: 't', html: '<p>t</p>' }).catch((e: unknown) => e as Error);
      expect(error).toBeInstanceOf(Error);
      expect(error?.message).toMatch(/auth|login|535/i);
      expect(error?.message).not.toContain('wrong-Passw0rd');
    } finally {
      mailer.close();
    }
  });
});
