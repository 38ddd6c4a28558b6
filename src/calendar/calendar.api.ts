import type { AppContext } from '../context.ts';
import { addDays, isDay, today } from '../dates.ts';
import { principalOf } from '../http/actor.ts';
import type { Routes } from '../http/routes.ts';
import { parseInput } from '../http/validate.ts';
import { itemJson } from './calendar.presenter.ts';
import { calendarFilterSchema } from './calendar.schema.ts';
import { calendarView, DEFAULT_AGENDA_DAYS } from './calendar.service.ts';

export function calendarApi(routes: Routes, ctx: AppContext): void {
  routes.get('/api/v1/calendar', 'audits.read', async (req, res) => {
    const q = parseInput(calendarFilterSchema, req.query);
    const day = today(ctx.clock);
    const from = q.from ?? day;
    // An impossible `from` is named by the service; `to` then defaults to it.
    const to = q.to ?? (isDay(from) ? addDays(from, DEFAULT_AGENDA_DAYS - 1) : from);
    const result = await calendarView(ctx, principalOf(req), { from, to, framework: q.framework, ownerId: q.owner, kinds: q.kind });
    res.json({ today: result.today, from: result.from, to: result.to, items: result.items.map(itemJson) });
  });
}
