import { addApiPaths, standardErrors } from '../api/openapi.ts';
import type { AppContext } from '../context.ts';
import { principalOf } from '../http/actor.ts';
import type { Routes } from '../http/routes.ts';
import { digestJson } from './digest.presenter.ts';
import { myDigest, reminderKinds } from './digest.service.ts';

const item = {
  type: 'object',
  properties: {
    key: { type: 'string' },
    kind: { type: 'string', enum: [...reminderKinds] },
    title: { type: 'string' },
    due: { type: 'string', format: 'date' },
    days_left: { type: 'integer', description: 'Negative when overdue' },
    href: { type: 'string', description: 'Path of the item in the app' },
  },
};

addApiPaths({
  '/reminders': {
    get: {
      summary: "The token's user's reminder digest now: what they own that is overdue or due within REMINDER_WINDOW_DAYS",
      responses: {
        '200': {
          description: 'The digest',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  day: { type: 'string', format: 'date' },
                  window_days: { type: 'integer' },
                  overdue: { type: 'array', items: item },
                  due_soon: { type: 'array', items: item },
                },
              },
            },
          },
        },
        ...standardErrors,
      },
    },
  },
});

export function reminderApi(routes: Routes, ctx: AppContext): void {
  routes.get('/api/v1/reminders', 'app.use', async (req, res) => {
    res.json(digestJson(await myDigest(ctx, principalOf(req))));
  });
}
