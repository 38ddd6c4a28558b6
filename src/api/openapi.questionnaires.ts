// Questionnaires and the answer library. Self-contained (no import of openapi.ts, which merges this in).

const errorRef = { content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
const errors = {
  '400': { description: 'Bad input (an unreadable file, a bad column, a missing customer); `error.fields` names each field and the reason', ...errorRef },
  '401': { description: 'Missing or invalid API token', ...errorRef },
  '403': { description: 'Not allowed: questionnaires are for GRC and customer-compliance staff', ...errorRef },
  '404': { description: 'No such questionnaire, row or library entry', ...errorRef },
};
const conflict = { '409': { description: 'Not possible in this state (no answer to approve; review has started, so columns cannot change)', ...errorRef } };
const json = (description: string) => ({ description, content: { 'application/json': { schema: { type: 'object' } } } });
const body = (required: string[], properties: Record<string, unknown>) => ({
  required: true,
  content: { 'application/json': { schema: { type: 'object', required, properties } } },
});
const pathId = (name: string, type = 'integer') => ({ name, in: 'path', required: true, schema: { type } });
const q = (name: string, description: string, schema: Record<string, unknown> = { type: 'string' }) => ({ name, in: 'query', required: false, description, schema });
const column = (what: string) => ({ type: 'string', pattern: '^[A-Z]{1,2}$', description: `the ${what} column's letter` });

export const questionnairePaths = {
  '/questionnaires': {
    get: {
      summary: 'Imported questionnaires, newest first, with counts of questions, answered and stale',
      parameters: [q('page', 'page number', { type: 'integer' }), q('limit', 'page size (1–500)', { type: 'integer' })],
      responses: { '200': json('{ items, total, page, limit }'), ...errors },
    },
    post: {
      summary: 'Import a customer questionnaire (xlsx or CSV) and answer it from the answer library; the original file is kept',
      requestBody: {
        required: true,
        content: {
          'multipart/form-data': {
            schema: { type: 'object', required: ['customer', 'file'], properties: { customer: { type: 'string', maxLength: 200 }, file: { type: 'string', format: 'binary' } } },
          },
        },
      },
      responses: { '201': json('The questionnaire: what was detected (layout) and every answer'), ...errors },
    },
  },
  '/questionnaires/{id}': {
    get: {
      summary:
        'One questionnaire: layout (sheet, header row, columns), and per row the answer, detail, confidence, entry, staleness, controls, requirements per framework, review status, assignee and comments',
      parameters: [pathId('id')],
      responses: { '200': json('The questionnaire'), ...errors },
    },
  },
  '/questionnaires/{id}/columns': {
    post: {
      summary: 'Correct what detection chose: the file is read again with these columns and answered afresh (only before review starts)',
      parameters: [pathId('id')],
      requestBody: body(['sheet', 'header_row', 'question'], {
        sheet: { type: 'string' },
        header_row: { type: 'integer', minimum: 1 },
        question: column('question'),
        answer: column('answer'),
        comment: column('comment'),
        ref: column('reference'),
      }),
      responses: { '200': json('The questionnaire, answered afresh'), ...errors, ...conflict },
    },
  },
  '/questionnaires/{id}/answers/{row}': {
    post: {
      summary: 'Rewrite one answer (status becomes edited; recorded with what it said before)',
      parameters: [pathId('id'), pathId('row')],
      requestBody: body(['answer', 'detail'], { answer: { type: 'string', enum: ['Yes', 'No', 'Partial', 'N/A'] }, detail: { type: 'string', maxLength: 4000 } }),
      responses: { '204': { description: 'Edited' }, ...errors },
    },
  },
  '/questionnaires/{id}/answers/{row}/assign': {
    post: {
      summary: 'Assign one answer to a person who works on questionnaires, or to nobody (null)',
      parameters: [pathId('id'), pathId('row')],
      requestBody: body(['assignee'], { assignee: { type: ['integer', 'null'] } }),
      responses: { '204': { description: 'Assigned' }, ...errors },
    },
  },
  '/questionnaires/{id}/answers/{row}/comments': {
    post: {
      summary: 'Comment on one answer (recorded)',
      parameters: [pathId('id'), pathId('row')],
      requestBody: body(['body'], { body: { type: 'string', maxLength: 4000 } }),
      responses: { '201': json('{ id }'), ...errors },
    },
  },
  '/questionnaires/{id}/approve': {
    post: {
      summary: 'Approve the rows named, or every matched, current answer at or above a confidence (0–1); approved answers teach the library their phrasing',
      parameters: [pathId('id')],
      requestBody: body([], { rows: { type: 'array', items: { type: 'integer' } }, min_confidence: { type: 'number', minimum: 0, maximum: 1 } }),
      responses: { '200': json('{ approved: [rows] }'), ...errors, ...conflict },
    },
  },
  '/questionnaires/{id}/download': {
    get: {
      summary: 'The answers: the customer’s own workbook filled in (xlsx questionnaires), CSV or JSON',
      parameters: [pathId('id'), { name: 'format', in: 'query', required: true, schema: { type: 'string', enum: ['xlsx', 'csv', 'json'] } }],
      responses: { '200': { description: 'The file' }, ...errors, ...conflict },
    },
  },
  '/questionnaires/{id}/pack': {
    post: {
      summary: 'Build the PDF answer pack (a report, built in the background: poll its href)',
      parameters: [pathId('id')],
      responses: { '202': json('The report record'), ...errors },
    },
  },
  '/answer-library': {
    get: {
      summary: 'The answer library: shipped entries with the phrasings approved answers taught them',
      parameters: [q('q', 'text to look for'), q('topic', 'one topic, e.g. access')],
      responses: { '200': json('{ items, topics, total }'), ...errors },
    },
  },
  '/answer-library/{entry}': {
    get: {
      summary: 'One library entry: question, phrasings (shipped and learned, with their source), answers, controls, owner, review dates',
      parameters: [pathId('entry', 'string')],
      responses: { '200': json('The entry'), ...errors },
    },
  },
};
