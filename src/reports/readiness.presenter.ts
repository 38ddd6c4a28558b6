import { findingKindLabels } from '../audits/audits.model.ts';
import { findingStatusLabels } from '../audits/audits.presenter.ts';
import type { Finding } from '../audits/findings.service.ts';
import { addDays } from '../dates.ts';
import type { IssueFacts } from './document.ts';
import { controlLine, coverageStatusClass, coverageStatusLabels, frameworkView, issueView, ORGANISATION, STATUS_RULE } from './documents.presenter.ts';
import type { ControlFact, FrameworkFacts, RequirementFact } from './framework-facts.ts';
import type { Column, Row } from './sheet.ts';
import { formatPercent } from '../percent.ts';

// What the readiness report shows, in its PDF and its spreadsheet.

export interface OpenFinding {
  audit: { id: number; title: string };
  finding: Finding;
}

/** When the control's next evidence is due, seen from the as-of day. */
function evidenceDue(c: ControlFact, asOf: string): { text: string; overdue: boolean } {
  if (c.coveredUntil === null) return { text: 'Evidence due now (none accepted yet)', overdue: true };
  if (c.coveredUntil < asOf) return { text: `Evidence overdue since ${addDays(c.coveredUntil, 1)}`, overdue: true };
  // Evidence is current, so the control fails for another reason (its status, say); the reason says which.
  return { text: `Evidence due by ${addDays(c.coveredUntil, 1)}`, overdue: false };
}

// Bar chart geometry, in the SVG's own units (the template scales it to the page width).
const LABEL_WIDTH = 120;
const BAR_MAX = 360;
const ROW = 26;

function chart(facts: FrameworkFacts) {
  const { counts } = facts;
  const bars = [
    { label: 'Met', count: counts.met, share: formatPercent(facts.metPercent), fill: '#1d6b3a' },
    { label: 'Partly met', count: counts.partial, share: formatPercent(facts.partialPercent), fill: '#b7791f' },
    { label: 'Gap', count: counts.gap, share: formatPercent(facts.gapPercent), fill: '#a4262c' },
    { label: 'Not applicable', count: counts.notApplicable, share: 'excluded', fill: '#9aa3b2' },
  ];
  const total = bars.reduce((n, b) => n + b.count, 0);
  return {
    width: LABEL_WIDTH + BAR_MAX + 110,
    height: bars.length * ROW + 4,
    description: bars.map((b) => `${b.label}: ${b.count}`).join(', '),
    bars: bars.map((b, i) => {
      // A non-zero count always shows a sliver, so "1 of 300" is not drawn as nothing.
      const width = total === 0 || b.count === 0 ? 0 : Math.max(2, Math.round((b.count / total) * BAR_MAX));
      return { ...b, y: 4 + i * ROW, textY: 4 + i * ROW + 14, barX: LABEL_WIDTH, width, valueX: LABEL_WIDTH + width + 6, value: `${b.count} (${b.share})` };
    }),
  };
}

const needsWork = (r: RequirementFact) => r.status === 'gap' || r.status === 'partial';

function gapView(r: RequirementFact, asOf: string) {
  return {
    ref: r.ref,
    name: r.name,
    statusLabel: coverageStatusLabels[r.status],
    statusClass: coverageStatusClass[r.status],
    reason: r.reason,
    noControls: r.controls.length === 0,
    actions: r.controls.filter((c) => !c.effective).map((c) => ({ ref: c.ref, title: c.title, owner: c.owner || '—', reason: c.reason, ...evidenceDue(c, asOf) })),
  };
}

function findingView({ audit, finding: f }: OpenFinding, slug: string, asOf: string) {
  return {
    audit: audit.title,
    ref: f.ref,
    kindLabel: findingKindLabels[f.kind],
    title: f.title,
    owner: f.owner.name || f.owner.email,
    dueOn: f.dueOn,
    overdue: f.dueOn < asOf,
    statusLabel: findingStatusLabels[f.status],
    requirements: f.requirements
      .filter((r) => r.framework === slug)
      .map((r) => r.ref)
      .join(', '),
  };
}

/** Said wherever the identifiers of a catalog with provisional numbering are shown. */
export const PROVISIONAL_NUMBERING =
  'Provisional numbering: the requirement identifiers of this catalog were assigned by Attest, not by the publisher; check them against the official catalogue before citing them.';

