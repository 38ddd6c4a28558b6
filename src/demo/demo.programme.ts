import fs from 'node:fs/promises';
import path from 'node:path';
import { addComment } from '../audits/comments.service.ts';
import { assignAuditor } from '../audits/assignments.service.ts';
import type { AuditKind, FindingKind } from '../audits/audits.model.ts';
import { changeAuditStatus, createAudit } from '../audits/audits.service.ts';
import { changeFindingStatus, recordFinding } from '../audits/findings.service.ts';
import { changeRequestStatus, createRequest, linkEvidence } from '../audits/requests.service.ts';
import { drawSample } from '../audits/samples.service.ts';
import type { Principal } from '../auth/principal.ts';
import type { CertificationKind } from '../certifications/certifications.model.ts';
import { createCertification, getCertification, updateCertification } from '../certifications/certifications.service.ts';
import { recordDemand } from '../certifications/demand.service.ts';
import { seriesEnd } from '../certifications/lifecycle.ts';
import { listEvents, planCertificationCycle, updateEvent } from '../certifications/programme.service.ts';
import type { AppContext } from '../context.ts';
import { addDays, addMonths } from '../dates.ts';
import { latestAcceptedOfControl } from '../evidence/evidence.repository.ts';
import { createEvidence, fileStore, reviewEvidence } from '../evidence/evidence.service.ts';
import { soc2Gap, certificationSpecs, demandSpecs, type AuditSpec, auditSpecs, type CertificationSpec } from './demo.programme.data.ts';
import type { Timeline } from './demo.timeline.ts';

export interface DemoPeople {
  grace: Principal;
  omar: Principal;
  admin: Principal;
  /** The external auditor as she is on the day: with the assignments she holds then. */
  aria: () => Promise<Principal>;
  ids: { grace: number; omar: number; admin: number; aria: number };
}

const WEEK = 7;
const latest = (a: string, b: string) => (a >= b ? a : b);
const earliest = (a: string, b: string) => (a <= b ? a : b);

/**
 * Schedules the audit programme of the demo's two years on the timeline: the seven frameworks'
 * certificates and reports with their planned cycles, audits from planning to closure with request
 * lists and findings, the SOC 2 gap and its bridge letter, customers' demand, and the monthly
 * housekeeping in which GRC staff mark past milestones done. All of it goes through the services.
 */
export function scheduleProgramme(ctx: AppContext, timeline: Timeline, people: DemoPeople): void {
  const today = timeline.today;
  const start = addMonths(today, -24);
  const { grace, omar } = people;
  const certIds = new Map<string, number>();
  /** Events a sweep must leave alone: open bridge letters, and one analysis left overdue on purpose. */
  const leaveOpen = (kind: string, end: string) => kind === 'bridge_letter' || (kind === 'targeted_risk_analysis' && end >= addDays(today, -60));

  // --- certificates and reports -------------------------------------------------------------
  const logDocument = async (title: string, collectedOn: string, validUntil: string | undefined, body: string): Promise<number> => {
    const file = path.join(fileStore(ctx).tmpDir, `demo-doc-${title.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.txt`);
    await fs.writeFile(file, `${title}\n\n${body}\n`);
    const id = await createEvidence(
      ctx,
      grace,
      { title, kind: 'document', description: body, collected_at: collectedOn, valid_until: validUntil, controls: ['CMP-06'], shareable: true },
      [{ path: file, originalName: `${title.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.txt`, mediaType: 'text/plain' }],
    );
    await reviewEvidence(ctx, omar, id, { decision: 'accepted', comment: 'Matches the document issued by the auditor.' });
    return id;
  };

  const register = (spec: CertificationSpec) =>
    timeline.at(spec.registeredOn(start, today), async () => {
      const documentId = spec.issuedOn
        ? await logDocument(spec.documentTitle, spec.issuedOn(today), spec.kind === 'soc2_type2' ? undefined : spec.validUntil(today), spec.scope)
        : undefined;
      const id = await createCertification(ctx, grace, certificationInput(spec, today, people.ids.grace, documentId));
      certIds.set(spec.key, id);
      await planCertificationCycle(ctx, grace, id);
      // SOC 2 Type II: a report is issued after its period; the register gets its date and document then.
      if (!spec.issuedOn && spec.reportOn) {
        const reportOn = spec.reportOn(today);
        timeline.at(reportOn, async () => {
          const doc = await logDocument(spec.documentTitle, reportOn, undefined, spec.scope);
          await updateCertification(ctx, grace, id, { ...certificationInput(spec, today, people.ids.grace, doc), issued_on: reportOn });
        });
      }
      if (spec.replans) {
        // A later period is recorded: planning the earlier one again turns its bridge letter into one
        // that covers exactly the gap between the two.
        timeline.at(spec.replans.on(today), async () => {
          await planCertificationCycle(ctx, grace, certIds.get(spec.replans!.key)!);
        });
      }
    });
  for (const spec of certificationSpecs) register(spec);

  // The SOC 2 gap is flagged from the day the second period is recorded until GRC issues a bridge
  // letter over it (management's assertion that the controls kept operating), a month later.
  const [gapFrom, gapTo] = soc2Gap.gap(today);
  timeline.at(addDays(gapTo, 31), async () => {
    const first = certIds.get('soc2-p1')!;
    const letter = (await listEvents(ctx, grace, first)).find((e) => e.kind === 'bridge_letter');
    if (!letter) throw new Error('demo: the first SOC 2 period has no bridge letter to issue');
    await logDocument(`SOC 2 bridge letter ${gapFrom} – ${gapTo}`, addDays(gapTo, 31), undefined, soc2Gap.note);
    await updateEvent(ctx, grace, first, letter.id, { status: 'done' });
  });

  // Housekeeping every fortnight: GRC staff mark milestones that have passed as done.
  for (let day = addDays(start, 14); day <= today; day = addDays(day, 14)) {
    timeline.at(day, async () => {
      for (const id of certIds.values()) {
        const cert = await getCertification(ctx, grace, id);
        for (const e of await listEvents(ctx, grace, id)) {
          const end = seriesEnd(e);
          if (e.status !== 'planned' || end >= addDays(day, -3) || leaveOpen(e.kind, end)) continue;
          await updateEvent(ctx, cert.owner?.id === people.ids.omar ? omar : grace, id, e.id, { status: 'done' });
        }
      }
    });
  }

  // --- audits -------------------------------------------------------------------------------
  for (const spec of auditSpecs) scheduleAudit(ctx, timeline, people, spec, certIds, start);

  // --- customers' demand ----------------------------------------------------------------------
  for (const d of demandSpecs) {
    const on = addDays(today, -d.daysAgo);
    timeline.at(on, async () => {
      await recordDemand(ctx, d.by === 'omar' ? omar : grace, {
        customer: d.customer,
        ...(d.framework ? { framework: d.framework } : { scheme: d.scheme }),
        requested_on: on,
        note: d.note,
        contract_value: d.value,
      });
    });
  }
}

