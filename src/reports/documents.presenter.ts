import { relationshipLabels } from '../controls/controls.model.ts';
import type { CoverageStatus } from '../coverage/coverage.service.ts';
import { formatDayLong, formatInstant } from '../dates.ts';
import type { IssueFacts } from './document.ts';
import type { ControlFact, EvidenceFact, FrameworkFacts } from './framework-facts.ts';

// What the document reports print, shared by their PDFs and spreadsheets. Labels live here, not in
// the domain; templates get these plain objects and escape every value.

/** Reports name the company this way until it has a configured name (as a label, and within a sentence). */
export const ORGANISATION = 'The organisation';
export const ORGANISATION_IN_TEXT = 'the organisation';

export const coverageStatusLabels: Record<CoverageStatus, string> = {
  met: 'Met',
  partial: 'Partly met',
  gap: 'Gap',
  not_applicable: 'Not applicable',
};

/** The print stylesheet's colour class of each status. */
export const coverageStatusClass: Record<CoverageStatus, string> = { met: 'met', partial: 'partial', gap: 'gap', not_applicable: 'na' };

/** DESIGN.md's coverage rule in one sentence, printed with every status. */
export const STATUS_RULE =
  'Met: a company control mapped as equal or superset is effective on the day (applicable, implemented, with accepted evidence valid that day). Partly met: only controls covering part of it are effective. Gap: no mapped control is effective.';

export function issueView(issue: IssueFacts) {
  return {
    organisation: ORGANISATION,
    organisationInText: ORGANISATION_IN_TEXT,
    reportName: issue.title,
    reportId: issue.reportId,
    asOf: issue.asOf,
    asOfLong: formatDayLong(issue.asOf),
    generatedAt: formatInstant(issue.createdAt),
    generatedBy: issue.createdBy,
    chainHead: issue.chainHead || 'none (the activity trail was empty)',
  };
}

export function frameworkView(f: Pick<FrameworkFacts, 'name' | 'edition' | 'source'>) {
  // Most editions start with the name ("ISO/IEC 27001:2022 (third edition …)"): printed once.
  return { name: f.name, edition: f.edition, fullName: f.edition.startsWith(f.name) ? f.edition : `${f.name} — ${f.edition}`, source: f.source };
}

export const evidenceLine = (e: EvidenceFact): string => `${e.title} (collected ${e.collectedAt}, valid until ${e.validUntil}${e.reviewer ? `, reviewed by ${e.reviewer}` : ''})`;

export function controlView(c: ControlFact) {
  return {
    ref: c.ref,
    title: c.title,
    owner: c.owner,
    relationship: relationshipLabels[c.relationship],
    effective: c.effective,
    effectiveLabel: c.effective ? 'effective' : 'not effective',
    reason: c.reason,
    evidence: c.evidence.map((e) => ({ ...e, reviewer: e.reviewer || '—' })),
  };
}

/** A control as one spreadsheet line: "IAM-01 Access control policy (superset; effective)". */
export const controlLine = (c: ControlFact): string => `${c.ref} ${c.title} (${c.relationship}; ${c.effective ? 'effective' : `not effective: ${c.reason}`})`;
