// Audits, findings, evidence requests and their comment threads. Self-contained (no import of
// openapi.ts, which merges this in), so that the two modules load in either order.

const errorRef = { content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
const errors = {
  '400': { description: 'Bad input; `error.fields` names each field and the reason', ...errorRef },
  '401': { description: 'Missing or invalid API token', ...errorRef },
  '403': { description: 'The token’s user may not do this', ...errorRef },
  '404': { description: 'No such audit, finding or request', ...errorRef },
};
const conflict = { '409': { description: 'Not allowed in the current state (a closed audit, a skipped status step); `error.fields` names the field', ...errorRef } };
const json = (description: string) => ({ description, content: { 'application/json': { schema: { type: 'object' } } } });
const body = (required: string[], properties: Record<string, unknown>) => ({
  required: true,
  content: { 'application/json': { schema: { type: 'object', required, properties } } },
});
const pathId = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'integer' } });
const q = (name: string, description: string, schema: Record<string, unknown> = { type: 'string' }) => ({ name, in: 'query', required: false, description, schema });
const day = { type: 'string', format: 'date' };
const user = { description: 'a user id, or an email address', oneOf: [{ type: 'integer' }, { type: 'string', format: 'email' }] };

const auditBody = body(['kind', 'title', 'frameworks', 'owner'], {
  kind: {
    type: 'string',
    enum: [
      'internal',
      'certification_stage1',
      'certification_stage2',
      'surveillance',
      'recertification',
      'soc2_type1',
      'soc2_type2',
      'pci_assessment',
      'asv_scan',
      'coc_verification',
    ],
  },
  title: { type: 'string', maxLength: 200 },
  frameworks: { type: 'array', items: { type: 'string' }, description: 'framework slugs; the scope starts as their applicable assessable requirements' },
  owner: user,
  certification_id: { type: 'integer' },
  firm: { type: 'string' },
  lead_auditor: { type: 'string' },
  period_from: day,
  period_to: day,
  fieldwork_from: day,
  fieldwork_to: { ...day, description: 'not before fieldwork_from' },
});

const findingBody = body(['kind', 'title', 'owner', 'due_on'], {
  kind: { type: 'string', enum: ['major_nc', 'minor_nc', 'observation', 'ofi', 'soc2_exception'] },
  title: { type: 'string', maxLength: 200 },
  description: { type: 'string' },
  requirements: { type: 'array', items: { type: 'string' }, description: 'framework:ref, each in the audit’s scope' },
  controls: { type: 'array', items: { type: 'string' }, description: 'control refs' },
  owner: user,
  root_cause: { type: 'string' },
  corrective_action: { type: 'string' },
  due_on: day,
});

const requestBody = body(['title', 'due_on'], {
  title: { type: 'string', maxLength: 200 },
  description: { type: 'string' },
  requirement: { type: 'string', description: 'framework:ref in the audit’s scope (this and/or control)' },
  control: { type: 'string', description: 'a control ref' },
  due_on: day,
  assignee: user,
});

const commentBody = body(['body'], { body: { type: 'string', maxLength: 4000 } });
const thread = (what: string, params: Record<string, unknown>[]) => ({
  get: { summary: `Comments on the ${what}, oldest first`, parameters: params, responses: { '200': json('{ items }'), ...errors } },
  post: { summary: `Comment on the ${what}; recorded`, parameters: params, requestBody: commentBody, responses: { '201': json('The comment'), ...errors, ...conflict } },
});

const audit = [pathId('id')];
const finding = [pathId('id'), pathId('findingId')];
const request = [pathId('id'), pathId('requestId')];

export const auditPaths = {
  '/audits': {
    get: {
      summary: 'Audits, open ones first, filtered and paged',
      parameters: [
        q('status', 'planned | fieldwork | reporting | closed'),
        q('kind', 'audit kind'),
        q('framework', 'framework slug'),
        q('page', 'from 1', { type: 'integer' }),
        q('limit', '1–500', { type: 'integer' }),
      ],
      responses: { '200': json('{ items, total, page, limit }'), ...errors },
    },
    post: { summary: 'Plan an audit (status planned); recorded', requestBody: auditBody, responses: { '201': json('The audit'), ...errors } },
  },
  '/audits/{id}': { get: { summary: 'One audit, with its scope as framework:ref', parameters: audit, responses: { '200': json('The audit'), ...errors } } },
  '/audits/{id}/status': {
    post: {
      summary: 'Move the audit one step: planned → fieldwork → reporting → closed, or back from reporting to fieldwork; recorded',
      parameters: audit,
      requestBody: body(['status'], { status: { type: 'string', enum: ['planned', 'fieldwork', 'reporting', 'closed'] } }),
      responses: { '200': json('The audit'), ...errors, ...conflict },
    },
  },
  '/audits/{id}/findings': {
    get: { summary: 'The audit’s findings', parameters: audit, responses: { '200': json('{ items }'), ...errors } },
    post: {
      summary: 'Record a finding (ref F-n allocated); recorded',
      parameters: audit,
      requestBody: findingBody,
      responses: { '201': json('The finding'), ...errors, ...conflict },
    },
  },
  '/audits/{id}/findings/{findingId}': {
    get: { summary: 'One finding', parameters: finding, responses: { '200': json('The finding'), ...errors } },
    post: {
      summary: 'Update a finding (all fields, as when recording it); recorded',
      parameters: finding,
      requestBody: findingBody,
      responses: { '200': json('The finding'), ...errors, ...conflict },
    },
  },
  '/audits/{id}/findings/{findingId}/status': {
    post: {
      summary: 'Move a finding one step: open → action_taken (needs a corrective action) → verified → closed; recorded',
      parameters: finding,
      requestBody: body(['status'], { status: { type: 'string', enum: ['open', 'action_taken', 'verified', 'closed'] } }),
      responses: { '200': json('The finding'), ...errors, ...conflict },
    },
  },
  '/audits/{id}/findings/{findingId}/comments': thread('finding', finding),
  '/audits/{id}/requests': {
    get: { summary: 'The audit’s evidence requests with their linked evidence', parameters: audit, responses: { '200': json('{ items }'), ...errors } },
    post: {
      summary: 'Raise an evidence request (ref R-n allocated); recorded',
      parameters: audit,
      requestBody: requestBody,
      responses: { '201': json('The request'), ...errors, ...conflict },
    },
  },
  '/audits/{id}/requests/{requestId}': { get: { summary: 'One evidence request', parameters: request, responses: { '200': json('The request'), ...errors } } },
  '/audits/{id}/requests/{requestId}/link': {
    post: {
      summary: 'Link existing evidence (current, not rejected); an open or returned request becomes submitted; recorded',
      parameters: request,
      requestBody: body(['evidence'], { evidence: { type: 'array', items: { type: 'integer' }, description: 'evidence ids' } }),
      responses: { '200': json('The request'), ...errors, ...conflict },
    },
  },
  '/audits/{id}/requests/{requestId}/status': {
    post: {
      summary: 'Accept or return a submitted request (a return needs a comment, added to the thread), or submit a returned one again; recorded',
      parameters: request,
      requestBody: body(['status'], { status: { type: 'string', enum: ['submitted', 'accepted', 'returned'] }, comment: { type: 'string' } }),
      responses: { '200': json('The request'), ...errors, ...conflict },
    },
  },
  '/audits/{id}/requests/{requestId}/comments': thread('evidence request', request),
  '/audits/{id}/comments': thread('audit', audit),
};
