// Closed value sets of the audits domain.

export const auditKinds = [
  'internal',
  'certification_stage1',
  'certification_stage2',
  'surveillance',
  'recertification',
  'soc2_type1',
  'soc2_type2',
  'pci_assessment',
  'asv_scan',
  'coc_verification',
] as const;
export type AuditKind = (typeof auditKinds)[number];

export const auditKindLabels: Record<AuditKind, string> = {
  internal: 'Internal audit',
  certification_stage1: 'Certification audit, stage 1',
  certification_stage2: 'Certification audit, stage 2',
  surveillance: 'Surveillance audit',
  recertification: 'Recertification audit',
  soc2_type1: 'SOC 2 Type I examination',
  soc2_type2: 'SOC 2 Type II examination',
  pci_assessment: 'PCI DSS assessment',
  asv_scan: 'ASV scan',
  coc_verification: 'EU Cloud CoC verification',
};

/** planned → fieldwork → reporting → closed, one step at a time (each change recorded). */
export const auditStatuses = ['planned', 'fieldwork', 'reporting', 'closed'] as const;
export type AuditStatus = (typeof auditStatuses)[number];

export const findingKinds = ['major_nc', 'minor_nc', 'observation', 'ofi', 'soc2_exception'] as const;
export type FindingKind = (typeof findingKinds)[number];

export const findingKindLabels: Record<FindingKind, string> = {
  major_nc: 'Major nonconformity',
  minor_nc: 'Minor nonconformity',
  observation: 'Observation',
  ofi: 'Opportunity for improvement',
  soc2_exception: 'SOC 2 exception',
};

/** open → action_taken → verified → closed. */
export const findingStatuses = ['open', 'action_taken', 'verified', 'closed'] as const;
export type FindingStatus = (typeof findingStatuses)[number];

/** open → submitted → accepted, or returned (and then submitted again). */
export const requestStatuses = ['open', 'submitted', 'accepted', 'returned'] as const;
export type RequestStatus = (typeof requestStatuses)[number];

export const commentSubjects = ['audit', 'finding', 'evidence_request'] as const;
export type CommentSubject = (typeof commentSubjects)[number];
