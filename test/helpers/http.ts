import type { Express } from 'express';
import supertest from 'supertest';
import { createApp } from '../../src/app.ts';
import type { RouteInfo } from '../../src/http/routes.ts';
import type { TestContext } from './context.ts';

export interface TestApp {
  app: Express;
  routes: RouteInfo[];
}

export async function buildApp(ctx: TestContext): Promise<TestApp> {
  return createApp(ctx);
}

/** The CSRF token a page's forms carry. */
export function csrfFrom(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('No CSRF token in page');
  return match[1];
}

/** A browser-like client: keeps cookies, and posts forms with the page's CSRF token. */
export class Browser {
  readonly agent: ReturnType<typeof supertest.agent>;

  constructor(app: Express) {
    this.agent = supertest.agent(app);
  }

  get(path: string) {
    return this.agent.get(path);
  }

  /** A CSRF token for this browser's current session, read from a page's form. */
  async csrfToken(): Promise<string> {
    const login = await this.agent.get('/login');
    if (login.status === 200) return csrfFrom(login.text);
    const account = await this.agent.get('/account/password');
    return csrfFrom(account.text);
  }

  /** Submits form fields to `path` as the browser would, with a valid CSRF token. */
  async post(path: string, fields: Record<string, string> = {}) {
    // Fetch the token first: the agent attaches cookies when a request is created.
    const token = await this.csrfToken();
    return this.agent
      .post(path)
      .type('form')
      .send({ ...fields, _csrf: token });
  }

  async signIn(email: string, password: string) {
    const res = await this.post('/login', { email, password });
    if (res.status !== 303) throw new Error(`sign-in failed for ${email}: ${res.status}`);
    return res;
  }
}

export async function signedIn(app: Express, user: { email: string; password: string }): Promise<Browser> {
  const browser = new Browser(app);
  await browser.signIn(user.email, user.password);
  return browser;
}
