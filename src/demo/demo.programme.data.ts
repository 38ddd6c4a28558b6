import { addDays, addMonths } from '../dates.ts';

// The demo company's audit programme, as dates relative to the day the demo is built, so every
// demo shows the same picture: one certificate about to expire, one expired, a SOC 2 gap closed by
// a bridge letter, audits in every status. Firms, people and customers are invented.

type On = (today: string) => string;

/** The first day of the month `n` months from today's month. */
const month = (today: string, n: number) => addMonths(`${today.slice(0, 7)}-01`, n);
/** The last day of the month before `month(today, n)`. */
const endBefore = (today: string, n: number) => addDays(month(today, n), -1);
/** Three years from `from`, to the day before. */
const threeYears = (from: string) => addDays(addMonths(from, 36), -1);

const CB = 'Nordcert Assurance GmbH';
const CPA = 'Ellison & Vauquelin LLP';
const QSA = 'Harbour QSA Services Ltd';
const MONITORING_BODY = 'Code of Conduct Monitoring Office (demo)';

const ISMS_SCOPE =
  'Design, development, operation and support of the cloud platform (compute, object storage, managed databases and the customer console) from the Frankfurt and Dublin regions, and the Berlin head office.';

export interface CertificationSpec {
  key: string;
  framework: string;
  kind: string;
  number: string;
  issuer: string;
  scope: string;
  validFrom: On;
  validUntil: On;
  /** Issued when recorded; SOC 2 reports are recorded when their period starts and issued later (reportOn). */
  issuedOn?: On;
  reportOn?: On;
  registeredOn: (start: string, today: string) => string;
  documentTitle: string;
  /** Recording this one makes the earlier period's plan change (its bridge letter). */
  replans?: { key: string; on: On };
}

const iso27001From = (t: string) => addDays(addMonths(addDays(t, 40), -36), 1);
const iso27701From = (t: string) => month(t, -20);
const iso27018From = (t: string) => addDays(addMonths(addDays(t, -25), -36), 1);

