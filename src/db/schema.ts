import type { ActivityAction } from '../activity/activity.actions.ts';
import type { Role } from '../auth/roles.ts';
import type { Frequency, ImplementationStatus, Relationship } from '../controls/controls.model.ts';
import type { EvidenceKind, EvidenceStatus } from '../evidence/evidence.model.ts';
import type { AuditKind, AuditStatus, CommentSubject, FindingKind, FindingStatus, RequestStatus } from '../audits/audits.model.ts';
import type { CertificationKind, DemandSource, EventKind, EventStatus } from '../certifications/certifications.model.ts';
import type { Generated } from 'kysely';

// Table types. Timestamps are UTC ISO-8601 text, days are YYYY-MM-DD text, booleans are 0/1
// integers on both databases and are converted in the repositories.

export interface AppSettingsTable {
  key: string;
  value: string;
}

/** Booleans are stored as 0/1 on both databases and mapped explicitly. */
export type Flag = 0 | 1;

export const flag = (value: boolean): Flag => (value ? 1 : 0);

export interface UsersTable {
  id: Generated<number>;
  email: string;
  name: string;
  role: Role;
  password_hash: string;
  must_change_password: Flag;
  disabled_at: string | null;
  last_login_at: string | null;
  created_at: string;
  updated_at: string;
  /** Control owners are job titles; a user with this title owns those controls' evidence dates. */
  job_title: string | null;
}

export interface SessionsTable {
  id_hash: string;
  user_id: number;
  created_at: string;
  expires_at: string;
  last_seen_at: string;
  ip: string | null;
  user_agent: string | null;
}

export interface ApiTokensTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  token_hash: string;
  prefix: string;
  created_by: number | null;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface ActivityTable {
  id: Generated<number>;
  at: string;
  actor_id: number | null;
  actor_label: string;
  action: ActivityAction;
  subject_type: string;
  subject_id: string | null;
  details: string;
  ip: string | null;
  user_agent: string | null;
  prev_hash: string;
  hash: string;
}

export interface FrameworksTable {
  id: Generated<number>;
  slug: string;
  name: string;
  edition: string;
  publisher: string;
  source: string;
  loaded_at: string;
  /** 'publisher': identifiers as the publisher numbers them; 'provisional': assigned by Attest, to be checked. */
  numbering: Generated<'publisher' | 'provisional'>;
  /** 'shipped': from controls/frameworks/; 'imported': brought in by the team (`attest frameworks import`). */
  origin: Generated<'shipped' | 'imported'>;
}

/** When a team replaced a catalog: what each old requirement ref became (null: no successor). */
export interface RequirementRefMapTable {
  id: Generated<number>;
  framework_id: number;
  old_ref: string;
  new_ref: string | null;
}

export interface RequirementsTable {
  id: Generated<number>;
  framework_id: number;
  ref: string;
  name: string;
  summary: string;
  parent_ref: string | null;
  assessable: Flag;
  position: number;
}

export interface RequirementExclusionsTable {
  requirement_id: number;
  justification: string;
  updated_at: string;
}

export interface ControlDomainsTable {
  slug: string;
  name: string;
}

export interface ControlsTable {
  id: Generated<number>;
  ref: string;
  domain: string;
  title: string;
  description: string;
  frequency: Frequency;
  owner: string;
  status: ImplementationStatus;
  /** JSON array of typical evidence items. */
  evidence_hint: string;
  applicable: Flag;
  applicability_note: string | null;
  /** 1 once edited in the app: `controls load` then keeps the edit unless told to overwrite. */
  app_edited: Flag;
  retired_at: string | null;
  /** The control that absorbed this one's practice and evidence (set when merged, with retired_at). */
  merged_into: string | null;
  created_at: string;
  updated_at: string;
}

export interface MappingsTable {
  id: Generated<number>;
  control_id: number;
  requirement_id: number;
  relationship: Relationship;
  strength: number | null;
  rationale: string | null;
}

export interface EvidenceTable {
  id: Generated<number>;
  lineage_id: number | null;
  version: number;
  supersedes_id: number | null;
  superseded_by_id: number | null;
  superseded_at: string | null;
  title: string;
  kind: EvidenceKind;
  description: string;
  link_url: string | null;
  /** Days, YYYY-MM-DD. */
  collected_at: string;
  valid_until: string;
  status: EvidenceStatus;
  submitter_id: number | null;
  submitted_at: string;
  reviewer_id: number | null;
  reviewed_at: string | null;
  review_comment: string | null;
  import_id: string | null;
  /** 1 when customer-compliance staff may see and send it; set by GRC staff, recorded. */
  shareable: Generated<Flag>;
}

