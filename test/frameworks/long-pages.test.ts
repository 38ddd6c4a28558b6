import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { buildEvidence, buildUser, loadFixtureLibrary } from '../helpers/factories.ts';
import { buildApp, signedIn, type Browser } from '../helpers/http.ts';

// Pages that grew with the catalog stay short: the crosswalk is paged, a requirement folds and caps
// what its controls also satisfy, the freshness page opens on one row per owner; and the framework
// tree shows the coverage page's status for each requirement on the chosen day.

const HOSTILE_OWNER = 'R&D <Lead> "ops" مدير الامتثال';
const refs = (prefix: string) => Array.from({ length: 12 }, (_, i) => `${prefix}${String(i + 1).padStart(2, '0')}`);
const framework = (slug: string, name: string, prefix: string) =>
  JSON.stringify({
    slug,
    name,
    edition: '2026',
    publisher: 'Test Body',
    source: 'Test data; summaries are paraphrases.',
    requirements: refs(prefix).map((ref) => ({ ref, name: `Requirement ${ref}`, summary: `Do ${ref}.`, assessable: true })),
  });
const subsets = (list: string[]) => Object.fromEntries(list.map((r) => [r, 'subset']));
// BLK-01 maps to every gamma and every delta requirement: 144 crosswalk pairs. BLK-02…BLK-31 map
// to G01 only and never get evidence: 30 controls out of evidence on the freshness page.
const bulk = JSON.stringify({
  domain: 'bulk',
  name: 'Bulk',
  controls: [
    {
      ref: 'BLK-01',
      title: 'Everything control',
      description: 'Maps everywhere.',
      frequency: 'annual',
      owner: 'Head of Bulk',
      evidence: ['Export'],
      mappings: { gamma: subsets(refs('G')), delta: subsets(refs('D')) },
    },
    ...Array.from({ length: 30 }, (_, i) => ({
      ref: `BLK-${String(i + 2).padStart(2, '0')}`,
      // Words of their own: the library check would take controls worded alike for duplicates.
      title: `Routine${i + 2}a`,
      description: `Practice${i + 2}b checks${i + 2}c.`,
      frequency: 'annual',
      owner: i === 0 ? HOSTILE_OWNER : 'Head of Bulk',
      evidence: ['Export'],
      mappings: { gamma: { G01: 'intersect' } },
    })),
  ],
});

let ctx: TestContext;
let grc: Browser;
let viewer: Browser;

beforeAll(async () => {
  ctx = await createTestContext({ now: '2026-11-21T10:00:00.000Z' });
  await loadFixtureLibrary(ctx, {
    'frameworks/gamma.yaml': framework('gamma', 'Gamma Standard', 'G'),
    'frameworks/delta.yaml': framework('delta', 'Delta Criteria', 'D'),
    'library/bulk.yaml': bulk,
  });
  const submitter = await buildUser(ctx, { role: 'grc' });
  const reviewer = await buildUser(ctx, { role: 'grc' });
  const accepted = (controls: string[], collectedAt: string, validUntil: string) =>
    buildEvidence(ctx, { controls, collectedAt, validUntil, submitter, reviewer, review: 'accepted' });
  await accepted(['IAM-01'], '2025-12-01', '2026-12-01');
  await accepted(['CRY-02'], '2026-11-01', '2027-10-31');
  await accepted(['BLK-01'], '2026-01-01', '2026-12-31');
  const { app } = await buildApp(ctx);
  grc = await signedIn(app, await buildUser(ctx, { role: 'grc' }));
  viewer = await signedIn(app, await buildUser(ctx, { role: 'viewer' }));
});
afterAll(() => ctx.cleanup());

