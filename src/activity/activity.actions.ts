/**
 * Every action the activity trail records, in one closed list. A record with an action not named
 * here does not compile; the activity page offers these as its filter.
 */
export const activityActions = [
  'auth.login',
  'auth.login_failed',
  'auth.logout',
  'auth.unlocked',
  'user.created',
  'user.role_changed',
  'user.disabled',
  'user.enabled',
  'user.password_changed',
  'token.issued',
  'token.revoked',
  'framework.created',
  'framework.updated',
  'applicability.loaded',
  'control.created',
  'control.updated',
  'control.retired',
  'control.restored',
  'mapping.added',
  'mapping.updated',
  'mapping.removed',
  'evidence.submitted',
  'evidence.version_submitted',
  'evidence.accepted',
  'evidence.rejected',
  'evidence.shareability_changed',
  'evidence.imported',
  'evidence.file_downloaded',
  'evidence.file_integrity_failed',
  'activity.checkpointed',
] as const;

export type ActivityAction = (typeof activityActions)[number];

export function isActivityAction(value: unknown): value is ActivityAction {
  return typeof value === 'string' && (activityActions as readonly string[]).includes(value);
}
