import type { Request, Response } from 'express';
import { can } from '../auth/policy.ts';
import type { AppContext } from '../context.ts';
import { today } from '../dates.ts';
import { principalOf } from '../http/actor.ts';
import { setFlash } from '../http/flash.ts';
import { submitForm } from '../http/forms.ts';
import { pageView } from '../http/pagination.ts';
import type { Routes } from '../http/routes.ts';
import { parseInput } from '../http/validate.ts';
import { assignAuditor, listAssignments, removeAssignment } from './assignments.service.ts';
import { auditKindLabels, auditKinds, auditStatuses } from './audits.model.ts';
import { assignmentView, auditStatusLabels, auditView, commentView, findingView, requestView, statusSteps } from './audits.presenter.ts';
import { assignmentParams, assignmentSchema, auditFilterSchema, auditIdParam, auditInputSchema, commentSchema, scopeChangeSchema, statusChangeSchema } from './audits.schema.ts';
import { auditFormOptions, changeAuditStatus, createAudit, getAudit, listAudits, updateAudit, type Audit } from './audits.service.ts';
import { addComment, listComments } from './comments.service.ts';
import { listFindings } from './findings.service.ts';
import { listRequests } from './requests.service.ts';
import { auditScope, changeScope, scopeCounts } from './scope.service.ts';
import { auditorActivity } from '../portal/portal.service.ts';
import { activityView, subjectsNamed } from '../activity/activity.presenter.ts';
import { describeSubjects } from '../activity/activity.service.ts';
import { certificationKindLabels } from '../certifications/certifications.model.ts';
import { getCertification } from '../certifications/certifications.service.ts';

const PER_PAGE = 25;

export const options = <T extends string>(values: readonly T[], labels: Record<T, string>, selected?: unknown) =>
  values.map((v) => ({ value: v, label: labels[v], selected: v === selected }));

/** Staff for an owner or assignee select; `selected` is an id (or its digits). */
export const peopleOptions = (people: { id: number; email: string; name: string }[], selected: unknown) =>
  people.map((p) => ({ value: p.id, label: p.name ? `${p.name} (${p.email})` : p.email, selected: String(p.id) === String(selected ?? '') }));

