import type { Kysely } from 'kysely';
import { idColumn, isPostgres } from './portable.ts';

// Frozen: never edit after release; add a new migration instead.
// The audit programme: certifications and their lifecycle events, audits with scope, auditor
// assignments, findings, evidence requests, comments, customers' demand for certifications,
// calendar feeds and reminder deliveries. Days are YYYY-MM-DD text, instants ISO-8601 text.
export async function up(db: Kysely<any>): Promise<void> {
  const pgsql = isPostgres(db);

  // Control owners are job titles ("CISO"); a user holding that title owns those controls' evidence dates.
  await db.schema.alterTable('users').addColumn('job_title', 'text').execute();

  await idColumn(db.schema.createTable('certifications'), pgsql)
    .addColumn('framework_id', 'integer', (c) => c.notNull().references('frameworks.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('number', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('issued_on', 'text')
    .addColumn('valid_from', 'text', (c) => c.notNull())
    .addColumn('valid_until', 'text', (c) => c.notNull())
    .addColumn('withdrawn_on', 'text')
    .addColumn('document_evidence_id', 'integer', (c) => c.references('evidence.id'))
    .addColumn('owner_id', 'integer', (c) => c.references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('certifications_framework_idx').on('certifications').columns(['framework_id', 'valid_from']).execute();

  await idColumn(db.schema.createTable('audits'), pgsql)
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('certification_id', 'integer', (c) => c.references('certifications.id'))
    .addColumn('firm', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('lead_auditor', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('period_from', 'text')
    .addColumn('period_to', 'text')
    .addColumn('fieldwork_from', 'text')
    .addColumn('fieldwork_to', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('planned'))
    .addColumn('owner_id', 'integer', (c) => c.references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('audit_frameworks')
    .addColumn('audit_id', 'integer', (c) => c.notNull().references('audits.id').onDelete('cascade'))
    .addColumn('framework_id', 'integer', (c) => c.notNull().references('frameworks.id'))
    .addPrimaryKeyConstraint('audit_frameworks_pk', ['audit_id', 'framework_id'])
    .execute();

  await db.schema
    .createTable('audit_scope')
    .addColumn('audit_id', 'integer', (c) => c.notNull().references('audits.id').onDelete('cascade'))
    .addColumn('requirement_id', 'integer', (c) => c.notNull().references('requirements.id'))
    .addPrimaryKeyConstraint('audit_scope_pk', ['audit_id', 'requirement_id'])
    .execute();

  await idColumn(db.schema.createTable('audit_assignments'), pgsql)
    .addColumn('audit_id', 'integer', (c) => c.notNull().references('audits.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('access_from', 'text', (c) => c.notNull())
    .addColumn('access_until', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('removed_at', 'text')
    .execute();
  await db.schema.createIndex('audit_assignments_user_idx').on('audit_assignments').columns(['user_id', 'audit_id']).execute();

  // Dated milestones of a certification's cycle or an audit (stage 1, surveillance, ASV scan, …).
  await idColumn(db.schema.createTable('programme_events'), pgsql)
    .addColumn('certification_id', 'integer', (c) => c.references('certifications.id').onDelete('cascade'))
    .addColumn('audit_id', 'integer', (c) => c.references('audits.id'))
    .addColumn('framework_id', 'integer', (c) => c.references('frameworks.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('starts_on', 'text', (c) => c.notNull())
    .addColumn('ends_on', 'text')
    // RFC 5545 recurrence rule for items that truly recur (quarterly scans), else null.
    .addColumn('rrule', 'text')
    .addColumn('owner_id', 'integer', (c) => c.references('users.id'))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('planned'))
    .addColumn('done_on', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('programme_events_day_idx').on('programme_events').columns(['starts_on']).execute();

  await idColumn(db.schema.createTable('findings'), pgsql)
    .addColumn('audit_id', 'integer', (c) => c.notNull().references('audits.id'))
    .addColumn('ref', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('owner_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('root_cause', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('corrective_action', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('due_on', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('findings_audit_ref_unique', ['audit_id', 'ref'])
    .execute();

  await db.schema
    .createTable('finding_links')
    .addColumn('finding_id', 'integer', (c) => c.notNull().references('findings.id').onDelete('cascade'))
    .addColumn('requirement_id', 'integer', (c) => c.references('requirements.id'))
    .addColumn('control_id', 'integer', (c) => c.references('controls.id'))
    .execute();
  await db.schema.createIndex('finding_links_requirement_idx').on('finding_links').columns(['requirement_id']).execute();

  await idColumn(db.schema.createTable('evidence_requests'), pgsql)
    .addColumn('audit_id', 'integer', (c) => c.notNull().references('audits.id'))
    .addColumn('ref', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('requirement_id', 'integer', (c) => c.references('requirements.id'))
    .addColumn('control_id', 'integer', (c) => c.references('controls.id'))
    .addColumn('assignee_id', 'integer', (c) => c.references('users.id'))
    .addColumn('due_on', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open'))
    .addColumn('created_by', 'integer', (c) => c.references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('evidence_requests_audit_ref_unique', ['audit_id', 'ref'])
    .execute();

  await db.schema
    .createTable('evidence_request_links')
    .addColumn('request_id', 'integer', (c) => c.notNull().references('evidence_requests.id').onDelete('cascade'))
    .addColumn('evidence_id', 'integer', (c) => c.notNull().references('evidence.id'))
    .addPrimaryKeyConstraint('evidence_request_links_pk', ['request_id', 'evidence_id'])
    .execute();

  await idColumn(db.schema.createTable('comments'), pgsql)
    .addColumn('subject_type', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'integer', (c) => c.notNull())
    .addColumn('author_id', 'integer', (c) => c.references('users.id'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('comments_subject_idx').on('comments').columns(['subject_type', 'subject_id']).execute();

  // Customers asking for a certification or attestation not held yet. `framework_id` when Attest
  // has the catalog, else `scheme` names it as free text; `source` lets questionnaires add requests.
  await idColumn(db.schema.createTable('certification_requests'), pgsql)
    .addColumn('customer', 'text', (c) => c.notNull())
    .addColumn('framework_id', 'integer', (c) => c.references('frameworks.id'))
    .addColumn('scheme', 'text', (c) => c.notNull())
    .addColumn('requested_on', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('contract_value', 'integer')
    .addColumn('source', 'text', (c) => c.notNull().defaultTo('manual'))
    .addColumn('source_ref', 'text')
    .addColumn('created_by', 'integer', (c) => c.references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  // iCalendar subscriptions: a secret URL per user or per audit, stored hashed, revocable.
  await idColumn(db.schema.createTable('calendar_feeds'), pgsql)
    .addColumn('user_id', 'integer', (c) => c.references('users.id'))
    .addColumn('audit_id', 'integer', (c) => c.references('audits.id'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();

  await idColumn(db.schema.createTable('reminder_deliveries'), pgsql)
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('item_count', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('reminder_deliveries_user_day_channel_unique', ['user_id', 'day', 'channel'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'reminder_deliveries',
    'calendar_feeds',
    'certification_requests',
    'comments',
    'evidence_request_links',
    'evidence_requests',
    'finding_links',
    'findings',
    'programme_events',
    'audit_assignments',
    'audit_scope',
    'audit_frameworks',
    'audits',
    'certifications',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
  await db.schema.alterTable('users').dropColumn('job_title').execute();
}
