import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { AppError } from './errors.ts';

export const CSRF_COOKIE = 'attest_csrf';
export const CSRF_FIELD = '_csrf';

/**
 * Signed double-submit CSRF protection. Each browser gets a random HttpOnly cookie; forms carry
 * HMAC(secret, cookie + session), so a token only works in the browser and session it was made
 * for. Hand-written (40 lines) because the libraries for this pattern need a session identifier
 * before sign-in, and the login form must be protected too.
 */
export function csrfProtection(secret: string, secureCookies: boolean) {
  const sign = (browserId: string, sessionToken: string | undefined) =>
    createHmac('sha256', secret)
      .update(`${browserId}|${sessionToken ?? ''}`)
      .digest('base64url');

  return (req: Request, res: Response, next: NextFunction): void => {
    let browserId: unknown = req.cookies?.[CSRF_COOKIE];
    if (typeof browserId !== 'string' || browserId.length < 20) {
      browserId = randomBytes(24).toString('base64url');
      res.cookie(CSRF_COOKIE, browserId, { httpOnly: true, sameSite: 'strict', secure: secureCookies, path: '/' });
      (req.cookies as Record<string, string>)[CSRF_COOKIE] = browserId as string;
    }
    const id = browserId as string;
    res.locals.csrfToken = () => sign(id, req.sessionToken);
    if (['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return next();
    // Multipart bodies are parsed after this check (by the upload route), so file forms carry the
    // token in their action URL instead; the request log strips it.
    const multipart = req.is('multipart/form-data') === 'multipart/form-data';
    const sent = (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD] ?? req.get('x-csrf-token') ?? (multipart ? req.query[CSRF_FIELD] : undefined);
    const expected = Buffer.from(sign(id, req.sessionToken));
    const given = Buffer.from(typeof sent === 'string' ? sent : '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return next(new AppError('forbidden', 'This form has expired or came from another site. Reload the page and try again.'));
    }
    next();
  };
}
