/**
 * The OpenAPI document for /api/v1. Each domain contributes its paths; the document is served at
 * /api/v1/openapi.json and a test checks that every registered API route appears in it.
 */
import { calendarPaths } from './openapi.calendar.ts';
import { certificationPaths } from './openapi.certifications.ts';

import { auditPaths } from './openapi.audits.ts';
import { reportPaths } from './openapi.reports.ts';
import { questionnairePaths } from './openapi.questionnaires.ts';

type PathItem = Record<string, unknown>;

const errorSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        fields: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } },
      },
      required: ['code', 'message'],
    },
    requestId: { type: 'string' },
  },
};

export const standardErrors = {
  '400': { description: 'Bad input; `error.fields` names each field and the reason', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
  '401': { description: 'Missing or invalid API token', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
  '403': { description: 'The token’s user may not do this', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
};

const paths: Record<string, PathItem> = {
  '/me': {
    get: {
      summary: 'The user the token belongs to',
      responses: {
        '200': {
          description: 'The user',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/User' } } },
        },
        ...standardErrors,
      },
    },
  },
};

addApiPaths(calendarPaths);
addApiPaths(certificationPaths);

export function addApiPaths(more: Record<string, PathItem>): void {
  Object.assign(paths, more);
}

addApiPaths(auditPaths);
addApiPaths(reportPaths);
addApiPaths(questionnairePaths);

export function openApiDocument(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Attest API',
      version: '1',
      description: 'Read and write Attest data. Authenticate with a personal API token: `Authorization: Bearer att_…` (issued by an administrator).',
    },
    servers: [{ url: '/api/v1' }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Error: errorSchema,
        User: {
          type: 'object',
          properties: {
            id: { type: 'integer' },
            email: { type: 'string' },
            name: { type: 'string' },
            role: { type: 'string', enum: ['admin', 'grc', 'auditor', 'customer_compliance', 'viewer'] },
          },
        },
      },
    },
    paths,
  };
}
