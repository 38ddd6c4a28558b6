import { relationshipLabels } from '../controls/controls.model.ts';
import type { IssueFacts } from './document.ts';
import { controlLine, controlView, coverageStatusClass, coverageStatusLabels, evidenceLine, frameworkView, issueView, ORGANISATION, STATUS_RULE } from './documents.presenter.ts';
import type { FrameworkFacts, RequirementFact } from './framework-facts.ts';
import type { Column, Row } from './sheet.ts';

// What the Statement of Applicability shows, in its PDF and its spreadsheet.

/**
 * One table row per requirement and mapped control, so a requirement with many controls breaks
 * across pages between controls, never inside one; the requirement's own cells are printed on its
 * first row, and its ref on every row so a continued requirement is still named.
 */
function rowsOf(r: RequirementFact) {
  const applicable = r.status !== 'not_applicable';
  const requirement = {
    ref: r.ref,
    name: r.name,
    applicable,
    justification: r.justification ?? '',
    statusLabel: coverageStatusLabels[r.status],
    statusClass: coverageStatusClass[r.status],
    // For an excluded control the justification is the whole story; it is printed once.
    reason: applicable ? r.reason : '',
  };
  // An excluded control is its justification alone, whatever company controls touch it.
  const controls = applicable && r.controls.length ? r.controls.map(controlView) : [null];
  return controls.map((control, i) => ({ requirement, first: i === 0, last: i === controls.length - 1, control }));
}

/** Consecutive requirements under the same heading (A.5 Organizational controls …), in catalog order. */
function grouped(requirements: RequirementFact[]) {
  const groups: { ref: string; name: string; rows: ReturnType<typeof rowsOf> }[] = [];
  for (const r of requirements) {
    const key = r.group?.ref ?? '';
    let last = groups.at(-1);
    if (!last || last.ref !== key) {
      last = { ref: key, name: r.group?.name ?? '', rows: [] };
      groups.push(last);
    }
    last.rows.push(...rowsOf(r));
  }
  return groups;
}

function tally(requirements: RequirementFact[]) {
  const count = (s: RequirementFact['status']) => requirements.filter((r) => r.status === s).length;
  const notApplicable = count('not_applicable');
  return { total: requirements.length, applicable: requirements.length - notApplicable, notApplicable, met: count('met'), partial: count('partial'), gap: count('gap') };
}

export function soaView(issue: IssueFacts, facts: FrameworkFacts, requirements: RequirementFact[], scopeLabel: string) {
  return {
    title: issue.title,
    issue: issueView(issue),
    framework: frameworkView(facts),
    scopeLabel,
    statusRule: STATUS_RULE,
    counts: tally(requirements),
    groups: grouped(requirements),
  };
}

export const soaColumns: Column[] = [
  { header: 'Ref', key: 'ref', width: 11 },
  { header: 'Control', key: 'name', width: 34 },
  { header: 'Group', key: 'group', width: 24 },
  { header: 'Applicable', key: 'applicable', width: 11 },
  { header: 'Justification for exclusion', key: 'justification', width: 40 },
  { header: 'Status', key: 'status', width: 13 },
  { header: 'Status reason', key: 'reason', width: 50 },
  { header: 'Company controls', key: 'controls', width: 50 },
  { header: 'Current evidence', key: 'evidence', width: 60 },
];

export function soaRows(requirements: RequirementFact[]): Row[] {
  return requirements.map((r) => ({
    ref: r.ref,
    name: r.name,
    group: r.group ? `${r.group.ref} ${r.group.name}` : '',
    applicable: r.status === 'not_applicable' ? 'No' : 'Yes',
    justification: r.justification ?? '',
    status: coverageStatusLabels[r.status],
    reason: r.reason,
    controls: r.controls.map(controlLine).join('\n'),
    evidence: r.controls.flatMap((c) => c.evidence.map((e) => `${c.ref}: ${evidenceLine(e)}`)).join('\n'),
  }));
}

export const evidenceColumns: Column[] = [
  { header: 'Ref', key: 'ref', width: 11 },
  { header: 'Company control', key: 'control', width: 12 },
  { header: 'Control title', key: 'controlTitle', width: 34 },
  { header: 'Relationship', key: 'relationship', width: 22 },
  { header: 'Effective', key: 'effective', width: 10 },
  { header: 'Evidence', key: 'title', width: 50 },
  { header: 'Collected', key: 'collected', width: 12 },
  { header: 'Valid until', key: 'validUntil', width: 12 },
  { header: 'Reviewed by', key: 'reviewer', width: 28 },
];

/** One row per requirement, control and current evidence item (a control without any: one row, no evidence). */
export function evidenceRows(requirements: RequirementFact[]): Row[] {
  return requirements.flatMap((r) =>
    r.controls.flatMap((c) => {
      const base = { ref: r.ref, control: c.ref, controlTitle: c.title, relationship: relationshipLabels[c.relationship], effective: c.effective ? 'Yes' : 'No' };
      if (c.evidence.length === 0) return [{ ...base, title: '', collected: '', validUntil: '', reviewer: '' }];
      return c.evidence.map((e) => ({ ...base, title: e.title, collected: e.collectedAt, validUntil: e.validUntil, reviewer: e.reviewer }));
    }),
  );
}

export function aboutFacts(issue: IssueFacts, facts: FrameworkFacts, scopeLabel: string): [string, string][] {
  const v = issueView(issue);
  return [
    ['Report', issue.title],
    ['Organisation', ORGANISATION],
    ['Framework', `${facts.name} — ${facts.edition}`],
    ['Scope', scopeLabel],
    ['As of', issue.asOf],
    ['Report id', String(issue.reportId)],
    ['Generated', `${v.generatedAt} by ${v.generatedBy}`],
    ['Activity chain head', v.chainHead],
    ['Catalog source', facts.source],
    ['Status rule', STATUS_RULE],
  ];
}