function certificationInput(spec: CertificationSpec, today: string, ownerId: number, documentId: number | undefined) {
  return {
    framework: spec.framework,
    kind: spec.kind as CertificationKind,
    number: spec.number,
    issuer: spec.issuer,
    scope: spec.scope,
    issued_on: spec.issuedOn?.(today),
    valid_from: spec.validFrom(today),
    valid_until: spec.validUntil(today),
    owner_id: ownerId,
    document_evidence_id: documentId,
  };
}

/** The newest accepted, current evidence of a control collected by `day`; logged on the spot when there is none. */
async function evidenceFor(ctx: AppContext, people: DemoPeople, controlRef: string, day: string, request: string): Promise<number> {
  const found = await latestAcceptedOfControl(ctx.db, controlRef, day);
  if (found !== undefined) return found;
  // What the auditors ask for and nobody had filed yet is produced for them, as teams do.
  const id = await createEvidence(
    ctx,
    people.grace,
    {
      title: `Produced for audit request ${request}: ${controlRef}`,
      kind: 'export',
      link_url: `https://evidence.demo.attest/${controlRef.toLowerCase()}/${day}/audit`,
      collected_at: day,
      controls: [controlRef],
    },
    [],
  );
  await reviewEvidence(ctx, people.omar, id, { decision: 'accepted' });
  return id;
}

/**
 * One audit from planning to closure: created eight weeks before fieldwork, an auditor assigned,
 * the request list three weeks before, evidence linked as requests come due (one returned and
 * resubmitted), fieldwork, findings, reporting, closure, and findings' follow-up afterwards. Steps
 * after today are not run, so audits still under way stop in the status they would have today.
 */
