import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CalendarItem } from '../../src/calendar/calendar.model.ts';
import { createLogger } from '../../src/logger.ts';
import { nextOccurrence, scheduleDaily, startDailyReminders, type Timers } from '../../src/reminders/reminders.scheduler.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { fakeSource, installSource } from './fake-source.ts';
import { buildPeople, scenarioItems } from './scenario.ts';
import { startSmtp, type TestSmtp } from './smtp.ts';

/** Timers the test fires by hand: each armed one is kept with its delay. */
function manualTimers() {
  const armed: { run: () => void; ms: number; cleared: boolean }[] = [];
  const timers: Timers = {
    set(run, ms) {
      const t = { run, ms, cleared: false };
      armed.push(t);
      return t;
    },
    clear(handle) {
      (handle as { cleared: boolean }).cleared = true;
    },
  };
  return { timers, armed };
}

const settle = () => new Promise((r) => setTimeout(r, 20));
const HOUR = 3_600_000;

describe('the daily schedule', () => {
  it('finds the next HH:MM in UTC strictly after an instant', () => {
    expect(nextOccurrence(new Date('2026-11-21T06:30:00Z'), '07:00').toISOString()).toBe('2026-11-21T07:00:00.000Z');
    expect(nextOccurrence(new Date('2026-11-21T07:00:00Z'), '07:00').toISOString()).toBe('2026-11-22T07:00:00.000Z');
    expect(nextOccurrence(new Date('2026-12-31T23:59:30Z'), '23:59').toISOString()).toBe('2027-01-01T23:59:00.000Z');
    expect(nextOccurrence(new Date('2026-02-28T12:00:00Z'), '00:00').toISOString()).toBe('2026-03-01T00:00:00.000Z');
  });

  it('runs at the time by the injected clock, re-arms for the next day, survives a failed run, and stops', async () => {
    let now = new Date('2026-11-21T06:30:00Z');
    const { timers, armed } = manualTimers();
    const runs: string[] = [];
    let fail = false;
    const job = scheduleDaily({
      at: '07:00',
      clock: () => now,
      logger: createLogger('silent'),
      timers,
      run: async () => {
        runs.push(now.toISOString());
        if (fail) throw new Error('boom');
      },
    });
    expect(armed.map((a) => a.ms)).toEqual([HOUR / 2]);
    expect(job.nextRunAt()?.toISOString()).toBe('2026-11-21T07:00:00.000Z');

    // The timer fires 10 ms early: it runs once, and the next run is tomorrow, not in 10 ms.
    now = new Date('2026-11-21T06:59:59.990Z');
    armed[0]!.run();
    await settle();
    expect(runs).toEqual(['2026-11-21T06:59:59.990Z']);
    expect(armed).toHaveLength(2);
    expect(armed[1]!.ms).toBe(24 * HOUR + 10);
    expect(job.nextRunAt()?.toISOString()).toBe('2026-11-22T07:00:00.000Z');

    // A failed run is logged and tomorrow's still comes.
    fail = true;
    now = new Date('2026-11-22T07:00:00.005Z');
    armed[1]!.run();
    await settle();
    expect(runs).toHaveLength(2);
    expect(armed).toHaveLength(3);
    expect(job.nextRunAt()?.toISOString()).toBe('2026-11-23T07:00:00.000Z');

    job.stop();
    expect(armed[2]!.cleared).toBe(true);
    expect(job.nextRunAt()).toBeNull();
  });

  it('a stop during a run arms nothing more', async () => {
    let release = () => {};
    const { timers, armed } = manualTimers();
    const job = scheduleDaily({
      at: '07:00',
      clock: () => new Date('2026-11-21T07:00:00Z'),
      logger: createLogger('silent'),
      timers,
      run: () => new Promise<void>((r) => (release = r)),
    });
    armed[0]!.run();
    job.stop();
    release();
    await settle();
    expect(armed).toHaveLength(1);
  });
});

describe('the server’s daily reminders (REMINDERS_DAILY_AT)', () => {
  let ctx: TestContext;
  let smtp: TestSmtp;
  let items: CalendarItem[] = [];
  let uninstall: () => void;

  beforeAll(async () => {
    smtp = await startSmtp();
    ctx = await createTestContext({ now: '2026-11-21T06:00:00.000Z', env: { SMTP_URL: smtp.url, REMINDERS_DAILY_AT: '07:00' } });
    uninstall = installSource(fakeSource(() => items));
  });
  afterAll(async () => {
    uninstall();
    await ctx.cleanup();
    await smtp.close();
  });

  it('sends the digest by itself at the time, as the system, and again the next day', async () => {
    const people = await buildPeople(ctx);
    items = scenarioItems(people, '2026-11-21').items;
    const { timers, armed } = manualTimers();
    const job = startDailyReminders(ctx, timers)!;
    try {
      expect(armed[0]!.ms).toBe(HOUR);
      ctx.setNow('2026-11-21T07:00:00.000Z');
      armed[0]!.run();
      const received = await smtp.waitFor(2);
      expect(received.map((r) => r.to[0]).sort()).toEqual([people.ana.email, people.ben.email].sort());
      // The record of each delivery is written after the mail server accepts it: wait for both
      // (a fixed pause was too short on a loaded machine).
      const sent = () => ctx.db.selectFrom('activity').select(['actor_label', 'actor_id']).where('action', '=', 'reminders.sent').execute();
      for (let i = 0; i < 250 && (await sent()).length < 2; i += 1) await settle();
      const records = await sent();
      expect(records).toEqual([
        { actor_label: 'system', actor_id: null },
        { actor_label: 'system', actor_id: null },
      ]);
      expect(job.nextRunAt()?.toISOString()).toBe('2026-11-22T07:00:00.000Z');
      expect(armed[1]!.ms).toBe(24 * HOUR);
    } finally {
      job.stop();
    }
  });

  it('is off without REMINDERS_DAILY_AT', async () => {
    expect(startDailyReminders({ ...ctx, config: { ...ctx.config, reminders: { windowDays: 14, dailyAt: null } } })).toBeNull();
  });

  it('`attest serve` schedules it, says when, and stops it on shutdown', { timeout: 120_000 }, async () => {
    const bin = path.resolve(import.meta.dirname, '../../bin/attest.js');
    const child = spawn(process.execPath, [bin, 'serve'], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...ctx.childEnv, PORT: '0', LOG_LEVEL: 'info', REMINDERS_DAILY_AT: '07:00' },
    });
    let stderr = '';
    const scheduled = new Promise<void>((resolve) => {
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
        if (stderr.includes('daily reminders scheduled')) resolve();
      });
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    let exitCode: number | null | undefined;
    const exited = new Promise<number | null>((resolve) =>
      child.on('close', (code) => {
        exitCode = code;
        resolve(code);
      }),
    );
    await Promise.race([scheduled, exited]);
    const line = stderr.split('\n').find((l) => l.includes('daily reminders scheduled'));
    expect(line, `exit ${exitCode}; stderr: ${stderr}; stdout: ${stdout}`).toBeDefined();
    expect(JSON.parse(line!)).toMatchObject({ at: '07:00 UTC', next: expect.stringMatching(/T07:00:00\.000Z$/) });
    expect(stderr).not.toContain('s3cret');
    child.kill('SIGTERM');
    const code = await exited;
    expect(code, `signal ${child.signalCode}; stderr: ${stderr.slice(-2000)}; stdout: ${stdout.slice(-500)}`).toBe(0);
  });
});
