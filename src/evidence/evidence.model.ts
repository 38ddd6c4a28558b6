import { lastDayOfPeriod } from '../dates.ts';
import type { Frequency } from '../controls/controls.model.ts';

export const evidenceKinds = ['document', 'screenshot', 'export', 'link', 'ticket', 'automated_check'] as const;
export type EvidenceKind = (typeof evidenceKinds)[number];

export const evidenceKindLabels: Record<EvidenceKind, string> = {
  document: 'Document',
  screenshot: 'Screenshot',
  export: 'Export',
  link: 'Link',
  ticket: 'Ticket',
  automated_check: 'Automated check',
};

export const evidenceStatuses = ['submitted', 'accepted', 'rejected'] as const;
export type EvidenceStatus = (typeof evidenceStatuses)[number];

export const evidenceStatusLabels: Record<EvidenceStatus, string> = {
  submitted: 'Awaiting review',
  accepted: 'Accepted',
  rejected: 'Rejected',
};

/** How long evidence of a control stays valid by default: one operating period of the control. */
const validityMonths: Record<Frequency, number> = {
  continuous: 1,
  monthly: 1,
  quarterly: 3,
  'semi-annual': 6,
  annual: 12,
};

/** The last day evidence collected on `collectedAt` covers, for the most frequent of the controls. */
export function defaultValidUntil(collectedAt: string, frequencies: Frequency[]): string {
  return lastDayOfPeriod(collectedAt, Math.min(...frequencies.map((f) => validityMonths[f]), 12));
}
