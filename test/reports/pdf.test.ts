import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, describe, expect, it } from 'vitest';
import { findBrowser } from '../../src/reports/browser.ts';
import { PdfEngine } from '../../src/reports/pdf.ts';

const engine = new PdfEngine(process.env.PUPPETEER_EXECUTABLE_PATH);
afterAll(() => engine.close());

describe('PDF rendering with the real browser', () => {
  it('finds a browser (set-up installs one when missing)', () => {
    expect(findBrowser()?.path).toBeTruthy();
  });

  it('renders HTML to a PDF with the right pages and text, without touching the network', async () => {
    const html = `<!doctype html><html><head><style>
      section { page-break-after: always; } section:last-child { page-break-after: auto; }
      </style></head><body>
      <section><h1>Statement of Applicability</h1><p>Control A.5.15 access control</p></section>
      <section><h1>Second page</h1><img src="http://127.0.0.1:9/blocked.png" alt=""></section>
      </body></html>`;
    const pdf = await engine.render(html, { footer: 'Attest test' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const doc = await getDocumentProxy(new Uint8Array(pdf));
    expect(doc.numPages).toBe(2);
    const { text } = await extractText(doc, { mergePages: false });
    expect(text[0]).toContain('Statement of Applicability');
    expect(text[0]).toContain('A.5.15');
    expect(text[1]).toContain('Second page');
    expect(text[1]).toContain('Page 2 of 2');
  });

  it('uses the configured browser path, and says clearly when it is not a browser', async () => {
    const misconfigured = new PdfEngine('/nonexistent/chromium');
    await expect(misconfigured.render('<p>x</p>')).rejects.toThrow(/needs Chrome or Chromium/);
    await misconfigured.close();
  });
});
