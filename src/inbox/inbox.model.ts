import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';

// The "My work" inbox: what the signed-in person should do next. Each domain contributes its own
// section through an InboxSource; the inbox knows nothing of evidence, audits or questionnaires.

export interface InboxItem {
  key: string;
  title: string;
  /** The thing it is about, e.g. a control ref. */
  subject: string | null;
  /** Who owns it (a person or a job title), when that is worth showing. */
  owner: string | null;
  /** The day it is due, if it has one. */
  due: string | null;
  overdue: boolean;
  /** The one next step, and where it is taken. */
  action: string;
  href: string;
}

export interface InboxSection {
  key: string;
  title: string;
  /** Every item, even when only the first ones are listed. */
  total: number;
  items: InboxItem[];
  /** Where the whole list lives, when the section shows only its first items. */
  moreHref: string | null;
}

/** A domain's contribution: zero or more sections for this principal (empty when they may not act). */
export type InboxSource = (ctx: AppContext, principal: Principal) => Promise<InboxSection[]>;

/** How many items a section lists before pointing to its full list. */
export const INBOX_SECTION_LIMIT = 20;
