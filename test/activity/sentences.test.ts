import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityActions } from '../../src/activity/activity.actions.ts';
import { recordActivity } from '../../src/activity/activity.service.ts';
import { createAudit } from '../../src/audits/audits.service.ts';
import { recordFinding } from '../../src/audits/findings.service.ts';
import { cliPrincipal } from '../../src/auth/principal.ts';
import { createCertification } from '../../src/certifications/certifications.service.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { buildEvidence, buildUser, loadFixtureLibrary, principalFor } from '../helpers/factories.ts';
import { buildApp, signedIn, type Browser } from '../helpers/http.ts';

let ctx: TestContext;
let admin: Browser;
let adminEmail: string;
let omar: Awaited<ReturnType<typeof buildUser>>;
let accepted: number;
let rejected: number;
let auditId: number;
let findingId: number;
let certificationId: number;

const hostile = '<img src=x onerror=alert(1)>';

beforeAll(async () => {
  ctx = await createTestContext({ now: '2026-11-21T10:00:00.000Z' });
  await loadFixtureLibrary(ctx);
  const t = await buildApp(ctx);
  const adminUser = await buildUser(ctx, { role: 'admin', name: 'Ada Admin' });
  adminEmail = adminUser.email;
  omar = await buildUser(ctx, { role: 'grc', name: 'Omar Haddad' });
  const grace = await buildUser(ctx, { role: 'grc', name: 'Grace Hopper' });
  accepted = (await buildEvidence(ctx, { title: `<b>Q3</b> access review ${hostile}`, submitter: grace, reviewer: omar, review: 'accepted' })).id;
  rejected = (
    await buildEvidence(ctx, { title: 'Firewall export', controls: ['CRY-01'], submitter: grace, reviewer: omar, review: 'rejected', comment: `Wrong quarter ${hostile}` })
  ).id;
  auditId = await createAudit(ctx, principalFor(omar), { kind: 'internal', title: 'Internal audit 2026', frameworks: ['alpha'], owner: { id: omar.id } });
  findingId = await recordFinding(ctx, principalFor(omar), auditId, {
    kind: 'minor_nc',
    title: 'Reviews were late',
    description: '',
    requirements: ['alpha:1.2'],
    controls: [],
    owner: { id: omar.id },
    root_cause: '',
    corrective_action: '',
    due_on: '2026-12-31',
  });
  certificationId = await createCertification(ctx, principalFor(omar), {
    framework: 'alpha',
    kind: 'iso_certificate',
    number: 'C-77',
    issuer: 'Cert Body',
    scope: 'Everything',
    valid_from: '2026-01-01',
    valid_until: '2028-12-31',
  });
  // A download of evidence that is not in the database any more (or never was): named by type and id.
  await ctx.db
    .transaction()
    .execute((trx) => recordActivity(ctx, trx, cliPrincipal, { action: 'evidence.file_downloaded', subjectType: 'evidence', subjectId: 987654, details: { name: 'gone.pdf' } }));
  admin = await signedIn(t.app, adminUser);
});
afterAll(() => ctx.cleanup());

