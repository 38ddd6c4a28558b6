import { daysBetween } from '../dates.ts';
import { certificationKindLabels, eventKindLabels, eventStatuses, type CertificationKind, type CertificationStatus, type EventStatus } from './certifications.model.ts';
import type { Certification } from './certifications.service.ts';
import type { ProgrammeEvent } from './programme.service.ts';

// What each face shows of certifications and their events. Labels live here, not in the domain.

export const certificationStatusLabels: Record<CertificationStatus, string> = {
  current: 'Current',
  expiring: 'Expiring',
  expired: 'Expired',
  withdrawn: 'Withdrawn',
  not_yet_valid: 'Not yet valid',
};

const eventStatusLabels: Record<EventStatus, string> = { planned: 'Planned', done: 'Done', cancelled: 'Cancelled' };

/** What the issuer is called for each kind of attestation. */
const issuerLabels: Record<CertificationKind, string> = {
  iso_certificate: 'Certification body',
  soc2_type1: 'CPA firm',
  soc2_type2: 'CPA firm',
  pci_aoc: 'QSA',
  pci_roc: 'QSA',
  eu_coc_declaration: 'Monitoring body',
};

const isReport = (kind: CertificationKind) => kind === 'soc2_type1' || kind === 'soc2_type2';

const personText = (p: { name: string; email: string } | null) => (p ? p.name || p.email : '');

export function certificationView(c: Certification, today: string) {
  const left = daysBetween(today, c.validUntil);
  return {
    ...c,
    kindLabel: certificationKindLabels[c.kind],
    statusLabel: certificationStatusLabels[c.status],
    issuerLabel: issuerLabels[c.kind],
    /** A SOC 2 report covers a period; the others are valid from … until. */
    periodLabel: isReport(c.kind) ? 'Period covered' : 'Valid',
    ownerText: personText(c.owner),
    daysLeftText: c.status === 'expiring' ? `${left} day${left === 1 ? '' : 's'} left` : '',
    isWithdrawn: c.withdrawnOn !== null,
  };
}

/** "every 3 months, 4 times" for the RRULEs the templates write; the rule itself otherwise. */
export function recurrenceText(rrule: string | null): string {
  if (!rrule) return '';
  const m = /^FREQ=MONTHLY;INTERVAL=(\d+);COUNT=(\d+)$/.exec(rrule);
  return m ? `every ${m[1]} months, ${m[2]} times` : rrule;
}

export function eventView(e: ProgrammeEvent, today: string) {
  return {
    ...e,
    kindLabel: eventKindLabels[e.kind],
    statusLabel: eventStatusLabels[e.status],
    ownerText: personText(e.owner),
    recurrence: recurrenceText(e.rrule),
    // A certificate's expiry and an observation period are dates, not work that can be late; a
    // recurring event is late per occurrence, which the calendar shows.
    overdue: e.status === 'planned' && e.rrule === null && (e.endsOn ?? e.startsOn) < today && e.kind !== 'certificate_expiry' && e.kind !== 'soc2_period',
    isPlanned: e.status === 'planned',
    isDone: e.status === 'done',
  };
}

export const eventStatusOptions = (selected?: string) => eventStatuses.map((s) => ({ value: s, label: eventStatusLabels[s], selected: s === selected }));

const personJson = (p: { id: number; email: string; name: string } | null) => (p ? { id: p.id, email: p.email, name: p.name } : null);

export function certificationJson(c: Certification) {
  return {
    id: c.id,
    framework: { slug: c.framework.slug, name: c.framework.name },
    kind: c.kind,
    number: c.number,
    issuer: c.issuer,
    scope: c.scope,
    issuedOn: c.issuedOn,
    validFrom: c.validFrom,
    validUntil: c.validUntil,
    withdrawnOn: c.withdrawnOn,
    status: c.status,
    documentEvidenceId: c.documentEvidenceId,
    owner: personJson(c.owner),
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

export function eventJson(e: ProgrammeEvent) {
  return {
    id: e.id,
    certificationId: e.certificationId,
    kind: e.kind,
    title: e.title,
    startsOn: e.startsOn,
    endsOn: e.endsOn,
    rrule: e.rrule,
    owner: personJson(e.owner),
    status: e.status,
    doneOn: e.doneOn,
  };
}
