import type { Request, Response } from 'express';
import { can } from '../auth/policy.ts';
import type { AppContext } from '../context.ts';
import { timelineView } from '../evidence/evidence.presenter.ts';
import { controlTimeline } from '../evidence/freshness.service.ts';
import { listFrameworks, requirementChoices } from '../frameworks/frameworks.service.ts';
import { principalOf } from '../http/actor.ts';
import { setFlash } from '../http/flash.ts';
import { submitForm } from '../http/forms.ts';
import { pageView } from '../http/pagination.ts';
import type { Routes } from '../http/routes.ts';
import { parseInput } from '../http/validate.ts';
import { today } from '../dates.ts';
import { frequencies, frequencyLabels, implementationStatuses, relationshipLabels, relationships, statusLabels } from './controls.model.ts';
import { controlView, mappingView, requirementPicker } from './controls.presenter.ts';
import { controlFilterSchema, controlRefParam, mappingIdParam, mappingSchema, updateControlSchema } from './controls.schema.ts';
import { controlFacets, controlResource, getControl, listControls, removeMapping, saveMapping, updateControl } from './controls.service.ts';

const PER_PAGE = 50;

const options = <T extends string>(values: readonly T[], labels: Record<T, string>, selected?: string) =>
  values.map((v) => ({ value: v, label: labels[v], selected: v === selected }));

/** The picker value a refused mapping form sent, so the same requirement stays chosen (two fields from older callers). */
const chosenRequirement = (form: Record<string, string>) =>
  typeof form.framework === 'string' && form.framework && typeof form.requirement === 'string' ? `${form.framework}:${form.requirement}` : String(form.requirement ?? '');

export function controlRoutes(routes: Routes, ctx: AppContext): void {
  routes.get('/controls', 'catalog.read', async (req, res) => {
    const query = req.query as Record<string, string | undefined>;
    const principal = principalOf(req);
    const [facets, frameworks] = await Promise.all([controlFacets(ctx, principal), listFrameworks(ctx, principal)]);
    const filter = parseInput(controlFilterSchema, query);
    const { items, total } = await listControls(
      ctx,
      principal,
      { ...filter, includeRetired: filter.retired === 'include' },
      { limit: PER_PAGE, offset: (filter.page - 1) * PER_PAGE },
    );
    const { page: _p, ...kept } = query;
    res.render('controls/list', {
      title: 'Controls',
      section: 'controls',
      items: items.map((c) => ({ ...controlView(c), mappingCount: c.mappingCount })),
      values: filter,
      domains: facets.domains.map((d) => ({ value: d.slug, label: d.name, selected: d.slug === filter.domain })),
      owners: facets.owners.map((o) => ({ value: o, label: o, selected: o === filter.owner })),
      frequencies: options(frequencies, frequencyLabels, filter.frequency),
      statuses: options(implementationStatuses, statusLabels, filter.status),
      frameworks: frameworks.map((f) => ({ value: f.slug, label: f.name, selected: f.slug === filter.framework })),
      pagination: pageView(total, filter.page, PER_PAGE, kept),
      filtered: Object.values(kept).some(Boolean),
    });
  });

  const renderControl = async (req: Request, res: Response, status = 200, extra: Record<string, unknown> = {}) => {
    const { ref } = parseInput(controlRefParam, req.params);
    const principal = principalOf(req);
    const [{ control, mappings }, frameworks, requirements] = await Promise.all([
      getControl(ctx, principal, ref),
      listFrameworks(ctx, principal),
      requirementChoices(ctx, principal),
    ]);
    const groups = frameworks
      .map((f) => ({ slug: f.slug, name: f.name, numbering: f.numbering, mappings: mappings.filter((m) => m.framework === f.slug).map(mappingView) }))
      .filter((g) => g.mappings.length > 0);
    const form = (extra.form as Record<string, string> | undefined) ?? {
      owner: control.owner,
      frequency: control.frequency,
      status: control.status,
      applicable: control.applicable ? 'yes' : 'no',
      applicability_note: control.applicabilityNote ?? '',
    };
    const timeline = timelineView(await controlTimeline(ctx, principal, control.id));
    const mappingForm = (extra.mappingForm as Record<string, string> | undefined) ?? {};
    const mappingErrors = extra.mappingErrors as Record<string, string> | undefined;
    const canEdit = can(principal, 'controls.edit', controlResource(control));
    res.status(status).render('controls/show', {
      title: `${control.ref} ${control.title}`,
      section: 'controls',
      control: controlView(control),
      groups,
      mappingCount: mappings.length,
      canEdit,
      // Only an editor gets the mapping form, and with it the picker's script.
      pickers: canEdit,
      form,
      frequencies: options(frequencies, frequencyLabels, form.frequency),
      statuses: options(implementationStatuses, statusLabels, form.status),
      requirementGroups: requirementPicker(requirements, chosenRequirement(mappingForm)),
      relationshipOptions: relationships.map((r) => ({ value: r, label: relationshipLabels[r], selected: r === (mappingForm.relationship ?? 'subset') })),
      mappingForm,
      // The page has one requirement picker; a framework the server does not know is reported on it.
      requirementError: mappingErrors?.requirement ?? mappingErrors?.framework,
      timeline,
      today: today(ctx.clock),
      canLogEvidence: can(principal, 'evidence.log') && !control.retiredAt,
      canReview: can(principal, 'evidence.review'),
      ...extra,
    });
  };

  routes.get('/controls/:ref', 'catalog.read', (req, res) => renderControl(req, res));

  routes.post('/controls/:ref', 'controls.edit', async (req, res) => {
    const { ref } = parseInput(controlRefParam, req.params);
    await submitForm(
      async () => {
        await updateControl(ctx, principalOf(req), ref, parseInput(updateControlSchema, req.body));
        setFlash(res, 'success', `${ref} saved.`);
        res.redirect(303, `/controls/${ref}`);
      },
      (failure) => renderControl(req, res, failure.status, { form: req.body, errors: failure.errors, formError: failure.message }),
    );
  });

  routes.post('/controls/:ref/mappings', 'controls.edit', async (req, res) => {
    const { ref } = parseInput(controlRefParam, req.params);
    await submitForm(
      async () => {
        const input = parseInput(mappingSchema, req.body);
        const { frameworkName } = await saveMapping(ctx, principalOf(req), ref, input);
        setFlash(res, 'success', `${ref} now maps to ${frameworkName} ${input.requirement} (${input.relationship}).`);
        res.redirect(303, `/controls/${ref}#mappings`);
      },
      (failure) => renderControl(req, res, failure.status, { mappingForm: req.body, mappingErrors: failure.errors, mappingError: failure.message }),
    );
  });

  routes.post('/controls/:ref/mappings/:mappingId/delete', 'controls.edit', async (req, res) => {
    const { ref } = parseInput(controlRefParam, req.params);
    const { mappingId } = parseInput(mappingIdParam, req.params);
    await removeMapping(ctx, principalOf(req), ref, mappingId);
    setFlash(res, 'success', 'Mapping removed.');
    res.redirect(303, `/controls/${ref}#mappings`);
  });
}
