import type { Request } from 'express';
import type { Actor } from '../context.ts';

export function requestOrigin(req: Request): { ip: string | null; userAgent: string | null } {
  const ua = req.get('user-agent');
  return { ip: req.ip ?? null, userAgent: ua ? ua.slice(0, 400) : null };
}

/** The actor for activity records: the signed-in user, with the request's IP and user agent. */
export function actorOf(req: Request): Actor {
  const user = req.user;
  return { userId: user?.id ?? null, label: user?.email ?? 'anonymous', ...requestOrigin(req) };
}
