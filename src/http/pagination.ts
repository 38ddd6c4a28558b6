import { z } from 'zod';

export const pageQuery = z.coerce.number().int().min(1).max(100_000).catch(1);

/** Page size for API lists: 1–500, default 100. */
export const apiPageSize = z.object({ limit: z.coerce.number().int().min(1, 'At least 1.').max(500, 'At most 500.').default(100) });

export interface PageView {
  page: number;
  pages: number;
  total: number;
  from: number;
  to: number;
  prevHref: string | null;
  nextHref: string | null;
}

/** Page links that keep the current filters in the query string. */
export function pageView(total: number, page: number, perPage: number, query: Record<string, string | undefined>): PageView {
  const pages = Math.max(1, Math.ceil(total / perPage));
  const href = (p: number) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v) params.set(k, v);
    params.set('page', String(p));
    return `?${params.toString()}`;
  };
  return {
    page,
    pages,
    total,
    from: total === 0 ? 0 : (page - 1) * perPage + 1,
    to: Math.min(total, page * perPage),
    prevHref: page > 1 ? href(page - 1) : null,
    nextHref: page < pages ? href(page + 1) : null,
  };
}

/**
 * One page of a list already held in memory (one that is also offered whole, as a download). A page
 * past the end shows the last page rather than an empty table.
 */
export function pageSlice<T>(items: readonly T[], page: number, perPage: number): { items: T[]; page: number } {
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const shown = Math.min(page, last);
  return { items: items.slice((shown - 1) * perPage, shown * perPage), page: shown };
}
