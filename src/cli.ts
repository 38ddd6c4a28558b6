import { AppError } from './http/errors.ts';
import { Command } from 'commander';
import { registerActivityCommands } from './activity/activity.cli.ts';
import { registerAuditCommands } from './audits/audits.cli.ts';
import { registerCertificationCommands } from './certifications/certifications.cli.ts';
import { registerUserCommands } from './auth/auth.cli.ts';
import { fail, setup, withDatabaseAsIs } from './cli.support.ts';
import { ConfigError } from './config.ts';
import { registerControlsCommands } from './controls/controls.cli.ts';
import { registerCoverageCommand } from './coverage/coverage.cli.ts';
import { registerCalendarCommand } from './calendar/calendar.cli.ts';
import { registerDemoCommand } from './demo/demo.cli.ts';
import { registerReportCommands } from './reports/reports.cli.ts';
import { registerQuestionnaireCommands } from './questionnaires/questionnaires.cli.ts';
import { registerEvidenceCommands } from './evidence/evidence.cli.ts';
import { registerCrosswalkCommand, registerFrameworkCommands } from './frameworks/frameworks.cli.ts';
import { registerReminderCommands } from './reminders/reminders.cli.ts';

// The `attest` command. Each domain registers its own commands (`*.cli.ts`); this file keeps the
// process-level ones. JSON and CSV go to stdout; progress, logs and messages go to stderr.

const program = new Command();
program.name('attest').description('Attest: compliance and certification tracker').showHelpAfterError();

program
  .command('serve')
  .description('run the web app (migrates the database first)')
  .action(async () => {
    const { config, logger } = setup();
    const { serve } = await import('./main.ts');
    await serve(config, logger);
  });

program
  .command('worker')
  .description('run only a job worker (PostgreSQL): imports and report builds queued by app servers')
  .action(async () => {
    const { config, logger } = setup();
    const { work } = await import('./main.ts');
    try {
      await work(config, logger);
    } catch (err) {
      fail(err instanceof Error ? err.message : String(err));
    }
  });

program
  .command('db')
  .description('database maintenance')
  .command('migrate')
  .description('bring the database schema to the latest migration')
  .action(async () => {
    const { config } = setup();
    const { openDatabase, describeDatabase } = await import('./db/database.ts');
    const { migrateToLatest } = await import('./db/migrate.ts');
    const database = openDatabase(config.databaseUrl);
    try {
      const { applied } = await migrateToLatest(database.db);
      process.stderr.write(`${describeDatabase(config.databaseUrl)}: ${applied.length ? `applied ${applied.join(', ')}` : 'already up to date'}\n`);
    } finally {
      await database.close();
    }
  });

program
  .command('backup')
  .description('write a consistent online copy of the database')
  .requiredOption('--out <file>', 'where to write the copy')
  .action(async (opts: { out: string }) => {
    const { backupDatabase } = await import('./db/backup.ts');
    await withDatabaseAsIs(async (ctx) => {
      const written = await backupDatabase(ctx.database, opts.out);
      process.stderr.write(`Backup written to ${written}\n`);
    });
  });

registerUserCommands(program);
registerActivityCommands(program);
registerControlsCommands(program);
registerCrosswalkCommand(program);
registerFrameworkCommands(program);
registerCoverageCommand(program);
registerCalendarCommand(program);
registerEvidenceCommands(program);
registerAuditCommands(program);
registerCertificationCommands(program);
registerDemoCommand(program);
registerReminderCommands(program);
registerReportCommands(program);
registerQuestionnaireCommands(program);

program
  .command('browser')
  .description('the browser used for PDF reports')
  .command('ensure')
  .description("find Chrome/Chromium; install Debian's chromium when root on Debian; otherwise explain")
  .option('--quiet-if-found', 'print nothing when a browser is found (used by npm install)')
  .action(async (opts: { quietIfFound?: boolean }) => {
    const { ensureBrowser } = await import('./reports/browser.ts');
    const found = ensureBrowser((line) => process.stderr.write(`attest: ${line}\n`));
    if (found && !opts.quietIfFound) process.stdout.write(`Browser for PDFs: ${found.path} (${found.source})\n`);
  });

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof ConfigError) fail(err.message);
  process.stderr.write(`attest: ${err instanceof Error ? err.message : String(err)}\n`);
  // A service's refusal names each field and why; say them, not only that something was wrong.
  if (err instanceof AppError) for (const f of err.fields) process.stderr.write(`attest:   ${f.field}: ${f.message}\n`);
  process.exit(1);
}
