import { authorize } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import { searchControls, searchRequirements } from './search.repository.ts';

export interface SearchResults {
  q: string;
  requirements: { framework: string; frameworkName: string; ref: string; name: string; summary: string }[];
  controls: { ref: string; title: string; domainName: string }[];
}

const LIMIT = 50;

/** Searches requirement refs, names and summaries, and control refs, titles and descriptions. */
export async function search(ctx: AppContext, principal: Principal, q: string): Promise<SearchResults> {
  authorize(principal, 'catalog.read');
  const text = q.trim();
  const [requirements, controls] = await Promise.all([searchRequirements(ctx.db, text, LIMIT), searchControls(ctx.db, text, LIMIT)]);
  return {
    q,
    requirements: requirements.map((r) => ({ framework: r.slug, frameworkName: r.framework_name, ref: r.ref, name: r.name, summary: r.summary })),
    controls: controls.map((c) => ({ ref: c.ref, title: c.title, domainName: c.domain_name })),
  };
}
