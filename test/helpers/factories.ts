import { hashPassword } from '../../src/auth/password.ts';
import type { Role } from '../../src/auth/roles.ts';
import { updateUser } from '../../src/auth/users.repository.ts';
import { createUser, type User } from '../../src/auth/users.service.ts';
import { issueToken, type ApiToken } from '../../src/auth/tokens.service.ts';
import { userPrincipal, type Principal } from '../../src/auth/principal.ts';
import { cliPrincipal, systemPrincipal } from '../../src/auth/principal.ts';
import { readLibraryFiles } from '../../src/controls/library.files.ts';
import { loadLibrary, type LoadReport } from '../../src/controls/library.load.ts';
import { today } from '../../src/dates.ts';
import type { EvidenceKind } from '../../src/evidence/evidence.model.ts';
import { createEvidence, reviewEvidence } from '../../src/evidence/evidence.service.ts';
import type { TestContext } from './context.ts';
import { writeFixture } from './library-fixture.ts';

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

/** The fixture control library (test/helpers/library-fixture.ts) loaded as `attest controls load` would. */
export async function loadFixtureLibrary(ctx: TestContext, overrides: Record<string, string | null> = {}): Promise<LoadReport> {
  return loadLibrary(ctx, cliPrincipal, readLibraryFiles(writeFixture(overrides)), { overwrite: false });
}

type Person = { id: number; email: string; role: Role };

export interface EvidenceOverrides {
  /** Control refs; the fixture library's IAM-01 unless given. */
  controls?: string[];
  title?: string;
  kind?: EvidenceKind;
  description?: string;
  linkUrl?: string;
  /** YYYY-MM-DD; today on the injected clock unless given. */
  collectedAt?: string;
  /** YYYY-MM-DD; the default from the controls' frequency unless given. */
  validUntil?: string;
  shareable?: boolean;
  /** Who logs it; a new GRC user unless given. */
  submitter?: Person;
  /** Left submitted unless a decision is given; a rejection carries `comment`. */
  review?: 'accepted' | 'rejected';
  /** Who reviews it; a second new GRC user unless given (never the submitter: four eyes). */
  reviewer?: Person;
  comment?: string;
}

/**
 * Evidence logged through the evidence service as a GRC user would (a link, no file), and, when
 * asked, accepted or rejected by someone else through the review service.
 */
export async function buildEvidence(ctx: TestContext, overrides: EvidenceOverrides = {}): Promise<{ id: number; submitter: Person; reviewer: Person | null }> {
  const submitter = overrides.submitter ?? (await buildUser(ctx, { role: 'grc' }));
  counter += 1;
  const id = await createEvidence(
    ctx,
    principalFor(submitter),
    {
      title: overrides.title ?? `Evidence ${counter}`,
      kind: overrides.kind ?? 'link',
      description: overrides.description,
      link_url: overrides.linkUrl ?? `https://evidence.example.test/${counter}`,
      collected_at: overrides.collectedAt ?? today(ctx.clock),
      valid_until: overrides.validUntil,
      controls: overrides.controls ?? ['IAM-01'],
      shareable: overrides.shareable,
    },
    [],
  );
  if (!overrides.review) return { id, submitter, reviewer: null };
  const reviewer = overrides.reviewer ?? (await buildUser(ctx, { role: 'grc' }));
  const comment = overrides.comment ?? (overrides.review === 'rejected' ? 'Not what the control asks for.' : undefined);
  await reviewEvidence(ctx, principalFor(reviewer), id, { decision: overrides.review, comment });
  return { id, submitter, reviewer };
}

/** A live API token and its owner: a new user of `role` (viewer unless given) unless `user` is given. */
export async function buildToken(
  ctx: TestContext,
  overrides: { user?: Person; role?: Role; name?: string; expiresInDays?: number | null } = {},
): Promise<{ secret: string; token: ApiToken; user: Person }> {
  const user = overrides.user ?? (await buildUser(ctx, { role: overrides.role ?? 'viewer' }));
  const { secret, token } = await issueToken(ctx, principalFor(user), { name: overrides.name ?? 'test', expires_in_days: overrides.expiresInDays ?? null });
  return { secret, token, user };
}
