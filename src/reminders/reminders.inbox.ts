import { can } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import { awaitingReviewByRef } from '../evidence/freshness.service.ts';
import type { AppContext } from '../context.ts';
import { INBOX_SECTION_LIMIT, type InboxSection } from '../inbox/inbox.model.ts';
import { type DigestItem, myDigest } from './digest.service.ts';
import { reminderKindLabels } from './digest.presenter.ts';

// What I owe by a date — my controls' evidence (due, expired or never collected), evidence
// requests, findings, milestones, bridge letters, certificates — from my reminder digest, overdue
// first. The digest already asks every calendar source as me.

const actions: Record<DigestItem['kind'], string> = {
  evidence_due: 'Log evidence',
  evidence_request_due: 'Answer the request',
  finding_due: 'Follow up the finding',
  milestone: 'Open the milestone',
  bridge_letter: 'Issue the bridge letter',
  certificate_expiry: 'Plan the renewal',
};

export async function remindersInbox(ctx: AppContext, principal: Principal): Promise<InboxSection[]> {
  if (principal.userId === null) return [];
  const digest = await myDigest(ctx, principal);
  // The control's one story: evidence already submitted and waiting means review, not log again.
  const waiting = can(principal, 'evidence.read') ? await awaitingReviewByRef(ctx, principal) : new Map<string, number>();
  const actionOf = (i: DigestItem) => {
    const ref = i.kind === 'evidence_due' ? decodeURIComponent(/^\/controls\/([^/?#]+)$/.exec(i.href)?.[1] ?? '') : '';
    return ref && (waiting.get(ref) ?? 0) > 0 ? 'Review the submitted evidence' : actions[i.kind];
  };
  const toItems = (items: DigestItem[]) =>
    items.slice(0, INBOX_SECTION_LIMIT).map((i) => ({
      key: i.key,
      title: i.title,
      subject: reminderKindLabels[i.kind],
      owner: null,
      due: i.due,
      overdue: i.daysLeft < 0,
      action: actionOf(i),
      href: i.href,
    }));
  const overdue = digest.overdue.flatMap((s) => s.items);
  const soon = digest.dueSoon.flatMap((s) => s.items);
  return [
    { key: 'overdue', title: 'Overdue', total: overdue.length, moreHref: '/reminders', items: toItems(overdue) },
    { key: 'due', title: `Due in the next ${digest.windowDays} days`, total: soon.length, moreHref: '/reminders', items: toItems(soon) },
  ];
}
