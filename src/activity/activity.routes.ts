import { findUserByEmail } from '../auth/users.repository.ts';
import type { AppContext } from '../context.ts';
import { isAppError } from '../http/errors.ts';
import { pageView } from '../http/pagination.ts';
import type { Routes } from '../http/routes.ts';
import { errorsByField, parseInput } from '../http/validate.ts';
import { activityFilterSchema } from './activity.schema.ts';
import { knownActions, listActivity } from './activity.service.ts';

const PER_PAGE = 50;

function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

export function activityRoutes(routes: Routes, ctx: AppContext): void {
  routes.get('/admin/activity', 'activity.read', async (req, res) => {
    const query = req.query as Record<string, string | undefined>;
    const actions = await knownActions(ctx.db);
    let filter;
    try {
      filter = parseInput(activityFilterSchema, query);
    } catch (err) {
      if (!isAppError(err)) throw err;
      return res.status(422).render('admin/activity', {
        title: 'Activity', section: 'admin', values: query, actions, errors: errorsByField(err.fields), items: [], empty: false,
      });
    }
    let actorId: number | undefined;
    if (filter.actor) actorId = (await findUserByEmail(ctx.db, filter.actor.toLowerCase()))?.id ?? -1;
    const { items, total } = await listActivity(
      ctx.db,
      {
        actorId,
        action: filter.action,
        subjectType: filter.subject_type,
        subjectId: filter.subject_id,
        from: filter.from,
        to: filter.to ? nextDay(filter.to) : undefined,
      },
      { limit: PER_PAGE, offset: (filter.page - 1) * PER_PAGE },
    );
    const { page: _page, ...kept } = query;
    res.render('admin/activity', {
      title: 'Activity',
      section: 'admin',
      values: query,
      actions: actions.map((a) => ({ value: a, selected: a === filter.action })),
      items: items.map((i) => ({ ...i, detailsText: Object.keys(i.details).length ? JSON.stringify(i.details) : '' })),
      pagination: pageView(total, filter.page, PER_PAGE, kept),
      empty: total === 0,
    });
  });
}
