import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface BrowserFound {
  path: string;
  source: 'PUPPETEER_EXECUTABLE_PATH' | 'system' | 'puppeteer cache';
}

// Where Debian, Ubuntu, Fedora, Arch and macOS put Chromium or Chrome.
const SYSTEM_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Browsers a developer installed with `npx puppeteer browsers install …`, newest first. */
function puppeteerCacheBrowsers(): string[] {
  const cache = process.env.PUPPETEER_CACHE_DIR ?? path.join(os.homedir(), '.cache', 'puppeteer');
  const found: string[] = [];
  for (const product of ['chrome-headless-shell', 'chrome']) {
    const dir = path.join(cache, product);
    if (!fs.existsSync(dir)) continue;
    for (const version of fs.readdirSync(dir).sort().reverse()) {
      for (const rel of [
        'chrome-headless-shell-linux64/chrome-headless-shell',
        'chrome-linux64/chrome',
        'chrome-mac-x64/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing',
        'chrome-mac-arm64/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing',
        'chrome-headless-shell-mac-arm64/chrome-headless-shell',
        'chrome-headless-shell-mac-x64/chrome-headless-shell',
      ]) {
        found.push(path.join(dir, version, rel));
      }
    }
  }
  return found;
}

/**
 * Resolves the browser in order: the configured path (config.browserPath, from
 * PUPPETEER_EXECUTABLE_PATH), a system Chrome/Chromium, Puppeteer's cache.
 */
export function findBrowser(configured: string | undefined = process.env.PUPPETEER_EXECUTABLE_PATH): BrowserFound | undefined {
  if (configured) return isExecutable(configured) ? { path: configured, source: 'PUPPETEER_EXECUTABLE_PATH' } : undefined;
  const system = SYSTEM_PATHS.find(isExecutable);
  if (system) return { path: system, source: 'system' };
  const cached = puppeteerCacheBrowsers().find(isExecutable);
  return cached ? { path: cached, source: 'puppeteer cache' } : undefined;
}

export const NO_BROWSER_HELP = [
  'Attest needs Chrome or Chromium to make PDF reports, and none was found.',
  'Install one of these, then run `npx attest browser ensure` to check:',
  '  Debian/Ubuntu:  sudo apt-get install chromium',
  '  Fedora:         sudo dnf install chromium',
  '  macOS:          brew install --cask chromium   (or install Google Chrome)',
  '  any system:     npx puppeteer browsers install chrome-headless-shell',
  'or point PUPPETEER_EXECUTABLE_PATH at an existing Chrome/Chromium binary.',
].join('\n');

function isRootOnDebian(): boolean {
  return process.getuid?.() === 0 && fs.existsSync('/etc/debian_version');
}

/**
 * Makes sure a browser is there. Run by `npm install` (postinstall): where none is found and we are
 * root on Debian, it installs Debian's `chromium`; otherwise it explains how to get one. It never
 * fails the install, because the rest of Attest works without a browser.
 */
export function ensureBrowser(log: (line: string) => void): BrowserFound | undefined {
  const found = findBrowser();
  if (found) return found;
  if (process.env.PUPPETEER_EXECUTABLE_PATH) {
    log(`PUPPETEER_EXECUTABLE_PATH is set to ${process.env.PUPPETEER_EXECUTABLE_PATH}, which is not an executable file.`);
    return undefined;
  }
  if (isRootOnDebian()) {
    log("No Chrome/Chromium found: installing Debian's chromium package (needed for PDF reports)…");
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const install = () => spawnSync('apt-get', ['install', '-y', '-q', 'chromium'], { stdio: ['ignore', 2, 2], env });
    let result = install();
    if (result.status !== 0) {
      spawnSync('apt-get', ['update', '-q'], { stdio: ['ignore', 2, 2], env });
      result = install();
    }
    const after = findBrowser();
    if (after) {
      log(`Installed ${after.path}.`);
      return after;
    }
    log('Installing chromium with apt-get failed.');
  }
  log(NO_BROWSER_HELP);
  return undefined;
}
