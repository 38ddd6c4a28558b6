import path from 'node:path';
import { Command, Option } from 'commander';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { createLogger, type Logger } from './logger.ts';

// Heavy modules are imported inside each command so that `attest browser ensure` (run by
// `npm install`) and `--help` start fast and need no database.

const program = new Command();
program.name('attest').description('Attest: compliance and certification tracker').showHelpAfterError();

function setup(): { config: Config; logger: Logger } {
  const config = loadConfig();
  return { config, logger: createLogger(config.logLevel) };
}

program
  .command('serve')
  .description('run the web app (migrates the database first)')
  .action(async () => {
    const { config, logger } = setup();
    const { serve } = await import('./main.ts');
    await serve(config, logger);
  });

const db = program.command('db').description('database maintenance');
db.command('migrate')
  .description('bring the database schema to the latest migration')
  .action(async () => {
    const { config, logger } = setup();
    const { openDatabase, describeDatabase } = await import('./db/database.ts');
    const { migrateToLatest } = await import('./db/migrate.ts');
    const database = openDatabase(config.databaseUrl);
    try {
      const { applied } = await migrateToLatest(database.db);
      process.stderr.write(`${describeDatabase(config.databaseUrl)}: ${applied.length ? `applied ${applied.join(', ')}` : 'already up to date'}\n`);
    } finally {
      await database.close();
    }
    void logger;
  });

const user = program.command('user').description('user accounts');
user
  .command('add')
  .description('add a user and print a one-time password (changed at first sign-in)')
  .requiredOption('--email <email>', 'email address, used to sign in')
  .addOption(new Option('--role <role>', 'role').choices(['admin', 'grc', 'auditor', 'customer_compliance', 'viewer']).makeOptionMandatory())
  .option('--name <name>', 'display name (defaults to the part of the email before @)')
  .action(async (opts: { email: string; role: string; name?: string }) => {
    const { config, logger } = setup();
    const { openContext } = await import('./bootstrap.ts');
    const { createUserSchema } = await import('./auth/auth.schema.ts');
    const { createUser } = await import('./auth/users.service.ts');
    const { cliActor } = await import('./context.ts');
    const parsed = createUserSchema.safeParse({ email: opts.email, role: opts.role, name: opts.name ?? opts.email.split('@')[0] });
    if (!parsed.success) fail(parsed.error.issues.map((i) => `--${String(i.path[0])}: ${i.message}`).join('\n'));
    const ctx = await openContext(config, logger);
    try {
      const { user: created, oneTimePassword } = await createUser(ctx, cliActor, parsed.data);
      process.stdout.write(`Created ${created.email} (${created.role}).\nOne-time password: ${oneTimePassword}\nIt must be changed at first sign-in.\n`);
    } finally {
      await ctx.database.close();
    }
  });

const activity = program.command('activity').description('the activity trail');
activity
  .command('verify')
  .description('check the hash chain; exit 1 naming the first broken record')
  .action(async () => {
    const { config, logger } = setup();
    const { openContext } = await import('./bootstrap.ts');
    const { verifyChain } = await import('./activity/activity.service.ts');
    const ctx = await openContext(config, logger);
    try {
      const result = await verifyChain(ctx.db);
      if (result.ok) {
        process.stdout.write(`Activity chain intact: ${result.count} records verified.\n`);
      } else {
        process.stdout.write(`Activity chain BROKEN at record ${result.brokenId}: ${result.reason}. ${result.count} records before it verified.\n`);
        process.exitCode = 1;
      }
    } finally {
      await ctx.database.close();
    }
  });

program
  .command('backup')
  .description('write a consistent online copy of the database')
  .requiredOption('--out <file>', 'where to write the copy')
  .action(async (opts: { out: string }) => {
    const { config, logger } = setup();
    const { openContext } = await import('./bootstrap.ts');
    const { backupDatabase } = await import('./db/backup.ts');
    const ctx = await openContext(config, logger);
    try {
      const written = await backupDatabase(ctx.database, opts.out);
      process.stderr.write(`Backup written to ${written}\n`);
    } finally {
      await ctx.database.close();
    }
  });

