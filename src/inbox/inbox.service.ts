import { authorize } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import { evidenceInbox } from '../evidence/evidence.inbox.ts';
import { questionnaireInbox } from '../questionnaires/questionnaires.inbox.ts';
import { remindersInbox } from '../reminders/reminders.inbox.ts';
import type { InboxSection, InboxSource } from './inbox.model.ts';

/** Every domain that contributes to "My work", in the order its sections are shown. */
export const inboxSources: InboxSource[] = [remindersInbox, evidenceInbox, questionnaireInbox];

export interface Inbox {
  sections: InboxSection[];
  total: number;
}

/** The signed-in person's work: each domain asked as them, so nobody sees what they may not act on. */
export async function myInbox(ctx: AppContext, principal: Principal): Promise<Inbox> {
  authorize(principal, 'app.use');
  const sections = (await Promise.all(inboxSources.map((source) => source(ctx, principal)))).flat();
  return { sections, total: sections.reduce((n, s) => n + s.total, 0) };
}

const counted = new Map<number, { at: number; total: number }>();
const COUNT_TTL_MS = 30_000;

/**
 * The count in the navigation: remembered for half a minute per person (the digest asks every
 * calendar source), refreshed whenever the inbox itself is opened.
 */
export async function inboxCount(ctx: AppContext, principal: Principal): Promise<number> {
  if (principal.userId === null) return 0;
  const hit = counted.get(principal.userId);
  if (hit && Date.now() - hit.at < COUNT_TTL_MS) return hit.total;
  const { total } = await myInbox(ctx, principal);
  rememberCount(principal.userId, total);
  return total;
}

export function rememberCount(userId: number, total: number): void {
  if (counted.size > 10_000) counted.clear();
  counted.set(userId, { at: Date.now(), total });
}