export const certificationSpecs: CertificationSpec[] = [
  {
    key: 'iso27001',
    framework: 'iso27001-2022',
    kind: 'iso_certificate',
    number: 'ISMS-704512',
    issuer: CB,
    scope: ISMS_SCOPE,
    validFrom: iso27001From,
    // Expires 40 days after the demo's today: the dashboard's "expiring" alert.
    validUntil: (t) => addDays(t, 40),
    issuedOn: iso27001From,
    registeredOn: (s) => addDays(s, 2),
    documentTitle: 'ISO/IEC 27001 certificate ISMS-704512',
  },
  {
    key: 'iso27701',
    framework: 'iso27701-2019',
    kind: 'iso_certificate',
    number: 'PIMS-711034',
    issuer: CB,
    scope: `Privacy information management as PII controller and processor for the ${ISMS_SCOPE.charAt(0).toLowerCase()}${ISMS_SCOPE.slice(1)}`,
    validFrom: iso27701From,
    validUntil: (t) => threeYears(iso27701From(t)),
    issuedOn: iso27701From,
    registeredOn: (_s, t) => addDays(iso27701From(t), 10),
    documentTitle: 'ISO/IEC 27701 certificate PIMS-711034',
  },
  {
    key: 'iso27018',
    framework: 'iso27018-2019',
    kind: 'iso_certificate',
    number: 'PII-698870',
    issuer: CB,
    scope: 'Protection of PII in the public cloud services of the platform acting as PII processor.',
    validFrom: iso27018From,
    // Expired 25 days before the demo's today; its recertification audit is in fieldwork.
    validUntil: (t) => addDays(t, -25),
    issuedOn: iso27018From,
    registeredOn: (s) => addDays(s, 2),
    documentTitle: 'ISO/IEC 27018 certificate PII-698870',
  },
  {
    key: 'soc2-p1',
    framework: 'soc2-2017',
    kind: 'soc2_type2',
    number: 'SOC2-T2-P1',
    issuer: CPA,
    scope: 'Security, availability and confidentiality criteria for the cloud platform.',
    validFrom: (t) => month(t, -31),
    validUntil: (t) => endBefore(t, -19),
    reportOn: (t) => addDays(endBefore(t, -19), 56),
    registeredOn: (s) => addDays(s, 3),
    documentTitle: 'SOC 2 Type II report, first period',
  },
  {
    key: 'soc2-p2',
    framework: 'soc2-2017',
    kind: 'soc2_type2',
    number: 'SOC2-T2-P2',
    issuer: CPA,
    scope: 'Security, availability and confidentiality criteria for the cloud platform.',
    // Starts two months after the first period ended: the gap.
    validFrom: (t) => month(t, -17),
    validUntil: (t) => endBefore(t, -5),
    reportOn: (t) => addDays(endBefore(t, -5), 63),
    registeredOn: (_s, t) => addDays(month(t, -17), 5),
    documentTitle: 'SOC 2 Type II report, second period',
    replans: { key: 'soc2-p1', on: (t) => addDays(month(t, -17), 5) },
  },
  {
    key: 'soc2-p3',
    framework: 'soc2-2017',
    kind: 'soc2_type2',
    number: 'SOC2-T2-P3',
    issuer: CPA,
    scope: 'Security, availability and confidentiality criteria for the cloud platform.',
    // The observation period under way, right after the second: no gap, report next year.
    validFrom: (t) => month(t, -5),
    validUntil: (t) => endBefore(t, 7),
    reportOn: (t) => addDays(endBefore(t, 7), 56),
    registeredOn: (_s, t) => addDays(month(t, -5), 3),
    documentTitle: 'SOC 2 Type II report, third period',
    replans: { key: 'soc2-p2', on: (t) => addDays(month(t, -5), 3) },
  },
  ...[-25, -13, -1].map(
    (n, i): CertificationSpec => ({
      key: `pci-${i + 1}`,
      framework: 'pcidss-4.0.1',
      kind: 'pci_aoc',
      number: `AOC-SP1-${i + 1}`,
      issuer: QSA,
      scope: 'Service provider level 1: the card vault, the payment API and the billing platform that store, process or transmit cardholder data.',
      validFrom: (t) => month(t, n),
      validUntil: (t) => endBefore(t, n + 12),
      issuedOn: (t) => month(t, n),
      registeredOn: (s, t) => [addDays(s, 3), addDays(month(t, n), 2)].sort().at(-1)!,
      documentTitle: `PCI DSS Attestation of Compliance AOC-SP1-${i + 1}`,
    }),
  ),
  ...[-28, -16, -4].map(
    (n, i): CertificationSpec => ({
      key: `coc-${i + 1}`,
      framework: 'eu-cloud-coc',
      kind: 'eu_coc_declaration',
      number: `EUCC-DA-${i + 1}`,
      issuer: MONITORING_BODY,
      scope: 'Infrastructure and platform services of the platform, at the Code’s second level of compliance.',
      validFrom: (t) => month(t, n),
      validUntil: (t) => endBefore(t, n + 12),
      issuedOn: (t) => month(t, n),
      registeredOn: (s, t) => [addDays(s, 3), addDays(month(t, n), 1)].sort().at(-1)!,
      documentTitle: `EU Cloud Code of Conduct declaration of adherence EUCC-DA-${i + 1}`,
    }),
  ),
];

/** The uncovered days between the two SOC 2 periods above. */
export const soc2Gap = {
  gap: (t: string): [string, string] => [month(t, -19), endBefore(t, -17)],
  note: 'Management’s letter covering the two months between the first and the second SOC 2 Type II period: no significant change to the system or its controls.',
};

export interface RequestSpec {
  title: string;
  description?: string;
  control?: string;
  requirement?: string;
  /** For a request tied to a requirement: the control whose evidence answers it. */
  evidenceControl?: string;
  unanswered?: boolean;
  leftSubmitted?: boolean;
  /** The auditor sends it back with this reason; new evidence follows. */
  returned?: string;
}