const controls = program.command('controls').description('framework catalogs and the control library in controls/');
controls
  .command('check')
  .description('validate controls/: schema, unique refs, mappings, coverage; exit 1 on any problem')
  .option('--dir <dir>', 'the controls folder to check (default: the shipped one)')
  .action(async (opts: { dir?: string }) => {
    const { readLibraryFiles } = await import('./controls/library.files.ts');
    const { checkLibrary, formatProblem } = await import('./controls/library.check.ts');
    const files = readLibraryFiles(opts.dir ? path.resolve(opts.dir) : undefined);
    const problems = checkLibrary(files);
    for (const p of problems) process.stdout.write(`${formatProblem(p)}\n`);
    const summary = `${files.frameworks.length} frameworks, ${files.frameworks.reduce((n, f) => n + f.requirements.length, 0)} requirements, ${files.controls.length} controls, ${files.exclusions.length} exclusions`;
    if (problems.length) {
      process.stderr.write(`${problems.length} problem(s) in ${summary}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`OK: ${summary}\n`);
    }
  });

controls
  .command('load')
  .description('load controls/ into the database (idempotent); app edits are kept unless --overwrite')
  .option('--overwrite', 'replace controls edited in the app with the files')
  .option('--dir <dir>', 'the controls folder to load (default: the shipped one)')
  .action(async (opts: { overwrite?: boolean; dir?: string }) => {
    const { config, logger } = setup();
    const { openContext } = await import('./bootstrap.ts');
    const { readLibraryFiles } = await import('./controls/library.files.ts');
    const { loadLibrary } = await import('./controls/library.load.ts');
    const { formatLoadReport } = await import('./controls/library.report.ts');
    const { cliActor } = await import('./context.ts');
    const ctx = await openContext(config, logger);
    try {
      const report = await loadLibrary(ctx, cliActor, readLibraryFiles(opts.dir ? path.resolve(opts.dir) : undefined), { overwrite: opts.overwrite ?? false });
      process.stdout.write(formatLoadReport(report));
    } finally {
      await ctx.database.close();
    }
  });

controls
  .command('export')
  .description('write the current control library back to YAML, one file per domain')
  .requiredOption('--out <dir>', 'folder to write (e.g. controls/library to replace the shipped files)')
  .action(async (opts: { out: string }) => {
    const { config, logger } = setup();
    const { openContext } = await import('./bootstrap.ts');
    const { exportLibrary } = await import('./controls/library.export.ts');
    const ctx = await openContext(config, logger);
    try {
      const written = await exportLibrary(ctx, path.resolve(opts.out));
      process.stderr.write(`Wrote ${written.length} files to ${path.resolve(opts.out)}\n`);
    } finally {
      await ctx.database.close();
    }
  });

program
  .command('crosswalk')
  .description('derived requirement pairs between two frameworks, with bridging controls')
  .requiredOption('--from <slug>', 'framework to map from')
  .requiredOption('--to <slug>', 'framework to map to')
  .addOption(new Option('--format <format>', 'output format').choices(['json', 'csv']).default('json'))
  .action(async (opts: { from: string; to: string; format: 'json' | 'csv' }) => {
    const { config, logger } = setup();
    const { openContext } = await import('./bootstrap.ts');
    const { crosswalk, crosswalkCsv } = await import('./frameworks/crosswalk.service.ts');
    const { isAppError } = await import('./http/errors.ts');
    const ctx = await openContext(config, logger);
    try {
      const cw = await crosswalk(ctx, opts.from, opts.to);
      process.stdout.write(opts.format === 'csv' ? crosswalkCsv(cw) : `${JSON.stringify(cw, null, 2)}\n`);
    } catch (err) {
      if (isAppError(err) && err.fields.length) fail(err.fields.map((f) => `--${f.field}: ${f.message}`).join('\n'));
      throw err;
    } finally {
      await ctx.database.close();
    }
  });

program
  .command('coverage')
  .description('coverage per framework (and per requirement with --framework) as of a date')
  .option('--framework <slug>', 'one framework, with each requirement and the reason for its status')
  .option('--as-of <date>', 'the day to compute coverage for (YYYY-MM-DD; default today)')
  .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
  .action(async (opts: { framework?: string; asOf?: string; format: 'table' | 'json' }) => {
    const { config, logger } = setup();
    const { openContext } = await import('./bootstrap.ts');
    const { computeCoverage } = await import('./coverage/coverage.service.ts');
    const { formatCoverageTable } = await import('./coverage/coverage.format.ts');
    const { isAppError } = await import('./http/errors.ts');
    const ctx = await openContext(config, logger);
    try {
      const report = await computeCoverage(ctx, { asOf: opts.asOf, framework: opts.framework, detail: Boolean(opts.framework) });
      process.stdout.write(opts.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatCoverageTable(report));
    } catch (err) {
      if (isAppError(err) && err.fields.length) fail(err.fields.map((f) => `--${f.field.replace('_', '-')}: ${f.message}`).join('\n'));
      throw err;
    } finally {
      await ctx.database.close();
    }
  });

const evidence = program.command('evidence').description('evidence');
evidence
  .command('import')
  .description('import evidence from CSV, all or nothing, with a progress bar on stderr')
  .argument('<file>', 'CSV file: title,kind,collected_at,controls,link_url[,valid_until,description]')
  .option('--submitter <email>', 'record this user as the submitter (default: the command line)')
  .action(async (file: string, opts: { submitter?: string }) => {
    const { config, logger } = setup();
    const fs = await import('node:fs');
    const { openContext } = await import('./bootstrap.ts');
    const { importEvidenceCsv } = await import('./evidence/import.service.ts');
    const { findUserByEmail } = await import('./auth/users.repository.ts');
    const { cliActor } = await import('./context.ts');
    const { SingleBar, Presets } = await import('cli-progress');
    if (!fs.existsSync(file)) fail(`${file}: no such file`);
    const ctx = await openContext(config, logger);
    const bar = new SingleBar({ stream: process.stderr, format: 'importing [{bar}] {percentage}% | {value}/{total} rows | {eta_formatted} left', hideCursor: true, noTTYOutput: true, notTTYSchedule: 1000 }, Presets.shades_classic);
    try {
      let submitterId: number | null = null;
      if (opts.submitter) {
        const user = await findUserByEmail(ctx.db, opts.submitter.trim().toLowerCase());
        if (!user) fail(`--submitter: no user ${opts.submitter}`);
        submitterId = user.id;
      }
      process.stderr.write(`checking ${file}…\n`);
      let started = false;
      const result = await importEvidenceCsv(ctx, cliActor, fs.readFileSync(file), {
        submitterId,
        onProgress: (done, total) => {
          if (!started) {
            bar.start(total, 0);
            started = true;
          }
          bar.update(done);
        },
      });
      if (started) bar.stop();
      if (!result.ok) {
        for (const p of result.problems) process.stderr.write(`${file}:${p.line}: ${p.field}: ${p.message}\n`);
        if (result.totalProblems > result.problems.length) process.stderr.write(`… and ${result.totalProblems - result.problems.length} more\n`);
        process.stderr.write(`Nothing imported: ${result.totalProblems} problem(s) in ${result.rows} rows.\n`);
        process.exitCode = 1;
        return;
      }
      process.stderr.write(`Imported ${result.imported} evidence items (import ${result.importId}); they await review.\n`);
    } finally {
      bar.stop();
      await ctx.database.close();
    }
  });

program
  .command('demo')
  .description('run the app on a separate demo database with a two-year programme (built on first run)')
  .option('--reset', 'throw the demo database away and build it again')
  .action(async (opts: { reset?: boolean }) => {
    const fs = await import('node:fs');
    const dataDir = process.env.DEMO_DATA_DIR ?? 'demo-data';
    const config = loadConfig({ ...process.env, DATA_DIR: dataDir, DATABASE_URL: '' });
    const logger = createLogger(config.logLevel);
    if (opts.reset) fs.rmSync(config.dataDir, { recursive: true, force: true });
    const { openContext } = await import('./bootstrap.ts');
    const { buildDemo } = await import('./demo/demo.service.ts');
    const { DEMO_PASSWORD, demoUsers } = await import('./demo/demo.data.ts');
    const fresh = !fs.existsSync(config.databaseUrl);
    if (fresh) {
      let fixed: Date | undefined;
      const ctx = await openContext(config, logger, () => fixed ?? new Date());
      const started = Date.now();
      try {
        await buildDemo({ ...ctx, setNow: (iso: string) => (fixed = new Date(iso)) }, (line) => process.stderr.write(`demo: ${line}\n`));
      } catch (err) {
        await ctx.database.close();
        fs.rmSync(config.dataDir, { recursive: true, force: true });
        throw err;
      }
      await ctx.database.close();
      process.stderr.write(`demo: built in ${Math.round((Date.now() - started) / 1000)} s\n`);
    }
    process.stdout.write(`\nAttest demo (database ${config.databaseUrl}). Sign in with any of these, password "${DEMO_PASSWORD}":\n`);
    for (const u of demoUsers) process.stdout.write(`  ${u.email.padEnd(22)} ${u.role}\n`);
    process.stdout.write('\n');
    const { serve } = await import('./main.ts');
    await serve(config, logger);
  });

const browser = program.command('browser').description('the browser used for PDF reports');
browser
  .command('ensure')
  .description('find Chrome/Chromium; install Debian\'s chromium when root on Debian; otherwise explain')
  .option('--quiet-if-found', 'print nothing when a browser is found (used by npm install)')
  .action(async (opts: { quietIfFound?: boolean }) => {
    const { ensureBrowser } = await import('./reports/browser.ts');
    const found = ensureBrowser((line) => process.stderr.write(`attest: ${line}\n`));
    if (found && !opts.quietIfFound) process.stdout.write(`Browser for PDFs: ${found.path} (${found.source})\n`);
  });

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}


try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof ConfigError) fail(err.message);
  process.stderr.write(`attest: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
