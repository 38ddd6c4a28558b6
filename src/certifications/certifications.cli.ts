import { Option, type Command } from 'commander';
import { printJson, withContext } from '../cli.support.ts';

export function registerCertificationCommands(program: Command): void {
  const certifications = program.command('certifications').description('certifications, reports and declarations');
  certifications
    .command('list')
    .description('the register, with the status derived from the dates')
    .option('--framework <slug>', 'one framework')
    .addOption(new Option('--status <status>', 'one derived status').choices(['current', 'expiring', 'expired', 'withdrawn', 'not_yet_valid']))
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (opts: { framework?: string; status?: 'current' | 'expiring' | 'expired' | 'withdrawn' | 'not_yet_valid'; format: 'table' | 'json' }) => {
      const { listCertifications } = await import('./certifications.service.ts');
      const { certificationJson } = await import('./certifications.presenter.ts');
      const { formatCertificationTable } = await import('./certifications.format.ts');
      const { cliPrincipal } = await import('../auth/principal.ts');
      await withContext(async (ctx) => {
        const { items } = await listCertifications(ctx, cliPrincipal, { framework: opts.framework, status: opts.status }, { limit: 100_000, offset: 0 });
        if (opts.format === 'json') printJson({ items: items.map(certificationJson) });
        else process.stdout.write(formatCertificationTable(items));
      });
    });
}
