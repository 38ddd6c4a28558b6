import type { AppContext } from '../context.ts';
import { today } from '../dates.ts';
import { principalOf } from '../http/actor.ts';
import type { Routes } from '../http/routes.ts';
import { myInbox, rememberCount } from './inbox.service.ts';

export function inboxRoutes(routes: Routes, ctx: AppContext): void {
  routes.get('/inbox', 'app.use', async (req, res) => {
    const principal = principalOf(req);
    const inbox = await myInbox(ctx, principal);
    if (principal.userId !== null) rememberCount(principal.userId, inbox.total);
    // The navigation was drawn with the remembered count; here it shows the fresh one.
    res.locals.inboxCount = inbox.total;
    res.set('Cache-Control', 'no-store');
    res.render('inbox/index', {
      title: 'My work',
      section: 'inbox',
      today: today(ctx.clock),
      total: inbox.total,
      sections: inbox.sections.map((s) => ({ ...s, more: s.total > s.items.length })),
      anySections: inbox.sections.length > 0,
    });
  });
}
