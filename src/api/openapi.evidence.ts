import { standardErrors } from './openapi.ts';

const json = (description: string) => ({ description, content: { 'application/json': { schema: { type: 'object' } } } });
const q = (name: string, description: string, schema: Record<string, unknown> = { type: 'string' }) => ({ name, in: 'query', required: false, description, schema });
const id = { name: 'id', in: 'path', required: true, schema: { type: 'integer' } };
const errorRef = { content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };

const evidenceBody = {
  required: true,
  content: {
    'multipart/form-data': {
      schema: {
        type: 'object',
        required: ['title', 'kind', 'collected_at', 'controls'],
        properties: {
          title: { type: 'string', maxLength: 200 },
          kind: { type: 'string', enum: ['document', 'screenshot', 'export', 'link', 'ticket', 'automated_check'] },
          description: { type: 'string' },
          link_url: { type: 'string', format: 'uri' },
          collected_at: { type: 'string', format: 'date' },
          valid_until: { type: 'string', format: 'date', description: 'default: one period of the most frequent control' },
          controls: { type: 'string', description: 'control refs, comma-separated (or an array in JSON)' },
          files: { type: 'array', items: { type: 'string', format: 'binary' }, description: 'up to 10 files within UPLOAD_MAX_MB each' },
        },
      },
    },
    'application/json': { schema: { type: 'object', description: 'the same fields, with controls as an array; no files (give link_url)' } },
  },
};

/** Evidence and coverage endpoints. */
export const evidencePaths = {
  '/evidence': {
    get: {
      summary: 'Evidence (current versions unless status=superseded), filtered and paged',
      parameters: [
        q('status', 'submitted | accepted | rejected | superseded'),
        q('kind', 'evidence kind'),
        q('control', 'control ref'),
        q('q', 'text in title or description'),
        q('page', 'from 1', { type: 'integer' }),
        q('limit', '1–500', { type: 'integer' }),
      ],
      responses: { '200': json('{ items, total, page, limit }'), ...standardErrors },
    },
    post: {
      summary: 'Log evidence against one or more controls (status submitted)',
      requestBody: evidenceBody,
      responses: { '201': json('The evidence'), ...standardErrors, '413': { description: 'A file is too large', ...errorRef } },
    },
  },
  '/evidence/freshness': { get: { summary: 'Evidence expiring soon and controls whose evidence expired, per owner', responses: { '200': json('Freshness'), ...standardErrors } } },
  '/evidence/{id}': {
    get: {
      summary: 'One evidence item with its controls and files (customer-compliance staff: shareable items only)',
      parameters: [id],
      responses: { '200': json('The evidence'), ...standardErrors, '404': { description: 'Not found', ...errorRef } },
    },
  },
  '/evidence/{id}/versions': {
    get: {
      summary: 'Every version of this item that the caller may see, newest first',
      parameters: [id],
      responses: { '200': json('The versions'), ...standardErrors, '404': { description: 'Not found', ...errorRef } },
    },
    post: {
      summary: 'Submit a new version that supersedes this (current) one',
      parameters: [id],
      requestBody: evidenceBody,
      responses: { '201': json('The new version'), ...standardErrors, '409': { description: 'Not the current version', ...errorRef } },
    },
  },
  '/evidence/{id}/review': {
    post: {
      summary: 'Accept or reject submitted evidence (not by its submitter)',
      parameters: [id],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['decision'],
              properties: { decision: { type: 'string', enum: ['accepted', 'rejected'] }, comment: { type: 'string', description: 'required when rejecting' } },
            },
          },
        },
      },
      responses: { '200': json('The evidence'), ...standardErrors, '409': { description: 'Already reviewed or superseded', ...errorRef } },
    },
  },
  '/evidence/{id}/shareable': {
    post: {
      summary: 'Mark the item shareable with customers (customer-compliance staff may then see and download it), or internal again; recorded',
      parameters: [id],
      requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['shareable'], properties: { shareable: { type: 'boolean' } } } } } },
      responses: { '200': json('The evidence'), ...standardErrors, '404': { description: 'Not found', ...errorRef } },
    },
  },
  '/evidence/{id}/files/{fileId}': {
    get: {
      summary: 'Download a file; its SHA-256 is checked first and the download is recorded',
      parameters: [id, { name: 'fileId', in: 'path', required: true, schema: { type: 'integer' } }],
      responses: {
        '200': { description: 'The file, as an attachment' },
        ...standardErrors,
        '500': { description: 'The stored file failed its integrity check and was not sent', ...errorRef },
      },
    },
  },
  '/coverage': {
    get: {
      summary: 'Coverage per framework as of a date (the same computation as the dashboard and CLI)',
      parameters: [
        q('framework', 'one framework slug'),
        q('as_of', 'YYYY-MM-DD, default today; not after today', { type: 'string', format: 'date' }),
        q('detail', '`true` for every requirement with its status and reason'),
      ],
      responses: { '200': json('{ asOf, frameworks: [{ slug, counts, metPercent, … }] }'), ...standardErrors },
    },
  },
};
