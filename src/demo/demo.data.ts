import type { Frequency } from '../controls/controls.model.ts';
import type { EvidenceKind } from '../evidence/evidence.model.ts';

/** A small deterministic PRNG (mulberry32), so every demo database is the same. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const DEMO_PASSWORD = 'attest-demo-2026';

export const demoUsers = [
  { email: 'admin@demo.attest', name: 'Ada Admin', role: 'admin', jobTitle: 'CISO' },
  { email: 'grace@demo.attest', name: 'Grace Okafor', role: 'grc', jobTitle: 'Head of Compliance' },
  { email: 'omar@demo.attest', name: 'Omar Lindqvist', role: 'grc', jobTitle: 'ISMS Manager' },
  { email: 'aria@demo.attest', name: 'Aria Chen (external auditor)', role: 'auditor', jobTitle: null },
  { email: 'carlos@demo.attest', name: 'Carlos Mendes', role: 'customer_compliance', jobTitle: 'Head of Customer Assurance' },
  { email: 'vera@demo.attest', name: 'Vera Novak', role: 'viewer', jobTitle: 'Head of Internal Audit' },
] as const;

/** Months between evidence collections for a control's frequency. */
export const periodMonths: Record<Frequency, number> = { continuous: 1, monthly: 1, quarterly: 3, 'semi-annual': 6, annual: 12 };

export function kindFor(frequency: Frequency, r: number): EvidenceKind {
  if (frequency === 'continuous') return r < 0.7 ? 'automated_check' : 'export';
  if (frequency === 'monthly') return r < 0.5 ? 'export' : 'ticket';
  return r < 0.5 ? 'document' : r < 0.75 ? 'ticket' : 'screenshot';
}

const titles: Record<EvidenceKind, string[]> = {
  automated_check: ['Automated compliance check results', 'Nightly configuration scan', 'Policy-as-code evaluation report'],
  export: ['System export', 'Configuration export', 'Monthly report export'],
  ticket: ['Change ticket with approvals', 'Review ticket and sign-off', 'Remediation ticket'],
  document: ['Approved document', 'Signed review record', 'Meeting minutes and decisions'],
  screenshot: ['Console screenshot', 'Settings screenshot'],
  link: ['Wiki page'],
};

export function titleFor(kind: EvidenceKind, controlTitle: string, period: string, r: number): string {
  const list = titles[kind];
  return `${list[Math.floor(r * list.length)]}: ${controlTitle} (${period})`;
}

export const rejectionComments = [
  'The export is from the staging environment, not production.',
  'Sign-off from the control owner is missing.',
  'The period covered does not match the control frequency.',
  'The screenshot does not show the date or the system name.',
];
