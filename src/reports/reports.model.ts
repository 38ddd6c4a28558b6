import type { ReportRequestInput } from './reports.schema.ts';
// Closed value sets and shapes of the reports domain.

export const reportKinds = ['soa', 'readiness', 'pack', 'summary', 'answers'] as const;
export type ReportKind = (typeof reportKinds)[number];

export const reportKindLabels: Record<ReportKind, string> = {
  soa: 'Statement of Applicability',
  readiness: 'Framework readiness',
  pack: 'Audit evidence pack',
  summary: 'Compliance summary for customers',
  answers: 'Questionnaire answer pack',
};

export type ReportStatus = 'building' | 'ready' | 'failed';

/** A file a report builder wrote to a temporary path; the service stores it content-addressed. */
export interface OutputFile {
  name: string;
  mediaType: string;
  path: string;
}

/** What a builder tells the page while it works: the number of steps, then each one done. */
export interface ProgressReporter {
  total(steps: number): Promise<void>;
  advance(steps?: number): Promise<void>;
}

export interface ReportRequest {
  kind: ReportKind;
  title: string;
  frameworkId?: number | null;
  auditId?: number | null;
  params: Record<string, unknown>;
  asOf: string;
}

/**
 * How a queued report's build is planned again by the worker that runs it: the form's input (with
 * its as-of day fixed when it was asked for), or the questionnaire whose answer pack it is.
 */
export type ReportPlanRef = { type: 'report'; input: ReportRequestInput } | { type: 'answers'; questionnaireId: number };

/** Builds the report's files; `reportId` is printed in them so a reader can find the record. */
export type ReportBuilder = (ctx: { reportId: number; progress: ProgressReporter }) => Promise<OutputFile[]>;

export const mediaTypes = {
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  zip: 'application/zip',
} as const;
