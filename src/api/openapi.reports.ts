// Reports and the auditor's portal. Self-contained (no import of openapi.ts, which merges this in).

const errorRef = { content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
const errors = {
  '400': { description: 'Bad input; `error.fields` names each field and the reason', ...errorRef },
  '401': { description: 'Missing or invalid API token', ...errorRef },
  '403': { description: 'Not allowed: for auditors, not assigned to this audit or outside the access window', ...errorRef },
  '404': { description: 'No such audit, report, evidence item, file or sample (or not one the audit holds)', ...errorRef },
};
const json = (description: string) => ({ description, content: { 'application/json': { schema: { type: 'object' } } } });
const file = (description: string) => ({
  description: `${description}; a \`Digest: sha-256=…\` header carries its hash`,
  content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
});
const body = (required: string[], properties: Record<string, unknown>) => ({
  required: true,
  content: { 'application/json': { schema: { type: 'object', required, properties } } },
});
const pathId = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'integer' } });
const q = (name: string, description: string, schema: Record<string, unknown> = { type: 'string' }) => ({ name, in: 'query', required: false, description, schema });
const day = { type: 'string', format: 'date' };

export const reportPaths = {
  '/reports': {
    get: {
      summary: 'Issued reports, newest first (customer-compliance staff: compliance summaries; auditors: their open audits’ reports)',
      parameters: [q('audit_id', 'only this audit’s reports', { type: 'integer' }), q('page', 'page number', { type: 'integer' }), q('limit', 'page size', { type: 'integer' })],
      responses: { '200': json('{ items, total, page, limit }; each report with its files, their SHA-256 and download links'), ...errors },
    },
    post: {
      summary: 'Issue a report: recorded at once and built in the background (poll its `href` until `status` is ready or failed)',
      requestBody: body(['kind'], {
        kind: { type: 'string', enum: ['soa', 'readiness', 'summary', 'pack'], description: 'answer packs (kind answers) are built from a questionnaire, not here' },
        framework: { type: 'string', description: 'framework slug (soa: iso27001-2022 or an ISO extension; readiness: any)' },
        as_of: { ...day, description: 'default today; not in the future' },
        format: { type: 'string', enum: ['pdf', 'xlsx'], description: 'soa and readiness; default pdf' },
        audit_id: { type: 'integer', description: 'pack: the audit' },
      }),
      responses: { '202': json('The report record (status building)'), ...errors },
    },
  },
  '/reports/{id}': {
    get: {
      summary: 'One report: parameters, as-of date, who and when, the activity chain head, progress, files',
      parameters: [pathId('id')],
      responses: { '200': json('The report'), ...errors },
    },
  },
  '/reports/{id}/files/{fileId}': {
    get: {
      summary: 'Download an issued file (checked against its recorded SHA-256 first; the download is recorded)',
      parameters: [pathId('id'), pathId('fileId')],
      responses: { '200': file('The file'), ...errors },
    },
  },
  '/portal/audits': {
    get: { summary: 'Auditors: the audits assigned to me, with each access window and whether it is open', responses: { '200': json('{ items }'), ...errors } },
  },
  '/portal/audits/{id}': {
    get: {
      summary: 'Auditors: one assigned audit inside its window — scope (requirements → controls), evidence it holds, requests, findings, samples, comments (the view is recorded)',
      parameters: [pathId('id')],
      responses: { '200': json('{ audit, access, scope, evidence, requests, findings, samples, comments }'), ...errors },
    },
  },
  '/portal/audits/{id}/evidence/{evidenceId}': {
    get: {
      summary: 'Auditors: one evidence item the audit holds',
      parameters: [pathId('id'), pathId('evidenceId')],
      responses: { '200': json('The evidence item with its files'), ...errors },
    },
  },
  '/portal/audits/{id}/evidence/{evidenceId}/files/{fileId}': {
    get: {
      summary: 'Auditors: download a file of evidence the audit holds (recorded)',
      parameters: [pathId('id'), pathId('evidenceId'), pathId('fileId')],
      responses: { '200': file('The file'), ...errors },
    },
  },
  '/portal/audits/{id}/requests': {
    post: {
      summary: 'Auditors: raise an evidence request',
      parameters: [pathId('id')],
      requestBody: body(['title', 'due_on'], {
        title: { type: 'string' },
        description: { type: 'string' },
        requirement: { type: 'string', description: 'framework:ref in scope' },
        control: { type: 'string' },
        due_on: day,
        assignee: { description: 'a staff user id or email' },
      }),
      responses: { '201': json('The request'), ...errors },
    },
  },
  '/portal/audits/{id}/findings': {
    post: {
      summary: 'Auditors: record a finding (owner: a member of the company’s staff)',
      parameters: [pathId('id')],
      requestBody: body(['kind', 'title', 'owner', 'due_on'], {
        kind: { type: 'string', enum: ['major_nc', 'minor_nc', 'observation', 'ofi', 'soc2_exception'] },
        title: { type: 'string' },
        description: { type: 'string' },
        requirements: { type: 'array', items: { type: 'string' } },
        controls: { type: 'array', items: { type: 'string' } },
        owner: { description: 'a staff user id or email' },
        due_on: day,
      }),
      responses: { '201': json('The finding'), ...errors },
    },
  },
  '/portal/audits/{id}/comments': {
    post: {
      summary: 'Auditors: comment on the audit',
      parameters: [pathId('id')],
      requestBody: body(['body'], { body: { type: 'string' } }),
      responses: { '201': json('{ id }'), ...errors },
    },
  },
  '/portal/audits/{id}/samples': {
    post: {
      summary: 'Auditors: draw a random sample from a population; the seed is recorded so the draw can be repeated',
      parameters: [pathId('id')],
      requestBody: body(['title', 'population', 'size'], {
        title: { type: 'string' },
        population: { description: 'items, as an array of strings or newline-separated text', oneOf: [{ type: 'array', items: { type: 'string' } }, { type: 'string' }] },
        size: { type: 'integer', minimum: 1, maximum: 1000 },
        seed: { type: 'string', description: 'to repeat an earlier draw' },
      }),
      responses: { '201': json('The sample: chosen items with their positions, seed, population hash, whether it reproduces'), ...errors },
    },
  },
  '/portal/audits/{id}/samples/{sampleId}': {
    get: {
      summary: 'Auditors: a drawn sample, re-drawn from its seed to show it reproduces',
      parameters: [pathId('id'), pathId('sampleId')],
      responses: { '200': json('The sample'), ...errors },
    },
  },
};
