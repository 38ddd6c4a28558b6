import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PDFDocument } from 'pdf-lib';
import { PdfEngine } from '../../src/reports/pdf.ts';
import { stampMetadata } from '../../src/reports/pdf-metadata.ts';
import { outlineTitles, pdfInfo, pdfText, qpdfCheck, squash } from './documents-helpers.ts';

// The PDF engine itself: at most two renders at once, a deadline per job, a new browser after the
// old one died, the running header and footer (escaped), tagging, outline and document metadata.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-pdf-engine-'));
const engines: PdfEngine[] = [];
const engine = (limits?: ConstructorParameters<typeof PdfEngine>[1]) => {
  const e = new PdfEngine(process.env.PUPPETEER_EXECUTABLE_PATH, limits);
  engines.push(e);
  return e;
};
afterAll(async () => {
  await Promise.all(engines.map((e) => e.close()));
  fs.rmSync(dir, { recursive: true, force: true });
});

let n = 0;
function save(pdf: Buffer): string {
  n += 1;
  const file = path.join(dir, `out-${n}.pdf`);
  fs.writeFileSync(file, pdf);
  return file;
}

const doc = (body: string) => `<!doctype html><html lang="en"><head><title>t</title></head><body>${body}</body></html>`;
/** A table long enough to keep Chromium busy for a while (tens of pages). */
const longTable = (rows: number) => doc(`<table>${Array.from({ length: rows }, (_, i) => `<tr><td>Row ${i}</td><td>${'lorem ipsum '.repeat(20)}</td></tr>`).join('')}</table>`);

describe('the render pool', () => {
  it('runs at most two renders at once; the others wait their turn and all finish', async () => {
    const e = engine();
    let peak = 0;
    let queuedSeen = 0;
    const watch = setInterval(() => {
      peak = Math.max(peak, e.activeRenders);
      queuedSeen = Math.max(queuedSeen, e.queuedRenders);
    }, 2);
    const pdfs = await Promise.all(Array.from({ length: 6 }, (_, i) => e.render(longTable(150 + i))));
    clearInterval(watch);
    expect(peak).toBe(2);
    expect(queuedSeen).toBeGreaterThanOrEqual(3);
    expect(e.activeRenders).toBe(0);
    for (const pdf of pdfs) expect(qpdfCheck(save(pdf)).ok).toBe(true);
  });

  it('stops a job past its deadline, frees its slot, and renders the next one', async () => {
    const e = engine({ concurrency: 1 });
    const started = Date.now();
    await expect(e.render(longTable(6000), { timeoutMs: 300 })).rejects.toMatchObject({ code: 'unavailable', message: expect.stringContaining('took longer than 1 s') });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(e.activeRenders).toBe(0);
    const pdf = await e.render(doc('<h1>After the timeout</h1>'));
    expect(pdfText(save(pdf))).toContain('After the timeout');
  });

  it('launches a new browser when the old one was killed', async () => {
    const e = engine();
    await e.render(doc('<p>first</p>'));
    const pid = await e.browserProcessId();
    expect(pid).toBeTypeOf('number');
    process.kill(pid!, 'SIGKILL');
    for (let i = 0; i < 100 && (await e.browserProcessId()) !== undefined; i++) await new Promise((r) => setTimeout(r, 50));
    const pdf = await e.render(doc('<p>second, after the crash</p>'));
    expect(pdfText(save(pdf))).toContain('second, after the crash');
    const again = await e.browserProcessId();
    expect(again).toBeTypeOf('number');
    expect(again).not.toBe(pid);
  });
});

describe('a report PDF', () => {
  const reportName = 'Readiness — <b>Alpha</b> & "Beta" <img src="http://127.0.0.1:9/x">';
  let file: string;
  beforeAll(async () => {
    const html = doc(`<h1>Statement</h1><p>one</p><h2>Section two</h2><p style="break-before: page">two</p>`);
    file = save(await engine().render(html, { reportName, asOf: '2026-11-21', reportId: 42, subject: 'A subject', createdAt: '2026-11-21T10:00:00.000Z' }));
  });

  it('has the report name (as text, not markup), as-of day, report id and "Page X of Y" on every page', () => {
    const pages = pdfText(file)
      .split('\f')
      .filter((p) => p.trim());
    expect(pages).toHaveLength(2);
    pages.forEach((page, i) => {
      expect(squash(page)).toContain(squash(reportName));
      expect(page).toContain('As of 2026-11-21');
      expect(page).toContain('Attest report #42');
      expect(page).toContain(`Page ${i + 1} of 2`);
    });
  });

  it('is a valid PDF, tagged, with an outline from its headings and the metadata of the report', () => {
    expect(qpdfCheck(file).ok).toBe(true);
    const info = pdfInfo(file);
    expect(info).toMatchObject({ Title: reportName, Author: 'Attest', Subject: 'A subject', Creator: 'Attest', Tagged: 'yes' });
    expect(info.Producer).toContain('Attest');
    // The caller's instant, not the time of printing.
    expect(Date.parse(info.CreationDate!)).toBe(Date.parse('2026-11-21T10:00:00Z'));
    expect(Date.parse(info.ModDate!)).toBe(Date.parse('2026-11-21T10:00:00Z'));
    expect(outlineTitles(file)).toEqual(['Statement', 'Section two']);
  });

  it('is the same file, byte for byte, when rendered again from the same record', async () => {
    const html = doc('<h1>Same</h1><p>content</p>');
    const options = { reportName: 'Same report', asOf: '2026-11-21', reportId: 7, createdAt: '2026-11-21T10:00:00.000Z' };
    const e = engine();
    const first = await e.render(html, options);
    // Chromium stamps its print time to the second; the report's instant replaces it.
    await new Promise((r) => setTimeout(r, 1100));
    expect((await e.render(html, options)).equals(first)).toBe(true);
  });

  it('stamps a PDF of another layout (a cross-reference stream) by rewriting it whole, structure tree and outline kept', async () => {
    // The same tagged report, re-saved by pdf-lib with object streams: not the layout Chromium writes.
    const repacked = await (await PDFDocument.load(fs.readFileSync(file), { updateMetadata: false })).save({ useObjectStreams: true });
    const other = save(await stampMetadata(repacked, { title: 'Other — layout', subject: 'S', createdAt: new Date('2026-11-22T08:30:00Z') }));
    expect(qpdfCheck(other).ok).toBe(true);
    const info = pdfInfo(other);
    expect(info).toMatchObject({ Title: 'Other — layout', Author: 'Attest', Subject: 'S', Tagged: 'yes' });
    expect(Date.parse(info.CreationDate!)).toBe(Date.parse('2026-11-22T08:30:00Z'));
    expect(outlineTitles(other)).toEqual(['Statement', 'Section two']);
    expect(pdfText(other)).toContain('Section two');
  });

  it('still takes the old options (a footer, no report): page numbers, no metadata rewrite', async () => {
    const old = save(await engine().render(doc('<p>x</p>'), { footer: 'Attest <test>' }));
    const text = pdfText(old);
    expect(text).toContain('Attest <test>');
    expect(text).toContain('Page 1 of 1');
    expect(pdfInfo(old).Producer).toContain('Skia');
  });
});