export interface FindingSpec {
  kind: string;
  title: string;
  description: string;
  requirements: string[];
  controls: string[];
  owner: 'grace' | 'omar' | 'admin';
  rootCause?: string;
  correctiveAction?: string;
  /** Due this many days after fieldwork ends. */
  dueInDays: number;
  /** Days after fieldwork when it became action taken, verified, closed (as far as the list goes). */
  progress: number[];
  comment?: string;
}

export interface AuditSpec {
  kind: string;
  title: string;
  frameworks: string[];
  certification?: string;
  firm: string;
  leadAuditor: string;
  period?: (t: string) => [string, string];
  fieldworkFrom: On;
  fieldworkDays: number;
  owner: 'grace' | 'omar';
  auditorAccess?: boolean;
  requests: RequestSpec[];
  findings: FindingSpec[];
  /** Closed this many days after fieldwork ends (a day in the future leaves it in reporting). */
  closeAfterDays: number;
  reportingNote?: string;
}

const isoRequests: RequestSpec[] = [
  { title: 'Information security policy set with approval records', control: 'GOV-05' },
  { title: 'Risk assessment and treatment plan of this year', control: 'RSK-01' },
  { title: 'Statement of Applicability, current version', control: 'RSK-02' },
  { title: 'Sample of joiner, mover and leaver tickets', control: 'IAM-03', returned: 'The sample must come from the audit period; two tickets are older.' },
  { title: 'Management review minutes', control: 'GOV-18' },
  { title: 'Internal audit report and nonconformity log', control: 'CMP-05' },
];

const privacyRequests: RequestSpec[] = [
  { title: 'Records of processing activities', control: 'PRV-16' },
  { title: 'Data subject request log with response times', control: 'PRV-21' },
  { title: 'Subprocessor list and change notifications', control: 'PRV-32' },
  { title: 'Breach register and the last breach assessment', control: 'INC-08' },
];

const soc2Requests: RequestSpec[] = [
  { title: 'Population of leavers and their deprovisioning times', control: 'IAM-04' },
  { title: 'Change tickets sampled for approval and testing', control: 'SDL-10', returned: 'Three tickets of the sample lack the approver’s name.' },
  { title: 'Quarterly access review evidence', control: 'IAM-03' },
  { title: 'Vulnerability scan reports and remediation tickets', control: 'VUL-04' },
  { title: 'Backup restore test results', control: 'BCM-04' },
];

const pciRequests: RequestSpec[] = [
  { title: 'Cardholder data-flow and network diagrams', control: 'NET-03' },
  { title: 'Four quarters of passing ASV scans', control: 'VUL-05' },
  { title: 'Penetration test report and retest', control: 'VUL-06' },
  { title: 'Targeted risk analyses', control: 'RSK-06' },
  { title: 'Inactive account report for CDE systems', control: 'IAM-12' },
];

const fieldwork =
  (months: number, days = 0) =>
  (t: string) =>
    addDays(addMonths(t, months), days);

