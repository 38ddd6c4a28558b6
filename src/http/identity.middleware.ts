import type { NextFunction, Request, Response } from 'express';
import { resolveSession } from '../auth/sessions.service.ts';
import { resolveToken } from '../auth/tokens.service.ts';
import type { AppContext } from '../context.ts';
import { auditAssignmentsOf } from '../auth/users.service.ts';

/** Auditors act through their assignments; read on every request, so a removed one stops at once. */
async function loadAssignments(ctx: AppContext, req: Request): Promise<void> {
  if (req.user?.role !== 'auditor') return;
  req.assignments = await auditAssignmentsOf(ctx, req.user.id);
}

export const SESSION_COOKIE = 'attest_session';

/**
 * Finds who is calling: a Bearer token on /api/v1, a session cookie elsewhere. The API never
 * accepts cookies, so it needs no CSRF token; pages never accept Bearer tokens.
 */
export function identify(ctx: AppContext) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    if (req.path.startsWith('/api/')) {
      const header = req.get('authorization') ?? '';
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (match?.[1]) req.user = await resolveToken(ctx, match[1]);
      await loadAssignments(ctx, req);
      return next();
    }
    const token: unknown = req.cookies?.[SESSION_COOKIE];
    if (typeof token === 'string' && token.length > 0 && token.length < 200) {
      const user = await resolveSession(ctx, token);
      if (user) {
        req.user = user;
        req.sessionToken = token;
        await loadAssignments(ctx, req);
      } else {
        res.clearCookie(SESSION_COOKIE, { path: '/' });
      }
    }
    next();
  };
}
