import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit, type RateLimitRequestHandler } from 'express-rate-limit';
import type { Config } from '../config.ts';

const accountKey = (email: string) => `account:${email.trim().toLowerCase().slice(0, 254)}`;

/**
 * Failed sign-ins are limited per account (to stop guessing one password from many places) and
 * per IP (to stop one place trying many accounts). Successful sign-ins do not count. One instance
 * per app, so the admin pages can see and lift an account's lock.
 */
export class LoginLimits {
  private readonly perIp: RateLimitRequestHandler;
  private readonly perAccount: RateLimitRequestHandler;
  private onLimited: RequestHandler = (_req, res) => {
    res.status(429).send('Too many failed sign-in attempts.');
  };

  constructor(private readonly config: Config) {
    const windowMs = config.login.windowMinutes * 60_000;
    const common = {
      windowMs,
      skipSuccessfulRequests: true,
      standardHeaders: 'draft-7' as const,
      legacyHeaders: false,
      handler: ((req, res, next) => this.onLimited(req, res, next)) as RequestHandler,
    };
    this.perIp = rateLimit({ ...common, limit: config.login.maxPerIp, keyGenerator: (req: Request) => `ip:${ipKeyGenerator(req.ip ?? '')}` });
    this.perAccount = rateLimit({
      ...common,
      limit: config.login.maxPerAccount,
      keyGenerator: (req: Request) => {
        const email: unknown = (req.body as Record<string, unknown> | undefined)?.email;
        return accountKey(typeof email === 'string' ? email : '');
      },
    });
  }

  /** The middlewares for the sign-in route; `onLimited` answers a refused attempt. */
  middlewares(onLimited: RequestHandler): RequestHandler[] {
    this.onLimited = onLimited;
    return [this.perIp, this.perAccount];
  }

  /** Whether an account is locked out now, and by how many failures. */
  async status(email: string): Promise<{ locked: boolean; failures: number }> {
    const info = await this.perAccount.getKey(accountKey(email));
    const failures = info?.totalHits ?? 0;
    return { locked: failures >= this.config.login.maxPerAccount, failures };
  }

  /** Lifts an account's lock (an administrator's decision, recorded by the caller). */
  async unlock(email: string): Promise<void> {
    await this.perAccount.resetKey(accountKey(email));
  }
}
