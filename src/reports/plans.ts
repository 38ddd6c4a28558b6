import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import { AppError } from '../http/errors.ts';
import { planPack } from './pack.ts';
import { planReadiness } from './readiness.ts';
import type { ReportBuilder, ReportRequest } from './reports.model.ts';
import type { ReportRequestInput } from './reports.schema.ts';
import { planSoa } from './soa.ts';
import { startReport } from './reports.service.ts';
import { planSummary } from './summary.ts';

/** The plan (record + builder) of whichever report was asked for; each plan checks its own inputs. */
export async function planReport(ctx: AppContext, principal: Principal, input: ReportRequestInput): Promise<{ request: ReportRequest; build: ReportBuilder }> {
  switch (input.kind) {
    case 'soa':
      return planSoa(ctx, principal, { framework: input.framework ?? '', asOf: input.as_of, format: input.format ?? 'pdf' });
    case 'readiness':
      return planReadiness(ctx, principal, { framework: input.framework ?? '', asOf: input.as_of, format: input.format ?? 'pdf' });
    case 'summary':
      if (input.format === 'xlsx') throw AppError.invalid([{ field: 'format', message: 'The compliance summary is a one-page PDF.' }]);
      return planSummary(ctx, principal, { asOf: input.as_of });
    case 'answers':
      throw AppError.invalid([{ field: 'kind', message: 'An answer pack is built from a customer’s questionnaire: attest questionnaire answer FILE --format pdf.' }]);
    case 'pack':
      if (input.audit_id === undefined) throw AppError.invalid([{ field: 'audit_id', message: 'Choose the audit whose evidence pack to build.' }]);
      return planPack(ctx, principal, { auditId: input.audit_id });
  }
}

/**
 * Plans the report asked for (checking every input now, so a mistake is answered at once) and
 * queues its build; the worker plans it again from the same input, with the as-of day fixed.
 */
export async function requestReport(ctx: AppContext, principal: Principal, input: ReportRequestInput): Promise<{ id: number }> {
  const { request } = await planReport(ctx, principal, input);
  return startReport(ctx, principal, request, { type: 'report', input: { ...input, as_of: request.asOf } });
}
