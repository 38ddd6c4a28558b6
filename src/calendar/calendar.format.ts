import { kindLabels } from './calendar.presenter.ts';
import type { CalendarEntry } from './calendar.service.ts';

/** `attest calendar` as a plain-text table: one line per item, overdue ones marked. */
export function formatCalendarTable(items: readonly CalendarEntry[]): string {
  if (items.length === 0) return 'No dated items in this range.\n';
  const rows = items.map((i) => [
    i.end > i.start ? `${i.start}..${i.end}` : i.start,
    i.overdue ? 'OVERDUE' : i.done ? 'done' : i.flag === 'never_evidenced' ? 'never evidenced' : '',
    kindLabels[i.kind],
    i.title.replace(/\p{Cc}+/gu, ' '),
    i.ownerLabel ?? '',
  ]);
  const header = ['when', 'state', 'kind', 'title', 'owner'];
  const widths = header.map((h, c) => Math.min(60, Math.max(h.length, ...rows.map((r) => r[c]!.length))));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (cell.length > widths[c]! ? `${cell.slice(0, widths[c]! - 1)}…` : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  return `${[line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')}\n`;
}