export function readinessView(issue: IssueFacts, facts: FrameworkFacts, findings: OpenFinding[]) {
  const gaps = facts.requirements.filter(needsWork);
  return {
    numberingNote: facts.numbering === 'provisional' ? PROVISIONAL_NUMBERING : null,
    title: issue.title,
    issue: issueView(issue),
    framework: frameworkView(facts),
    counts: facts.counts,
    metPercent: formatPercent(facts.metPercent),
    statusRule: STATUS_RULE,
    chart: chart(facts),
    gaps: gaps.map((r) => gapView(r, facts.asOf)),
    findings: findings.map((f) => findingView(f, facts.slug, facts.asOf)),
    requirements: facts.requirements.map((r) => ({
      ref: r.ref,
      name: r.name,
      statusLabel: coverageStatusLabels[r.status],
      statusClass: coverageStatusClass[r.status],
      reason: r.reason,
    })),
  };
}

export const requirementColumns: Column[] = [
  { header: 'Ref', key: 'ref', width: 11 },
  { header: 'Requirement', key: 'name', width: 40 },
  { header: 'Group', key: 'group', width: 26 },
  { header: 'Status', key: 'status', width: 13 },
  { header: 'Reason', key: 'reason', width: 60 },
  { header: 'Mapped controls', key: 'controls', width: 60 },
];

export const requirementRows = (facts: FrameworkFacts): Row[] =>
  facts.requirements.map((r) => ({
    ref: r.ref,
    name: r.name,
    group: r.group ? `${r.group.ref} ${r.group.name}` : '',
    status: coverageStatusLabels[r.status],
    reason: r.reason,
    controls: r.controls.map(controlLine).join('\n'),
  }));

export const gapColumns: Column[] = [
  { header: 'Ref', key: 'ref', width: 11 },
  { header: 'Requirement', key: 'name', width: 36 },
  { header: 'Status', key: 'status', width: 12 },
  { header: 'Control', key: 'control', width: 11 },
  { header: 'Control title', key: 'controlTitle', width: 32 },
  { header: 'Owner', key: 'owner', width: 22 },
  { header: 'Why not effective', key: 'reason', width: 44 },
  { header: 'Evidence due', key: 'due', width: 30 },
];

/** One row per requirement needing work and control to act on (or one row when no control is mapped). */
export const gapRows = (facts: FrameworkFacts): Row[] =>
  facts.requirements.filter(needsWork).flatMap((r) => {
    const g = gapView(r, facts.asOf);
    const base = { ref: r.ref, name: r.name, status: g.statusLabel };
    if (g.actions.length === 0) return [{ ...base, control: '', controlTitle: '', owner: '', reason: r.reason, due: '' }];
    return g.actions.map((a) => ({ ...base, control: a.ref, controlTitle: a.title, owner: a.owner, reason: a.reason, due: a.text }));
  });

export const findingColumns: Column[] = [
  { header: 'Audit', key: 'audit', width: 36 },
  { header: 'Finding', key: 'ref', width: 9 },
  { header: 'Kind', key: 'kindLabel', width: 24 },
  { header: 'Title', key: 'title', width: 44 },
  { header: 'Owner', key: 'owner', width: 24 },
  { header: 'Due', key: 'dueOn', width: 12 },
  { header: 'Status', key: 'statusLabel', width: 13 },
  { header: 'Requirements', key: 'requirements', width: 24 },
];

export const findingRows = (findings: OpenFinding[], facts: FrameworkFacts): Row[] =>
  findings.map((f) => {
    const v = findingView(f, facts.slug, facts.asOf);
    return { audit: v.audit, ref: v.ref, kindLabel: v.kindLabel, title: v.title, owner: v.owner, dueOn: v.dueOn, statusLabel: v.statusLabel, requirements: v.requirements };
  });

export function readinessAbout(issue: IssueFacts, facts: FrameworkFacts, findings: OpenFinding[]): [string, string][] {
  const v = issueView(issue);
  const c = facts.counts;
  return [
    ['Report', issue.title],
    ['Organisation', ORGANISATION],
    ['Framework', `${facts.name} — ${facts.edition}`],
    ...(facts.numbering === 'provisional' ? [['Numbering', PROVISIONAL_NUMBERING] as [string, string]] : []),
    ['As of', issue.asOf],
    ['Report id', String(issue.reportId)],
    ['Generated', `${v.generatedAt} by ${v.generatedBy}`],
    ['Activity chain head', v.chainHead],
    [
      'Coverage',
      `${c.met} met (${formatPercent(facts.metPercent)}), ${c.partial} partly met, ${c.gap} gaps of ${c.applicable} applicable requirements; ${c.notApplicable} not applicable`,
    ],
    ['Open findings', String(findings.length)],
    ['Catalog source', facts.source],
    ['Status rule', STATUS_RULE],
  ];
}
