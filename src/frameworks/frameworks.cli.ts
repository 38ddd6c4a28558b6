import { Option, type Command } from 'commander';
import { fail, printJson, withContext } from '../cli.support.ts';

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

/** `attest frameworks import FILE --framework SLUG [--map OLD_TO_NEW.csv]`: a team's own catalog. */
export function registerFrameworkCommands(program: Command): void {
  program
    .command('frameworks')
    .description('framework catalogs kept in this database')
    .command('import')
    .description(
      'load a catalog (xlsx or csv: ref, name, parent, assessable, summary or text) as a new scheme, or in place of a shipped or provisional one, moving mappings and audit records through --map; all or nothing, recorded',
    )
    .argument('<file>', 'the catalog, .xlsx or .csv')
    .requiredOption('--framework <slug>', 'the framework to replace, or a new slug (e.g. bsi-c5-2020)')
    .option('--map <csv>', 'old_ref,new_ref pairs: what each old requirement became (empty new_ref: no successor)')
    .option('--name <name>', 'the framework’s name (required for a new scheme)')
    .option('--edition <edition>', 'its edition')
    .option('--publisher <publisher>', 'its publisher')
    .option('--drop-unmapped', 'drop mappings whose requirement has no successor (listed) instead of refusing')
    .option('--dry-run', 'report what would change, change nothing')
    .action(async (file: string, opts: { framework: string; map?: string; name?: string; edition?: string; publisher?: string; dropUnmapped?: boolean; dryRun?: boolean }) => {
      const fs = await import('node:fs');
      const path = await import('node:path');
      const readable = (f: string, what: string) => {
        if (!fs.existsSync(f) || !fs.statSync(f).isFile()) fail(`${what} ${f}: no such file`);
        if (fs.statSync(f).size > 50 * 1024 * 1024) fail(`${what} ${f}: larger than 50 MB`);
        return fs.readFileSync(f);
      };
      for (const [flag, value] of [
        ['--name', opts.name],
        ['--edition', opts.edition],
        ['--publisher', opts.publisher],
      ] as const) {
        if (value !== undefined && (value.trim() === '' || value.length > 300 || /[\u0000-\u001F]/.test(value))) fail(`${flag}: give plain text of at most 300 characters`);
      }
      const content = readable(file, 'catalog');
      const mapContent = opts.map ? readable(opts.map, 'map') : null;
      const { readCatalog, readRefMap } = await import('./catalog.read.ts');
      const { importCatalog } = await import('./catalog.import.ts');
      const { cliPrincipal } = await import('../auth/principal.ts');
      await withContext(async (ctx) => {
        const rows = await readCatalog(content);
        const map = mapContent ? await readRefMap(mapContent) : new Map<string, string | null>();
        const report = await importCatalog(ctx, cliPrincipal, {
          slug: opts.framework,
          file: { name: path.basename(file), content },
          rows,
          map,
          name: opts.name?.trim(),
          edition: opts.edition?.trim(),
          publisher: opts.publisher?.trim(),
          dropUnmapped: opts.dropUnmapped === true,
          dryRun: opts.dryRun === true,
        });
        const r = report.requirements;
        const m = report.moved;
        process.stdout.write(
          `${report.dryRun ? 'Dry run, nothing changed: would import' : 'Imported'} ${report.slug}${report.created ? ' (new scheme)' : ''}: ${r.added} requirements added, ${r.kept} kept, ${r.removed} removed; moved ${m.mappings} mappings, ${m.exclusions} exclusions, ${m.auditScope} audit scope entries, ${m.findings} finding links, ${m.requests} evidence requests.\n`,
        );
        for (const u of report.unmapped) process.stdout.write(`  mapping dropped: ${u.control} → ${u.ref} (${u.relationship}) has no successor\n`);
        for (const e of report.exclusionsDropped) process.stdout.write(`  exclusion dropped: ${e} has no successor\n`);
      });
    });
}
