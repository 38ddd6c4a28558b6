import type { NextFunction, Request, Response } from 'express';

export type FlashKind = 'success' | 'error' | 'info';
export interface Flash {
  kind: FlashKind;
  message: string;
}

const COOKIE = 'attest_flash';

/** One-shot messages carried across a redirect in a short-lived cookie. */
export function flashMiddleware(secureCookies: boolean) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const raw: unknown = req.cookies?.[COOKIE];
    if (typeof raw === 'string') {
      res.clearCookie(COOKIE, { path: '/' });
      try {
        const parsed = JSON.parse(raw) as Flash;
        if (['success', 'error', 'info'].includes(parsed.kind) && typeof parsed.message === 'string') {
          res.locals.flash = { kind: parsed.kind, message: parsed.message.slice(0, 300) };
        }
      } catch {
        // A malformed cookie is simply dropped.
      }
    }
    res.locals.setFlash = (kind: FlashKind, message: string) =>
      res.cookie(COOKIE, JSON.stringify({ kind, message }), { httpOnly: true, sameSite: 'lax', secure: secureCookies, maxAge: 60_000, path: '/' });
    next();
  };
}

export function setFlash(res: Response, kind: FlashKind, message: string): void {
  (res.locals.setFlash as (k: FlashKind, m: string) => void)(kind, message);
}
