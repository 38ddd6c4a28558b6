// Closed value sets of the certifications domain, shared by the table types, schemas and presenters.

export const certificationKinds = ['iso_certificate', 'soc2_type1', 'soc2_type2', 'pci_aoc', 'pci_roc', 'eu_coc_declaration'] as const;
export type CertificationKind = (typeof certificationKinds)[number];

export const certificationKindLabels: Record<CertificationKind, string> = {
  iso_certificate: 'ISO certificate',
  soc2_type1: 'SOC 2 Type I report',
  soc2_type2: 'SOC 2 Type II report',
  pci_aoc: 'PCI DSS Attestation of Compliance',
  pci_roc: 'PCI DSS Report on Compliance',
  eu_coc_declaration: 'EU Cloud CoC declaration of adherence',
};

/** Derived from the dates (and a withdrawal), never stored. */
export const certificationStatuses = ['current', 'expiring', 'expired', 'withdrawn', 'not_yet_valid'] as const;
export type CertificationStatus = (typeof certificationStatuses)[number];

/** Milestones of a certification cycle or an audit programme. */
export const eventKinds = [
  'stage1_audit',
  'stage2_audit',
  'surveillance_audit',
  'recertification_audit',
  'certificate_expiry',
  'internal_audit',
  'management_review',
  'soc2_period',
  'soc2_fieldwork',
  'soc2_report',
  'bridge_letter',
  'pci_assessment',
  'asv_scan',
  'internal_scan',
  'penetration_test',
  'targeted_risk_analysis',
  'coc_renewal',
] as const;
export type EventKind = (typeof eventKinds)[number];

export const eventKindLabels: Record<EventKind, string> = {
  stage1_audit: 'Stage 1 audit',
  stage2_audit: 'Stage 2 audit',
  surveillance_audit: 'Surveillance audit',
  recertification_audit: 'Recertification audit',
  certificate_expiry: 'Certificate expiry',
  internal_audit: 'Internal audit',
  management_review: 'Management review',
  soc2_period: 'SOC 2 observation period',
  soc2_fieldwork: 'SOC 2 fieldwork',
  soc2_report: 'SOC 2 report date',
  bridge_letter: 'Bridge letter',
  pci_assessment: 'PCI DSS annual assessment',
  asv_scan: 'External ASV scan',
  internal_scan: 'Internal vulnerability scan',
  penetration_test: 'Penetration test',
  targeted_risk_analysis: 'Targeted risk analysis',
  coc_renewal: 'EU Cloud CoC renewal',
};

export const eventStatuses = ['planned', 'done', 'cancelled'] as const;
export type EventStatus = (typeof eventStatuses)[number];

export const demandSources = ['manual', 'questionnaire'] as const;
export type DemandSource = (typeof demandSources)[number];