export const auditSpecs: AuditSpec[] = [
  {
    kind: 'surveillance',
    title: 'ISO/IEC 27001 surveillance audit 1',
    frameworks: ['iso27001-2022'],
    certification: 'iso27001',
    firm: CB,
    leadAuditor: 'Dr. Lena Vogt',
    fieldworkFrom: (t) => addMonths(iso27001From(t), 11),
    fieldworkDays: 3,
    owner: 'omar',
    requests: isoRequests.slice(0, 4),
    findings: [
      {
        kind: 'minor_nc',
        title: 'Corrective actions tracked without due dates',
        description: 'Four of the twelve corrective actions in the nonconformity log had no due date and no owner.',
        requirements: ['iso27001-2022:10.2'],
        controls: ['CMP-09'],
        owner: 'omar',
        rootCause: 'The log template made the due date optional.',
        correctiveAction: 'Due date and owner made mandatory; open actions back-filled and reviewed monthly at the steering committee.',
        dueInDays: 60,
        progress: [25, 55, 60],
      },
      {
        kind: 'ofi',
        title: 'Link supplier reviews to the risk register',
        description: 'Supplier reassessments could reference the risks they treat.',
        requirements: [],
        controls: ['SUP-04'],
        owner: 'grace',
        correctiveAction: 'Risk ids added to the supplier review template.',
        dueInDays: 120,
        progress: [40, 90, 95],
      },
    ],
    closeAfterDays: 21,
  },
  {
    kind: 'certification_stage2',
    title: 'ISO/IEC 27701 certification audit, stage 2',
    frameworks: ['iso27701-2019'],
    firm: CB,
    leadAuditor: 'Dr. Lena Vogt',
    fieldworkFrom: (t) => addDays(iso27701From(t), -42),
    fieldworkDays: 3,
    owner: 'grace',
    requests: privacyRequests,
    findings: [
      {
        kind: 'minor_nc',
        title: 'Data subject requests: response times not measured',
        description: 'The request log records when a request was closed but not when it arrived, so the one-month deadline cannot be shown.',
        requirements: ['iso27701-2019:A.7.3.9'],
        controls: ['PRV-21'],
        owner: 'grace',
        rootCause: 'Requests arriving by e-mail were logged only when the ticket was created.',
        correctiveAction: 'Privacy mailbox feeds the ticketing system directly; arrival time recorded automatically.',
        dueInDays: 45,
        progress: [20, 38, 40],
      },
    ],
    closeAfterDays: 14,
  },
  {
    kind: 'soc2_type2',
    title: 'SOC 2 Type II examination, first period',
    frameworks: ['soc2-2017'],
    certification: 'soc2-p1',
    firm: CPA,
    leadAuditor: 'Marcus Ellison, CPA',
    period: (t) => [month(t, -31), endBefore(t, -19)],
    fieldworkFrom: (t) => addDays(endBefore(t, -19), 15),
    fieldworkDays: 10,
    owner: 'grace',
    requests: soc2Requests,
    findings: [
      {
        kind: 'soc2_exception',
        title: 'Two leavers kept access beyond one business day',
        description: 'Of 25 leavers sampled, two kept VPN access for three and five days after their last day.',
        requirements: ['soc2-2017:CC6.2'],
        controls: ['IAM-04'],
        owner: 'omar',
        rootCause: 'HR entered the two departures late; the deprovisioning job runs from the HR record.',
        correctiveAction: 'Leaving dates entered at notice; daily reconciliation of HR leavers against active accounts.',
        dueInDays: 60,
        progress: [30, 58, 60],
      },
    ],
    closeAfterDays: 35,
  },
  {
    kind: 'internal',
    title: 'ISMS and PIMS internal audit',
    frameworks: ['iso27001-2022', 'iso27701-2019'],
    firm: 'Internal audit',
    leadAuditor: 'Vera Novak',
    fieldworkFrom: (t) => addDays(addMonths(iso27001From(t), 23), -56),
    fieldworkDays: 5,
    owner: 'omar',
    requests: [isoRequests[0]!, isoRequests[4]!, privacyRequests[1]!],
    findings: [
      {
        kind: 'minor_nc',
        title: 'Restore test skipped for the Dublin region',
        description: 'The yearly restore test covered Frankfurt only.',
        requirements: ['iso27001-2022:A.8.13'],
        controls: ['BCM-04'],
        owner: 'admin',
        rootCause: 'The test plan listed regions by hand and missed the region added this year.',
        correctiveAction: 'Restore tests generated from the region inventory; Dublin restore tested.',
        dueInDays: 30,
        progress: [18, 30, 32],
      },
    ],
    closeAfterDays: 10,
  },
  {
    kind: 'surveillance',
    title: 'ISO/IEC 27001 surveillance audit 2',
    frameworks: ['iso27001-2022'],
    certification: 'iso27001',
    firm: CB,
    leadAuditor: 'Dr. Lena Vogt',
    fieldworkFrom: (t) => addMonths(iso27001From(t), 23),
    fieldworkDays: 3,
    owner: 'omar',
    requests: isoRequests.slice(2),
    findings: [
      {
        kind: 'minor_nc',
        title: 'Log review sign-off missing for six weeks',
        description: 'The daily log review ran, but its sign-off was missing from mid-August to the end of September.',
        requirements: ['iso27001-2022:A.8.15'],
        controls: ['LOG-04'],
        owner: 'admin',
        rootCause: 'The reviewer on leave had no deputy in the rota.',
        correctiveAction: 'Deputy added to the rota; missing days reviewed retrospectively.',
        dueInDays: 45,
        progress: [21, 44, 46],
      },
    ],
    closeAfterDays: 18,
  },
  {
    kind: 'soc2_type2',
    title: 'SOC 2 Type II examination, second period',
    frameworks: ['soc2-2017'],
    certification: 'soc2-p2',
    firm: CPA,
    leadAuditor: 'Marcus Ellison, CPA',
    period: (t) => [month(t, -17), endBefore(t, -5)],
    fieldworkFrom: (t) => addDays(endBefore(t, -5), 15),
    fieldworkDays: 10,
    owner: 'grace',
    requests: soc2Requests,
    findings: [],
    closeAfterDays: 40,
  },
  ...[-15, -3].map(
    (n, i): AuditSpec => ({
      kind: 'pci_assessment',
      title: `PCI DSS assessment ${i === 0 ? 'last year' : 'this year'}`,
      frameworks: ['pcidss-4.0.1'],
      certification: `pci-${i + 1}`,
      firm: QSA,
      leadAuditor: 'Priya Raman, QSA',
      fieldworkFrom: (t) => addDays(month(t, n), 3),
      fieldworkDays: 5,
      owner: 'omar',
      requests: pciRequests,
      findings: [
        i === 0
          ? {
              kind: 'minor_nc',
              title: 'Inactive accounts older than 90 days on two jump hosts',
              description: 'Two local accounts on CDE jump hosts were not disabled after 90 days without use.',
              requirements: ['pcidss-4.0.1:8.2.6'],
              controls: ['IAM-12'],
              owner: 'omar',
              rootCause: 'Local accounts sat outside the identity provider’s inactivity job.',
              correctiveAction: 'Local accounts removed; jump hosts use directory accounts only.',
              dueInDays: 30,
              progress: [10, 20, 25],
            }
          : {
              kind: 'observation',
              title: 'Targeted risk analyses lack a review date',
              description: 'The analyses for requirements with flexible frequency do not say when they were last reviewed.',
              requirements: ['pcidss-4.0.1:12.3.1'],
              controls: ['RSK-06'],
              owner: 'grace',
              correctiveAction: 'Review date and reviewer added to the template; all analyses reviewed.',
              dueInDays: 60,
              progress: [30, 50],
            },
      ],
      closeAfterDays: 28,
    }),
  ),
  {
    kind: 'coc_verification',
    title: 'EU Cloud Code of Conduct renewal verification',
    frameworks: ['eu-cloud-coc'],
    certification: 'coc-2',
    firm: MONITORING_BODY,
    leadAuditor: 'Monitoring body case officer',
    fieldworkFrom: (t) => addDays(month(t, -5), 4),
    fieldworkDays: 2,
    owner: 'grace',
    requests: [
      { title: 'Customer data processing agreement', control: 'PRV-33' },
      { title: 'Subprocessor list and objection process', control: 'PRV-32' },
      { title: 'Code adherence self-assessment', control: 'CMP-13' },
    ],
    findings: [],
    closeAfterDays: 20,
  },
  {
    kind: 'internal',
    title: 'Internal audit before recertification',
    frameworks: ['iso27001-2022', 'iso27018-2019'],
    firm: 'Internal audit',
    leadAuditor: 'Vera Novak',
    fieldworkFrom: (t) => addDays(t, -110),
    fieldworkDays: 4,
    owner: 'omar',
    requests: [isoRequests[1]!, isoRequests[2]!, { title: 'PII return and deletion records', control: 'AST-12' }],
    findings: [
      {
        kind: 'observation',
        title: 'Data location list differs from the public subprocessor page',
        description: 'The public page still lists a storage region retired in spring.',
        requirements: ['iso27018-2019:A.12.1'],
        controls: ['PRV-28'],
        owner: 'grace',
        correctiveAction: 'Public page generated from the region inventory.',
        dueInDays: 30,
        progress: [12, 20, 21],
      },
    ],
    closeAfterDays: 9,
  },
  {
    kind: 'recertification',
    title: 'ISO/IEC 27001 recertification audit',
    frameworks: ['iso27001-2022'],
    certification: 'iso27001',
    firm: CB,
    leadAuditor: 'Dr. Lena Vogt',
    fieldworkFrom: (t) => addDays(t, -48),
    fieldworkDays: 4,
    owner: 'omar',
    auditorAccess: true,
    requests: isoRequests,
    findings: [
      {
        kind: 'major_nc',
        title: 'Access reviews of the payment platform not done for two quarters',
        description: 'No quarterly access review was completed for the payment platform’s production accounts in the last two quarters.',
        requirements: ['iso27001-2022:A.5.18'],
        controls: ['IAM-03'],
        owner: 'omar',
        rootCause: 'The review campaign was paused during the identity provider migration and not restarted.',
        correctiveAction: 'Campaign restarted and completed; campaigns now scheduled by the identity governance tool.',
        dueInDays: 60,
        progress: [],
        comment: 'Corrective action plan sent to the certification body; evidence of the completed campaign follows.',
      },
      {
        kind: 'minor_nc',
        title: 'Cloud service exit plans not reviewed',
        description: 'Exit plans for two cloud services used by the company were last reviewed two years ago.',
        requirements: ['iso27001-2022:A.5.23'],
        controls: ['SUP-07'],
        owner: 'grace',
        rootCause: 'Exit plans had no review frequency.',
        correctiveAction: 'Annual review added; both plans reviewed.',
        dueInDays: 45,
        progress: [30],
      },
    ],
    closeAfterDays: 75,
    reportingNote: 'Draft report received. The certification body decides on recertification once it accepts the corrective action plan for F-1.',
  },
  {
    kind: 'recertification',
    title: 'ISO/IEC 27018 recertification audit',
    frameworks: ['iso27018-2019'],
    certification: 'iso27018',
    firm: CB,
    leadAuditor: 'Jonas Berg',
    fieldworkFrom: (t) => addDays(t, -5),
    fieldworkDays: 10,
    owner: 'grace',
    auditorAccess: true,
    requests: [
      { title: 'PII return and deletion records for ended contracts', control: 'AST-12' },
      { title: 'Processing locations and transfer mechanisms', control: 'PRV-28', leftSubmitted: true },
      { title: 'Breach register', control: 'INC-08', leftSubmitted: true },
      { title: 'Customer instructions and the processing agreement', control: 'PRV-34', unanswered: true },
      { title: 'Government request log', control: 'PRV-30', unanswered: true },
    ],
    findings: [
      {
        kind: 'observation',
        title: 'Government request log kept in two places',
        description: 'Legal and the security team each keep a log of law-enforcement requests.',
        requirements: ['iso27018-2019:A.6.1'],
        controls: ['PRV-30'],
        owner: 'grace',
        dueInDays: 60,
        progress: [],
      },
    ],
    closeAfterDays: 40,
  },
  {
    kind: 'internal',
    title: 'PCI DSS readiness review',
    frameworks: ['pcidss-4.0.1'],
    firm: 'Internal audit',
    leadAuditor: 'Vera Novak',
    fieldworkFrom: fieldwork(0, 20),
    fieldworkDays: 3,
    owner: 'omar',
    requests: pciRequests.slice(0, 3),
    findings: [],
    closeAfterDays: 14,
  },
  {
    kind: 'surveillance',
    title: 'ISO/IEC 27701 surveillance audit 2',
    frameworks: ['iso27701-2019'],
    certification: 'iso27701',
    firm: CB,
    leadAuditor: 'Dr. Lena Vogt',
    fieldworkFrom: (t) => addMonths(iso27701From(t), 23),
    fieldworkDays: 2,
    owner: 'grace',
    requests: privacyRequests,
    findings: [],
    closeAfterDays: 21,
  },
  {
    kind: 'certification_stage1',
    title: 'ISO/IEC 27017 certification audit, stage 1',
    frameworks: ['iso27017-2015'],
    firm: CB,
    leadAuditor: 'Jonas Berg',
    fieldworkFrom: fieldwork(4),
    fieldworkDays: 2,
    owner: 'omar',
    requests: [],
    findings: [],
    closeAfterDays: 14,
  },
  {
    kind: 'soc2_type2',
    title: 'SOC 2 Type II examination, third period',
    frameworks: ['soc2-2017'],
    certification: 'soc2-p3',
    firm: CPA,
    leadAuditor: 'Marcus Ellison, CPA',
    period: (t) => [month(t, -5), endBefore(t, 7)],
    fieldworkFrom: (t) => addDays(endBefore(t, 7), 15),
    fieldworkDays: 10,
    owner: 'grace',
    requests: soc2Requests,
    findings: [],
    closeAfterDays: 40,
  },
  {
    kind: 'surveillance',
    title: 'ISO/IEC 27701 surveillance audit 1',
    frameworks: ['iso27701-2019'],
    certification: 'iso27701',
    firm: CB,
    leadAuditor: 'Dr. Lena Vogt',
    fieldworkFrom: (t) => addMonths(iso27701From(t), 11),
    fieldworkDays: 2,
    owner: 'grace',
    requests: privacyRequests.slice(1),
    findings: [
      {
        kind: 'minor_nc',
        title: 'Breach assessments not recorded for near misses',
        description: 'Two security incidents involving PII were closed as near misses without a recorded breach assessment.',
        requirements: ['iso27701-2019:6.13'],
        controls: ['INC-08'],
        owner: 'grace',
        rootCause: 'The incident template asked for the assessment only when data left the company.',
        correctiveAction: 'Breach assessment required on every incident tagged PII.',
        dueInDays: 40,
        progress: [15, 35, 40],
      },
    ],
    closeAfterDays: 16,
  },
];

