import type { Command } from 'commander';
import { withContext } from '../cli.support.ts';

export function registerReminderCommands(program: Command): void {
  program
    .command('reminders')
    .description('reminder digests')
    .command('send')
    .description("send today's digest to every active user with something overdue or due soon (e-mail with SMTP_URL, otherwise in the app)")
    .option('--dry-run', 'list who would get how many items; send and record nothing')
    .action(async (opts: { dryRun?: boolean }) => {
      const { cliPrincipal } = await import('../auth/principal.ts');
      const { createMailer } = await import('./mailer.ts');
      const { sendDigests } = await import('./reminders.service.ts');
      const { deliveryLine, sendRunSummary } = await import('./reminders.format.ts');
      const failed = await withContext(async (ctx) => {
        const mailer = createMailer(ctx.config);
        const dryRun = opts.dryRun ?? false;
        process.stderr.write(`${dryRun ? 'Dry run: ' : ''}${mailer ? `e-mail via ${mailer.describe}` : 'SMTP_URL is not set: digests are posted in the app'}\n`);
        try {
          // The dry run's list is the command's output (stdout); a real run reports progress on stderr.
          const out = dryRun ? process.stdout : process.stderr;
          const report = await sendDigests(ctx, cliPrincipal, { mailer, dryRun, onDelivery: (d) => out.write(`${deliveryLine(d)}\n`) });
          process.stderr.write(`${sendRunSummary(report)}\n`);
          return report.failed;
        } finally {
          mailer?.close();
        }
      });
      if (failed > 0) process.exitCode = 1;
    });
}
