import { certificationStatusLabels } from './certifications.presenter.ts';
import type { Demand, PlanningRow } from './demand.service.ts';
import { formatPercent } from '../percent.ts';

// What the planning page and the API show of customers' demand.

const heldDetail = (h: NonNullable<PlanningRow['held']>) =>
  h.status === 'not_yet_valid' ? `from ${h.validFrom}` : h.status === 'expired' ? `ended ${h.validUntil}` : h.status === 'withdrawn' ? '' : `until ${h.validUntil}`;

export const moneyText = (n: number | null) => (n === null ? '' : n.toLocaleString('en-US'));

export function demandView(d: Demand) {
  return {
    ...d,
    what: d.framework ? d.framework.name : d.scheme,
    valueText: moneyText(d.contractValue),
    sourceText: d.source === 'questionnaire' ? `questionnaire${d.sourceRef ? ` ${d.sourceRef}` : ''}` : (d.createdBy ?? 'the command line'),
  };
}

export function planningView(r: PlanningRow) {
  return {
    ...r,
    valueText: moneyText(r.totalValue),
    noCatalog: r.framework === null,
    coverageText: r.coverage ? `${formatPercent(r.coverage.metPercent)} met` : '',
    partialText: r.coverage && r.coverage.partialPercent > 0 ? `${formatPercent(r.coverage.partialPercent)} partial` : '',
    heldText: r.held ? certificationStatusLabels[r.held.status] : '',
    heldDetail: r.held ? heldDetail(r.held) : '',
    heldHref: r.held ? `/certifications/${r.held.id}` : '',
    heldStatus: r.held?.status ?? '',
  };
}

export function demandJson(d: Demand) {
  return {
    id: d.id,
    customer: d.customer,
    framework: d.framework,
    scheme: d.scheme,
    requestedOn: d.requestedOn,
    note: d.note,
    contractValue: d.contractValue,
    source: d.source,
    sourceRef: d.sourceRef,
    createdBy: d.createdBy,
    createdAt: d.createdAt,
  };
}

export function planningJson(r: PlanningRow) {
  return {
    framework: r.framework,
    scheme: r.framework ? null : r.label,
    customers: r.customers,
    requests: r.requests,
    totalValue: r.totalValue,
    latestRequest: r.latest,
    coverage: r.coverage,
    catalog: r.framework !== null,
    held: r.held ? { status: r.held.status, validUntil: r.held.validUntil, certificationId: r.held.id } : null,
  };
}
