import { randomUUID } from 'node:crypto';
import path from 'node:path';
import cookieParser from 'cookie-parser';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { activityRoutes } from './activity/activity.routes.ts';
import { apiRoutes } from './api/api.routes.ts';
import { auditApi } from './audits/audits.api.ts';
import { auditRoutes } from './audits/audits.routes.ts';
import { findingRoutes } from './audits/findings.routes.ts';
import { portalRoutes } from './portal/portal.routes.ts';
import { reportRoutes } from './reports/reports.routes.ts';
import { answerLibraryRoutes } from './questionnaires/library.routes.ts';
import { inboxRoutes } from './inbox/inbox.routes.ts';
import { inboxCount } from './inbox/inbox.service.ts';
import { questionnaireApi } from './questionnaires/questionnaires.api.ts';
import { questionnaireRoutes } from './questionnaires/questionnaires.routes.ts';
import { reportApi } from './reports/reports.api.ts';
import { portalApi } from './portal/portal.api.ts';
import { requestRoutes } from './audits/requests.routes.ts';
import { calendarApi } from './calendar/calendar.api.ts';
import { calendarRoutes } from './calendar/calendar.routes.ts';
import { adminRoutes } from './auth/admin.routes.ts';
import { authRoutes } from './auth/auth.routes.ts';
import { LoginLimits } from './auth/login-limits.ts';
import { certificationApi } from './certifications/certifications.api.ts';
import { certificationRoutes } from './certifications/certifications.routes.ts';
import { eventRoutes } from './certifications/events.routes.ts';
import type { AppContext } from './context.ts';
import { getOrCreateSecret } from './db/settings.repository.ts';
import { controlApi } from './controls/controls.api.ts';
import { controlRoutes } from './controls/controls.routes.ts';
import { frameworkApi } from './frameworks/frameworks.api.ts';
import { frameworkRoutes } from './frameworks/frameworks.routes.ts';
import { coverageApi } from './coverage/coverage.api.ts';
import { coverageRoutes } from './coverage/coverage.routes.ts';
import { evidenceApi } from './evidence/evidence.api.ts';
import { evidenceRoutes } from './evidence/evidence.routes.ts';
import { importRoutes } from './evidence/import.routes.ts';
import { dashboardRoutes } from './home/dashboard.routes.ts';
import { homeRoutes } from './home/home.routes.ts';
import { csrfProtection } from './http/csrf.ts';
import { errorHandler } from './http/error-handler.ts';
import { AppError } from './http/errors.ts';
import { flashMiddleware } from './http/flash.ts';
import { identify } from './http/identity.middleware.ts';
import { layoutLocals } from './http/nav.ts';
import { principalOf } from './http/actor.ts';
import { nulGuard } from './http/nul-guard.ts';
import { Routes, type RouteInfo } from './http/routes.ts';
import './http/types.ts';
import { setupViews, VIEWS_DIR } from './http/views.ts';
import { reminderApi } from './reminders/reminders.api.ts';
import { reminderRoutes } from './reminders/reminders.routes.ts';

