#!/usr/bin/env node
// Runs the app compiled to dist/ (by `npm run build`, which `npm install` runs) when it is at least
// as new as every source file, and otherwise the TypeScript source through tsx's loader, so that an
// edit never runs stale code and there is no build step to forget. The compiled app starts faster
// and holds ~55 MB less memory (no loader, no source kept for it).
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const stamp = path.join(root, 'dist', '.built');

/** The newest modification time of any file under `dir`. */
function newest(dir) {
  let latest = fs.statSync(dir).mtimeMs;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : fs.statSync(full).mtimeMs);
  }
  return latest;
}

const built = fs.existsSync(stamp) && fs.statSync(stamp).mtimeMs >= newest(path.join(root, 'src'));
if (built && process.env.ATTEST_FROM_SOURCE !== '1') {
  await import('../dist/cli.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli.ts');
}
