import { z } from 'zod';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import type { JobHandler } from '../jobs/jobs.handlers.ts';
import { planAnswerPack } from '../questionnaires/answer-pack.ts';
import { getQuestionnaire } from '../questionnaires/questionnaires.service.ts';
import { planReport } from './plans.ts';
import type { ReportBuilder, ReportPlanRef } from './reports.model.ts';
import * as repo from './reports.repository.ts';
import { buildReport, failReport, requestOfRow } from './reports.service.ts';

const payloadSchema = z.object({ reportId: z.number().int().positive(), plan: z.custom<ReportPlanRef>((v) => typeof v === 'object' && v !== null && 'type' in v) });

/** The builder of a queued report, planned again where it runs (the plan checks its inputs and rights again). */
async function builderOf(ctx: AppContext, principal: Principal, plan: ReportPlanRef): Promise<ReportBuilder> {
  if (plan.type === 'answers') {
    const q = await getQuestionnaire(ctx, principal, plan.questionnaireId);
    return (await planAnswerPack(ctx, principal, { customer: q.customer, questionnaire: q.filename, answers: q.answers })).build;
  }
  return (await planReport(ctx, principal, plan.input)).build;
}

/** A report or pack build, queued by the report form, the API, the portal or a questionnaire. */
export const reportJob: JobHandler = {
  async run(ctx, principal, payload) {
    const { reportId, plan } = payloadSchema.parse(payload);
    const row = await repo.findReport(ctx.db, reportId);
    if (row?.status !== 'building') return { reportId, skipped: true };
    // Planned inside the build, so that a plan refused now (rights withdrawn, audit closed) is recorded as the report's failure.
    const build: ReportBuilder = async (args) => (await builderOf(ctx, principal, plan))(args);
    await buildReport(ctx, principal, reportId, requestOfRow(row), build);
    return { reportId };
  },
  async failed(ctx, principal, payload, message) {
    const parsed = payloadSchema.safeParse(payload);
    if (!parsed.success) return;
    const row = await repo.findReport(ctx.db, parsed.data.reportId);
    if (row?.status === 'building') await failReport(ctx, principal, row.id, row.kind, message);
  },
};
