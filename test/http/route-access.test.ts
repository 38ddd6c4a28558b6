import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { permissions } from '../../src/auth/policy.ts';
import { roles, type Role } from '../../src/auth/roles.ts';
import { issueToken } from '../../src/auth/tokens.service.ts';
import type { RouteInfo } from '../../src/http/routes.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { assignAuditor } from '../../src/audits/assignments.service.ts';
import { createAudit } from '../../src/audits/audits.service.ts';
import { buildUser, loadFixtureLibrary, principalFor, tokenFor } from '../helpers/factories.ts';
import { Browser, buildApp, signedIn, type TestApp } from '../helpers/http.ts';

/**
 * The role table of DESIGN.md, written out here independently of src/auth/policy.ts, so that a
 * change to the policy that breaks the table fails this test.
 */
const roleTable: Record<string, Role[] | 'public'> = {
  public: 'public',
  'app.use': ['admin', 'grc', 'auditor', 'customer_compliance', 'viewer'],
  'users.manage': ['admin'],
  'activity.read': ['admin', 'grc'],
  'catalog.read': ['admin', 'grc', 'customer_compliance', 'viewer'],
  'controls.edit': ['admin', 'grc'],
  'evidence.read': ['admin', 'grc', 'customer_compliance'],
  'evidence.log': ['admin', 'grc'],
  'evidence.review': ['admin', 'grc'],
  'evidence.share': ['admin', 'grc'],
  'evidence.files.read': ['admin', 'grc', 'customer_compliance'],
  'questionnaires.use': ['admin', 'grc', 'customer_compliance'],
  'certifications.read': ['admin', 'grc', 'customer_compliance', 'viewer'],
  'certifications.edit': ['admin', 'grc'],
  'audits.read': ['admin', 'grc', 'viewer'],
  'audits.edit': ['admin', 'grc'],
  'audits.participate': ['admin', 'grc'],
  'demand.read': ['admin', 'grc', 'customer_compliance', 'viewer'],
  'demand.record': ['admin', 'grc', 'customer_compliance'],
  'reminders.send': ['admin'],
  'portal.use': ['auditor'],
  'reports.generate': ['admin', 'grc', 'auditor', 'customer_compliance'],
  'reports.read': ['admin', 'grc', 'auditor', 'customer_compliance'],
};

let ctx: TestContext;
let t: TestApp;
const browsers = new Map<Role, Browser>();
const tokens = new Map<Role, string>();
const users = new Map<Role, Awaited<ReturnType<typeof buildUser>>>();
let target: Awaited<ReturnType<typeof buildUser>>;
let targetTokenId: number;
let portalAuditId: number;
const ownTokenIds = new Map<Role, number>();

beforeAll(async () => {
  ctx = await createTestContext({ env: { LOGIN_MAX_PER_IP: '10000', LOGIN_MAX_PER_ACCOUNT: '10000' } });
  t = await buildApp(ctx);
  for (const role of roles) {
    const user = await buildUser(ctx, { role });
    users.set(role, user);
    browsers.set(role, await signedIn(t.app, user));
    tokens.set(role, await tokenFor(ctx, user, 'walk'));
    // A token of each role's own, for the routes where one manages one's own tokens.
    ownTokenIds.set(role, (await issueToken(ctx, principalFor(user), { name: 'own', expires_in_days: null })).token.id);
  }
  target = await buildUser(ctx, { role: 'viewer' });
  // The walk's auditor is assigned to one audit, open today: portal routes are decided per audit.
  await loadFixtureLibrary(ctx);
  const grc = principalFor(users.get('grc')!);
  portalAuditId = await createAudit(ctx, grc, { kind: 'internal', title: 'Walked audit', frameworks: ['alpha'], owner: { id: users.get('grc')!.id } });
  await assignAuditor(ctx, grc, portalAuditId, { user: { id: users.get('auditor')!.id }, access_from: '2026-01-01', access_until: '2027-12-31' });
  targetTokenId = (await issueToken(ctx, principalFor(target), { name: 'target', expires_in_days: null })).token.id;
});
afterAll(() => ctx.cleanup());

function concrete(path: string, role: Role | null): string {
  const tokenId = path.startsWith('/account/') && role ? ownTokenIds.get(role)! : targetTokenId;
  const auditId = /^\/(api\/v1\/)?portal\/audits\/:id/.test(path) ? portalAuditId : target.id;
  return path
    .replace(':tokenId', String(tokenId))
    .replace(/^(\/(api\/v1\/)?portal\/audits\/):id\b/, `$1${auditId}`)
    .replace(/:id\b/g, String(target.id))
    .replace(/:[a-zA-Z]+/g, '1');
}

async function call(route: RouteInfo, role: Role | null): Promise<supertest.Response> {
  const path = concrete(route.path, role);
  if (route.api) {
    const req = route.method === 'GET' ? supertest(t.app).get(path) : supertest(t.app).post(path).send({});
    return role ? req.set('Authorization', `Bearer ${tokens.get(role)}`) : req;
  }
  // Signing out would end the shared session, so it gets a browser of its own.
  const browser = role === null ? new Browser(t.app) : route.path === '/logout' ? await signedIn(t.app, users.get(role)!) : browsers.get(role)!;
  return route.method === 'GET' ? browser.get(path) : browser.post(path, {});
}

describe('every route with every role', () => {
  it('the test’s role table names exactly the policy’s actions', () => {
    expect(
      Object.keys(roleTable)
        .filter((k) => k !== 'public')
        .sort(),
    ).toEqual(Object.keys(permissions).sort());
  });

  it('registers routes for the walk to cover', () => {
    expect(t.routes.length).toBeGreaterThan(10);
  });

  it('answers allowed, 403, or the login redirect exactly as the role table says', async () => {
    const mismatches: string[] = [];
    for (const route of t.routes) {
      const allowed = roleTable[route.access];
      if (!allowed) {
        mismatches.push(`${route.method} ${route.path}: access ${route.access} not in the role table`);
        continue;
      }
      for (const role of [null, ...roles] as (Role | null)[]) {
        const res = await call(route, role);
        const label = `${route.method} ${route.path} as ${role ?? 'anonymous'}`;
        // Signing out ends at the login page by design; everywhere else that page means "not signed in".
        const isLoginRedirect = res.status === 303 && String(res.headers.location).startsWith('/login') && !(role && route.path === '/logout');
        if (allowed === 'public') {
          if ([401, 403].includes(res.status) || isLoginRedirect) mismatches.push(`${label}: public route answered ${res.status}`);
        } else if (role === null) {
          const ok = route.api ? res.status === 401 : isLoginRedirect;
          if (!ok) mismatches.push(`${label}: expected ${route.api ? '401' : 'redirect to /login'}, got ${res.status}`);
        } else if (allowed.includes(role)) {
          if ([401, 403].includes(res.status) || isLoginRedirect || res.status >= 500) mismatches.push(`${label}: expected allowed, got ${res.status}`);
        } else if (res.status !== 403) {
          mismatches.push(`${label}: expected 403, got ${res.status}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
    // Every route with six callers: minutes on a loaded two-core machine, not seconds.
  }, 600_000);
});
