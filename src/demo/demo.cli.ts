import fs from 'node:fs';
import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('run the app on a separate demo database with a two-year programme (built on first run)')
    .option('--reset', 'throw the demo database away and build it again')
    .action(async (opts: { reset?: boolean }) => {
      const config = loadConfig({ ...process.env, DATA_DIR: process.env.DEMO_DATA_DIR ?? 'demo-data', DATABASE_URL: '' });
      const logger = createLogger(config.logLevel);
      if (opts.reset) fs.rmSync(config.dataDir, { recursive: true, force: true });
      const { openContext } = await import('../bootstrap.ts');
      const { buildDemo } = await import('./demo.service.ts');
      const { DEMO_PASSWORD, demoUsers } = await import('./demo.data.ts');
      if (!fs.existsSync(config.databaseUrl)) {
        let fixed: Date | undefined;
        const ctx = await openContext(config, logger, () => fixed ?? new Date());
        const started = Date.now();
        try {
          await buildDemo({ ...ctx, setNow: (iso: string) => (fixed = new Date(iso)) }, (line) => process.stderr.write(`demo: ${line}\n`));
        } catch (err) {
          await ctx.database.close();
          // A half-built demo would be served as if complete next time.
          fs.rmSync(config.dataDir, { recursive: true, force: true });
          throw err;
        }
        await ctx.database.close();
        process.stderr.write(`demo: built in ${Math.round((Date.now() - started) / 1000)} s\n`);
      }
      process.stdout.write(`\nAttest demo (database ${config.databaseUrl}). Sign in with any of these, password "${DEMO_PASSWORD}":\n`);
      for (const u of demoUsers) process.stdout.write(`  ${u.email.padEnd(22)} ${u.role}\n`);
      process.stdout.write('\n');
      const { serve } = await import('../main.ts');
      await serve(config, logger);
    });
}