const entities: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#x27;': "'", '&#x3D;': '=', '&#x60;': '`', '&amp;': '&' };
const decode = (s: string) => s.replace(/&(?:lt|gt|quot|amp|#x27|#x3D|#x60);/g, (e) => entities[e]!);

/** The table rows of the page: each as its markup and as the words a reader sees. */
function rows(html: string): { html: string; text: string }[] {
  const body = html.slice(html.indexOf('<tbody>'), html.indexOf('</tbody>'));
  return body
    .split('<tr>')
    .slice(1)
    .map((r) => ({
      html: r,
      text: decode(r.replace(/<[^>]+>/g, ''))
        .replace(/\s+/g, ' ')
        .trim(),
    }));
}

function rowSaying(all: { html: string; text: string }[], words: string) {
  const row = all.find((r) => r.text.includes(words));
  expect(row, `a row saying "${words}" in:\n${all.map((r) => r.text).join('\n')}`).toBeDefined();
  return row!;
}

describe('the activity page', () => {
  it('says each record as a sentence, by name, with its subject linked to its page', async () => {
    const res = await admin.get('/admin/activity');
    expect(res.status).toBe(200);
    const all = rows(res.text);

    const accept = rowSaying(all, 'Omar Haddad accepted evidence “<b>Q3</b> access review');
    expect(accept.html).toContain(`<bdi title="${omar.email}">Omar Haddad</bdi>`);
    expect(accept.html).toContain(
      `<a href="/evidence/${accepted}"><bdi>evidence “&lt;b&gt;Q3&lt;/b&gt; access review &lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;”</bdi></a> for IAM-01`,
    );

    const reject = rowSaying(all, 'Omar Haddad rejected evidence “Firewall export” for CRY-01');
    expect(reject.html).toContain(`<a href="/evidence/${rejected}">`);

    const finding = rowSaying(all, 'Omar Haddad recorded finding');
    expect(finding.text).toContain('“Reviews were late”');
    expect(finding.html).toContain(`<a href="/audits/${auditId}/findings/${findingId}">`);

    const audit = rowSaying(all, 'Omar Haddad planned the audit “Internal audit 2026”');
    expect(audit.html).toContain(`<a href="/audits/${auditId}">`);

    const control = rowSaying(all, 'Command line added control IAM-01 “Access control policy”');
    expect(control.html).toContain('<a href="/controls/IAM-01">');

    const certification = rowSaying(all, 'Omar Haddad recorded the Alpha Standard certificate C-77');
    expect(certification.html).toContain(`<a href="/certifications/${certificationId}">`);

    rowSaying(all, 'Command line added the framework Alpha Standard');
    rowSaying(all, 'Attest added the user Omar Haddad');
    expect(all.some((r) => r.html.includes(`<a href="/admin/users/${omar.id}" title="${omar.email}"><bdi>Omar Haddad</bdi></a>`))).toBe(true);
    expect(rowSaying(all, 'Ada Admin signed in').html).toContain(`title="${adminEmail}"`);

    // No raw action codes or JSON in the sentences.
    expect(res.text).not.toContain('<code>evidence.accepted</code>');
    for (const r of all) expect(activityActions.filter((a) => r.text.split('Details')[0]!.includes(a))).toEqual([]);
  });

  it('names a subject that is gone by its type and id, without a link', async () => {
    const all = rows((await admin.get('/admin/activity')).text);
    const gone = rowSaying(all, 'Command line downloaded gone.pdf from evidence #987654');
    expect(gone.html).not.toContain('href="/evidence/987654"');
  });

  it('keeps the recorded details folded under the sentence, as names and escaped values', async () => {
    const all = rows((await admin.get('/admin/activity')).text);
    const reject = rowSaying(all, 'Omar Haddad rejected evidence “Firewall export”');
    expect(reject.html).toContain('<details class="activity-details">');
    expect(reject.html).toContain('<summary>Details</summary>');
    expect(reject.html).toContain('<dt>Comment</dt><dd class="wrap-anywhere"><bdi>Wrong quarter &lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;</bdi></dd>');
    expect(reject.html).not.toContain(hostile);
    // A list of plain values reads as a list, not as JSON.
    const submitted = rowSaying(all, 'Grace Hopper submitted evidence “Firewall export”');
    expect(submitted.html).toContain('<dt>Controls</dt><dd class="wrap-anywhere"><bdi>CRY-01</bdi></dd>');
  });

  it('offers the actions in the filter by their labels, filtering on the same codes', async () => {
    const page = await admin.get('/admin/activity');
    expect(page.text).toContain('<option value="evidence.accepted">Evidence accepted</option>');
    expect(page.text).not.toMatch(/<option value="[^"]+">[a-z_]+\.[a-z_]+<\/option>/);
    const filtered = await admin.get('/admin/activity?action=evidence.accepted');
    expect(filtered.text).toContain('<option value="evidence.accepted" selected>Evidence accepted</option>');
    const all = rows(filtered.text);
    expect(all).toHaveLength(1);
    expect(all[0]!.text).toContain('accepted evidence');
  });
});
