import type { Command } from 'commander';

/** `attest report soa|readiness|summary …` and `attest report verify FILE`. */
export function registerDocumentReportCommands(_report: Command): void {
  // Filled in by the document reports (SoA, readiness, summary).
}
