import fs from 'node:fs';
import type { Command } from 'commander';
import { fail, withDatabaseAsIs } from '../cli.support.ts';
import type { VerifyResult } from './activity.service.ts';
import { counted } from '../words.ts';

// At most this many checkpoint problems are printed; after truncating the whole chain, every
// checkpoint ever taken disagrees, and the first few say enough.
const MAX_PROBLEMS_SHOWN = 50;

function printChainResult(result: VerifyResult): void {
  if (result.ok) {
    process.stdout.write(`Activity chain intact: ${result.count} records verified.\n`);
  } else {
    process.stdout.write(`Activity chain BROKEN at record ${result.brokenId}: ${result.reason}. ${result.count} records before it verified.\n`);
  }
}

export function registerActivityCommands(program: Command): void {
  const activity = program.command('activity').description('the activity trail');
  activity
    .command('verify')
    .description('check the hash chain (and, with --checkpoint, that no record was removed from or rewritten at its end); exit 1 on any problem')
    .option('--checkpoint <file>', 'also check the chain against the checkpoints in this file (written by `attest activity checkpoint`)')
    .action(async (opts: { checkpoint?: string }) => {
      if (opts.checkpoint !== undefined) return verifyWithCheckpoints(opts.checkpoint);
      const { verifyChain } = await import('./activity.service.ts');
      await withDatabaseAsIs(async (ctx) => {
        const result = await verifyChain(ctx.db);
        printChainResult(result);
        if (!result.ok) process.exitCode = 1;
      });
    });
  activity
    .command('checkpoint')
    .description('print the chain head (count, last id and hash) as one JSON line and append it to the checkpoint file in the data directory')
    .action(async () => {
      const { recordCheckpoint } = await import('./activity.checkpoint.ts');
      await withDatabaseAsIs(async (ctx) => {
        const { checkpoint, file } = await recordCheckpoint(ctx);
        process.stdout.write(`${JSON.stringify(checkpoint)}\n`);
        process.stderr.write(`Checkpoint appended to ${file}. Keep a copy where whoever can change the database cannot.\n`);
      });
    });
}

async function verifyWithCheckpoints(file: string): Promise<void> {
  const { CheckpointFileError, readCheckpoints, verifyAgainstCheckpoints } = await import('./activity.checkpoint.ts');
  if (!fs.existsSync(file)) fail(`${file}: no such file`);
  let checkpoints: Awaited<ReturnType<typeof readCheckpoints>>;
  try {
    checkpoints = await readCheckpoints(file);
  } catch (err) {
    if (!(err instanceof CheckpointFileError)) throw err;
    for (const p of err.problems) process.stderr.write(`${file}:${p.line}: ${p.message}\n`);
    process.stderr.write(`Nothing verified: the checkpoint file has ${counted(err.problems.length, 'problem')}.\n`);
    process.exitCode = 1;
    return;
  }
  await withDatabaseAsIs(async (ctx) => {
    const report = await verifyAgainstCheckpoints(ctx.db, checkpoints);
    printChainResult(report.chain);
    for (const p of report.problems.slice(0, MAX_PROBLEMS_SHOWN)) process.stdout.write(`Checkpoint mismatch: ${p}.\n`);
    if (report.problems.length > MAX_PROBLEMS_SHOWN) process.stdout.write(`… and ${report.problems.length - MAX_PROBLEMS_SHOWN} more.\n`);
    if (report.ok) {
      process.stdout.write(`All ${counted(report.checked, 'checkpoint')} in ${file} agree with the chain (${report.count} records now).\n`);
      return;
    }
    if (report.problems.length) {
      process.stdout.write(`${report.problems.length} checkpoint mismatch(es): records were removed or rewritten after a checkpoint was taken.\n`);
    }
    process.exitCode = 1;
  });
}
