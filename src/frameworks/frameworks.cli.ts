import { Option, type Command } from 'commander';
import { printJson, withContext } from '../cli.support.ts';

export function registerCrosswalkCommand(program: Command): void {
  program
    .command('crosswalk')
    .description('derived requirement pairs between two frameworks, with bridging controls')
    .requiredOption('--from <slug>', 'framework to map from')
    .requiredOption('--to <slug>', 'framework to map to')
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'csv']).default('json'))
    .action(async (opts: { from: string; to: string; format: 'json' | 'csv' }) => {
      const { crosswalk, crosswalkCsv } = await import('./crosswalk.service.ts');
      const { cliPrincipal } = await import('../auth/principal.ts');
      await withContext(async (ctx) => {
        const cw = await crosswalk(ctx, cliPrincipal, opts.from, opts.to);
        if (opts.format === 'csv') process.stdout.write(crosswalkCsv(cw));
        else printJson(cw);
      });
    });
}
