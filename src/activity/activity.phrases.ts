import type { ActivityAction } from './activity.actions.ts';

/**
 * How the activity pages say each action, in one table. `label` names the action in the filter;
 * `sentence` follows the actor's name ("Omar Haddad" + "accepted {subject}"). In a sentence:
 * - `{subject}` is the record's subject, as a link to its page where there is one;
 * - `{type:key}` is another subject whose id the details hold under `key` (`{user:user_id}`);
 * - `{d.key}` is a detail's value, as plain words;
 * - `[…]` is said only when every placeholder inside it has a value, so an older record that lacks
 *   a detail still reads as a sentence.
 * Keyed by the closed list of actions, so an action without a phrase does not compile.
 */
export interface ActivityPhrase {
  label: string;
  sentence: string;
}

export const activityPhrases: Record<ActivityAction, ActivityPhrase> = {
  'auth.login': { label: 'Signed in', sentence: 'signed in' },
  'auth.login_failed': { label: 'Sign-in refused', sentence: 'tried to sign in and was refused[ ({d.reason})]' },
  'auth.logout': { label: 'Signed out', sentence: 'signed out' },
  'auth.unlocked': { label: 'Sign-in unlocked', sentence: 'unlocked sign-in for {subject}' },
  'user.created': { label: 'User added', sentence: 'added the user {subject}' },
  'user.role_changed': { label: 'Role changed', sentence: 'changed the role of {subject}[ from {d.from} to {d.to}]' },
  'user.disabled': { label: 'User disabled', sentence: 'disabled the account of {subject}' },
  'user.enabled': { label: 'User re-enabled', sentence: 're-enabled the account of {subject}' },
  'user.password_changed': { label: 'Password changed', sentence: 'changed the password of {subject}' },
  'user.job_title_changed': { label: 'Job title changed', sentence: 'changed the job title of {subject}' },
  'token.issued': { label: 'API token issued', sentence: 'issued {subject}' },
  'token.revoked': { label: 'API token revoked', sentence: 'revoked {subject}' },
  'framework.created': { label: 'Framework added', sentence: 'added the framework {subject}' },
  'framework.updated': { label: 'Framework updated', sentence: 'updated the framework {subject}' },
  'framework.imported': { label: 'Framework catalog imported', sentence: 'imported a new catalog for {subject}' },
  'applicability.loaded': { label: 'Applicability loaded', sentence: 'loaded which requirements apply from the control files' },
  'control.created': { label: 'Control added', sentence: 'added {subject}' },
  'control.updated': { label: 'Control changed', sentence: 'changed {subject}' },
  'control.retired': { label: 'Control retired', sentence: 'retired {subject}' },
  'control.merged': { label: 'Control merged', sentence: 'merged {subject}[ into {control:into}]' },
  'control.restored': { label: 'Control restored', sentence: 'restored {subject}' },
  'coverage.intervals_rebuilt': { label: 'Coverage rebuilt', sentence: 'rebuilt the stored coverage[ of {d.count} controls]' },
  'mapping.added': { label: 'Mapping added', sentence: 'mapped {subject}[ to {d.requirement}][ of {framework:framework}]' },
  'mapping.updated': { label: 'Mapping changed', sentence: 'changed how {subject} maps[ to {d.requirement}][ of {framework:framework}]' },
  'mapping.removed': { label: 'Mapping removed', sentence: 'removed the mapping of {subject}[ to {d.requirement}][ of {framework:framework}]' },
  'evidence.submitted': { label: 'Evidence submitted', sentence: 'submitted {subject}' },
  'evidence.version_submitted': { label: 'Evidence new version', sentence: 'submitted a new version: {subject}' },
  'evidence.accepted': { label: 'Evidence accepted', sentence: 'accepted {subject}' },
  'evidence.rejected': { label: 'Evidence rejected', sentence: 'rejected {subject}' },
  'evidence.shareability_changed': { label: 'Evidence sharing changed', sentence: 'changed whether customers may be sent {subject}' },
  'evidence.imported': { label: 'Evidence imported', sentence: 'imported[ {d.rows}] evidence items from a spreadsheet' },
  'evidence.file_downloaded': { label: 'Evidence file downloaded', sentence: 'downloaded[ {d.name} from] {subject}' },
  'evidence.file_integrity_failed': { label: 'Evidence file damaged', sentence: 'found a damaged stored file in {subject}' },
  'activity.checkpointed': { label: 'Trail checkpoint recorded', sentence: 'recorded a checkpoint of the activity trail' },
  'certification.created': { label: 'Certification recorded', sentence: 'recorded {subject}' },
  'certification.updated': { label: 'Certification changed', sentence: 'changed {subject}' },
  'certification.withdrawn': { label: 'Certification withdrawn', sentence: 'withdrew {subject}' },
  'certification.cycle_planned': { label: 'Certification cycle planned', sentence: 'planned the certification cycle of {subject}' },
  'event.created': { label: 'Calendar event added', sentence: 'added {subject}' },
  'event.updated': { label: 'Calendar event changed', sentence: 'changed {subject}' },
  'event.deleted': { label: 'Calendar event deleted', sentence: 'deleted {subject}' },
  'audit.created': { label: 'Audit planned', sentence: 'planned {subject}' },
  'audit.updated': { label: 'Audit changed', sentence: 'changed {subject}' },
  'audit.status_changed': { label: 'Audit moved on', sentence: 'moved {subject}[ from {d.from}][ to {d.to}]' },
  'audit.scope_changed': { label: 'Audit scope changed', sentence: 'changed the scope of {subject}' },
  'audit.auditor_assigned': { label: 'Auditor given access', sentence: 'gave {user:user_id} access to {subject}' },
  'audit.auditor_removed': { label: 'Auditor access removed', sentence: 'removed the access of {user:user_id} to {subject}' },
  'finding.recorded': { label: 'Finding recorded', sentence: 'recorded {subject}' },
  'finding.updated': { label: 'Finding changed', sentence: 'changed {subject}' },
  'finding.status_changed': { label: 'Finding moved on', sentence: 'moved {subject}[ to {d.to}]' },
  'request.created': { label: 'Evidence request raised', sentence: 'raised {subject}' },
  'request.imported': { label: 'Evidence requests imported', sentence: 'imported[ {d.rows}] evidence requests into {subject}' },
  'request.updated': { label: 'Evidence request changed', sentence: 'changed {subject}' },
  'request.status_changed': { label: 'Evidence request moved on', sentence: 'marked {subject}[ {d.to}]' },
  'request.evidence_linked': { label: 'Evidence linked to a request', sentence: 'linked evidence to {subject}' },
  'comment.added': { label: 'Comment added', sentence: 'commented on {subject}' },
  'demand.recorded': { label: 'Certification request recorded', sentence: 'recorded {subject}' },
  'demand.removed': { label: 'Certification request removed', sentence: 'removed {subject}' },
  'feed.created': { label: 'Calendar feed created', sentence: 'created {subject}' },
  'feed.revoked': { label: 'Calendar feed revoked', sentence: 'revoked {subject}' },
  'reminders.sent': { label: 'Reminders sent', sentence: 'sent the reminder digest to {subject}' },
  'report.generated': { label: 'Report generated', sentence: 'generated {subject}' },
  'report.failed': { label: 'Report failed', sentence: 'could not generate {subject}' },
  'report.downloaded': { label: 'Report downloaded', sentence: 'downloaded {subject}' },
  'sample.drawn': { label: 'Sample drawn', sentence: 'drew a sample[ of {d.size}][ from {d.population_size}] for {subject}' },
  'portal.viewed': { label: 'Auditor portal viewed', sentence: 'looked at {subject} in the auditor portal[: {evidence:evidence_id}][: {report:report_id}][ ({d.page} page)]' },
  'questionnaire.imported': { label: 'Questionnaire imported', sentence: 'imported {subject}' },
  'questionnaire.answer_edited': { label: 'Questionnaire answer edited', sentence: 'edited[ row {d.row} of] {subject}' },
  'questionnaire.answers_approved': { label: 'Questionnaire answers approved', sentence: 'approved answers in {subject}' },
  'questionnaire.answer_assigned': { label: 'Questionnaire answer assigned', sentence: 'assigned[ row {d.row} of] {subject}[ to {user:assignee}]' },
  'questionnaire.answer_commented': { label: 'Questionnaire answer commented', sentence: 'commented on[ row {d.row} of] {subject}' },
  'questionnaire.columns_corrected': { label: 'Questionnaire columns corrected', sentence: 'corrected which columns of {subject} hold the questions and answers' },
  'answer_library.variant_removed': { label: 'Learned phrasing removed', sentence: 'removed a learned phrasing from {subject}' },
};
