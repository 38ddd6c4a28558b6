import type { Request, Response } from 'express';
import { can } from '../auth/policy.ts';
import type { AppContext } from '../context.ts';
import { principalOf } from '../http/actor.ts';
import { setFlash } from '../http/flash.ts';
import { submitForm } from '../http/forms.ts';
import type { Routes } from '../http/routes.ts';
import { parseInput } from '../http/validate.ts';
import { createFeedSchema, feedIdParam, feedPageQuery } from './calendar.schema.ts';
import { feedDocument } from './feeds.cache.ts';
import { createFeed, FEED_DAYS_AHEAD, FEED_DAYS_BACK, feedAudits, listFeeds, revokeFeed, type Feed } from './feeds.service.ts';

/** Where the app is reached from, for links a calendar client follows (trust proxy decides protocol and host). */
export const originOf = (req: Request): string => `${req.protocol}://${req.get('host') ?? 'localhost'}`;

const feedView = (f: Feed, me: number | null) => ({
  ...f,
  label: f.scope === 'audit' ? `Audit: ${f.auditTitle ?? `#${f.auditId}`}` : f.userId === me ? 'Personal' : `Personal: ${f.ownerEmail ?? `user ${f.userId}`}`,
});

export function feedRoutes(routes: Routes, ctx: AppContext): void {
  const renderFeeds = async (req: Request, res: Response, status = 200, extra: Record<string, unknown> = {}) => {
    const principal = principalOf(req);
    const [feeds, audits] = await Promise.all([listFeeds(ctx, principal), feedAudits(ctx, principal)]);
    const { audit: preselected } = parseInput(feedPageQuery, req.query);
    const chosen = (extra.values as Record<string, unknown> | undefined)?.audit_id ?? preselected;
    res.status(status).render('calendar/feeds', {
      title: 'Calendar feeds',
      section: 'calendar',
      feeds: feeds.map((f) => feedView(f, principal.userId)),
      canAuditFeeds: can(principal, 'audits.edit'),
      audits: audits.map((a) => ({ ...a, selected: String(a.id) === String(chosen) })),
      auditValue: chosen === undefined ? '' : String(chosen),
      daysBack: FEED_DAYS_BACK,
      daysAhead: FEED_DAYS_AHEAD,
      ...extra,
    });
  };

  routes.get('/calendar/feeds', 'audits.read', (req, res) => renderFeeds(req, res));

  routes.post('/calendar/feeds', 'audits.read', async (req, res) => {
    await submitForm(
      async () => {
        const { feed, secret } = await createFeed(ctx, principalOf(req), parseInput(createFeedSchema, req.body));
        const url = `${originOf(req)}/calendar/feeds/${secret}.ics`;
        // Shown once, on this response only; only the secret's hash is kept.
        await renderFeeds(req, res, 201, { created: { ...feedView(feed, feed.userId), url, webcal: url.replace(/^https?:/, 'webcal:') } });
      },
      (failure) => renderFeeds(req, res, failure.status, { errors: failure.errors, formError: failure.message, values: req.body }),
    );
  });

  routes.post('/calendar/feeds/:id/revoke', 'audits.read', async (req, res) => {
    const { id } = parseInput(feedIdParam, req.params);
    await revokeFeed(ctx, principalOf(req), id);
    setFlash(res, 'success', 'The feed is revoked: its address no longer works.');
    res.redirect(303, '/calendar/feeds');
  });

  // Public: the secret in the path is the credential. Every refusal is the same 404.
  routes.get('/calendar/feeds/:secret.ics', 'public', async (req, res) => {
    const { filename, body } = await feedDocument(ctx, String(req.params.secret), originOf(req));
    res.set('Content-Type', 'text/calendar; charset=utf-8');
    res.set('Content-Disposition', `inline; filename="${filename}"`);
    res.set('X-Content-Type-Options', 'nosniff');
    res.send(body);
  });
}
