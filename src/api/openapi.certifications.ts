// Certifications, their events, alerts, SOC 2 gaps and customers' demand. Kept free of imports
// from openapi.ts, which imports this file.

const errorRef = { content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
const errors = {
  '400': { description: 'Bad input; `error.fields` names each field and the reason', ...errorRef },
  '401': { description: 'Missing or invalid API token', ...errorRef },
  '403': { description: 'The token’s user may not do this', ...errorRef },
};
const notFound = { '404': { description: 'Not found', ...errorRef } };
const json = (description: string) => ({ description, content: { 'application/json': { schema: { type: 'object' } } } });
const q = (name: string, description: string, schema: Record<string, unknown> = { type: 'string' }) => ({ name, in: 'query', required: false, description, schema });
const path = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'integer' } });
const body = (schema: Record<string, unknown>) => ({ required: true, content: { 'application/json': { schema } } });
const day = { type: 'string', format: 'date' };

const certificationBody = body({
  type: 'object',
  required: ['framework', 'kind', 'issuer', 'valid_from', 'valid_until'],
  properties: {
    framework: { type: 'string', description: 'slug of a loaded framework (unknown: 400 naming `framework`)' },
    kind: { type: 'string', enum: ['iso_certificate', 'soc2_type1', 'soc2_type2', 'pci_aoc', 'pci_roc', 'eu_coc_declaration'] },
    number: { type: 'string', maxLength: 100 },
    issuer: { type: 'string', maxLength: 200, description: 'certification body, CPA firm, QSA or monitoring body' },
    scope: { type: 'string', maxLength: 4000 },
    issued_on: { ...day, description: 'not in the future' },
    valid_from: { ...day, description: 'for a SOC 2 report: the first day of the period it covers' },
    valid_until: { ...day, description: 'on or after valid_from, at most 5 years later; SOC 2 Type II periods of one framework must not overlap' },
    owner_id: { type: ['integer', 'null'], description: 'an active GRC user or administrator' },
    document_evidence_id: { type: ['integer', 'null'], description: 'the evidence item holding the certificate or report' },
  },
});

const eventBody = body({
  type: 'object',
  required: ['kind', 'title', 'starts_on'],
  properties: {
    kind: { type: 'string', description: 'stage1_audit, surveillance_audit, internal_audit, asv_scan, bridge_letter, …' },
    title: { type: 'string', maxLength: 200 },
    starts_on: day,
    ends_on: { ...day, description: 'last day, inclusive' },
    owner_id: { type: ['integer', 'null'] },
    status: { type: 'string', enum: ['planned', 'done', 'cancelled'] },
  },
});

const demandBody = body({
  type: 'object',
  required: ['customer', 'requested_on'],
  properties: {
    customer: { type: 'string', maxLength: 200 },
    framework: { type: 'string', description: 'slug of a loaded framework; or give `scheme`' },
    scheme: { type: 'string', maxLength: 200, description: 'a scheme Attest has no catalog for ("BSI C5"); not with `framework`' },
    requested_on: { ...day, description: 'not in the future' },
    note: { type: 'string', maxLength: 2000 },
    contract_value: { type: 'integer', minimum: 0, maximum: 1_000_000_000 },
  },
});

export const certificationPaths = {
  '/certifications': {
    get: {
      summary: 'The register; status is derived from the dates (current, expiring, expired, withdrawn, not_yet_valid)',
      parameters: [
        q('framework', 'framework slug'),
        q('status', 'derived status'),
        q('q', 'text in number, issuer or scope'),
        q('page', 'from 1', { type: 'integer' }),
        q('limit', '1–500', { type: 'integer' }),
      ],
      responses: { '200': json('{ items, total, page, limit }'), ...errors },
    },
    post: {
      summary: 'Record a certification, report or declaration (recorded in the activity trail)',
      requestBody: certificationBody,
      responses: { '201': json('The certification'), ...errors },
    },
  },
  '/certifications/alerts': {
    get: {
      summary: 'Expiring and expired certifications not yet renewed, and SOC 2 period gaps, each with a label and href',
      responses: { '200': json('{ expiring, expired, soc2Gaps }'), ...errors },
    },
  },
  '/certifications/soc2-gaps': {
    get: {
      summary: 'Uncovered days between consecutive SOC 2 Type II periods of a framework',
      responses: { '200': json('{ items: [{ framework, from, to, days }] }'), ...errors },
    },
  },
  '/certifications/{id}': {
    get: { summary: 'One certification', parameters: [path('id')], responses: { '200': json('The certification'), ...errors, ...notFound } },
    post: {
      summary:
        'Change a certification: the required fields as when recording; optional fields left out keep their value (an empty string, or null for the ids, clears them). The record keeps each change before and after',
      parameters: [path('id')],
      requestBody: certificationBody,
      responses: { '200': json('The certification'), ...errors, ...notFound },
    },
  },
  '/certifications/{id}/withdraw': {
    post: {
      summary: 'Withdraw it; its planned events from that day on are cancelled',
      parameters: [path('id')],
      requestBody: body({ type: 'object', properties: { withdrawn_on: { ...day, description: 'default today; not in the future' }, reason: { type: 'string', maxLength: 500 } } }),
      responses: { '200': json('The certification'), ...errors, ...notFound, '409': { description: 'Already withdrawn', ...errorRef } },
    },
  },
  '/certifications/{id}/plan': {
    post: {
      summary:
        'Plan the cycle from the lifecycle template. Planning again replaces the still-planned events earlier plans generated and keeps done, cancelled and hand-added ones (no duplicates)',
      parameters: [path('id')],
      responses: { '200': json('{ created, replaced, kept, events }'), ...errors, ...notFound, '409': { description: 'The certification is withdrawn', ...errorRef } },
    },
  },
  '/certifications/{id}/events': {
    get: { summary: 'The certification’s programme events', parameters: [path('id')], responses: { '200': json('{ items }'), ...errors, ...notFound } },
    post: { summary: 'Add one event by hand', parameters: [path('id')], requestBody: eventBody, responses: { '201': json('The event'), ...errors, ...notFound } },
  },
  '/certifications/{id}/events/{eventId}': {
    post: {
      summary: 'Change an event: kind, title and starts_on as when adding; ends_on, owner_id and status left out keep their value (null clears). Status done records the day',
      parameters: [path('id'), path('eventId')],
      requestBody: eventBody,
      responses: { '200': json('The event'), ...errors, ...notFound },
    },
  },
  '/certifications/{id}/events/{eventId}/delete': {
    post: { summary: 'Delete one event (recorded)', parameters: [path('id'), path('eventId')], responses: { '200': json('{ deleted }'), ...errors, ...notFound } },
  },
  '/certifications/planning': {
    get: {
      summary: 'Requested frameworks and schemes ranked by distinct customers, total value and latest request, with today’s coverage and whether a certification is held',
      responses: { '200': json('{ items }'), ...errors },
    },
  },
  '/certifications/demand': {
    get: {
      summary: 'Customers’ requests for certifications not held yet, newest first',
      parameters: [q('page', 'from 1', { type: 'integer' }), q('limit', '1–500', { type: 'integer' })],
      responses: { '200': json('{ items, total, page, limit }'), ...errors },
    },
    post: { summary: 'Record a customer’s request for a framework or a scheme without catalog', requestBody: demandBody, responses: { '201': json('The request'), ...errors } },
  },
  '/certifications/demand/{id}/delete': {
    post: { summary: 'Remove a request recorded by mistake (recorded)', parameters: [path('id')], responses: { '200': json('{ removed }'), ...errors, ...notFound } },
  },
};
