import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

// What the HTTP benches share: an Attest server in its own process on a data folder, waited for,
// and a browser-like sign-in (CSRF cookie and token from the login page, then the form).

export async function startServer(dataDir: string, port: number, env: Record<string, string> = {}): Promise<{ base: string; server: ChildProcess }> {
  const server = spawn(process.execPath, [path.resolve('bin/attest.js'), 'serve'], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn', COOKIE_SECURE: 'false', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i += 1) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { base, server };
}

/** Signs in and returns the Cookie header a signed-in browser would send. */
export async function signIn(base: string, email: string, password: string): Promise<string> {
  const login = await fetch(`${base}/login`);
  const csrfCookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const token = /name="_csrf" value="([^"]+)"/.exec(await login.text())![1]!;
  const answer = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookie },
    body: new URLSearchParams({ email, password, _csrf: token }).toString(),
  });
  const session = answer.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .find((c) => c!.startsWith('attest_session='));
  if (!session) throw new Error(`sign-in failed: ${answer.status}`);
  return `${csrfCookie}; ${session}`;
}