export interface EvidenceControlsTable {
  evidence_id: number;
  control_id: number;
}

export interface EvidenceFilesTable {
  id: Generated<number>;
  evidence_id: number;
  sha256: string;
  size: number;
  filename: string;
  media_type: string;
  uploaded_at: string;
}

export interface CertificationsTable {
  id: Generated<number>;
  framework_id: number;
  kind: CertificationKind;
  number: string;
  issuer: string;
  scope: string;
  issued_on: string | null;
  /** For a SOC 2 report: the period it covers. */
  valid_from: string;
  valid_until: string;
  withdrawn_on: string | null;
  document_evidence_id: number | null;
  owner_id: number | null;
  created_at: string;
  updated_at: string;
}

export interface AuditsTable {
  id: Generated<number>;
  kind: AuditKind;
  title: string;
  certification_id: number | null;
  firm: string;
  lead_auditor: string;
  period_from: string | null;
  period_to: string | null;
  fieldwork_from: string | null;
  fieldwork_to: string | null;
  status: AuditStatus;
  owner_id: number | null;
  created_at: string;
  updated_at: string;
}

export interface AuditFrameworksTable {
  audit_id: number;
  framework_id: number;
}

export interface AuditScopeTable {
  audit_id: number;
  requirement_id: number;
}

export interface AuditAssignmentsTable {
  id: Generated<number>;
  audit_id: number;
  user_id: number;
  access_from: string;
  access_until: string;
  created_at: string;
  removed_at: string | null;
}

export interface ProgrammeEventsTable {
  id: Generated<number>;
  certification_id: number | null;
  audit_id: number | null;
  framework_id: number | null;
  kind: EventKind;
  title: string;
  starts_on: string;
  ends_on: string | null;
  rrule: string | null;
  owner_id: number | null;
  status: EventStatus;
  done_on: string | null;
  created_at: string;
  updated_at: string;
}

export interface FindingsTable {
  id: Generated<number>;
  audit_id: number;
  ref: string;
  kind: FindingKind;
  title: string;
  description: string;
  owner_id: number;
  root_cause: string;
  corrective_action: string;
  due_on: string;
  status: FindingStatus;
  created_at: string;
  updated_at: string;
}

export interface FindingLinksTable {
  finding_id: number;
  requirement_id: number | null;
  control_id: number | null;
}

export interface EvidenceRequestsTable {
  id: Generated<number>;
  audit_id: number;
  ref: string;
  title: string;
  description: string;
  requirement_id: number | null;
  control_id: number | null;
  assignee_id: number | null;
  due_on: string;
  status: RequestStatus;
  created_by: number | null;
  created_at: string;
  updated_at: string;
}

export interface EvidenceRequestLinksTable {
  request_id: number;
  evidence_id: number;
}

export interface CommentsTable {
  id: Generated<number>;
  subject_type: CommentSubject;
  subject_id: number;
  author_id: number | null;
  body: string;
  created_at: string;
}

export interface CertificationRequestsTable {
  id: Generated<number>;
  customer: string;
  framework_id: number | null;
  scheme: string;
  requested_on: string;
  note: string;
  /** Whole currency units, optional. */
  contract_value: number | null;
  source: DemandSource;
  source_ref: string | null;
  created_by: number | null;
  created_at: string;
}

export interface CalendarFeedsTable {
  id: Generated<number>;
  user_id: number | null;
  audit_id: number | null;
  token_hash: string;
  prefix: string;
  created_by: number | null;
  created_at: string;
  revoked_at: string | null;
}

export interface ReminderDeliveriesTable {
  id: Generated<number>;
  user_id: number;
  day: string;
  channel: 'email' | 'app';
  item_count: number;
  created_at: string;
}

