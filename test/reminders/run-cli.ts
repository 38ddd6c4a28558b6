import { spawn } from 'node:child_process';
import path from 'node:path';
import type { CliResult } from '../helpers/cli.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/attest.js');

/**
 * test/helpers/cli.ts's runCli, without blocking: the SMTP server the command talks to runs in this
 * process, and spawnSync would stop it from answering.
 */
export function runCliAsync(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, timeout: 120_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
