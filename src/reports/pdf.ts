import type { Browser } from 'puppeteer';
import { findBrowser, NO_BROWSER_HELP } from './browser.ts';

// The only module that touches Puppeteer (DESIGN.md, conventions 5): one browser reused, a page per
// job closed in `finally`, JavaScript off, every network request blocked, a timeout.

const RENDER_TIMEOUT_MS = 30_000;

// Flags for a locked-down machine: no first-run work, no background calls home (a closed network
// otherwise sees a burst of refused connections at every start).
const ARGS = [
  '--headless=new',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export class BrowserUnavailableError extends Error {}

export interface PdfOptions {
  /** Text for the page footer, e.g. the report's name; page numbers are added. */
  footer?: string;
  landscape?: boolean;
}

/**
 * The PDF engine, one per application context (not a module singleton, so two apps or a test and
 * the app never share a browser). It launches the browser on first use, reuses it, and launches it
 * again if it died.
 */
export class PdfEngine {
  private browser: Promise<Browser> | undefined;

  /** `browserPath`: the configured Chrome/Chromium (PUPPETEER_EXECUTABLE_PATH); otherwise one is found. */
  constructor(private readonly browserPath?: string) {}

  private async launch(): Promise<Browser> {
    const found = findBrowser(this.browserPath);
    if (!found) throw new BrowserUnavailableError(NO_BROWSER_HELP);
    // Chromium's sandbox needs user namespaces that root in a container does not get.
    const sandbox = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
    // Loaded on first use, so commands and servers that never render a PDF never load Puppeteer.
    const { default: puppeteer } = await import('puppeteer');
    return puppeteer.launch({ executablePath: found.path, args: [...ARGS, ...sandbox], headless: true });
  }

  private async getBrowser(): Promise<Browser> {
    this.browser ??= this.launch().catch((err: unknown) => {
      this.browser = undefined;
      throw err;
    });
    const b = await this.browser;
    if (!b.connected) {
      this.browser = undefined;
      return this.getBrowser();
    }
    return b;
  }

  /** Renders self-contained HTML (inline CSS, data: images) to an A4 PDF. */
  async render(html: string, options: PdfOptions = {}): Promise<Buffer> {
    const b = await this.getBrowser();
    const page = await b.newPage();
    try {
      page.setDefaultTimeout(RENDER_TIMEOUT_MS);
      await page.setJavaScriptEnabled(false);
      await page.setRequestInterception(true);
      page.on('request', (req) => {
        if (req.url().startsWith('data:')) void req.continue();
        else void req.abort('blockedbyclient');
      });
      await page.setContent(html, { waitUntil: 'load', timeout: RENDER_TIMEOUT_MS });
      const footer = escapeHtml(options.footer ?? '');
      const pdf = await page.pdf({
        format: 'A4',
        landscape: options.landscape ?? false,
        printBackground: true,
        displayHeaderFooter: true,
        headerTemplate: '<span></span>',
        footerTemplate: `<div style="font-size:8px;width:100%;padding:0 12mm;display:flex;justify-content:space-between;color:#555"><span>${footer}</span><span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`,
        margin: { top: '16mm', bottom: '18mm', left: '14mm', right: '14mm' },
        timeout: RENDER_TIMEOUT_MS,
      });
      return Buffer.from(pdf);
    } finally {
      await page.close().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    const b = this.browser;
    this.browser = undefined;
    if (b) await (await b).close().catch(() => undefined);
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
