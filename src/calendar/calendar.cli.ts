import { Option, type Command } from 'commander';
import { printJson, withContext } from '../cli.support.ts';

interface CalendarOptions {
  from?: string;
  to?: string;
  framework?: string;
  format: 'table' | 'json' | 'ics';
}

export function registerCalendarCommand(program: Command): void {
  program
    .command('calendar')
    .description('every dated item: audits, milestones, expiries, evidence and requests due (default: the next 60 days)')
    .option('--from <date>', 'first day (YYYY-MM-DD; default today)')
    .option('--to <date>', 'last day (YYYY-MM-DD; default 59 days after --from; at most 400 days)')
    .option('--framework <slug>', 'only items about this framework')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'ics']).default('table'))
    .action(async (opts: CalendarOptions) => {
      const { cliPrincipal } = await import('../auth/principal.ts');
      const { calendarView, DEFAULT_AGENDA_DAYS } = await import('./calendar.service.ts');
      const { addDays, isDay, today } = await import('../dates.ts');
      await withContext(async (ctx) => {
        const from = opts.from ?? today(ctx.clock);
        const to = opts.to ?? (isDay(from) ? addDays(from, DEFAULT_AGENDA_DAYS - 1) : from);
        const result = await calendarView(ctx, cliPrincipal, { from, to, framework: opts.framework });
        if (opts.format === 'json') {
          const { itemJson } = await import('./calendar.presenter.ts');
          return printJson({ today: result.today, from: result.from, to: result.to, items: result.items.map(itemJson) });
        }
        if (opts.format === 'ics') {
          const { toICalendar } = await import('./calendar.ical.ts');
          const { defaultStamp } = await import('./feeds.service.ts');
          return process.stdout.write(toICalendar(result.items, { name: 'Attest calendar', stamp: await defaultStamp(ctx) }));
        }
        const { formatCalendarTable } = await import('./calendar.format.ts');
        process.stdout.write(formatCalendarTable(result.items));
      });
    });
}
