import type { Browser, Page } from 'puppeteer';
import { AppError } from '../http/errors.ts';
import { findBrowser, NO_BROWSER_HELP } from './browser.ts';
import { footerTemplate, headerTemplate } from './pdf-frame.ts';
import { stampMetadata } from './pdf-metadata.ts';
import { Slots } from './pool.ts';

// The only module that touches Puppeteer (DESIGN.md, conventions 5): one browser reused, at most
// two renders at once on a small pool of locked-down pages (JavaScript off, every request but data:
// refused), a deadline per job, and a fresh browser when the old one died.

const RENDER_TIMEOUT_MS = 30_000;
const CONCURRENT_RENDERS = 2;
/** A page is replaced after this many jobs, so whatever Chromium keeps per page cannot pile up. */
const PAGE_REUSE_LIMIT = 50;
/** How long a timed-out job may take to let go of its page before the browser is killed. */
const ABANDON_GRACE_MS = 5_000;

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

export class BrowserUnavailableError extends Error {
  // The reports service passes this message on to the user (it names the fix); it checks the name.
  override name = 'BrowserUnavailableError';
}

export interface PdfOptions {
  /** Text for the page footer when no report id is given; page numbers are added. */
  footer?: string;
  landscape?: boolean;
  /** The report's name: top of every page, and the PDF's Title. */
  reportName?: string;
  /** The day the report describes (YYYY-MM-DD), top right of every page. */
  asOf?: string;
  /** The issued report's id, at the foot of every page. */
  reportId?: number;
  /** The PDF's Subject. */
  subject?: string;
  /** The report's generation instant (its record's created_at): the PDF's creation date. */
  createdAt?: Date | string;
  /** This job's deadline, from the moment it gets a page; 30 s unless given. */
  timeoutMs?: number;
}

export interface PdfEngineLimits {
  concurrency?: number;
  timeoutMs?: number;
}

interface Lease {
  page: Page;
  browser: Browser;
  uses: number;
}

const EXPIRED = Symbol('expired');

/**
 * The PDF engine, one per application context (not a module singleton, so two apps or a test and
 * the app never share a browser). It launches the browser on first use, reuses it, and launches it
 * again if it died.
 */
export class PdfEngine {
  private browser: Promise<Browser> | undefined;
  private readonly slots: Slots;
  private readonly idle: Lease[] = [];
  private readonly timeoutMs: number;

  /** `browserPath`: the configured Chrome/Chromium (PUPPETEER_EXECUTABLE_PATH); otherwise one is found. */
  constructor(
    private readonly browserPath?: string,
    limits: PdfEngineLimits = {},
  ) {
    this.slots = new Slots(limits.concurrency ?? CONCURRENT_RENDERS);
    this.timeoutMs = limits.timeoutMs ?? RENDER_TIMEOUT_MS;
  }

  /** Jobs rendering now (never more than the pool's size) and jobs waiting for a page. */
  get activeRenders(): number {
    return this.slots.busy;
  }

  get queuedRenders(): number {
    return this.slots.waiting;
  }

  /** The browser's process id while one runs (for diagnostics, and for tests that kill it). */
  async browserProcessId(): Promise<number | undefined> {
    const b = await this.browser?.catch(() => undefined);
    return b?.connected ? b.process()?.pid : undefined;
  }

  /**
   * Renders self-contained HTML (inline CSS, data: images) to an A4 PDF, tagged, with an outline.
   * Given a `reportName`, every page is headed by the report and the file carries its metadata
   * (the same record gives the same bytes); otherwise it is as Chromium printed it.
   */
  async render(html: string, options: PdfOptions = {}): Promise<Buffer> {
    const printed = await this.slots.run(() => this.printInTime(html, options, options.timeoutMs ?? this.timeoutMs));
    const title = options.reportName;
    if (!title) return Buffer.from(printed);
    // After the slot is given back: the next job may print while this one is stamped.
    const createdAt = options.createdAt === undefined ? undefined : new Date(options.createdAt);
    return stampMetadata(printed, { title, subject: options.subject, createdAt });
  }

