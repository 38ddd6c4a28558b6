import type { User } from '../auth/users.service.ts';

declare global {
  namespace Express {
    interface Request {
      /** The signed-in user (session cookie on pages, Bearer token on the API). */
      user?: User;
      /** The raw session token, for sign-out and CSRF binding. */
      sessionToken?: string;
    }
  }
}
