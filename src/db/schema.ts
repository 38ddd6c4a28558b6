import type { ActivityAction } from '../activity/activity.actions.ts';
import type { Role } from '../auth/roles.ts';
import type { Frequency, ImplementationStatus, Relationship } from '../controls/controls.model.ts';
import type { EvidenceKind, EvidenceStatus } from '../evidence/evidence.model.ts';
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
}
