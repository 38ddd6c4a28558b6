import { describe, expect, it } from 'vitest';
import { certificationStatus, overlappingPeriod, periodGaps, type Period } from '../../src/certifications/certifications.rules.ts';
import { cycleYears, kindsForFramework, planCycle, sameOccurrence, seriesEnd, type CycleInput } from '../../src/certifications/lifecycle.ts';

const base: CycleInput = {
  kind: 'iso_certificate',
  frameworkName: 'ISO/IEC 27001:2022',
  validFrom: '2026-01-15',
  validUntil: '2029-01-14',
  first: false,
  nextPeriodStart: null,
  today: '2026-11-21',
};
const byKind = (events: ReturnType<typeof planCycle>, kind: string) => events.filter((e) => e.kind === kind);

describe('ISO certificate cycle', () => {
  it('surveillance audits in years 1 and 2 before each anniversary, recertification 3 months before expiry, the expiry', () => {
    const events = planCycle(base);
    expect(byKind(events, 'surveillance_audit').map((e) => [e.title, e.startsOn])).toEqual([
      ['ISO/IEC 27001:2022: Surveillance audit 1', '2026-12-15'],
      ['ISO/IEC 27001:2022: Surveillance audit 2', '2027-12-15'],
    ]);
    expect(byKind(events, 'recertification_audit').map((e) => e.startsOn)).toEqual(['2028-10-15']);
    expect(byKind(events, 'certificate_expiry').map((e) => e.startsOn)).toEqual(['2029-01-14']);
    expect(byKind(events, 'stage1_audit')).toEqual([]);
    expect(events.every((e) => e.rrule === null)).toBe(true);
  });

  it('an internal audit 8 weeks and a management review 4 weeks before each external audit', () => {
    const events = planCycle(base);
    expect(byKind(events, 'internal_audit').map((e) => e.startsOn)).toEqual(['2026-10-20', '2027-10-20', '2028-08-20']);
    expect(byKind(events, 'management_review').map((e) => e.startsOn)).toEqual(['2026-11-17', '2027-11-17', '2028-09-17']);
  });

  it('a first certificate is preceded by its stage 1 and stage 2 audits, with their own internal audit and review', () => {
    const events = planCycle({ ...base, first: true });
    const stage1 = byKind(events, 'stage1_audit')[0]!.startsOn;
    const stage2 = byKind(events, 'stage2_audit')[0]!.startsOn;
    expect(stage1 < stage2 && stage2 < base.validFrom).toBe(true);
    expect(byKind(events, 'internal_audit')[0]!.startsOn < stage1).toBe(true);
    expect(byKind(events, 'management_review')).toHaveLength(4);
    // Sorted by day.
    expect(events.map((e) => e.startsOn)).toEqual([...events.map((e) => e.startsOn)].sort());
  });
});

describe('SOC 2 Type II periods', () => {
  const soc2: CycleInput = { ...base, kind: 'soc2_type2', frameworkName: 'AICPA Trust Services Criteria (SOC 2)', validFrom: '2025-07-01', validUntil: '2026-06-30' };

  it('the period, fieldwork 2–6 weeks after, the report about 8 weeks after, a bridge letter up to today', () => {
    const events = planCycle(soc2);
    expect(byKind(events, 'soc2_period')[0]).toMatchObject({
      startsOn: '2025-07-01',
      endsOn: '2026-06-30',
      title: 'AICPA Trust Services Criteria: SOC 2 Type II observation period',
    });
    expect(byKind(events, 'soc2_fieldwork')[0]).toMatchObject({ startsOn: '2026-07-14', endsOn: '2026-08-11' });
    expect(byKind(events, 'soc2_report')[0]!.startsOn).toBe('2026-08-25');
    expect(byKind(events, 'bridge_letter')[0]).toMatchObject({ startsOn: '2026-07-01', endsOn: '2026-11-21' });
  });

  it('the bridge letter ends the day before the next period, and is left out when the next period follows at once', () => {
    expect(byKind(planCycle({ ...soc2, nextPeriodStart: '2026-09-01' }), 'bridge_letter')[0]).toMatchObject({ startsOn: '2026-07-01', endsOn: '2026-08-31' });
    expect(byKind(planCycle({ ...soc2, nextPeriodStart: '2026-07-01' }), 'bridge_letter')).toEqual([]);
  });

  it('a bridge letter of a period still running is open-ended', () => {
    expect(byKind(planCycle({ ...soc2, today: '2026-03-01' }), 'bridge_letter')[0]).toMatchObject({ startsOn: '2026-07-01', endsOn: null });
  });
});

