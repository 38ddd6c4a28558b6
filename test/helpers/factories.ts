import { hashPassword } from '../../src/auth/password.ts';
import type { Role } from '../../src/auth/roles.ts';
import { updateUser } from '../../src/auth/users.repository.ts';
import { createUser, type User } from '../../src/auth/users.service.ts';
import { systemActor } from '../../src/context.ts';
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
  const { user } = await createUser(ctx, systemActor, { email, name: overrides.name ?? `Test ${role} ${counter}`, role });
  const password = overrides.password ?? DEFAULT_PASSWORD;
  await updateUser(ctx.db, user.id, {
    password_hash: await hashPassword(password),
    must_change_password: overrides.mustChangePassword ? 1 : 0,
  });
  return { ...user, mustChangePassword: overrides.mustChangePassword ?? false, password };
}