/** What the browser reads from an attribute or text: HTML entities decoded. */
const decode = (html: string) =>
  html
    .replace(/&#x3D;/g, '=')
    .replace(/&#x27;/g, "'")
    .replace(/&#x60;/g, '`')
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
const rowsOf = (html: string) =>
  [...html.matchAll(/<tr>\s*<td><a href="\/frameworks\/gamma\/requirements\/(G\d+)"[^>]*>[^<]*<\/a>[^<]*<\/td>\s*<td><a href="\/frameworks\/delta\/requirements\/(D\d+)"/g)].map(
    (m) => `${m[1]}-${m[2]}`,
  );
const hrefOf = (html: string, rel: 'next' | 'prev') => decode(new RegExp(`<a href="([^"]+)" rel="${rel}">`).exec(html)?.[1] ?? '');

describe('crosswalk pages', () => {
  it('shows 50 pairs a page; page 2 starts at pair 51 and its links keep both frameworks; the CSV stays whole', async () => {
    const first = await viewer.get('/crosswalk?from=gamma&to=delta');
    expect(first.status).toBe(200);
    expect(first.text).toContain('<strong>144</strong> requirement pairs');
    expect(rowsOf(first.text)).toHaveLength(50);
    expect(rowsOf(first.text)[0]).toBe('G01-D01');
    expect(first.text).toContain('1–50 of 144');
    expect(hrefOf(first.text, 'next')).toBe('?from=gamma&to=delta&page=2');

    const second = await viewer.get(`/crosswalk${hrefOf(first.text, 'next')}`);
    expect(second.status).toBe(200);
    const rows = rowsOf(second.text);
    // Pair 51 in catalog order: the 12 delta requirements for each of G01…G04 come first.
    expect(rows).toHaveLength(50);
    expect(rows[0]).toBe('G05-D03');
    expect(rows).not.toContain('G01-D01');
    expect(second.text).toContain('51–100 of 144');
    expect(second.text).toContain('Page 2 of 3');
    expect(hrefOf(second.text, 'prev')).toBe('?from=gamma&to=delta&page=1');
    expect(hrefOf(second.text, 'next')).toBe('?from=gamma&to=delta&page=3');

    const last = await viewer.get('/crosswalk?from=gamma&to=delta&page=3');
    expect(rowsOf(last.text)).toHaveLength(44);
    expect(last.text).not.toContain('rel="next"');

    const csv = await viewer.get('/crosswalk?from=gamma&to=delta&format=csv&page=2');
    expect(csv.text.trim().split('\r\n')).toHaveLength(145);
  });

  it('a page number that is not one shows page 1; one past the end shows the last page', async () => {
    for (const page of ['abc', '0', '-3', '2.5', '']) {
      const res = await viewer.get(`/crosswalk?from=gamma&to=delta&page=${page}`);
      expect(res.status, page).toBe(200);
      expect(res.text, page).toContain('1–50 of 144');
      expect(rowsOf(res.text)[0], page).toBe('G01-D01');
    }
    const beyond = await viewer.get('/crosswalk?from=gamma&to=delta&page=99');
    expect(beyond.text).toContain('101–144 of 144');
    expect(rowsOf(beyond.text)).toHaveLength(44);
  });
});

describe('requirement page', () => {
  it('lists each control once, with the other requirements it satisfies folded and capped at 10', async () => {
    const res = await viewer.get('/frameworks/gamma/requirements/G01');
    expect(res.status).toBe(200);
    // 31 controls map to G01; BLK-01 also satisfies 11 gamma and 12 delta requirements.
    expect(res.text.match(/<a class="req-ref" href="\/controls\/BLK-\d+">/g)).toHaveLength(31);
    expect(res.text).toContain('23 other requirements');
    const links = res.text.match(/href="\/frameworks\/(gamma|delta)\/requirements\/[GD]\d+"/g) ?? [];
    expect(links).toHaveLength(10);
    expect(res.text).toContain('<a href="/controls/BLK-01#mappings">See all 23 on the page of BLK-01</a> (13 more not listed here)');
    expect(res.text).not.toMatch(/<details[^>]*\bopen\b/);
  });
});

/** Each requirement's status as a page shows it: the tree's badge next to its name, or the coverage table's status cell. */
function treeStatuses(html: string): Record<string, string> {
  const found = html.matchAll(/href="\/frameworks\/alpha\/requirements\/([^"]+)">[^<]*<\/a>\s*<span class="req-name">[^<]*<\/span>\s*<span class="status status-(\w+)">/g);
  return Object.fromEntries([...found].map((m) => [m[1]!, m[2]!]));
}
function coverageStatuses(html: string): Record<string, string> {
  const found = html.matchAll(/<tr>\s*<td class="req-cell"><a class="req-ref" href="\/frameworks\/alpha\/requirements\/([^"]+)">[\s\S]*?<span class="status status-(\w+)">/g);
  return Object.fromEntries([...found].map((m) => [m[1]!, m[2]!]));
}

describe('framework tree', () => {
  it('shows each requirement’s coverage status, matching the coverage page for the same day', async () => {
    for (const asOf of ['2026-11-21', '2025-06-01']) {
      const tree = await viewer.get(`/frameworks/alpha?as_of=${asOf}`);
      expect(tree.status).toBe(200);
      expect(tree.text).toContain(`value="${asOf}"`);
      const coverage = await viewer.get(`/coverage/alpha?as_of=${asOf}`);
      expect(Object.keys(coverageStatuses(coverage.text))).toEqual(['1.1', '1.2', '1.3']);
      expect(treeStatuses(tree.text)).toEqual(coverageStatuses(coverage.text));
    }
    expect(treeStatuses((await viewer.get('/frameworks/alpha?as_of=2026-11-21')).text)).toEqual({ '1.1': 'met', '1.2': 'partial', '1.3': 'not_applicable' });
    expect(treeStatuses((await viewer.get('/frameworks/alpha?as_of=2025-06-01')).text)).toEqual({ '1.1': 'gap', '1.2': 'gap', '1.3': 'not_applicable' });
    // The same words as the coverage page: N/A for a requirement excluded from scope.
    expect((await viewer.get('/frameworks/alpha')).text).toMatch(/Card terminals<\/span>\s*<span class="status status-not_applicable">N\/A<\/span>/);
  });

  it('defaults to today, and refuses a day that is not one as the coverage page does', async () => {
    const today = await viewer.get('/frameworks/alpha');
    expect(today.text).toContain('value="2026-11-21"');
    expect(treeStatuses(today.text)).toEqual(treeStatuses((await viewer.get('/frameworks/alpha?as_of=2026-11-21')).text));
    for (const bad of ['2026-02-30', 'yesterday']) {
      const res = await viewer.get(`/frameworks/alpha?as_of=${bad}`);
      expect(res.status, bad).toBe(422);
      expect(res.text).toContain('Use a date like 2026-01-31.');
      expect(res.text).toContain('aria-invalid="true"');
      expect(treeStatuses(res.text)).toEqual({});
      expect((await viewer.get(`/coverage/alpha?as_of=${bad}`)).status).toBe(422);
    }
  });
});

/** The controls and evidence items a freshness page lists, one list item each. */
const listed = (html: string) => [...html.matchAll(/<li><a href="(\/(?:controls|evidence)\/[^"]+)">/g)].map((m) => m[1]);

describe('freshness page', () => {
  it('opens on one row per owner with counts, not on every control', async () => {
    const res = await grc.get('/evidence/freshness');
    expect(res.status).toBe(200);
    // 32 controls are out of evidence, yet no control is listed: only owners and their counts.
    expect(res.text).not.toMatch(/href="\/controls\/BLK-/);
    expect(listed(res.text)).toHaveLength(0);
    const owners = [...res.text.matchAll(/<th scope="row" class="wrap-anywhere"><a href="([^"]+)">([^<]+)<\/a><\/th>/g)].map((m) => decode(m[2]!));
    expect(new Set(owners)).toEqual(new Set(['Head of Bulk', HOSTILE_OWNER, 'CISO', 'Head of Platform']));
    // The owner with the most controls out of evidence comes first.
    expect(owners[0]).toBe('Head of Bulk');
    expect(res.text).toMatch(/Head of Bulk<\/a><\/th>\s*<td class="num"><span class="muted">0<\/span><\/td>\s*<td class="num"><span class="text-danger">29<\/span>/);
  });

  it('lists one owner’s controls with the next step for each, reached from the summary even for an owner named with hostile text', async () => {
    const summary = await grc.get('/evidence/freshness');
    const href = decode(/<a href="([^"]+)">R&amp;D &lt;Lead&gt;/.exec(summary.text)?.[1] ?? '');
    expect(href).toMatch(/^\/evidence\/freshness\?owner=R%26D\+%3CLead%3E/);
    const hostile = await grc.get(href);
    expect(hostile.status).toBe(200);
    expect(hostile.text).toContain('R&amp;D &lt;Lead&gt; &quot;ops&quot; مدير الامتثال');
    expect(hostile.text).not.toContain('<Lead>');
    expect(listed(hostile.text)).toEqual(['/controls/BLK-02']);
    expect(hostile.text).toContain('href="/evidence/new?control=BLK-02">Log evidence</a>');

    const bulkOwner = await grc.get('/evidence/freshness?owner=Head+of+Bulk');
    expect(bulkOwner.text).toContain('No accepted evidence yet (29)');
    expect(listed(bulkOwner.text)).toHaveLength(29);
    expect(bulkOwner.text).not.toContain('BLK-02');

    const nobody = await grc.get('/evidence/freshness?owner=Nobody');
    expect(nobody.status).toBe(200);
    expect(nobody.text).toContain('No control owned by “Nobody” has evidence expiring or run out.');
  });
});