  private async printInTime(html: string, options: PdfOptions, timeoutMs: number): Promise<Uint8Array> {
    const lease = await this.lease();
    const work = this.print(lease.page, html, options, timeoutMs);
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<typeof EXPIRED>((resolve) => {
      timer = setTimeout(() => resolve(EXPIRED), timeoutMs);
    });
    let healthy = false;
    try {
      const outcome = await Promise.race([work, expired]);
      if (outcome === EXPIRED) {
        await this.abandon(lease, work);
        throw new AppError('unavailable', `The PDF took longer than ${Math.ceil(timeoutMs / 1000)} s to render and was stopped; try again, or a shorter report.`);
      }
      healthy = true;
      return outcome;
    } finally {
      clearTimeout(timer);
      if (healthy) this.giveBack(lease);
      else await lease.page.close().catch(() => undefined);
    }
  }

  private async print(page: Page, html: string, options: PdfOptions, timeoutMs: number): Promise<Uint8Array> {
    await page.setContent(html, { waitUntil: 'load', timeout: timeoutMs });
    const frame = { reportName: options.reportName, asOf: options.asOf, reportId: options.reportId, footer: options.footer };
    return page.pdf({
      format: 'A4',
      landscape: options.landscape ?? false,
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate: headerTemplate(frame),
      footerTemplate: footerTemplate(frame),
      margin: { top: '18mm', bottom: '16mm', left: '14mm', right: '14mm' },
      // Tagged: readable by screen readers and text extraction in reading order; the outline
      // (bookmarks) comes from the headings.
      tagged: true,
      outline: true,
      timeout: timeoutMs,
    });
  }

  /** A page of the pool, or a new locked-down one while the pool has fewer than its size. */
  private async lease(): Promise<Lease> {
    const browser = await this.getBrowser();
    for (let lease = this.idle.pop(); lease; lease = this.idle.pop()) {
      if (lease.browser === browser && !lease.page.isClosed()) return lease;
      void lease.page.close().catch(() => undefined);
    }
    const page = await browser.newPage();
    try {
      page.setDefaultTimeout(this.timeoutMs);
      await page.setJavaScriptEnabled(false);
      await page.setRequestInterception(true);
      page.on('request', (req) => {
        if (req.url().startsWith('data:')) void req.continue().catch(() => undefined);
        else void req.abort('blockedbyclient').catch(() => undefined);
      });
    } catch (err) {
      await page.close().catch(() => undefined);
      throw err;
    }
    return { page, browser, uses: 0 };
  }

  private giveBack(lease: Lease): void {
    lease.uses += 1;
    if (lease.uses >= PAGE_REUSE_LIMIT || lease.page.isClosed() || !lease.browser.connected) void lease.page.close().catch(() => undefined);
    else this.idle.push(lease);
  }

  /** Stops a job that overran: closes its page, and kills the browser if even that hangs. */
  private async abandon(lease: Lease, work: Promise<unknown>): Promise<void> {
    const settled = Promise.allSettled([lease.page.close(), work]);
    const grace = new Promise<typeof EXPIRED>((resolve) => setTimeout(() => resolve(EXPIRED), ABANDON_GRACE_MS).unref());
    if ((await Promise.race([settled, grace])) === EXPIRED) {
      if (this.browser) this.forget();
      lease.browser.process()?.kill('SIGKILL');
    }
  }

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
    if (!this.browser) {
      const launching = this.launch();
      this.browser = launching;
      launching.then(
        // A crashed or killed browser: the next job launches a new one.
        (b) => b.once('disconnected', () => this.browser === launching && this.forget()),
        () => this.browser === launching && this.forget(),
      );
    }
    const b = await this.browser;
    if (b.connected) return b;
    this.forget();
    return this.getBrowser();
  }

  private forget(): void {
    this.browser = undefined;
    this.idle.length = 0;
  }

  async close(): Promise<void> {
    const b = this.browser;
    this.forget();
    if (b) await (await b.catch(() => undefined))?.close().catch(() => undefined);
  }
}
