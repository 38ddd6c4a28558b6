import { can } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import { INBOX_SECTION_LIMIT, type InboxSection } from '../inbox/inbox.model.ts';
import * as repo from './evidence.repository.ts';

// The evidence domain's part of "My work": evidence waiting for my review (never my own: four
// eyes), and my rejected submissions to do again.

export async function evidenceInbox(ctx: AppContext, principal: Principal): Promise<InboxSection[]> {
  if (principal.userId === null) return [];
  const sections: InboxSection[] = [];
  const refsOf = async (ids: number[]) => {
    const rows = await repo.controlRefsOf(ctx.db, ids);
    const out = new Map<number, { refs: string[]; owners: string[] }>();
    for (const r of rows) {
      const e = out.get(r.evidence_id) ?? { refs: [], owners: [] };
      e.refs.push(r.ref);
      if (!e.owners.includes(r.owner)) e.owners.push(r.owner);
      out.set(r.evidence_id, e);
    }
    return out;
  };
  if (can(principal, 'evidence.review')) {
    const { rows, total } = await repo.reviewQueue(ctx.db, principal.userId, INBOX_SECTION_LIMIT);
    const refs = await refsOf(rows.map((r) => r.id));
    sections.push({
      key: 'review',
      title: 'Evidence waiting for my review',
      total,
      moreHref: '/evidence?status=submitted',
      items: rows.map((r) => ({
        key: `review-${r.id}`,
        title: r.title,
        subject: refs.get(r.id)?.refs.join(', ') ?? null,
        owner: refs.get(r.id)?.owners.join(', ') ?? null,
        due: null,
        overdue: false,
        action: `Review (submitted ${r.submitted_at.slice(0, 10)} by ${r.submitter_name || r.submitter_email || 'an import'})`,
        href: `/evidence/${r.id}`,
      })),
    });
  }
  if (can(principal, 'evidence.log')) {
    const { rows, total } = await repo.rejectedToRedo(ctx.db, principal.userId, INBOX_SECTION_LIMIT);
    const refs = await refsOf(rows.map((r) => r.id));
    sections.push({
      key: 'rejected',
      title: 'My rejected evidence to redo',
      total,
      moreHref: '/evidence?status=rejected',
      items: rows.map((r) => ({
        key: `rejected-${r.id}`,
        title: r.title,
        subject: refs.get(r.id)?.refs.join(', ') ?? null,
        owner: refs.get(r.id)?.owners.join(', ') ?? null,
        due: null,
        overdue: false,
        action: `Submit a new version${r.review_comment ? ` — "${r.review_comment.slice(0, 120)}"` : ''}`,
        href: `/evidence/${r.id}`,
      })),
    });
  }
  return sections;
}
