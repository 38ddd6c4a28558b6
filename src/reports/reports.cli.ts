import type { Command } from 'commander';
import { registerDocumentReportCommands } from './documents.cli.ts';
import { registerPackCommands } from './pack.cli.ts';

/**
 * `attest report soa|readiness|summary|pack …`, `attest report verify FILE` and
 * `attest pack verify FILE.zip` (DESIGN.md's CLI names).
 */
export function registerReportCommands(program: Command): void {
  const report = program.command('report').description('issue reports (recorded, with the SHA-256 of every file) and verify issued files');
  registerDocumentReportCommands(report);
  const pack = program.command('pack').description('audit evidence packs');
  registerPackCommands(report, pack);
}