export interface DemandSpec {
  customer: string;
  framework?: string;
  scheme?: string;
  daysAgo: number;
  note: string;
  value?: number;
  by: 'grace' | 'omar';
}

export const demandSpecs: DemandSpec[] = [
  { customer: 'Kestrel Insurance SE', framework: 'iso27017-2015', daysAgo: 300, value: 240_000, note: 'Procurement asks for ISO 27017 at the next renewal.', by: 'grace' },
  { customer: 'Northwind Health GmbH', framework: 'iso27017-2015', daysAgo: 210, value: 95_000, note: 'Cloud-specific controls requested in the tender.', by: 'omar' },
  { customer: 'Northwind Health GmbH', scheme: 'BSI C5', daysAgo: 200, value: 95_000, note: 'German health sector customers expect a C5 Type 2 report.', by: 'omar' },
  { customer: 'Orbital Logistics BV', framework: 'iso27017-2015', daysAgo: 130, value: 60_000, note: 'Asked in the security questionnaire.', by: 'grace' },
  { customer: 'Stadtwerke Nordhafen', scheme: 'BSI C5', daysAgo: 85, value: 70_000, note: 'Public utility: C5 needed for the framework agreement.', by: 'omar' },
  { customer: 'Meridian Bank plc', framework: 'iso27017-2015', daysAgo: 45, value: 410_000, note: 'Outsourcing register entry needs ISO 27017 or an equivalent.', by: 'grace' },
  { customer: 'Meridian Bank plc', scheme: 'BSI C5', daysAgo: 44, value: 410_000, note: 'Would accept C5 in place of a right-to-audit visit.', by: 'grace' },
  {
    customer: 'Lumen Analytics Ltd',
    scheme: 'ISO/IEC 42001',
    daysAgo: 30,
    value: 50_000,
    note: 'Uses the AI inference service; asks for an AI management system certificate.',
    by: 'omar',
  },
  { customer: 'Autoteile Weber AG', scheme: 'TISAX', daysAgo: 150, value: 30_000, note: 'Automotive supplier network requirement.', by: 'grace' },
  { customer: 'Kestrel Insurance SE', scheme: 'ISO/IEC 42001', daysAgo: 12, note: 'Raised at the quarterly service review.', by: 'grace' },
];
