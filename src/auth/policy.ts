import { AppError } from '../http/errors.ts';
import type { Role } from './roles.ts';

/**
 * Every permission question in Attest is answered here, from the role table of DESIGN.md.
 * Routes name an action; services call `authorize` before changing anything.
 */
export const permissions = {
  /** Signed-in pages every role has: dashboard, own account. */
  'app.use': ['admin', 'grc', 'auditor', 'customer_compliance', 'viewer'],
  'users.manage': ['admin'],
  'activity.read': ['admin', 'grc'],
  /** Frameworks, controls, coverage. Auditors get these only within an audit's scope (later). */
  'catalog.read': ['admin', 'grc', 'customer_compliance', 'viewer'],
  'controls.edit': ['admin', 'grc'],
  'evidence.read': ['admin', 'grc'],
  'evidence.log': ['admin', 'grc'],
  'evidence.review': ['admin', 'grc'],
  'evidence.files.read': ['admin', 'grc'],
  'questionnaires.use': ['admin', 'grc', 'customer_compliance'],
} as const satisfies Record<string, readonly Role[]>;

export type Action = keyof typeof permissions;

export const actions = Object.keys(permissions) as Action[];

export function can(role: Role, action: Action): boolean {
  return (permissions[action] as readonly Role[]).includes(role);
}

export function authorize(role: Role, action: Action): void {
  if (!can(role, action)) throw AppError.forbidden();
}
