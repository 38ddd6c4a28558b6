import { addDays, daysBetween } from '../dates.ts';
import type { CertificationKind, CertificationStatus } from './certifications.model.ts';

// Pure rules of the certifications domain: the status derived from dates, SOC 2 period gaps and
// overlaps. The service feeds them rows; the tests feed them dates.

export interface Dated {
  validFrom: string;
  validUntil: string;
  withdrawnOn: string | null;
}

/** Never stored: withdrawn, not yet valid, expired, expiring (within `windowDays`), or current. */
export function certificationStatus(c: Dated, today: string, windowDays: number): CertificationStatus {
  if (c.withdrawnOn !== null) return 'withdrawn';
  if (today < c.validFrom) return 'not_yet_valid';
  if (today > c.validUntil) return 'expired';
  if (daysBetween(today, c.validUntil) <= windowDays) return 'expiring';
  return 'current';
}

export interface Period {
  id: number;
  frameworkId: number;
  kind: CertificationKind;
  validFrom: string;
  validUntil: string;
  withdrawnOn: string | null;
}

export interface PeriodGap {
  frameworkId: number;
  /** The period before the gap and the one after it. */
  beforeId: number;
  afterId: number;
  /** First and last uncovered day. */
  from: string;
  to: string;
  days: number;
}

/** SOC 2 Type II periods that count: not withdrawn. */
const counted = (p: Period) => p.kind === 'soc2_type2' && p.withdrawnOn === null;

/** Uncovered days between consecutive SOC 2 Type II periods of the same framework. */
export function periodGaps(periods: Period[]): PeriodGap[] {
  const byFramework = new Map<number, Period[]>();
  for (const p of periods.filter(counted)) byFramework.set(p.frameworkId, [...(byFramework.get(p.frameworkId) ?? []), p]);
  const gaps: PeriodGap[] = [];
  for (const list of byFramework.values()) {
    list.sort((a, b) => a.validFrom.localeCompare(b.validFrom) || a.id - b.id);
    let covered = list[0];
    for (const next of list.slice(1)) {
      if (!covered) break;
      const from = addDays(covered.validUntil, 1);
      if (next.validFrom > from) {
        const to = addDays(next.validFrom, -1);
        gaps.push({ frameworkId: next.frameworkId, beforeId: covered.id, afterId: next.id, from, to, days: daysBetween(from, to) + 1 });
      }
      if (next.validUntil >= covered.validUntil) covered = next;
    }
  }
  return gaps.sort((a, b) => a.from.localeCompare(b.from));
}

/** The SOC 2 Type II period of the same framework that `candidate` would overlap, if any. */
export function overlappingPeriod(candidate: Omit<Period, 'id'> & { id: number | null }, periods: Period[]): Period | undefined {
  if (candidate.kind !== 'soc2_type2') return undefined;
  return periods.find(
    (p) => counted(p) && p.id !== candidate.id && p.frameworkId === candidate.frameworkId && p.validFrom <= candidate.validUntil && candidate.validFrom <= p.validUntil,
  );
}
