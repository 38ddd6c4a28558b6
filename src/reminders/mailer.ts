import nodemailer from 'nodemailer';
import type { Config } from '../config.ts';

/** One e-mail, in both forms. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Sends over the configured SMTP server; `describe` names it without its password. */
export interface Mailer {
  describe: string;
  send(message: MailMessage): Promise<void>;
  close(): void;
}

// Bounded waits: a run holds one user's delivery row open while it talks to the server.
const TIMEOUTS = { connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 30_000 };

/** The SMTP URL as it may be shown or logged: the password never is. */
export function describeSmtp(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '';
  return u.toString().replace(/\/$/, '');
}

/** A mailer for one run (one pooled connection, closed by the caller), or null when SMTP is not configured. */
export function createMailer(config: Pick<Config, 'mail'>): Mailer | null {
  const url = config.mail.smtpUrl;
  if (!url) return null;
  const transport = nodemailer.createTransport({ url, pool: true, maxConnections: 1, ...TIMEOUTS }, { from: config.mail.from });
  const password = decodeURIComponent(new URL(url).password);
  return {
    describe: describeSmtp(url),
    async send(message) {
      try {
        await transport.sendMail(message);
      } catch (err) {
        throw new MailError(scrub(err instanceof Error ? err.message : String(err), password));
      }
    },
    close: () => transport.close(),
  };
}

/** A refused or failed send, its message cleared of the SMTP password. */
export class MailError extends Error {
  override name = 'MailError';
}

function scrub(message: string, password: string): string {
  const oneLine = message.replace(/\s+/g, ' ').trim().slice(0, 300);
  return password ? oneLine.split(password).join('***') : oneLine;
}
