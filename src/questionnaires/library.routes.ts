import type { Request, Response } from 'express';
import { z } from 'zod';
import { dbId } from '../audits/audits.schema.ts';
import type { AppContext } from '../context.ts';
import { today } from '../dates.ts';
import { principalOf } from '../http/actor.ts';
import { setFlash } from '../http/flash.ts';
import { submitForm } from '../http/forms.ts';
import { pageQuery, pageView } from '../http/pagination.ts';
import type { Routes } from '../http/routes.ts';
import { parseInput } from '../http/validate.ts';
import { getLibraryEntry, listLibrary, removeVariant } from './library.service.ts';
import { topicLabel } from './questionnaires.presenter.ts';

// The answer library's pages: every entry with its phrasings (shipped and learned from approved
// answers), its answers, controls, owner and review dates; a learned phrasing can be removed.

const PER_PAGE = 40;
const entryId = z.string().regex(/^[A-Z]{3}-\d{2,3}$/, 'An entry id like ACC-01.');
const listQuery = z.object({
  q: z.string().max(200, 'At most 200 characters.').optional(),
  topic: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .regex(/^[a-z][a-z-]{1,40}$/, 'Choose a listed topic.')
      .optional(),
  ),
  page: pageQuery,
});

export function answerLibraryRoutes(routes: Routes, ctx: AppContext): void {
  routes.get('/questionnaires/library', 'questionnaires.use', async (req, res) => {
    const filter = parseInput(listQuery, req.query);
    const { items, topics, total } = await listLibrary(ctx, principalOf(req), filter);
    const day = today(ctx.clock);
    const first = (filter.page - 1) * PER_PAGE;
    res.render('questionnaires/library', {
      title: 'Answer library',
      section: 'questionnaires',
      filter,
      total,
      topics: topics.map((t) => ({ value: t, label: topicLabel(t), selected: t === filter.topic })),
      items: items.slice(first, first + PER_PAGE).map((e) => ({ ...e, topicLabel: topicLabel(e.topic), overdue: e.reviewDue < day })),
      pagination: pageView(items.length, filter.page, PER_PAGE, req.query as Record<string, string | undefined>),
    });
  });

  const renderEntry = async (req: Request, res: Response, status = 200, extra: Record<string, unknown> = {}) => {
    const { entry: id } = parseInput(z.object({ entry: entryId }), req.params);
    const entry = await getLibraryEntry(ctx, principalOf(req), id);
    res.status(status).render('questionnaires/library-entry', {
      title: `${entry.id} · Answer library`,
      section: 'questionnaires',
      entry,
      overdue: entry.reviewDue < today(ctx.clock),
      ...extra,
    });
  };

  routes.get('/questionnaires/library/:entry', 'questionnaires.use', (req, res) => renderEntry(req, res));

  routes.post('/questionnaires/library/:entry/variants/:variant/remove', 'questionnaires.use', async (req, res) => {
    const { entry, variant } = parseInput(z.object({ entry: entryId, variant: dbId }), req.params);
    await submitForm(
      async () => {
        parseInput(z.object({ confirm: z.literal('yes', { error: 'Tick the box to confirm the removal.' }) }), req.body);
        await removeVariant(ctx, principalOf(req), entry, variant);
        setFlash(res, 'success', 'The learned phrasing was removed; it will not be learned again.');
        res.redirect(303, `/questionnaires/library/${entry}`);
      },
      (f) => renderEntry(req, res, f.status, { formError: Object.values(f.errors)[0] ?? f.message }),
    );
  });
}
