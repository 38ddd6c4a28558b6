import type { Request } from 'express';
import { userPrincipal, type Principal } from '../auth/principal.ts';
import { AppError } from './errors.ts';

export function requestOrigin(req: Request): { ip: string | null; userAgent: string | null } {
  const ua = req.get('user-agent');
  return { ip: req.ip ?? null, userAgent: ua ? ua.slice(0, 400) : null };
}

/** The principal of a signed-in request: who, with which role, how they signed in, from where. */
export function principalOf(req: Request): Principal {
  const user = req.user;
  if (!user) throw new AppError('unauthenticated', 'Sign in first.');
  return userPrincipal(user, req.sessionToken ? 'session' : 'token', requestOrigin(req), req.assignments ?? []);
}
