import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * One logger for the process. Logs go to stderr so that CLI commands keep stdout for their
 * output (JSON, CSV). Secrets are redacted wherever they might appear.
 */
export function createLogger(level: string): Logger {
  return pino(
    {
      level,
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', '*.password', '*.token'],
        censor: '[redacted]',
      },
    },
    pino.destination(2),
  );
}
