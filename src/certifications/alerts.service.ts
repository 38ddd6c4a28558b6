import { authorize } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import { daysBetween, today } from '../dates.ts';
import { certificationKindLabels } from './certifications.model.ts';
import * as repo from './certifications.repository.ts';
import { periodGaps } from './certifications.rules.ts';
import { asPeriod, type Certification, toCertification } from './certifications.service.ts';

// What the certifications register tells the rest of Attest: SOC 2 coverage gaps, the dashboard's
// alerts, and which frameworks are held (for the planning page).

export interface Soc2Gap {
  framework: { slug: string; name: string };
  /** First and last uncovered day, and how many days. */
  from: string;
  to: string;
  days: number;
  /** The periods on either side. */
  beforeId: number;
  afterId: number;
  /**
   * The issued bridge letter that covers every day of the gap, if any. A bridge letter is the
   * company's own assertion, not an auditor's opinion, so the gap is still shown; it is no longer
   * an alert because customers have a document for those days.
   */
  bridgedBy: { certificationId: number; eventId: number; from: string; to: string } | null;
}

export interface Alert {
  label: string;
  href: string;
  certificationId: number;
  framework: string;
  /** The day the alert is about: the expiry, or the first uncovered day. */
  day: string;
}

export interface CertificationAlerts {
  expiring: Alert[];
  expired: Alert[];
  soc2Gaps: (Alert & { days: number })[];
}

async function everyCertification(ctx: AppContext): Promise<Certification[]> {
  const day = today(ctx.clock);
  return (await repo.allCertifications(ctx.db)).map((r) => toCertification(r, day, ctx.config.certExpiryWindowDays));
}

type BridgeLetter = Awaited<ReturnType<typeof repo.issuedBridgeLetters>>[number];

function gapsOf(certs: Certification[], letters: BridgeLetter[]): Soc2Gap[] {
  const frameworks = new Map(certs.map((c) => [c.framework.id, c.framework]));
  const periods = certs.map((c) =>
    asPeriod({ id: c.id, framework_id: c.framework.id, kind: c.kind, valid_from: c.validFrom, valid_until: c.validUntil, withdrawn_on: c.withdrawnOn }),
  );
  return periodGaps(periods).map((g) => {
    const fw = frameworks.get(g.frameworkId)!;
    const letter = letters.find((l) => l.framework_id === g.frameworkId && l.starts_on <= g.from && (l.ends_on ?? l.starts_on) >= g.to);
    const bridgedBy = letter ? { certificationId: letter.certification_id!, eventId: letter.id, from: letter.starts_on, to: letter.ends_on ?? letter.starts_on } : null;
    return { framework: { slug: fw.slug, name: fw.name }, from: g.from, to: g.to, days: g.days, beforeId: g.beforeId, afterId: g.afterId, bridgedBy };
  });
}

/** Uncovered days between consecutive SOC 2 Type II observation periods of the same framework. */
export async function soc2Gaps(ctx: AppContext, principal: Principal): Promise<Soc2Gap[]> {
  authorize(principal, 'certifications.read');
  return gapsOf(await everyCertification(ctx), await repo.issuedBridgeLetters(ctx.db));
}

/** A later certification of the same framework, not withdrawn, has taken this one's place. */
const renewed = (c: Certification, all: Certification[]) =>
  all.some((o) => o.id !== c.id && o.framework.id === c.framework.id && o.withdrawnOn === null && o.validFrom > c.validFrom);

const what = (c: Certification) => `${c.framework.name} ${certificationKindLabels[c.kind]}${c.number ? ` ${c.number}` : ''}`;

/**
 * The dashboard's certification alerts: certifications expiring within CERT_EXPIRY_WINDOW_DAYS,
 * expired ones, and SOC 2 period gaps no issued bridge letter covers. One that a later certification of its framework already
 * replaces is no alert.
 */
export async function certificationAlerts(ctx: AppContext, principal: Principal): Promise<CertificationAlerts> {
  authorize(principal, 'certifications.read');
  const day = today(ctx.clock);
  const all = await everyCertification(ctx);
  const alert = (c: Certification, label: string, on: string): Alert => ({ label, href: `/certifications/${c.id}`, certificationId: c.id, framework: c.framework.slug, day: on });
  const open = all.filter((c) => !renewed(c, all));
  const days = (n: number) => `${n} day${n === 1 ? '' : 's'}`;
  return {
    expiring: open
      .filter((c) => c.status === 'expiring')
      .sort((a, b) => a.validUntil.localeCompare(b.validUntil))
      .map((c) => alert(c, `${what(c)} expires on ${c.validUntil} (in ${days(daysBetween(day, c.validUntil))})`, c.validUntil)),
    expired: open
      .filter((c) => c.status === 'expired')
      .sort((a, b) => b.validUntil.localeCompare(a.validUntil))
      .map((c) => alert(c, `${what(c)} expired on ${c.validUntil}; no later one is recorded`, c.validUntil)),
    soc2Gaps: gapsOf(all, await repo.issuedBridgeLetters(ctx.db))
      .filter((g) => g.bridgedBy === null)
      .map((g) => ({
        label: `${g.framework.name}: ${days(g.days)} not covered by a SOC 2 Type II period (${g.from} – ${g.to})`,
        href: `/certifications/${g.afterId}`,
        certificationId: g.afterId,
        framework: g.framework.slug,
        day: g.from,
        days: g.days,
      })),
  };
}

export interface HeldCertification {
  status: Certification['status'];
  validFrom: string;
  validUntil: string;
  id: number;
}

/** Per framework id: the best standing of its certifications today (current beats expiring beats not yet valid). */
export async function heldFrameworks(ctx: AppContext, principal: Principal): Promise<Map<number, HeldCertification>> {
  authorize(principal, 'certifications.read');
  const rank = { current: 4, expiring: 3, not_yet_valid: 2, expired: 1, withdrawn: 0 } as const;
  const held = new Map<number, HeldCertification>();
  for (const c of await everyCertification(ctx)) {
    const seen = held.get(c.framework.id);
    if (!seen || rank[c.status] > rank[seen.status] || (rank[c.status] === rank[seen.status] && c.validUntil > seen.validUntil)) {
      held.set(c.framework.id, { status: c.status, validFrom: c.validFrom, validUntil: c.validUntil, id: c.id });
    }
  }
  return held;
}