function scheduleAudit(ctx: AppContext, timeline: Timeline, people: DemoPeople, spec: AuditSpec, certIds: Map<string, number>, start: string): void {
  const today = timeline.today;
  const { grace, omar, admin, ids } = people;
  const who = (name: 'grace' | 'omar' | 'admin') => ({ grace, omar, admin })[name];
  const fieldworkFrom = spec.fieldworkFrom(today);
  const fieldworkTo = addDays(fieldworkFrom, spec.fieldworkDays - 1);
  // Planned eight weeks ahead (audits further out were put in the plan three weeks ago), and not
  // before the certificates were recorded in the demo's first days.
  const createdOn = latest(earliest(addDays(fieldworkFrom, -8 * WEEK), addDays(today, -20)), addDays(start, 4));
  let auditId = 0;
  const requestIds: number[] = [];
  const findingIds: number[] = [];
  timeline.at(createdOn, async () => {
    const certificationId = spec.certification ? certIds.get(spec.certification) : undefined;
    auditId = await createAudit(ctx, who(spec.owner), {
      kind: spec.kind as AuditKind,
      title: spec.title,
      frameworks: spec.frameworks,
      certification_id: certificationId,
      firm: spec.firm,
      lead_auditor: spec.leadAuditor,
      period_from: spec.period?.(today)[0],
      period_to: spec.period?.(today)[1],
      fieldwork_from: fieldworkFrom,
      fieldwork_to: fieldworkTo,
      owner: { id: ids[spec.owner] },
    });
    if (spec.auditorAccess) {
      await assignAuditor(ctx, who(spec.owner), auditId, { user: { id: ids.aria }, access_from: addDays(fieldworkFrom, -4 * WEEK), access_until: addDays(fieldworkTo, 10 * WEEK) });
    }
  });
  const requestsOn = latest(addDays(fieldworkFrom, -3 * WEEK), createdOn);
  timeline.at(requestsOn, async () => {
    for (const [i, r] of spec.requests.entries()) {
      requestIds[i] = await createRequest(ctx, who(spec.owner), auditId, {
        title: r.title,
        description: r.description,
        control: r.control,
        requirement: r.requirement,
        due_on: addDays(fieldworkFrom, -WEEK + (i % 3)),
        assignee: { id: ids[i % 2 === 0 ? 'grace' : 'omar'] },
      });
    }
  });
  spec.requests.forEach((r, i) => {
    // Answered a few days before the due date, except the ones the spec leaves open.
    if (r.unanswered) return;
    const answerOn = latest(addDays(fieldworkFrom, -WEEK - 3 + (i % 3)), addDays(requestsOn, 1));
    timeline.at(answerOn, async () => {
      const evidenceId = await evidenceFor(ctx, people, r.control ?? r.evidenceControl!, answerOn, `${spec.title} #${i + 1}`);
      await linkEvidence(ctx, i % 2 === 0 ? grace : omar, auditId, requestIds[i]!, [evidenceId]);
    });
    timeline.at(addDays(fieldworkFrom, 1 + (i % 2)), async () => {
      if (r.returned) {
        await changeRequestStatus(ctx, omar, auditId, requestIds[i]!, { status: 'returned', comment: r.returned });
        timeline.at(addDays(fieldworkFrom, 3), async () => {
          const evidenceId = await evidenceFor(ctx, people, r.control ?? r.evidenceControl!, addDays(fieldworkFrom, 3), `${spec.title} #${i + 1} (again)`);
          await linkEvidence(ctx, grace, auditId, requestIds[i]!, [evidenceId]).catch(() => changeRequestStatus(ctx, grace, auditId, requestIds[i]!, { status: 'submitted' }));
          timeline.at(addDays(fieldworkFrom, 4), async () => changeRequestStatus(ctx, omar, auditId, requestIds[i]!, { status: 'accepted' }));
        });
      } else if (!r.leftSubmitted) {
        await changeRequestStatus(ctx, omar, auditId, requestIds[i]!, { status: 'accepted' });
      }
    });
  });
  timeline.at(fieldworkFrom, async () => changeAuditStatus(ctx, who(spec.owner), auditId, 'fieldwork'));
  if (spec.auditorAccess) {
    // In the portal: the auditor draws her sample of change tickets and says what she will test.
    timeline.at(addDays(fieldworkFrom, 1), async () => {
      const aria = await people.aria();
      const year = fieldworkFrom.slice(0, 4);
      const population = Array.from({ length: 180 }, (_, i) => `CHG-${year}-${String(i + 1).padStart(4, '0')}`);
      await drawSample(ctx, aria, auditId, { title: `Production change tickets closed in ${year}`, population, size: 25, seed: undefined });
      await addComment(ctx, aria, { type: 'audit', auditId, id: auditId }, 'Sample of 25 change tickets drawn; please provide each ticket with its approval and test evidence.');
    });
  }
  spec.findings.forEach((f, i) => {
    const recordedOn = addDays(fieldworkFrom, Math.min(i + 1, spec.fieldworkDays - 1));
    timeline.at(recordedOn, async () => {
      findingIds[i] = await recordFinding(ctx, who(spec.owner), auditId, {
        kind: f.kind as FindingKind,
        title: f.title,
        description: f.description,
        requirements: f.requirements,
        controls: f.controls,
        owner: { id: ids[f.owner] },
        root_cause: f.rootCause,
        corrective_action: f.correctiveAction,
        due_on: addDays(fieldworkTo, f.dueInDays),
      });
      if (f.comment) await addComment(ctx, who(f.owner), { type: 'finding', auditId, id: findingIds[i]! }, f.comment);
    });
    const steps = ['action_taken', 'verified', 'closed'] as const;
    f.progress.forEach((afterDays, s) => {
      timeline.at(addDays(fieldworkTo, afterDays), async () => changeFindingStatus(ctx, who(f.owner), auditId, findingIds[i]!, steps[s]!));
    });
  });
  timeline.at(addDays(fieldworkTo, 1), async () => {
    await changeAuditStatus(ctx, who(spec.owner), auditId, 'reporting');
    if (spec.reportingNote) await addComment(ctx, who(spec.owner), { type: 'audit', auditId, id: auditId }, spec.reportingNote);
  });
  timeline.at(addDays(fieldworkTo, spec.closeAfterDays), async () => changeAuditStatus(ctx, who(spec.owner), auditId, 'closed'));
}
