import type { AuditAssignment } from '../auth/principal.ts';
import type { User } from '../auth/users.service.ts';

declare global {
  namespace Express {
    interface Request {
      /** The signed-in user (session cookie on pages, Bearer token on the API). */
      user?: User;
      /** The raw session token, for sign-out and CSRF binding. */
      sessionToken?: string;
      /** An auditor's audit assignments, read when they are identified (so removal takes effect at once). */
      assignments?: readonly AuditAssignment[];
    }
  }
}
