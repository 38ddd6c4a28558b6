import { performance } from 'node:perf_hooks';
import puppeteer from 'puppeteer';
import { findBrowser } from '../src/reports/browser.ts';
import { footerTemplate, headerTemplate } from '../src/reports/pdf-frame.ts';

// The floor of the PDF benches: the same HTML printed by a bare Puppeteer page.setContent +
// page.pdf with the engine's print options (A4, margins, header and footer, tagged, outline), on a
// page opened beforehand — nothing else.

export async function barePdfRenderer(frame: { reportName: string; asOf: string; reportId: number }, landscape: boolean) {
  const browser = await puppeteer.launch({
    executablePath: findBrowser()!.path,
    headless: true,
    args: ['--headless=new', '--disable-gpu', '--disable-dev-shm-usage', ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
  });
  const page = await browser.newPage();
  let last: Uint8Array = new Uint8Array();
  return {
    /** Prints the HTML once; returns the milliseconds it took. */
    async once(html: string): Promise<number> {
      const started = performance.now();
      await page.setContent(html, { waitUntil: 'load' });
      last = await page.pdf({
        format: 'A4',
        landscape,
        printBackground: true,
        displayHeaderFooter: true,
        headerTemplate: headerTemplate(frame),
        footerTemplate: footerTemplate(frame),
        margin: { top: '18mm', bottom: '16mm', left: '14mm', right: '14mm' },
        tagged: true,
        outline: true,
      });
      return performance.now() - started;
    },
    lastPdf: () => last,
    close: () => browser.close(),
  };
}
