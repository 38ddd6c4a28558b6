import type { Delivery, SendReport } from './reminders.service.ts';

const n = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

/** One sentence about a run: for the flash after "send now", the CLI's last line and the job's log. */
export function sendRunSummary(report: SendReport): string {
  const how = report.channel === 'email' ? 'by e-mail' : 'in the app';
  const done = report.channel === 'email' ? 'sent by e-mail' : 'posted in the app';
  const parts = [
    report.dryRun
      ? `${n(report.deliveries.filter((d) => d.status === 'would_send').length, 'user', 'users')} would get a digest ${how}`
      : `${n(report.sent, 'digest', 'digests')} ${done}`,
  ];
  if (report.skipped) parts.push(`${report.skipped} already had today's`);
  if (report.failed) parts.push(`${report.failed} failed`);
  parts.push(`${report.nothingDue} with nothing due`);
  const failed = report.deliveries.filter((d) => d.status === 'failed');
  const tail = report.dryRun ? ' Dry run: nothing was sent or recorded.' : failed.length ? ` Not sent to: ${failed.map((d) => d.email).join(', ')}.` : '';
  return `Reminders for ${report.day}: ${parts.join(', ')}.${tail}`;
}

const STATUS_WORDS: Record<Delivery['status'], string> = { sent: 'sent', would_send: 'would send', skipped: 'skipped', failed: 'FAILED' };

/** One line per user for the CLI: what happened (or would), how many items, to whom, and why not. */
export function deliveryLine(d: Delivery): string {
  const items = `${n(d.items, 'item', 'items')}${d.overdue ? ` (${d.overdue} overdue)` : ''}`;
  return `${STATUS_WORDS[d.status].padEnd(10)}  ${items.padEnd(22)}  ${d.email}${d.note ? `: ${d.note}` : ''}`;
}
