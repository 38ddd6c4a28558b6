import path from 'node:path';
import type { Express } from 'express';
import { engine } from 'express-handlebars';
import { roleLabels, isRole } from '../auth/roles.ts';
import { formatInstant } from '../dates.ts';
import { formatPercent } from '../percent.ts';
import { plural } from '../words.ts';

export const VIEWS_DIR = path.resolve(import.meta.dirname, '../../views');

/** Formats an ISO timestamp as "2026-11-21 14:05 UTC": one unambiguous form for auditors. */
export function formatDateTime(iso: unknown): string {
  if (typeof iso !== 'string' || iso === '') return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return formatInstant(iso);
}

const helpers = {
  eq: (a: unknown, b: unknown) => a === b,
  or: (...args: unknown[]) => args.slice(0, -1).some(Boolean),
  not: (a: unknown) => !a,
  dateTime: formatDateTime,
  roleLabel: (r: unknown) => (isRole(r) ? roleLabels[r] : String(r)),
  call: (fn: unknown) => (typeof fn === 'function' ? (fn as () => unknown)() : ''),
  fieldError: (errors: Record<string, string> | undefined, field: string) => errors?.[field],
  json: (v: unknown) => JSON.stringify(v),
  /** {{plural n "item"}} → item / items; {{plural n "person" "people"}} for irregular words. */
  plural: (n: number, one: string, many: unknown) => plural(n, one, typeof many === 'string' ? many : undefined),
  /** 200000 → 200,000 */
  count: (n: unknown) => (typeof n === 'number' ? n.toLocaleString('en') : n),
  inc: (n: number) => n + 1,
  /** 80.25 → 80.3%: the one format for a share (src/percent.ts). */
  formatPercent: (n: unknown) => (typeof n === 'number' ? formatPercent(n) : ''),
};

export function setupViews(app: Express, cache = true): void {
  app.engine(
    'hbs',
    engine({
      extname: '.hbs',
      defaultLayout: 'main',
      layoutsDir: path.join(VIEWS_DIR, 'layouts'),
      partialsDir: path.join(VIEWS_DIR, 'partials'),
      helpers,
    }),
  );
  app.set('view engine', 'hbs');
  // Compile each template once; only development re-reads them on every request.
  app.set('view cache', cache);
  app.set('views', VIEWS_DIR);
}
