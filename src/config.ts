import path from 'node:path';
import { z } from 'zod';

const booleanFromEnv = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Every environment variable Attest reads, with its default. The README's table mirrors this. */
const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATA_DIR: z.string().min(1).default('data'),
  /** `postgres://…` for PostgreSQL; otherwise a SQLite file path (default DATA_DIR/attest.db). */
  DATABASE_URL: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SESSION_TTL_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 30)
    .default(12),
  /** Secure cookies need HTTPS (or localhost); turn off only behind plain HTTP on a private network. */
  COOKIE_SECURE: booleanFromEnv.default(true),
  /** Express `trust proxy`: set when running behind a reverse proxy so client IPs are right. */
  TRUST_PROXY: booleanFromEnv.default(false),
  LOGIN_MAX_PER_ACCOUNT: z.coerce.number().int().positive().default(5),
  LOGIN_MAX_PER_IP: z.coerce.number().int().positive().default(30),
  LOGIN_WINDOW_MINUTES: z.coerce.number().int().positive().default(15),
  UPLOAD_MAX_MB: z.coerce.number().positive().max(2048).default(50),
  /** Evidence whose validity ends within this many days is listed as expiring soon. */
  EVIDENCE_EXPIRY_WINDOW_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  /** A certification whose validity ends within this many days is shown as expiring. */
  CERT_EXPIRY_WINDOW_DAYS: z.coerce.number().int().min(1).max(730).default(90),
  PUPPETEER_EXECUTABLE_PATH: z.string().min(1).optional(),
  /** `smtp://user:pass@host:587` (or `smtps://…:465`): reminder digests go out by e-mail; unset, they are shown in the app only. */
  SMTP_URL: z.url({ protocol: /^smtps?$/, error: 'must be a URL like smtp://user:password@mail.example.com:587 (smtp: or smtps:)' }).optional(),
  MAIL_FROM: z
    .string()
    .max(254)
    .regex(/^[^\r\n]*@[^\r\n]*$/, 'must be one sender address on one line, like "Attest <attest@example.com>"')
    .default('Attest <attest@localhost>'),
  /** Where people reach the app; e-mailed links start with it. Default http://127.0.0.1:PORT. */
  PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL, like https://attest.example.com' }).optional(),
  /** Reminder digests list what falls due within this many days (and everything overdue). */
  REMINDER_WINDOW_DAYS: z.coerce.number().int().min(1).max(90).default(14),
  /** When set (HH:MM, UTC), the server sends the reminder digest once a day at that time. */
  REMINDERS_DAILY_AT: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day HH:MM in UTC, 00:00 to 23:59 (e.g. 07:00)')
    .optional(),
  /** PostgreSQL only: whether this server's worker runs queued jobs (imports, report builds). Off on app servers whose jobs `attest worker` processes run; SQLite's one server always runs its own. */
  JOBS_WORKER: booleanFromEnv.default(true),
});

export type Config = Readonly<{
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  dataDir: string;
  databaseUrl: string;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  sessionTtlHours: number;
  cookieSecure: boolean;
  trustProxy: boolean;
  login: Readonly<{ maxPerAccount: number; maxPerIp: number; windowMinutes: number }>;
  uploadMaxBytes: number;
  expiryWindowDays: number;
  certExpiryWindowDays: number;
  browserPath: string | undefined;
  /** Absolute base of links that leave the app (e-mails), without a trailing slash. */
  publicUrl: string;
  mail: Readonly<{ smtpUrl: string | null; from: string }>;
  reminders: Readonly<{ windowDays: number; dailyAt: string | null }>;
  /** Whether this process's worker runs queued jobs (PostgreSQL; SQLite's server always does). */
  jobsWorker: boolean;
}>;

export class ConfigError extends Error {}

/** Parses the environment once; throws ConfigError naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(stripEmpty(env));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return Object.freeze({
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL ?? path.join(path.resolve(e.DATA_DIR), 'attest.db'),
    logLevel: e.LOG_LEVEL,
    sessionTtlHours: e.SESSION_TTL_HOURS,
    cookieSecure: e.COOKIE_SECURE,
    trustProxy: e.TRUST_PROXY,
    login: Object.freeze({
      maxPerAccount: e.LOGIN_MAX_PER_ACCOUNT,
      maxPerIp: e.LOGIN_MAX_PER_IP,
      windowMinutes: e.LOGIN_WINDOW_MINUTES,
    }),
    uploadMaxBytes: Math.round(e.UPLOAD_MAX_MB * 1024 * 1024),
    expiryWindowDays: e.EVIDENCE_EXPIRY_WINDOW_DAYS,
    certExpiryWindowDays: e.CERT_EXPIRY_WINDOW_DAYS,
    browserPath: e.PUPPETEER_EXECUTABLE_PATH,
    publicUrl: (e.PUBLIC_URL ?? `http://127.0.0.1:${e.PORT}`).replace(/\/+$/, ''),
    mail: Object.freeze({ smtpUrl: e.SMTP_URL ?? null, from: e.MAIL_FROM }),
    reminders: Object.freeze({ windowDays: e.REMINDER_WINDOW_DAYS, dailyAt: e.REMINDERS_DAILY_AT ?? null }),
    jobsWorker: e.JOBS_WORKER,
  });
}

/** Only Attest's own variables, with empty strings treated as unset. */
function stripEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') out[key] = value;
  }
  return out;
}