export function auditRoutes(routes: Routes, ctx: AppContext): void {
  routes.get('/audits', 'audits.read', async (req, res) => {
    const principal = principalOf(req);
    const query = req.query as Record<string, string | undefined>;
    const filter = parseInput(auditFilterSchema, query);
    const [{ items, total }, { frameworks }] = await Promise.all([
      listAudits(ctx, principal, filter, { limit: PER_PAGE, offset: (filter.page - 1) * PER_PAGE }),
      auditFormOptions(ctx, principal),
    ]);
    const { page: _p, ...kept } = query;
    res.render('audits/list', {
      title: 'Audits',
      section: 'audits',
      items: items.map(auditView),
      statuses: options(auditStatuses, auditStatusLabels, filter.status),
      kinds: options(auditKinds, auditKindLabels, filter.kind),
      frameworks: frameworks.map((f) => ({ value: f.slug, label: f.name, selected: f.slug === filter.framework })),
      pagination: pageView(total, filter.page, PER_PAGE, kept),
      filtered: Boolean(filter.status || filter.kind || filter.framework),
      canEdit: can(principal, 'audits.edit'),
    });
  });

  const renderForm = async (
    req: Request,
    res: Response,
    status: number,
    model: { action: string; values: Record<string, unknown>; audit?: Audit; errors?: Record<string, string>; formError?: string | undefined },
  ) => {
    const { frameworks, staff } = await auditFormOptions(ctx, principalOf(req));
    const chosen = [model.values.frameworks ?? []].flat().map(String);
    res.status(status).render('audits/form', {
      title: model.audit ? `Edit ${model.audit.title}` : 'Plan an audit',
      section: 'audits',
      kinds: options(auditKinds, auditKindLabels, model.values.kind),
      frameworks: frameworks.map((f) => ({ value: f.slug, label: f.name, checked: chosen.includes(f.slug) })),
      owners: peopleOptions(staff, model.values.owner),
      ...model,
    });
  };

  routes.get('/audits/new', 'audits.edit', (req, res) => renderForm(req, res, 200, { action: '/audits', values: { owner: req.user?.id, kind: 'internal' } }));

  routes.post('/audits', 'audits.edit', (req, res) =>
    submitForm(
      async () => {
        const id = await createAudit(ctx, principalOf(req), parseInput(auditInputSchema, req.body));
        setFlash(res, 'success', 'Audit planned. Its scope holds every applicable requirement of its frameworks; adjust it from the scope page.');
        res.redirect(303, `/audits/${id}`);
      },
      (f) => renderForm(req, res, 422, { action: '/audits', values: req.body ?? {}, errors: f.errors, formError: f.message }),
    ),
  );

  const renderShow = async (req: Request, res: Response, status = 200, extra: Record<string, unknown> = {}) => {
    const { id } = parseInput(auditIdParam, req.params);
    const principal = principalOf(req);
    const day = today(ctx.clock);
    const audit = await getAudit(ctx, principal, id);
    const [scope, findings, requests, assignments, comments, { auditors }] = await Promise.all([
      scopeCounts(ctx, principal, id),
      listFindings(ctx, principal, id),
      listRequests(ctx, principal, id),
      listAssignments(ctx, principal, id),
      listComments(ctx, principal, { type: 'audit', auditId: id, id }),
      auditFormOptions(ctx, principal),
    ]);
    const open = audit.status !== 'closed';
    // Named, for whoever may read the register; a number otherwise.
    const cert = audit.certificationId !== null && can(principal, 'certifications.read') ? await getCertification(ctx, principal, audit.certificationId) : null;
    const certification = cert ? { id: cert.id, label: `${cert.framework.name} ${certificationKindLabels[cert.kind]}${cert.number ? ` ${cert.number}` : ''}` } : null;
    res.status(status).render('audits/show', {
      certification,
      title: audit.title,
      section: 'audits',
      audit: auditView(audit),
      ...statusSteps(audit),
      scope,
      findings: findings.map((f) => findingView(f, day)),
      requests: requests.map((r) => requestView(r, day)),
      assignments: assignments.map((a) => assignmentView(a, day)),
      comments: comments.map(commentView),
      auditors: peopleOptions(auditors, (extra.assignValues as Record<string, unknown> | undefined)?.user),
      assignValues: { access_from: day, ...(extra.assignValues as object | undefined) },
      canEdit: open && can(principal, 'audits.edit'),
      canRevoke: can(principal, 'audits.edit'),
      canParticipate: open && can(principal, 'audits.participate'),
      canFollowUp: can(principal, 'audits.participate'),
      canSeeActivity: can(principal, 'activity.read'),
      ...extra,
    });
  };

  routes.get('/audits/:id', 'audits.read', (req, res) => renderShow(req, res));

  const editValues = (a: Audit) => ({
    kind: a.kind,
    title: a.title,
    frameworks: a.frameworks.map((f) => f.slug),
    certification_id: a.certificationId ?? '',
    firm: a.firm,
    lead_auditor: a.leadAuditor,
    period_from: a.periodFrom ?? '',
    period_to: a.periodTo ?? '',
    fieldwork_from: a.fieldworkFrom ?? '',
    fieldwork_to: a.fieldworkTo ?? '',
    owner: a.owner?.id ?? '',
  });

  routes.get('/audits/:id/edit', 'audits.edit', async (req, res) => {
    const { id } = parseInput(auditIdParam, req.params);
    const audit = await getAudit(ctx, principalOf(req), id);
    await renderForm(req, res, 200, { action: `/audits/${id}`, values: editValues(audit), audit });
  });

  routes.post('/audits/:id', 'audits.edit', async (req, res) => {
    const { id } = parseInput(auditIdParam, req.params);
    const audit = await getAudit(ctx, principalOf(req), id);
    await submitForm(
      async () => {
        await updateAudit(ctx, principalOf(req), id, parseInput(auditInputSchema, req.body));
        setFlash(res, 'success', 'Audit saved.');
        res.redirect(303, `/audits/${id}`);
      },
      (f) => renderForm(req, res, f.status, { action: `/audits/${id}`, values: req.body ?? {}, audit, errors: f.errors, formError: f.message }),
    );
  });

  routes.post('/audits/:id/status', 'audits.edit', async (req, res) => {
    const { id } = parseInput(auditIdParam, req.params);
    await submitForm(
      async () => {
        const { status } = parseInput(statusChangeSchema, req.body);
        await changeAuditStatus(ctx, principalOf(req), id, status);
        setFlash(res, 'success', `The audit is now in ${auditStatusLabels[status].toLowerCase()}.`);
        res.redirect(303, `/audits/${id}`);
      },
      (f) => renderShow(req, res, f.status, { statusError: Object.values(f.errors)[0] ?? f.message }),
    );
  });

  routes.get('/audits/:id/scope', 'audits.read', async (req, res) => {
    const { id } = parseInput(auditIdParam, req.params);
    const principal = principalOf(req);
    const audit = await getAudit(ctx, principal, id);
    const frameworks = await auditScope(ctx, principal, id);
    res.render('audits/scope', {
      title: `Scope: ${audit.title}`,
      section: 'audits',
      audit: auditView(audit),
      frameworks,
      canEdit: audit.status !== 'closed' && can(principal, 'audits.edit'),
    });
  });

  routes.post('/audits/:id/scope', 'audits.edit', async (req, res) => {
    const { id } = parseInput(auditIdParam, req.params);
    const principal = principalOf(req);
    await submitForm(
      async () => {
        const r = await changeScope(ctx, principal, id, parseInput(scopeChangeSchema, req.body));
        setFlash(res, 'success', `Scope changed: ${r.added} added, ${r.removed} removed.`);
        res.redirect(303, `/audits/${id}/scope`);
      },
      async (f) => {
        const audit = await getAudit(ctx, principal, id);
        res.status(f.status).render('audits/scope', {
          title: `Scope: ${audit.title}`,
          section: 'audits',
          audit: auditView(audit),
          frameworks: await auditScope(ctx, principal, id),
          canEdit: audit.status !== 'closed' && can(principal, 'audits.edit'),
          formError: Object.values(f.errors)[0] ?? f.message,
          values: req.body,
        });
      },
    );
  });

  routes.post('/audits/:id/assignments', 'audits.edit', async (req, res) => {
    const { id } = parseInput(auditIdParam, req.params);
    await submitForm(
      async () => {
        await assignAuditor(ctx, principalOf(req), id, parseInput(assignmentSchema, req.body));
        setFlash(res, 'success', 'Auditor assigned.');
        res.redirect(303, `/audits/${id}#assignments`);
      },
      (f) => renderShow(req, res, f.status, { assignErrors: f.errors, assignError: f.message, assignValues: req.body }),
    );
  });

  routes.post('/audits/:id/assignments/:assignmentId/remove', 'audits.edit', async (req, res) => {
    const { id, assignmentId } = parseInput(assignmentParams, req.params);
    await removeAssignment(ctx, principalOf(req), id, assignmentId);
    setFlash(res, 'success', 'Assignment removed: the auditor no longer has access to this audit.');
    res.redirect(303, `/audits/${id}#assignments`);
  });

  routes.get('/audits/:id/auditor-activity', 'activity.read', async (req, res) => {
    const { id } = parseInput(auditIdParam, req.params);
    const principal = principalOf(req);
    const audit = await getAudit(ctx, principal, id);
    const [records, assignments] = await Promise.all([auditorActivity(ctx, principal, id), listAssignments(ctx, principal, id)]);
    const subjects = await describeSubjects(ctx, principal, subjectsNamed(records));
    res.render('audits/auditor-activity', {
      title: `Auditor activity · ${audit.title}`,
      section: 'audits',
      audit: auditView(audit),
      assignments: assignments.map((a) => assignmentView(a, today(ctx.clock))),
      records: records.map((r) => activityView(r, subjects)),
    });
  });

  routes.post('/audits/:id/comments', 'audits.participate', async (req, res) => {
    const { id } = parseInput(auditIdParam, req.params);
    await submitForm(
      async () => {
        await addComment(ctx, principalOf(req), { type: 'audit', auditId: id, id }, parseInput(commentSchema, req.body).body);
        res.redirect(303, `/audits/${id}#comments`);
      },
      (f) => renderShow(req, res, f.status, { commentError: Object.values(f.errors)[0] ?? f.message, commentValues: req.body }),
    );
  });
}