export interface AttestApp {
  app: Express;
  routes: RouteInfo[];
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
const BODY_LIMIT = '100kb';

export async function createApp(ctx: AppContext): Promise<AttestApp> {
  const app = express();
  app.disable('x-powered-by');
  // /API/v1/… must be a 404, not an API route that identify() took for a page (session, no token).
  app.set('case sensitive routing', true);
  app.set('trust proxy', ctx.config.trustProxy);
  setupViews(app, ctx.config.env !== 'development');

  app.use(
    pinoHttp({
      logger: ctx.logger,
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' || (req.url ?? '').startsWith('/assets') },
      // One short line per request: no headers, so no cookies or tokens reach the log.
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url.replace(/([?&]_csrf=)[^&]*/, '$1…') }),
        res: (res: { statusCode: number }) => ({ status: res.statusCode }),
      },
    }),
  );
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          upgradeInsecureRequests: null,
        },
      },
      hsts: ctx.config.cookieSecure,
    }),
  );
  app.use('/assets', express.static(path.join(VIEWS_DIR, 'assets'), { maxAge: '1h', fallthrough: false }));
  app.get('/assets-vendor/htmx.min.js', (_req, res) => {
    res.sendFile(path.resolve(import.meta.dirname, '../node_modules/htmx.org/dist/htmx.min.js'), { maxAge: '1d' });
  });
  // The searchable pickers on the evidence and mapping forms: Tom Select's bundle and base styles, served as shipped (no build step).
  app.get('/assets-vendor/tom-select.complete.min.js', (_req, res) => {
    res.sendFile(path.resolve(import.meta.dirname, '../node_modules/tom-select/dist/js/tom-select.complete.min.js'), { maxAge: '1d' });
  });
  app.get('/assets-vendor/tom-select.min.css', (_req, res) => {
    res.sendFile(path.resolve(import.meta.dirname, '../node_modules/tom-select/dist/css/tom-select.min.css'), { maxAge: '1d' });
  });
  // Past the static assets every response is confidential (one-time passwords, tokens, evidence).
  app.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  app.use(cookieParser());
  app.use(express.json({ limit: BODY_LIMIT }));
  app.use(express.urlencoded({ extended: false, limit: BODY_LIMIT, parameterLimit: 200 }));
  app.use(flashMiddleware(ctx.config.cookieSecure));
  app.use(identify(ctx));
  const csrf = csrfProtection(await getOrCreateSecret(ctx.db, 'csrf_secret'), ctx.config.cookieSecure);
  app.use((req, res, next) => (req.path.startsWith('/api/') ? next() : csrf(req, res, next)));
  app.use(layoutLocals);
  // The count beside "My work": only on pages (GET, not the API), for people who have an inbox.
  app.use(async (req, res, next) => {
    try {
      if (req.method === 'GET' && req.user && !req.path.startsWith('/api/') && (res.locals.nav as { key: string }[] | undefined)?.some((i) => i.key === 'inbox')) {
        res.locals.inboxCount = await inboxCount(ctx, principalOf(req));
      }
      next();
    } catch (err) {
      next(err);
    }
  });
  // After the body parsers, and after identify/CSRF so a refused page still shows its shell.
  app.use(nulGuard);

  const routes = new Routes();
  homeRoutes(routes, ctx);
  dashboardRoutes(routes, ctx);
  const loginLimits = new LoginLimits(ctx.config);
  authRoutes(routes, ctx, loginLimits);
  adminRoutes(routes, ctx, loginLimits);
  activityRoutes(routes, ctx);
  coverageRoutes(routes, ctx);
  frameworkRoutes(routes, ctx);
  controlRoutes(routes, ctx);
  importRoutes(routes, ctx);
  evidenceRoutes(routes, ctx);
  auditRoutes(routes, ctx);
  findingRoutes(routes, ctx);
  requestRoutes(routes, ctx);
  certificationRoutes(routes, ctx);
  eventRoutes(routes, ctx);
  reminderRoutes(routes, ctx);
  calendarRoutes(routes, ctx);
  portalRoutes(routes, ctx);
  reportRoutes(routes, ctx);
  // Before the questionnaire routes, whose /questionnaires/:id would otherwise take /questionnaires/library.
  inboxRoutes(routes, ctx);
  answerLibraryRoutes(routes, ctx);
  questionnaireRoutes(routes, ctx);
  apiRoutes(routes);
  frameworkApi(routes, ctx);
  controlApi(routes, ctx);
  evidenceApi(routes, ctx);
  certificationApi(routes, ctx);
  coverageApi(routes, ctx);
  auditApi(routes, ctx);
  reminderApi(routes, ctx);
  calendarApi(routes, ctx);
  portalApi(routes, ctx);
  reportApi(routes, ctx);
  questionnaireApi(routes, ctx);
  app.use(routes.router);

  app.use((req, _res, next) => next(new AppError('not_found', `Nothing is at ${req.path}.`)));
  app.use(errorHandler(ctx.logger));
  return { app, routes: routes.registry };
}
