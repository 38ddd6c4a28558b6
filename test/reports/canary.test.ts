import { execFileSync } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAudit } from '../../src/audits/audits.service.ts';
import { recordFinding } from '../../src/audits/findings.service.ts';
import { createCertification } from '../../src/certifications/certifications.service.ts';
import { planReadiness } from '../../src/reports/readiness.ts';
import { planSoa } from '../../src/reports/soa.ts';
import { planSummary } from '../../src/reports/summary.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { buildEvidence, buildUser, principalFor } from '../helpers/factories.ts';
import { issue, loadIsoFixture, pdfText, qpdfCheck, squash } from './documents-helpers.ts';

// Canary: user content that tries to load something (an image, a script, CSS url() and @import, a
// stylesheet link, an iframe, an object) goes into every document report, pointing at a server
// this test runs. The reports must print it as text and the server must never hear from them.
// Long unbroken words must wrap inside the page, and right-to-left text must survive.

const hits: string[] = [];
const server = http.createServer((req, res) => {
  hits.push(req.url ?? '');
  res.end('canary');
});
let base = '';
const url = (name: string) => `${base}/${name}`;

const longWord = 'Pneumonoultramicroscopicsilicovolcanoconiosis'.repeat(5).slice(0, 200);
const rtl = 'שלום עולם مرحبا بالعالم';
let canaries: Record<string, string>;

let ctx: TestContext;
let grc: Awaited<ReturnType<typeof buildUser>>;
const pdfs: Record<string, string> = {};

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  canaries = {
    controlTitle: `Access <img src="${url('control-img')}"> policy`,
    requirementName: `Crypto <script>fetch("${url('script')}")</script>`,
    justification: `Excluded <div style="background:url(${url('css-url')})">css</div> ${longWord}`,
    alphaName: `Alpha <img src="${url('header-img')}">`,
    evidenceTitle: `<link rel="stylesheet" href="${url('link')}"> ${rtl}`,
    findingTitle: `<iframe src="${url('iframe')}"></iframe>`,
    certScope: `<object data="${url('object')}"></object><style>@import url(${url('import')});</style> ${longWord}`,
    certIssuer: `<img srcset="${url('srcset')} 2x">`,
  };
  ctx = await createTestContext({ now: '2026-11-21T10:00:00.000Z' });
  await loadIsoFixture(ctx, {
    controlTitle: canaries.controlTitle,
    requirementName: canaries.requirementName,
    justification: canaries.justification,
    alphaName: canaries.alphaName,
  });
  grc = await buildUser(ctx, { role: 'grc' });
  const people = { submitter: grc, reviewer: await buildUser(ctx, { role: 'grc' }), review: 'accepted' as const, collectedAt: '2026-11-01', validUntil: '2027-10-31' };
  await buildEvidence(ctx, { ...people, controls: ['IAM-01'], title: canaries.evidenceTitle! });
  await buildEvidence(ctx, { ...people, controls: ['CRY-01'], title: longWord });
  const p = principalFor(grc);
  const audit = await createAudit(ctx, p, { kind: 'internal', title: 'Canary audit', frameworks: ['alpha'], owner: { id: grc.id } });
  await recordFinding(ctx, p, audit, {
    kind: 'minor_nc',
    title: canaries.findingTitle!,
    description: '',
    requirements: ['alpha:1.2'],
    controls: [],
    owner: { id: grc.id },
    root_cause: '',
    corrective_action: '',
    due_on: '2026-12-31',
  });
  await createCertification(ctx, p, {
    framework: 'iso27001-2022',
    kind: 'iso_certificate',
    number: 'C-1',
    issuer: canaries.certIssuer!,
    scope: canaries.certScope!,
    valid_from: '2026-01-01',
    valid_until: '2028-12-31',
  });
  // The server answers: a request from a report would be counted.
  await fetch(url('self-check'));
  expect(hits).toEqual(['/self-check']);
  hits.length = 0;

  pdfs.soa = (await issue(ctx, p, await planSoa(ctx, p, { framework: 'iso27001-2022', format: 'pdf' }))).file;
  pdfs.readiness = (await issue(ctx, p, await planReadiness(ctx, p, { framework: 'alpha', format: 'pdf' }))).file;
  pdfs.summary = (await issue(ctx, p, await planSummary(ctx, p, {}))).file;
});
afterAll(async () => {
  server.close();
  await ctx.cleanup();
});

/** Every word's right edge, and the page width, as pdftotext places them. */
function overflow(file: string): { word: string; xMax: number; width: number }[] {
  const html = execFileSync('pdftotext', ['-bbox', file, '-'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const out: { word: string; xMax: number; width: number }[] = [];
  for (const page of html.split('<page ').slice(1)) {
    const width = Number(/width="([\d.]+)"/.exec(page)![1]);
    for (const m of page.matchAll(/<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<\/word>/g)) {
      if (Number(m[1]) > width) out.push({ word: m[2]!, xMax: Number(m[1]), width });
    }
  }
  return out;
}

describe('user content in the document reports', () => {
  it('fetched nothing: the canary server heard no request while three reports were rendered', () => {
    expect(Object.keys(pdfs)).toHaveLength(3);
    expect(hits).toEqual([]);
  });

  it('is printed as text, markup and all', () => {
    const soa = squash(pdfText(pdfs.soa!));
    for (const key of ['controlTitle', 'requirementName', 'justification', 'evidenceTitle'] as const) expect(soa).toContain(squash(canaries[key]!.replace(rtl, '')));
    const readiness = squash(pdfText(pdfs.readiness!));
    expect(readiness).toContain(squash(canaries.alphaName!));
    expect(readiness).toContain(squash(canaries.findingTitle!));
    const summary = squash(pdfText(pdfs.summary!));
    expect(summary).toContain(squash(canaries.certIssuer!));
    expect(summary).toContain(squash(canaries.certScope!));
  });

  it('keeps long words inside the page, and the PDFs valid', () => {
    for (const file of Object.values(pdfs)) {
      expect(qpdfCheck(file).ok).toBe(true);
      expect(overflow(file)).toEqual([]);
    }
    expect(squash(pdfText(pdfs.soa!))).toContain(longWord);
  });

  it('keeps right-to-left text', () => {
    const text = pdfText(pdfs.soa!);
    // pdftotext may give right-to-left words in visual order; either order is the text kept.
    for (const word of ['שלום', 'עולם', 'مرحبا']) expect(text.includes(word) || text.includes([...word].reverse().join(''))).toBe(true);
  });
});
