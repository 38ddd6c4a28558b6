import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import type { Config } from '../config.ts';
import { VIEWS_DIR } from '../http/views.ts';
import type { Digest, DigestSection, ReminderKind } from './digest.service.ts';
import type { MailMessage } from './mailer.ts';

export const reminderKindLabels: Record<ReminderKind, string> = {
  evidence_due: 'Evidence due',
  evidence_request_due: 'Evidence requests',
  finding_due: 'Findings',
  milestone: 'Milestones',
  bridge_letter: 'Bridge letters',
  certificate_expiry: 'Certificates expiring',
};

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "3 days late", "due today", "due tomorrow", "due in 5 days"; a certificate "expired 3 days ago", "expires today"… */
export function whenLabel(daysLeft: number, kind?: ReminderKind): string {
  if (kind === 'certificate_expiry') {
    if (daysLeft < 0) return `expired ${plural(-daysLeft, 'day', 'days')} ago`;
    return daysLeft === 0 ? 'expires today' : daysLeft === 1 ? 'expires tomorrow' : `expires in ${daysLeft} days`;
  }
  if (daysLeft < 0) return `${plural(-daysLeft, 'day', 'days')} late`;
  if (daysLeft === 0) return 'due today';
  if (daysLeft === 1) return 'due tomorrow';
  return `due in ${daysLeft} days`;
}

/**
 * Titles come from every domain; control characters and text-direction overrides are dropped so a
 * title cannot break a line of the e-mail or reverse the text around it (pages also isolate it).
 */
export function cleanTitle(title: string): string {
  return title.replace(/[\p{Cc}\u202A-\u202E\u2066-\u2069]+/gu, ' ').trim();
}

function presentSections(sections: DigestSection[], link: (href: string) => string) {
  return sections.map((s) => ({
    kind: s.kind,
    label: reminderKindLabels[s.kind],
    items: s.items.map((i) => ({ key: i.key, title: cleanTitle(i.title), due: i.due, when: whenLabel(i.daysLeft, i.kind), overdue: i.daysLeft < 0, href: link(i.href) })),
  }));
}

/** What the /reminders page shows of a digest (links stay relative). */
export function digestPage(digest: Digest) {
  return {
    day: digest.day,
    windowDays: digest.windowDays,
    overdue: presentSections(digest.overdue, (h) => h),
    dueSoon: presentSections(digest.dueSoon, (h) => h),
    overdueCount: digest.overdueCount,
    dueSoonCount: digest.count - digest.overdueCount,
    empty: digest.count === 0,
  };
}

/** The API's view of a digest. */
export function digestJson(digest: Digest) {
  const items = (sections: DigestSection[]) =>
    sections.flatMap((s) => s.items.map((i) => ({ key: i.key, kind: i.kind, title: i.title, due: i.due, days_left: i.daysLeft, href: i.href })));
  return { day: digest.day, window_days: digest.windowDays, overdue: items(digest.overdue), due_soon: items(digest.dueSoon) };
}

export function digestSubject(digest: Digest): string {
  const parts = [];
  if (digest.overdueCount) parts.push(`${digest.overdueCount} overdue`);
  const soon = digest.count - digest.overdueCount;
  if (soon) parts.push(`${soon} due in the next ${digest.windowDays} days`);
  return `Attest reminders: ${parts.join(', ')}`;
}

let emailTemplate: Handlebars.TemplateDelegate | undefined;

/** The e-mail template, compiled once, with its own Handlebars (no page layout, no app helpers). */
function template(): Handlebars.TemplateDelegate {
  emailTemplate ??= Handlebars.create().compile(fs.readFileSync(path.join(VIEWS_DIR, 'reminders', 'digest-email.hbs'), 'utf8'), { strict: true });
  return emailTemplate;
}

/**
 * The digest as an e-mail to its user: plain text and HTML (every value escaped by Handlebars),
 * with absolute links under PUBLIC_URL.
 */
export function digestEmail(digest: Digest, user: { email: string; name: string }, config: Pick<Config, 'publicUrl'>): MailMessage {
  const link = (href: string) => `${config.publicUrl}${href}`;
  const model = {
    name: cleanTitle(user.name) || user.email,
    day: digest.day,
    windowDays: digest.windowDays,
    overdue: presentSections(digest.overdue, link),
    dueSoon: presentSections(digest.dueSoon, link),
    overdueCount: digest.overdueCount,
    dueSoonCount: digest.count - digest.overdueCount,
    pageUrl: link('/reminders'),
    subject: digestSubject(digest),
  };
  const block = (heading: string, sections: typeof model.overdue) =>
    sections.length === 0
      ? []
      : [heading, '', ...sections.flatMap((s) => [`${s.label}:`, ...s.items.flatMap((i) => [`  - ${i.title}`, `    ${i.when} (${i.due}): ${i.href}`]), ''])];
  const text = [
    `Hello ${model.name},`,
    '',
    `Your Attest reminders for ${digest.day}: what you own that is overdue or due in the next ${digest.windowDays} days.`,
    '',
    ...block(`OVERDUE (${model.overdueCount})`, model.overdue),
    ...block(`DUE IN THE NEXT ${digest.windowDays} DAYS (${model.dueSoonCount})`, model.dueSoon),
    `All your reminders: ${model.pageUrl}`,
    '',
    '-- ',
    'Sent by Attest once a day when something of yours is due.',
  ].join('\n');
  return { to: user.email, subject: model.subject, text: `${text}\n`, html: template()(model) };
}
