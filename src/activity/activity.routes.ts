import type { AppContext } from '../context.ts';
import { principalOf } from '../http/actor.ts';
import { submitForm } from '../http/forms.ts';
import { pageView } from '../http/pagination.ts';
import type { Routes } from '../http/routes.ts';
import { parseInput } from '../http/validate.ts';
import { actionOptions, activityView, subjectsNamed } from './activity.presenter.ts';
import { activityFilterSchema } from './activity.schema.ts';
import { describeSubjects, listActivity } from './activity.service.ts';

const PER_PAGE = 50;

export function activityRoutes(routes: Routes, ctx: AppContext): void {
  routes.get('/admin/activity', 'activity.read', async (req, res) => {
    const query = req.query as Record<string, string | undefined>;
    const base = { title: 'Activity', section: 'admin', values: query };
    await submitForm(
      async () => {
        const filter = parseInput(activityFilterSchema, query);
        const principal = principalOf(req);
        const { items, total } = await listActivity(
          ctx,
          principal,
          { actorEmail: filter.actor, action: filter.action, subjectType: filter.subject_type, subjectId: filter.subject_id, from: filter.from, to: filter.to },
          { limit: PER_PAGE, offset: (filter.page - 1) * PER_PAGE },
        );
        // The subjects the page names, looked up once per type rather than once per row.
        const subjects = await describeSubjects(ctx, principal, subjectsNamed(items));
        const { page: _page, ...kept } = query;
        res.render('admin/activity', {
          ...base,
          actions: actionOptions(filter.action),
          items: items.map((i) => activityView(i, subjects)),
          pagination: pageView(total, filter.page, PER_PAGE, kept),
          empty: total === 0,
        });
      },
      (failure) =>
        res.status(failure.status).render('admin/activity', {
          ...base,
          actions: actionOptions(query.action),
          errors: failure.errors,
          items: [],
          empty: false,
        }),
      ['validation_failed'],
    );
  });
}