describe('PCI DSS and the EU Cloud CoC', () => {
  it('PCI: quarterly ASV and internal scans as recurring events, the assessment before valid_until, a pentest and targeted risk analyses', () => {
    const events = planCycle({ ...base, kind: 'pci_aoc', frameworkName: 'PCI DSS v4.0.1', validFrom: '2026-03-01', validUntil: '2027-02-28' });
    expect(byKind(events, 'asv_scan')).toEqual([
      { kind: 'asv_scan', title: 'PCI DSS v4.0.1: Quarterly external ASV scan', startsOn: '2026-03-01', endsOn: null, rrule: 'FREQ=MONTHLY;INTERVAL=3;COUNT=4' },
    ]);
    expect(byKind(events, 'internal_scan')[0]!.rrule).toBe('FREQ=MONTHLY;INTERVAL=3;COUNT=4');
    expect(byKind(events, 'pci_assessment')[0]!.startsOn).toBe('2027-01-01');
    expect(byKind(events, 'penetration_test').map((e) => e.startsOn)).toEqual(['2026-09-01']);
    expect(byKind(events, 'targeted_risk_analysis')).toHaveLength(1);
    expect(seriesEnd(byKind(events, 'asv_scan')[0]!)).toBe('2026-12-01');
  });

  it('EU Cloud CoC: the declaration is renewed before each anniversary', () => {
    const events = planCycle({
      ...base,
      kind: 'eu_coc_declaration',
      frameworkName: 'EU Cloud Code of Conduct (EU Data Protection Code of Conduct)',
      validFrom: '2026-05-01',
      validUntil: '2028-04-30',
    });
    expect(events.map((e) => [e.kind, e.startsOn, e.title])).toEqual([
      ['coc_renewal', '2027-04-01', 'EU Cloud Code of Conduct: Renew the declaration of adherence (2027)'],
      ['coc_renewal', '2028-04-01', 'EU Cloud Code of Conduct: Renew the declaration of adherence (2028)'],
    ]);
  });

  it('counts whole years and knows the kinds of the shipped frameworks', () => {
    expect(cycleYears('2026-03-01', '2027-02-28')).toBe(1);
    expect(cycleYears('2026-01-15', '2029-01-14')).toBe(3);
    expect(kindsForFramework('iso27701-2019')).toEqual(['iso_certificate']);
    expect(kindsForFramework('soc2-2017')).toEqual(['soc2_type1', 'soc2_type2']);
    expect(kindsForFramework('alpha')).toBeNull();
    expect(sameOccurrence({ kind: 'internal_audit', startsOn: '2026-10-20' }, { kind: 'internal_audit', startsOn: '2026-11-30' })).toBe(true);
    expect(sameOccurrence({ kind: 'internal_audit', startsOn: '2026-10-20' }, { kind: 'management_review', startsOn: '2026-10-20' })).toBe(false);
  });
});

describe('status and SOC 2 periods', () => {
  const c = { validFrom: '2026-01-01', validUntil: '2026-12-31', withdrawnOn: null };
  it('derives the status from the dates', () => {
    expect(certificationStatus(c, '2025-12-31', 90)).toBe('not_yet_valid');
    expect(certificationStatus(c, '2026-06-01', 90)).toBe('current');
    expect(certificationStatus(c, '2026-10-02', 90)).toBe('expiring');
    expect(certificationStatus(c, '2026-12-31', 90)).toBe('expiring');
    expect(certificationStatus(c, '2027-01-01', 90)).toBe('expired');
    expect(certificationStatus({ ...c, withdrawnOn: '2026-03-01' }, '2026-06-01', 90)).toBe('withdrawn');
  });

  const p = (id: number, validFrom: string, validUntil: string, extra: Partial<Period> = {}): Period => ({
    id,
    frameworkId: 1,
    kind: 'soc2_type2',
    validFrom,
    validUntil,
    withdrawnOn: null,
    ...extra,
  });
  it('finds gaps between consecutive periods of a framework, with their days', () => {
    const gaps = periodGaps([
      p(1, '2024-01-01', '2024-12-31'),
      p(2, '2025-02-01', '2025-12-31'),
      p(3, '2026-01-01', '2026-12-31'),
      p(4, '2023-01-01', '2023-06-30', { frameworkId: 2 }),
    ]);
    expect(gaps).toEqual([{ frameworkId: 1, beforeId: 1, afterId: 2, from: '2025-01-01', to: '2025-01-31', days: 31 }]);
    expect(periodGaps([p(1, '2024-01-01', '2024-12-31'), p(2, '2025-06-01', '2025-12-31', { withdrawnOn: '2025-07-01' })])).toEqual([]);
    expect(periodGaps([p(1, '2024-01-01', '2024-12-31'), p(2, '2025-06-01', '2025-12-31', { kind: 'soc2_type1' })])).toEqual([]);
  });

  it('finds an overlapping period of the same framework, but not the period itself', () => {
    const periods = [p(1, '2025-01-01', '2025-12-31')];
    expect(overlappingPeriod({ ...p(0, '2025-12-31', '2026-06-30'), id: null }, periods)?.id).toBe(1);
    expect(overlappingPeriod({ ...p(0, '2026-01-01', '2026-06-30'), id: null }, periods)).toBeUndefined();
    expect(overlappingPeriod({ ...p(1, '2025-02-01', '2025-12-31') }, periods)).toBeUndefined();
    expect(overlappingPeriod({ ...p(0, '2025-02-01', '2025-12-31', { frameworkId: 2 }), id: null }, periods)).toBeUndefined();
  });
});
