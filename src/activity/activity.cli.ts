import type { Command } from 'commander';
import { withContext } from '../cli.support.ts';

export function registerActivityCommands(program: Command): void {
  const activity = program.command('activity').description('the activity trail');
  activity
    .command('verify')
    .description('check the hash chain; exit 1 naming the first broken record')
    .action(async () => {
      const { verifyChain } = await import('./activity.service.ts');
      await withContext(async (ctx) => {
        const result = await verifyChain(ctx.db);
        if (result.ok) {
          process.stdout.write(`Activity chain intact: ${result.count} records verified.\n`);
        } else {
          process.stdout.write(`Activity chain BROKEN at record ${result.brokenId}: ${result.reason}. ${result.count} records before it verified.\n`);
          process.exitCode = 1;
        }
      });
    });
}
