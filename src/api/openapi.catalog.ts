import { standardErrors } from './openapi.ts';

const json = (description: string, schema: Record<string, unknown> = { type: 'object' }) => ({
  description,
  content: { 'application/json': { schema } },
});
const q = (name: string, description: string, required = false, schema: Record<string, unknown> = { type: 'string' }) => ({ name, in: 'query', required, description, schema });
const p = (name: string, description: string) => ({ name, in: 'path', required: true, description, schema: { type: 'string' } });
const notFound = { '404': json('Not found', { $ref: '#/components/schemas/Error' }) };

/** Read endpoints of the control library (frameworks, requirements, controls, mappings, crosswalk). */
export const catalogPaths = {
  '/frameworks': {
    get: { summary: 'Frameworks with requirement counts and mapping completeness', responses: { '200': json('Frameworks'), ...standardErrors } },
  },
  '/frameworks/{slug}': {
    get: {
      summary: 'A framework and all its requirements (catalogue order) with mapped controls',
      parameters: [p('slug', 'e.g. iso27001-2022')],
      responses: { '200': json('Framework'), ...standardErrors, ...notFound },
    },
  },
  '/frameworks/{slug}/requirements/{ref}': {
    get: {
      summary: 'One requirement, the controls mapped to it, and what else those controls satisfy',
      parameters: [p('slug', 'e.g. iso27001-2022'), p('ref', 'e.g. A.5.15')],
      responses: { '200': json('Requirement'), ...standardErrors, ...notFound },
    },
  },
  '/controls': {
    get: {
      summary: 'The company’s controls, filtered and paged',
      parameters: [
        q('domain', 'domain slug'),
        q('owner', 'owner role'),
        q('frequency', 'continuous | monthly | quarterly | semi-annual | annual'),
        q('status', 'implemented | partially_implemented | planned | not_implemented'),
        q('framework', 'only controls mapped to this framework slug'),
        q('q', 'text in ref, title or description'),
        q('retired', '`include` to list retired controls too'),
        q('page', 'page number, from 1', false, { type: 'integer' }),
        q('limit', 'page size, 1–500 (default 100)', false, { type: 'integer' }),
      ],
      responses: { '200': json('Controls: { items, total, page, limit }'), ...standardErrors },
    },
  },
  '/controls/{ref}': {
    get: { summary: 'A control and every requirement it maps to', parameters: [p('ref', 'e.g. IAM-03')], responses: { '200': json('Control'), ...standardErrors, ...notFound } },
  },
  '/mappings': {
    get: {
      summary: 'Mappings of one control, or of one framework',
      parameters: [q('control', 'control ref (or give framework)'), q('framework', 'framework slug (or give control)')],
      responses: { '200': json('Mappings'), ...standardErrors, ...notFound },
    },
  },
  '/crosswalk': {
    get: {
      summary: 'Derived requirement pairs between two frameworks, with bridging controls and the weaker relationship',
      parameters: [q('from', 'framework slug', true), q('to', 'framework slug', true)],
      responses: { '200': json('Crosswalk'), ...standardErrors },
    },
  },
};
