import { Option, type Command } from 'commander';
import { printJson, withContext } from '../cli.support.ts';

export function registerCoverageCommand(program: Command): void {
  const coverage = program
    .command('coverage')
    .description('coverage per framework (and per requirement with --framework) as of a date')
    .option('--framework <slug>', 'one framework, with each requirement and the reason for its status')
    .option('--as-of <date>', 'the day to compute coverage for (YYYY-MM-DD; default today; not after today)')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (opts: { framework?: string; asOf?: string; format: 'table' | 'json' }) => {
      const { askedCoverageDay, computeCoverage } = await import('./coverage.service.ts');
      const { formatCoverageTable } = await import('./coverage.format.ts');
      const { cliPrincipal } = await import('../auth/principal.ts');
      await withContext(async (ctx) => {
        const report = await computeCoverage(ctx, cliPrincipal, { asOf: askedCoverageDay(ctx, opts.asOf), framework: opts.framework, detail: Boolean(opts.framework) });
        if (opts.format === 'json') printJson(report);
        else process.stdout.write(formatCoverageTable(report));
      });
    });

  coverage
    .command('intervals')
    .description('recompute every control’s evidence intervals from scratch and compare them with the maintained ones; --rebuild replaces any that differ')
    .option('--rebuild', 'replace the intervals that differ (one unit of work)')
    .action(async (opts: { rebuild?: boolean }) => {
      const { checkIntervals } = await import('./intervals.service.ts');
      const { cliPrincipal } = await import('../auth/principal.ts');
      await withContext(async (ctx) => {
        const r = await checkIntervals(ctx, cliPrincipal, { apply: opts.rebuild === true });
        process.stdout.write(
          `${r.controls} controls with evidence, ${r.intervals} intervals; ${r.differing.length} differ from the maintained ones${r.rebuilt ? ' (rebuilt)' : ''}.\n`,
        );
        if (r.differing.length && !r.rebuilt) {
          process.stderr.write(`differing control ids: ${r.differing.slice(0, 50).join(', ')}\n`);
          process.exitCode = 1;
        }
      });
    });
}
