import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export const SMTP_USER = 'reminders';
export const SMTP_PASSWORD = 's3cret-Pa55';

export interface Received {
  /** Envelope recipients, as the server accepted them. */
  to: string[];
  from: string;
  mail: ParsedMail;
}

export interface TestSmtp {
  /** smtp://user:password@127.0.0.1:port */
  url: string;
  received: Received[];
  /** Recipients the server refuses at RCPT TO (550). */
  refuse: Set<string>;
  /** Waits until `count` messages have arrived (they are parsed after the client is told "250"). */
  waitFor(count: number): Promise<Received[]>;
  close(): Promise<void>;
}

/**
 * A real SMTP server in the test process (smtp-server), with a login, plain connections (no
 * STARTTLS) and a list of recipients it refuses. Every accepted message is parsed with mailparser.
 */
export async function startSmtp(): Promise<TestSmtp> {
  const received: Received[] = [];
  const refuse = new Set<string>();
  const parsing: Promise<void>[] = [];
  const server = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) return callback(null, { user: auth.username });
      return callback(new Error('Invalid username or password'));
    },
    onRcptTo(address, _session, callback) {
      if (refuse.has(address.address.toLowerCase())) {
        const err = Object.assign(new Error(`Mailbox ${address.address} unavailable`), { responseCode: 550 });
        return callback(err);
      }
      return callback();
    },
    onData(stream, session, callback) {
      const to = session.envelope.rcptTo.map((r) => r.address);
      const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
      parsing.push(
        simpleParser(stream).then((mail) => {
          received.push({ to, from, mail });
        }),
      );
      stream.on('end', () => callback());
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://${SMTP_USER}:${SMTP_PASSWORD}@127.0.0.1:${port}`,
    received,
    refuse,
    async waitFor(count) {
      for (let i = 0; i < 200 && received.length < count; i += 1) {
        await Promise.all(parsing);
        if (received.length < count) await new Promise((r) => setTimeout(r, 25));
      }
      return received;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