export interface DB {
  app_settings: AppSettingsTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  activity: ActivityTable;
  frameworks: FrameworksTable;
  requirements: RequirementsTable;
  requirement_exclusions: RequirementExclusionsTable;
  control_domains: ControlDomainsTable;
  controls: ControlsTable;
  mappings: MappingsTable;
  evidence: EvidenceTable;
  evidence_controls: EvidenceControlsTable;
  evidence_files: EvidenceFilesTable;
  certifications: CertificationsTable;
  audits: AuditsTable;
  audit_frameworks: AuditFrameworksTable;
  audit_scope: AuditScopeTable;
  audit_assignments: AuditAssignmentsTable;
  programme_events: ProgrammeEventsTable;
  findings: FindingsTable;
  finding_links: FindingLinksTable;
  evidence_requests: EvidenceRequestsTable;
  evidence_request_links: EvidenceRequestLinksTable;
  comments: CommentsTable;
  certification_requests: CertificationRequestsTable;
  calendar_feeds: CalendarFeedsTable;
  reminder_deliveries: ReminderDeliveriesTable;
  reports: ReportsTable;
  report_files: ReportFilesTable;
  samples: SamplesTable;
  questionnaires: QuestionnairesTable;
  questionnaire_answers: QuestionnaireAnswersTable;
  questionnaire_comments: QuestionnaireCommentsTable;
  answer_variants: AnswerVariantsTable;
  requirement_ref_map: RequirementRefMapTable;
  control_intervals: ControlIntervalsTable;
  change_versions: ChangeVersionsTable;
  jobs: JobsTable;
}

/** Long work asked for by someone, run by a worker (src/jobs). */
export interface JobsTable {
  id: string;
  kind: string;
  owner_id: number | null;
  /** JSON of the principal the job acts for. */
  principal: string;
  /** JSON of what the job needs (a file's path, a report's id and plan). */
  payload: string;
  status: Generated<'queued' | 'running' | 'done' | 'failed'>;
  phase: Generated<string>;
  done: Generated<number>;
  total: Generated<number>;
  /** JSON of what it produced. */
  result: string | null;
  error: string | null;
  /** Which process ran it (host and pid). */
  worker: string | null;
  created_at: string;
  started_at: string | null;
  heartbeat_at: string | null;
  finished_at: string | null;
}

export interface ReportsTable {
  id: Generated<number>;
  kind: string;
  title: string;
  framework_id: number | null;
  audit_id: number | null;
  /** JSON of the parameters it was asked with. */
  params: Generated<string>;
  as_of: string;
  status: Generated<'building' | 'ready' | 'failed'>;
  progress_done: Generated<number>;
  progress_total: Generated<number>;
  error: string | null;
  /** The newest activity record's hash when generation began ('' when the trail was empty). */
  chain_head: Generated<string>;
  created_by: number | null;
  created_label: string;
  created_at: string;
  finished_at: string | null;
}

export interface ReportFilesTable {
  id: Generated<number>;
  report_id: number;
  name: string;
  media_type: string;
  sha256: string;
  size: number;
}

export interface SamplesTable {
  id: Generated<number>;
  audit_id: number;
  title: string;
  /** JSON array of the population's items, as given. */
  population: string;
  population_size: number;
  population_sha256: string;
  sample_size: number;
  seed: string;
  /** JSON array of the chosen items' indexes in the population, in the order drawn. */
  selected: string;
  drawn_by: number | null;
  created_at: string;
}

export interface QuestionnairesTable {
  id: Generated<number>;
  customer: string;
  filename: string;
  media_type: string;
  /** The original file, kept in the content-addressed store. */
  sha256: string;
  size: number;
  /** JSON of what was detected: sheet, header row, columns. */
  layout: string;
  created_by: number | null;
  created_at: string;
}

export interface QuestionnaireAnswersTable {
  id: Generated<number>;
  questionnaire_id: number;
  row_number: number;
  ref: string | null;
  question: string;
  answer: string | null;
  detail: string | null;
  confidence: number;
  entry: string | null;
  stale: Generated<number>;
  /** JSON of the whole proposed answer (controls, requirements, alternatives, stale reasons). */
  result: string;
  status: Generated<'auto' | 'edited' | 'approved'>;
  assignee_id: number | null;
}

export interface QuestionnaireCommentsTable {
  id: Generated<number>;
  answer_id: number;
  author_id: number | null;
  body: string;
  created_at: string;
}

/** A customer's phrasing learned from an approved answer: a variant of a library entry's question. */
export interface AnswerVariantsTable {
  id: Generated<number>;
  entry: string;
  question: string;
  question_key: string;
  questionnaire_id: number | null;
  row_number: number | null;
  added_by: number | null;
  added_at: string;
  removed_at: string | null;
  removed_by: number | null;
}

/** Day ranges a control's accepted, current evidence covers (overlapping items merged). */
export interface ControlIntervalsTable {
  control_id: number;
  valid_from: string;
  valid_until: string;
}

/** A counter per kind of change ('coverage'), bumped in the transaction of every such change. */
export interface ChangeVersionsTable {
  scope: string;
  version: number;
}
