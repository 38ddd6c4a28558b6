import { cliPrincipal } from '../../src/auth/principal.ts';
import { readLibraryFiles } from '../../src/controls/library.files.ts';
import { loadLibrary } from '../../src/controls/library.load.ts';
import type { TestContext } from '../helpers/context.ts';
import type { Browser } from '../helpers/http.ts';

/** The shipped library (real framework slugs, for the lifecycle templates); takes a few seconds. */
export async function loadShippedLibrary(ctx: TestContext): Promise<void> {
  await loadLibrary(ctx, cliPrincipal, readLibraryFiles(), { overwrite: false });
}

export const isoForm = (overrides: Record<string, string> = {}): Record<string, string> => ({
  framework: 'iso27001-2022',
  kind: 'iso_certificate',
  number: 'IS 712345',
  issuer: 'BSI Group',
  scope: 'Cloud hosting platform and its operations, Frankfurt and Dublin.',
  issued_on: '2026-01-10',
  valid_from: '2026-01-15',
  valid_until: '2029-01-14',
  owner_id: '',
  document_evidence_id: '',
  ...overrides,
});

/** Records a certification through the form; returns its id (throws unless the form redirects to it). */
export async function recordCertification(browser: Browser, fields: Record<string, string>): Promise<number> {
  const res = await browser.post('/certifications', fields);
  const id = Number(/^\/certifications\/(\d+)$/.exec(res.headers.location ?? '')?.[1]);
  if (res.status !== 303 || !id) throw new Error(`recording failed: ${res.status} ${res.text.slice(0, 300)}`);
  return id;
}

export async function count(ctx: TestContext, table: 'certifications' | 'programme_events' | 'certification_requests' | 'activity'): Promise<number> {
  const row = await ctx.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function activityOf(ctx: TestContext, subjectType: string, subjectId: number) {
  const rows = await ctx.db.selectFrom('activity').selectAll().where('subject_type', '=', subjectType).where('subject_id', '=', String(subjectId)).orderBy('id').execute();
  return rows.map((r) => ({ action: r.action, actor: r.actor_label, details: JSON.parse(r.details) as Record<string, unknown> }));
}
