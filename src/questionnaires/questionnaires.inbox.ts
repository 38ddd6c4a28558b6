import { can } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import { INBOX_SECTION_LIMIT, type InboxSection } from '../inbox/inbox.model.ts';
import * as repo from './questionnaires.repository.ts';

// The questionnaires' part of "My work": answers assigned to me that are not approved yet.

export async function questionnaireInbox(ctx: AppContext, principal: Principal): Promise<InboxSection[]> {
  if (principal.userId === null || !can(principal, 'questionnaires.use')) return [];
  const { rows, total } = await repo.assignedTo(ctx.db, principal.userId, INBOX_SECTION_LIMIT);
  return [
    {
      key: 'answers',
      title: 'Questionnaire answers assigned to me',
      total,
      moreHref: null,
      items: rows.map((r) => ({
        key: `answer-${r.questionnaire_id}-${r.row_number}`,
        title: r.question.length > 200 ? `${r.question.slice(0, 200)}…` : r.question,
        subject: `${r.customer}, row ${r.row_number}`,
        owner: null,
        due: null,
        overdue: false,
        action: r.stale ? 'Check it against current evidence, then approve' : 'Check and approve',
        href: `/questionnaires/${r.questionnaire_id}?show=mine#row-${r.row_number}`,
      })),
    },
  ];
}
