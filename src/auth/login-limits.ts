import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { Config } from '../config.ts';

/**
 * Failed sign-ins are limited per account (to stop guessing one password from many places) and
 * per IP (to stop one place trying many accounts). Successful sign-ins do not count.
 */
export function loginLimiters(config: Config, onLimited: RequestHandler): RequestHandler[] {
  const windowMs = config.login.windowMinutes * 60_000;
  const common = { windowMs, skipSuccessfulRequests: true, standardHeaders: 'draft-7' as const, legacyHeaders: false, handler: onLimited };
  const perIp = rateLimit({ ...common, limit: config.login.maxPerIp, keyGenerator: (req: Request) => `ip:${ipKeyGenerator(req.ip ?? '')}` });
  const perAccount = rateLimit({
    ...common,
    limit: config.login.maxPerAccount,
    keyGenerator: (req: Request) => {
      const email: unknown = (req.body as Record<string, unknown> | undefined)?.email;
      return `account:${typeof email === 'string' ? email.trim().toLowerCase().slice(0, 254) : ''}`;
    },
  });
  return [perIp, perAccount];
}
