import type { Migration } from 'kysely';
import * as foundation from './2026_11_21_0001_foundation.ts';
import * as controlLibrary from './2026_11_21_0002_control_library.ts';
import * as evidence from './2026_11_21_0003_evidence.ts';
import * as activityGuard from './2026_11_29_0001_activity_guard.ts';
import * as evidenceShareable from './2026_11_29_0002_evidence_shareable.ts';
import * as valueChecks from './2026_11_29_0003_value_checks.ts';
import * as auditProgramme from './2026_11_29_0004_audit_programme.ts';
import * as reportsPortal from './2026_11_29_0005_reports_portal.ts';
import * as questionnaires from './2026_11_29_0006_questionnaires.ts';
import * as questionnaireReview from './2026_11_29_0007_questionnaire_review.ts';
import * as libraryTrust from './2026_11_29_0008_library_trust.ts';
import * as coverageIntervals from './2026_11_29_0009_coverage_intervals.ts';
import * as jobs from './2026_11_30_0001_jobs.ts';

/** Every migration, by name. Names sort by date; never rename or edit a released one. */
export const migrations: Record<string, Migration> = {
  '2026_11_21_0001_foundation': foundation,
  '2026_11_21_0002_control_library': controlLibrary,
  '2026_11_21_0003_evidence': evidence,
  '2026_11_29_0001_activity_guard': activityGuard,
  '2026_11_29_0002_evidence_shareable': evidenceShareable,
  '2026_11_29_0003_value_checks': valueChecks,
  '2026_11_29_0004_audit_programme': auditProgramme,
  '2026_11_29_0005_reports_portal': reportsPortal,
  '2026_11_29_0006_questionnaires': questionnaires,
  '2026_11_29_0007_questionnaire_review': questionnaireReview,
  '2026_11_29_0008_library_trust': libraryTrust,
  '2026_11_29_0009_coverage_intervals': coverageIntervals,
  '2026_11_30_0001_jobs': jobs,
};
