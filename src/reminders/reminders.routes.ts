import type { AppContext } from '../context.ts';
import { can } from '../auth/policy.ts';
import { principalOf } from '../http/actor.ts';
import { setFlash } from '../http/flash.ts';
import type { Routes } from '../http/routes.ts';
import { parseInput } from '../http/validate.ts';
import { digestPage } from './digest.presenter.ts';
import { myDigest } from './digest.service.ts';
import { createMailer } from './mailer.ts';
import { sendRunSummary } from './reminders.format.ts';
import { sendNowSchema } from './reminders.schema.ts';
import { deliveriesToday, sendDigests } from './reminders.service.ts';

export function reminderRoutes(routes: Routes, ctx: AppContext): void {
  routes.get('/reminders', 'app.use', async (req, res) => {
    const principal = principalOf(req);
    const digest = await myDigest(ctx, principal);
    const admin = can(principal, 'reminders.send');
    res.render('reminders/index', {
      title: 'Your reminders',
      section: 'reminders',
      ...digestPage(digest),
      email: req.user?.email,
      byEmail: ctx.config.mail.smtpUrl !== null,
      dailyAt: ctx.config.reminders.dailyAt,
      admin: admin ? { today: await deliveriesToday(ctx, principal) } : null,
    });
  });

  routes.post('/reminders/send', 'reminders.send', async (req, res) => {
    parseInput(sendNowSchema, req.body);
    const mailer = createMailer(ctx.config);
    try {
      const report = await sendDigests(ctx, principalOf(req), { mailer });
      setFlash(res, report.failed ? 'error' : 'success', sendRunSummary(report));
    } finally {
      mailer?.close();
    }
    res.redirect(303, '/reminders');
  });
}
