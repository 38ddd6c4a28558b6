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
  const months = Math.min(...frequencies.map((f) => validityMonths[f]), 12);
  const d = new Date(`${collectedAt}T00:00:00Z`);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  // Keep the day of month where it exists (31 Jan + 1 month → 28/29 Feb), then step back a day.
  const lastOfMonth = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, lastOfMonth));
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
