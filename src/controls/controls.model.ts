export const frequencies = ['continuous', 'monthly', 'quarterly', 'semi-annual', 'annual'] as const;
export type Frequency = (typeof frequencies)[number];

export const implementationStatuses = ['implemented', 'partially_implemented', 'planned', 'not_implemented'] as const;
export type ImplementationStatus = (typeof implementationStatuses)[number];

/** NIST IR 8477 set-theory relationships, from the control's point of view. */
export const relationships = ['equal', 'superset', 'subset', 'intersect'] as const;
export type Relationship = (typeof relationships)[number];

/** Higher is stronger: equal and superset satisfy a requirement fully; subset and intersect only in part. */
export const relationshipRank: Record<Relationship, number> = { equal: 4, superset: 3, subset: 2, intersect: 1 };

export function weaker(a: Relationship, b: Relationship): Relationship {
  return relationshipRank[a] <= relationshipRank[b] ? a : b;
}

export function satisfiesFully(r: Relationship): boolean {
  return r === 'equal' || r === 'superset';
}

export const frequencyLabels: Record<Frequency, string> = {
  continuous: 'Continuous',
  monthly: 'Monthly',
  quarterly: 'Quarterly',
  'semi-annual': 'Semi-annual',
  annual: 'Annual',
};

export const statusLabels: Record<ImplementationStatus, string> = {
  implemented: 'Implemented',
  partially_implemented: 'Partially implemented',
  planned: 'Planned',
  not_implemented: 'Not implemented',
};

export const relationshipLabels: Record<Relationship, string> = {
  equal: 'equal',
  superset: 'superset (fully covers)',
  subset: 'subset (covers part)',
  intersect: 'intersect (overlaps)',
};
