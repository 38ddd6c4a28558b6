import { hashPassword } from '../../src/auth/password.ts';
import type { Role } from '../../src/auth/roles.ts';
import { updateUser } from '../../src/auth/users.repository.ts';
import { createUser, type User } from '../../src/auth/users.service.ts';
import { issueToken } from '../../src/auth/tokens.service.ts';
import { userPrincipal, type Principal } from '../../src/auth/principal.ts';
import { systemPrincipal } from '../../src/auth/principal.ts';
import type { TestContext } from './context.ts';

export const DEFAULT_PASSWORD = 'correct horse battery staple';

let counter = 0;

/** A ready-to-use user with a known password (no first-login change unless asked). */
export async function buildUser(
  ctx: TestContext,
  overrides: { role?: Role; email?: string; name?: string; password?: string; mustChangePassword?: boolean } = {},
): Promise<User & { password: string }> {
  counter += 1;
  const role = overrides.role ?? 'grc';
  const email = overrides.email ?? `${role}-${counter}-${Math.random().toString(36).slice(2, 7)}@example.test`;
  const { user } = await createUser(ctx, systemPrincipal, { email, name: overrides.name ?? `Test ${role} ${counter}`, role });
  const password = overrides.password ?? DEFAULT_PASSWORD;
  await updateUser(ctx.db, user.id, {
    password_hash: await hashPassword(password),
    must_change_password: overrides.mustChangePassword ? 1 : 0,
  });
  return { ...user, mustChangePassword: overrides.mustChangePassword ?? false, password };
}

/** The principal a signed-in session of this user would have. */
export function principalFor(user: { id: number; email: string; role: Role }): Principal {
  return userPrincipal(user, 'session', { ip: '127.0.0.1', userAgent: 'test' });
}

/** A live API token issued by the user themselves (nobody else may issue one). */
export async function tokenFor(ctx: TestContext, user: { id: number; email: string; role: Role }, name = 'test'): Promise<string> {
  return (await issueToken(ctx, { ...principalFor(user), via: 'session' }, { name, expires_in_days: null })).secret;
}
