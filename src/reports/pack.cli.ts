import type { Command } from 'commander';

/** `attest report pack --audit ID --out FILE.zip` and `attest pack verify FILE.zip`. */
export function registerPackCommands(_report: Command, _pack: Command): void {
  // Filled in by the evidence pack.
}
