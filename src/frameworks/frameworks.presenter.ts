import type { CoverageStatus } from '../coverage/coverage.service.ts';
import type { RequirementDetail, RequirementNode } from './frameworks.service.ts';

// What the framework pages show of a requirement tree and of one requirement. The services return
// the whole catalog; the pages stay short: a requirement lists only the first few other
// requirements each control satisfies, and the tree carries each requirement's coverage status.

/** How many other requirements a control card lists before pointing to the control's own page. */
export const ALSO_SATISFIES_SHOWN = 10;

export function requirementView(r: RequirementDetail) {
  return {
    ...r,
    controls: r.controls.map((c) => ({
      ...c,
      alsoSatisfiesCount: c.alsoSatisfies.length,
      alsoSatisfies: c.alsoSatisfies.slice(0, ALSO_SATISFIES_SHOWN),
      alsoSatisfiesMore: Math.max(0, c.alsoSatisfies.length - ALSO_SATISFIES_SHOWN),
    })),
  };
}

export type StatusCounts = Record<CoverageStatus, number>;

export interface RequirementNodeView extends Omit<RequirementNode, 'children'> {
  /** The requirement's coverage on the chosen day; null for a grouping heading (never assessed). */
  status: CoverageStatus | null;
  /** Statuses of the assessable requirements at or below this node, for a folded branch's summary. */
  statusBelow: StatusCounts;
  children: RequirementNodeView[];
}

/** The tree with each requirement's coverage status (from one coverage report, never per node). */
export function treeView(nodes: RequirementNode[], statusByRef: ReadonlyMap<string, CoverageStatus>): RequirementNodeView[] {
  return nodes.map((n) => {
    const children = treeView(n.children, statusByRef);
    const status = statusByRef.get(n.ref) ?? null;
    const statusBelow: StatusCounts = { met: 0, partial: 0, gap: 0, not_applicable: 0 };
    if (status) statusBelow[status] += 1;
    for (const c of children) for (const s of Object.keys(statusBelow) as CoverageStatus[]) statusBelow[s] += c.statusBelow[s];
    return { ...n, status, statusBelow, children };
  });
}
