import fs from 'node:fs';
import type { Command } from 'commander';
import { fail, withContext } from '../cli.support.ts';

export function registerEvidenceCommands(program: Command): void {
  const evidence = program.command('evidence').description('evidence');
  evidence
    .command('import')
    .description('import evidence from CSV, all or nothing, with a progress bar on stderr')
    .argument('<file>', 'CSV file: title,kind,collected_at,controls,link_url[,valid_until,description]')
    .option('--submitter <email>', 'record this user as the submitter (default: the command line)')
    .action(async (file: string, opts: { submitter?: string }) => {
      const { importEvidenceCsv } = await import('./import.service.ts');
      const { findUserByEmail } = await import('../auth/users.repository.ts');
      const { cliPrincipal } = await import('../auth/principal.ts');
      const { expiredNotice, problemLines, problemSummary } = await import('./import.presenter.ts');
      const { SingleBar, Presets } = await import('cli-progress');
      if (!fs.existsSync(file)) fail(`${file}: no such file`);
      const bar = new SingleBar(
        {
          stream: process.stderr,
          format: 'importing [{bar}] {percentage}% | {value}/{total} rows | {eta_formatted} left',
          hideCursor: true,
          noTTYOutput: true,
          notTTYSchedule: 1000,
        },
        Presets.shades_classic,
      );
      await withContext(async (ctx) => {
        let submitterId: number | null = null;
        if (opts.submitter) {
          const user = await findUserByEmail(ctx.db, opts.submitter.trim().toLowerCase());
          if (!user) fail(`--submitter: no user ${opts.submitter}`);
          submitterId = user.id;
        }
        process.stderr.write(`checking ${file}…\n`);
        let started = false;
        const result = await importEvidenceCsv(
          ctx,
          cliPrincipal,
          { path: file },
          {
            submitterId,
            onProgress: (done, total) => {
              if (!started) bar.start(total, 0);
              started = true;
              bar.update(done);
            },
          },
        ).finally(() => bar.stop());
        const expired = expiredNotice(result.expired, result.ok);
        if (!result.ok) {
          for (const line of problemLines(result.problems)) process.stderr.write(`${line}\n`);
          if (result.totalProblems > result.problems.length) process.stderr.write(`… and ${result.totalProblems - result.problems.length} more\n`);
          process.stderr.write(`Nothing imported from ${file}: ${problemSummary(result)}.\n`);
          if (expired) process.stderr.write(`Note: ${expired.summary}. ${expired.why}\n`);
          process.exitCode = 1;
          return;
        }
        process.stderr.write(`Imported ${result.imported} evidence ${result.imported === 1 ? 'item' : 'items'} (import ${result.importId}); they await review.\n`);
        if (expired) process.stderr.write(`Warning: ${expired.summary}. ${expired.why}\n`);
      });
    });
}
