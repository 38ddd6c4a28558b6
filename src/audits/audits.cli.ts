import { Option, type Command } from 'commander';
import { printJson, withContext } from '../cli.support.ts';

export function registerAuditCommands(program: Command): void {
  const audits = program.command('audits').description('the audit register');
  audits
    .command('list')
    .description('every audit, open ones first, with its frameworks, dates and status')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (opts: { format: 'table' | 'json' }) => {
      const { listAudits } = await import('./audits.service.ts');
      const { auditJson, auditTable } = await import('./audits.presenter.ts');
      const { cliPrincipal } = await import('../auth/principal.ts');
      await withContext(async (ctx) => {
        const items = [];
        // Page through the register so a long history is listed whole.
        for (let offset = 0; ; offset += 500) {
          const page = await listAudits(ctx, cliPrincipal, {}, { limit: 500, offset });
          items.push(...page.items);
          if (items.length >= page.total || page.items.length === 0) break;
        }
        if (opts.format === 'json') printJson(items.map(auditJson));
        else process.stdout.write(auditTable(items));
      });
    });
}
