import path from 'node:path';
import type { Command } from 'commander';
import { withDatabaseAsIs } from '../cli.support.ts';
import { counted } from '../words.ts';

const folder = (dir?: string) => (dir ? path.resolve(dir) : undefined);

export function registerControlsCommands(program: Command): void {
  const controls = program.command('controls').description('framework catalogs and the control library in controls/');
  controls
    .command('check')
    .description('validate controls/: schema, unique refs, mappings, coverage; exit 1 on any problem')
    .option('--dir <dir>', 'the controls folder to check (default: the shipped one)')
    .action(async (opts: { dir?: string }) => {
      const { readLibraryFiles } = await import('./library.files.ts');
      const { checkLibrary, formatProblem } = await import('./library.check.ts');
      const files = readLibraryFiles(folder(opts.dir));
      const problems = checkLibrary(files);
      for (const p of problems) process.stdout.write(`${formatProblem(p)}\n`);
      const requirements = files.frameworks.reduce((n, f) => n + f.requirements.length, 0);
      const summary = `${files.frameworks.length} frameworks, ${requirements} requirements, ${files.controls.length} controls, ${files.exclusions.length} exclusions`;
      if (problems.length) {
        process.stderr.write(`${counted(problems.length, 'problem')} in ${summary}\n`);
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
      const { readLibraryFiles } = await import('./library.files.ts');
      const { loadLibrary } = await import('./library.load.ts');
      const { formatLoadReport } = await import('./library.report.ts');
      const { cliPrincipal } = await import('../auth/principal.ts');
      await withDatabaseAsIs(async (ctx) => {
        const report = await loadLibrary(ctx, cliPrincipal, readLibraryFiles(folder(opts.dir)), { overwrite: opts.overwrite ?? false });
        process.stdout.write(formatLoadReport(report));
      });
    });

  controls
    .command('export')
    .description('write the current control library back to YAML, one file per domain')
    .requiredOption('--out <dir>', 'folder to write (e.g. controls/library to replace the shipped files)')
    .action(async (opts: { out: string }) => {
      const { exportLibrary } = await import('./library.export.ts');
      await withDatabaseAsIs(async (ctx) => {
        const written = await exportLibrary(ctx, path.resolve(opts.out));
        process.stderr.write(`Wrote ${written.length} files to ${path.resolve(opts.out)}\n`);
      });
    });
}
