import { addDays, addMonths, daysBetween } from '../dates.ts';
import type { CertificationKind, EventKind } from './certifications.model.ts';

// Lifecycle templates: pure functions from a certification to its cycle's dated events. The
// offsets are the usual practice, not rules of the standards; every event is editable afterwards.

export interface CycleInput {
  kind: CertificationKind;
  /** Shown in event titles ("ISO/IEC 27001:2022: Surveillance audit 1"). */
  frameworkName: string;
  validFrom: string;
  validUntil: string;
  /** No earlier certification of this framework: the initial (stage 1 and 2) audits come first. */
  first: boolean;
  /** SOC 2 Type II: the first day of the next observation period of the same framework, if recorded. */
  nextPeriodStart: string | null;
  today: string;
}

export interface PlannedEvent {
  kind: EventKind;
  title: string;
  startsOn: string;
  /** Last day, inclusive, for multi-day events; null for one day (or an open bridge letter). */
  endsOn: string | null;
  /** RFC 5545 RRULE for events that truly recur (quarterly scans). */
  rrule: string | null;
}

const WEEK = 7;
/** Internal audit and management review come this long before each external audit. */
const INTERNAL_AUDIT_BEFORE = 8 * WEEK;
const MANAGEMENT_REVIEW_BEFORE = 4 * WEEK;
/** No more than this many yearly items per cycle, whatever the dates say. */
const MAX_YEARS = 10;

/** The later of two YYYY-MM-DD days. */
export const laterDay = (a: string, b: string) => (a.localeCompare(b) >= 0 ? a : b);

