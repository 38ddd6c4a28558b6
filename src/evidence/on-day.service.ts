import { authorize, evidenceScope } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import type { EvidenceKind } from './evidence.model.ts';
import * as repo from './evidence.repository.ts';

// The evidence behind each control on a given day, as coverage counts it (accepted, current
// version, collected_at ≤ day ≤ valid_until), for reports that print it: the Statement of
// Applicability lists it, the readiness report says when the next is due. Two queries for every
// control at once (what is valid on the day; how far each control's evidence reaches), instead of
// paging through the whole evidence list with its files.

export interface EvidenceOnDay {
  id: number;
  title: string;
  kind: EvidenceKind;
  collectedAt: string;
  validUntil: string;
  reviewedAt: string | null;
  reviewer: { email: string | null; name: string | null } | null;
}

export interface ControlEvidenceOnDay {
  /** Valid on the day, newest collection first. */
  valid: EvidenceOnDay[];
  /** The last day covered by the control's accepted evidence collected by the day (null: never any). */
  coveredUntil: string | null;
}

const byNewest = (a: EvidenceOnDay, b: EvidenceOnDay) => b.collectedAt.localeCompare(a.collectedAt) || a.title.localeCompare(b.title) || a.id - b.id;

/** Per control ref, every control with accepted evidence collected by `day`. */
export async function evidenceOnDay(ctx: AppContext, principal: Principal, day: string): Promise<Map<string, ControlEvidenceOnDay>> {
  authorize(principal, 'evidence.read');
  const scope = evidenceScope(principal);
  const [valid, covered] = await Promise.all([repo.acceptedValidOn(ctx.db, day, scope), repo.coveredUntilByControl(ctx.db, day, scope)]);
  const out = new Map<string, ControlEvidenceOnDay>(covered.map((c) => [c.control_ref, { valid: [], coveredUntil: c.covered_until === null ? null : String(c.covered_until) }]));
  for (const r of valid) {
    out.get(r.control_ref)?.valid.push({
      id: r.id,
      title: r.title,
      kind: r.kind as EvidenceKind,
      collectedAt: r.collected_at,
      validUntil: r.valid_until,
      reviewedAt: r.reviewed_at,
      reviewer: r.reviewer_email === null && r.reviewer_name === null ? null : { email: r.reviewer_email, name: r.reviewer_name },
    });
  }
  for (const entry of out.values()) entry.valid.sort(byNewest);
  return out;
}
