// The calendar endpoint. Kept free of imports from openapi.ts, which imports this file.

const errorRef = { content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
const q = (name: string, description: string, schema: Record<string, unknown> = { type: 'string' }) => ({ name, in: 'query', required: false, description, schema });

const kinds = ['audit', 'fieldwork', 'milestone', 'certificate_expiry', 'soc2_period', 'bridge_letter', 'evidence_due', 'evidence_request_due', 'finding_due'];

const calendarItem = {
  type: 'object',
  required: ['key', 'kind', 'title', 'start', 'end', 'frameworks', 'ownerId', 'ownerLabel', 'done', 'overdue', 'rrule', 'href', 'auditId'],
  properties: {
    key: { type: 'string', description: 'stable; the iCalendar UID is `<key>@attest`' },
    kind: { type: 'string', enum: kinds },
    title: { type: 'string' },
    start: { type: 'string', format: 'date', description: 'first day (UTC)' },
    end: { type: 'string', format: 'date', description: 'last day, inclusive' },
    frameworks: { type: 'array', items: { type: 'string' }, description: 'framework slugs' },
    ownerId: { type: ['integer', 'null'], description: 'the user who owes the work' },
    ownerLabel: { type: ['string', 'null'], description: 'the owner (a user, or a control owner’s job title)' },
    done: { type: 'boolean' },
    overdue: { type: 'boolean', description: 'the last day is before today and the item is not done' },
    rrule: { type: ['string', 'null'], description: 'RFC 5545 recurrence rule, without "RRULE:"' },
    href: { type: 'string', description: 'the item’s page in Attest' },
    auditId: { type: ['integer', 'null'] },
    flag: { type: ['string', 'null'], enum: ['never_evidenced', null], description: '`never_evidenced`: a control with no accepted evidence, due today' },
  },
};

export const calendarPaths = {
  '/calendar': {
    get: {
      summary: 'Every dated item overlapping a range (audits, milestones, expiries, evidence, requests and findings due), sorted by start then title',
      parameters: [
        q('from', 'first day, YYYY-MM-DD (default today)', { type: 'string', format: 'date' }),
        q('to', 'last day, YYYY-MM-DD (default 59 days after `from`); at most 400 days from `from`', { type: 'string', format: 'date' }),
        q('framework', 'a framework slug; unknown slugs are refused'),
        q('owner', 'a user id: only items that user owes', { type: 'integer' }),
        q('kind', `one or more kinds, comma-separated or repeated: ${kinds.join(', ')}`),
      ],
      responses: {
        '200': {
          description: 'The items',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  today: { type: 'string', format: 'date' },
                  from: { type: 'string', format: 'date' },
                  to: { type: 'string', format: 'date' },
                  items: { type: 'array', items: calendarItem },
                },
              },
            },
          },
        },
        '400': { description: 'Bad input; `error.fields` names each field (from, to, framework, owner, kind) and the reason', ...errorRef },
        '401': { description: 'Missing or invalid API token', ...errorRef },
        '403': { description: 'The token’s user may not read the calendar', ...errorRef },
      },
    },
  },
};
