import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.ts';
import type { Browser } from './http.ts';
import { csrfFrom } from './http.ts';

/** Submits the evidence form as a browser would: multipart, with the CSRF token in the action URL. */
export async function postEvidenceForm(browser: Browser, path: string, fields: Record<string, string>, files: { name: string; content: Buffer | string }[] = []) {
  const page = await browser.get('/evidence/new');
  const token = /action="[^"?]*\?_csrf=([^"]+)"/.exec(page.text)?.[1] ?? csrfFrom(page.text);
  let req = browser.agent.post(`${path}?_csrf=${token}`);
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  for (const f of files) req = req.attach('files', Buffer.from(f.content), f.name);
  return req;
}

/** How many evidence items the database holds. */
export async function evidenceCount(ctx: { db: Kysely<DB> }): Promise<number> {
  const row = await ctx.db
    .selectFrom('evidence')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