/** "EU Cloud Code of Conduct (EU Data Protection …)" → "EU Cloud Code of Conduct". */
const shortName = (name: string) => name.replace(/\s*\(.*$/, '').trim() || name;

function maker(frameworkName: string) {
  const prefix = shortName(frameworkName);
  return (kind: EventKind, label: string, startsOn: string, endsOn: string | null = null, rrule: string | null = null): PlannedEvent => ({
    kind,
    title: `${prefix}: ${label}`,
    startsOn,
    endsOn,
    rrule,
  });
}

/** Whole years the validity spans (at least one): a 1-year AOC is 1, a 3-year certificate 3. */
export function cycleYears(validFrom: string, validUntil: string): number {
  return Math.min(MAX_YEARS, Math.max(1, Math.round((daysBetween(validFrom, validUntil) + 1) / 365.25)));
}

/**
 * ISO certificates (27001, 27701, 27018, 27017): a three-year cycle from valid_from. Surveillance
 * audits about 11 and 23 months in (before each anniversary), the recertification audit three
 * months before expiry, the expiry itself; an internal audit and a management review before each
 * year's external audit. A first certificate is preceded by its stage 1 and stage 2 audits.
 */
function isoCycle(c: CycleInput): PlannedEvent[] {
  const ev = maker(c.frameworkName);
  const out: PlannedEvent[] = [];
  const yearlyAudits: string[] = [];
  if (c.first) {
    const stage1 = addDays(c.validFrom, -12 * WEEK);
    out.push(ev('stage1_audit', 'Stage 1 audit', stage1), ev('stage2_audit', 'Stage 2 audit', addDays(c.validFrom, -6 * WEEK)));
    yearlyAudits.push(stage1);
  }
  const recertification = addMonths(addDays(c.validUntil, 1), -3);
  for (let year = 1; year <= MAX_YEARS; year++) {
    const day = addMonths(c.validFrom, 12 * year - 1);
    // A surveillance audit this close to the recertification audit is replaced by it.
    if (day >= addDays(recertification, -60)) break;
    out.push(ev('surveillance_audit', `Surveillance audit ${year}`, day));
    yearlyAudits.push(day);
  }
  if (recertification > c.validFrom) {
    out.push(ev('recertification_audit', 'Recertification audit', recertification));
    yearlyAudits.push(recertification);
  }
  out.push(ev('certificate_expiry', 'Certificate expires', c.validUntil));
  for (const audit of yearlyAudits) {
    out.push(
      ev('internal_audit', 'Internal audit', addDays(audit, -INTERNAL_AUDIT_BEFORE)),
      ev('management_review', 'Management review', addDays(audit, -MANAGEMENT_REVIEW_BEFORE)),
    );
  }
  return out;
}

/**
 * SOC 2 Type II: the observation period, fieldwork two to six weeks after it ends, the report about
 * eight weeks after, and a bridge letter from the day after the period to the day before the next
 * period (or to today when none is recorded yet; open-ended while the period still runs).
 */
function soc2Type2(c: CycleInput): PlannedEvent[] {
  const ev = maker(c.frameworkName);
  const out = [
    ev('soc2_period', 'SOC 2 Type II observation period', c.validFrom, c.validUntil),
    ev('soc2_fieldwork', 'SOC 2 fieldwork', addDays(c.validUntil, 2 * WEEK), addDays(c.validUntil, 6 * WEEK)),
    ev('soc2_report', 'SOC 2 Type II report due', addDays(c.validUntil, 8 * WEEK)),
  ];
  const start = addDays(c.validUntil, 1);
  if (c.nextPeriodStart) {
    const end = addDays(c.nextPeriodStart, -1);
    // Consecutive periods leave nothing to bridge.
    if (end >= start) out.push(ev('bridge_letter', 'Bridge letter', start, end));
  } else {
    out.push(ev('bridge_letter', 'Bridge letter', start, c.today >= start ? c.today : null));
  }
  return out;
}

/** SOC 2 Type I: a report as of one day; fieldwork after it and the report date. */
function soc2Type1(c: CycleInput): PlannedEvent[] {
  const ev = maker(c.frameworkName);
  return [
    ev('soc2_fieldwork', 'SOC 2 Type I fieldwork', addDays(c.validUntil, 1 * WEEK), addDays(c.validUntil, 4 * WEEK)),
    ev('soc2_report', 'SOC 2 Type I report due', addDays(c.validUntil, 6 * WEEK)),
  ];
}

/**
 * PCI DSS (AOC or ROC): the annual assessment two months before valid_until, quarterly external ASV
 * scans and internal vulnerability scans (one recurring event each), and each year a penetration
 * test and the targeted risk analyses.
 */
function pciCycle(c: CycleInput): PlannedEvent[] {
  const ev = maker(c.frameworkName);
  const years = cycleYears(c.validFrom, c.validUntil);
  const quarterly = `FREQ=MONTHLY;INTERVAL=3;COUNT=${4 * years}`;
  const out = [
    ev('asv_scan', 'Quarterly external ASV scan', c.validFrom, null, quarterly),
    ev('internal_scan', 'Quarterly internal vulnerability scan', c.validFrom, null, quarterly),
  ];
  for (let y = 0; y < years; y++) {
    const suffix = years > 1 ? ` (year ${y + 1})` : '';
    out.push(ev('targeted_risk_analysis', `Targeted risk analyses${suffix}`, addMonths(c.validFrom, 12 * y + 3)));
    out.push(ev('penetration_test', `Penetration test${suffix}`, addMonths(c.validFrom, 12 * y + 6)));
  }
  out.push(ev('pci_assessment', 'Annual PCI DSS assessment', addMonths(addDays(c.validUntil, 1), -2)));
  return out;
}

/** EU Cloud CoC: renew the declaration of adherence a month before each anniversary within the validity. */
function cocCycle(c: CycleInput): PlannedEvent[] {
  const ev = maker(c.frameworkName);
  const out: PlannedEvent[] = [];
  const after = addDays(c.validUntil, 1);
  for (let k = 1; k <= MAX_YEARS; k++) {
    const anniversary = addMonths(c.validFrom, 12 * k);
    if (anniversary > after) break;
    out.push(ev('coc_renewal', `Renew the declaration of adherence (${anniversary.slice(0, 4)})`, addDays(anniversary, -30)));
  }
  if (out.length === 0) out.push(ev('coc_renewal', 'Renew the declaration of adherence', laterDay(addDays(c.validUntil, -30), c.validFrom)));
  return out;
}

/** The cycle's events for a certification, sorted by day. */
export function planCycle(c: CycleInput): PlannedEvent[] {
  const events = (() => {
    switch (c.kind) {
      case 'iso_certificate':
        return isoCycle(c);
      case 'soc2_type2':
        return soc2Type2(c);
      case 'soc2_type1':
        return soc2Type1(c);
      case 'pci_aoc':
      case 'pci_roc':
        return pciCycle(c);
      case 'eu_coc_declaration':
        return cocCycle(c);
    }
  })();
  return events.sort((a, b) => a.startsOn.localeCompare(b.startsOn) || a.kind.localeCompare(b.kind));
}

/** The last day of a recurring event's series (FREQ=MONTHLY;INTERVAL=n;COUNT=c), or its own last day. */
export function seriesEnd(e: { startsOn: string; endsOn: string | null; rrule: string | null }): string {
  const m = e.rrule ? /FREQ=MONTHLY;INTERVAL=(\d+);COUNT=(\d+)/.exec(e.rrule) : null;
  if (m) return addMonths(e.startsOn, Number(m[1]) * (Number(m[2]) - 1));
  return e.endsOn ?? e.startsOn;
}

/**
 * The kinds of certification each shipped framework is certified with; a catalog Attest does not
 * know (an imported one) takes any kind.
 */
export function kindsForFramework(slug: string): readonly CertificationKind[] | null {
  if (/^iso27\d{3}/.test(slug)) return ['iso_certificate'];
  if (slug.startsWith('soc2')) return ['soc2_type1', 'soc2_type2'];
  if (slug.startsWith('pcidss')) return ['pci_aoc', 'pci_roc'];
  if (slug === 'eu-cloud-coc') return ['eu_coc_declaration'];
  return null;
}

/** Two planned occurrences are the same when of one kind and this close: a kept event stands in for a new one. */
export const SAME_OCCURRENCE_DAYS = 45;

export function sameOccurrence(a: { kind: string; startsOn: string }, b: { kind: string; startsOn: string }): boolean {
  return a.kind === b.kind && Math.abs(daysBetween(a.startsOn, b.startsOn)) <= SAME_OCCURRENCE_DAYS;
}
