import type { OwnerFreshness } from './freshness.service.ts';

// What the freshness page shows. With many owners every list at once ran to dozens of screens, so
// the page opens on one row per owner with its counts (the owners with the most controls out of
// evidence first: that is what a GRC lead looks for), and lists one owner's controls when chosen.

export interface OwnerRow {
  owner: string;
  href: string;
  expired: number;
  missing: number;
  expiring: number;
  /** Out-of-evidence controls with a submitted item waiting: the next step is a review, not new evidence. */
  awaitingReview: number;
}

const hrefOf = (owner: string) => `/evidence/freshness?${new URLSearchParams({ owner }).toString()}`;

function rowOf(o: OwnerFreshness): OwnerRow {
  return {
    owner: o.owner,
    href: hrefOf(o.owner),
    expired: o.expired.length,
    missing: o.missing.length,
    expiring: o.expiring.length,
    awaitingReview: [...o.expired, ...o.missing].filter((c) => c.state === 'awaiting_review').length,
  };
}

const outOfEvidence = (r: OwnerRow) => r.expired + r.missing;

export function freshnessView(report: { today: string; windowDays: number; owners: OwnerFreshness[] }, chosenOwner: string | undefined) {
  const rows = report.owners.map(rowOf).sort((a, b) => outOfEvidence(b) - outOfEvidence(a) || b.expiring - a.expiring || a.owner.localeCompare(b.owner));
  const sum = (pick: (r: OwnerRow) => number) => rows.reduce((n, r) => n + pick(r), 0);
  const chosen = chosenOwner === undefined ? undefined : report.owners.find((o) => o.owner === chosenOwner);
  return {
    today: report.today,
    windowDays: report.windowDays,
    empty: report.owners.length === 0,
    totals: { expired: sum((r) => r.expired), missing: sum((r) => r.missing), expiring: sum((r) => r.expiring), awaitingReview: sum((r) => r.awaitingReview) },
    rows,
    ownerOptions: [...report.owners].map((o) => ({ value: o.owner, selected: o.owner === chosenOwner })),
    chosenOwner,
    chosen: chosen ?? null,
    unknownOwner: chosenOwner !== undefined && chosen === undefined,
  };
}
