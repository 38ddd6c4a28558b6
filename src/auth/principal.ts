import type { Actor } from '../context.ts';
import type { Role } from './roles.ts';

/** How the caller proved who they are. */
export type AuthMethod = 'session' | 'token' | 'cli' | 'system';

/** An auditor's assignment to one audit, open from `accessFrom` to `accessUntil` (UTC days, inclusive). */
export interface AuditAssignment {
  auditId: number;
  accessFrom: string;
  accessUntil: string;
}

/**
 * Who is asking, as every service sees it: the user, their role, their audit assignments and how
 * the request was authenticated, plus where it came from (for the activity trail). Services pass it
 * to `authorize()` in src/auth/policy.ts before they act, and to the repositories' scoping helpers.
 */
export interface Principal extends Actor {
  role: Role;
  via: AuthMethod;
  assignments: readonly AuditAssignment[];
}

/**
 * The operator at the command line. Whoever runs `attest` can already read and write the database
 * file, so the CLI acts with an administrator's rights; its records say "cli".
 */
export const cliPrincipal: Principal = Object.freeze({ userId: null, label: 'cli', ip: null, userAgent: null, role: 'admin', via: 'cli', assignments: [] });

/** The server itself (first start, scheduled work). */
export const systemPrincipal: Principal = Object.freeze({ userId: null, label: 'system', ip: null, userAgent: null, role: 'admin', via: 'system', assignments: [] });

export function userPrincipal(
  user: { id: number; email: string; role: Role },
  via: AuthMethod,
  origin: { ip: string | null; userAgent: string | null } = { ip: null, userAgent: null },
  assignments: readonly AuditAssignment[] = [],
): Principal {
  return { userId: user.id, label: user.email, role: user.role, via, assignments, ...origin };
}
