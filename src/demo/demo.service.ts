import type { AppContext } from '../context.ts';
import { demoQuestionnaires } from './demo.questionnaires.ts';
import { hashPassword } from '../auth/password.ts';
import { updateUser } from '../auth/users.repository.ts';
import { createUser, setJobTitle } from '../auth/users.service.ts';
import { systemPrincipal, userPrincipal, type Principal } from '../auth/principal.ts';
import type { Frequency } from '../controls/controls.model.ts';
import { readLibraryFiles } from '../controls/library.files.ts';
import { loadLibrary } from '../controls/library.load.ts';
import { addDays, addMonths, today as todayOf } from '../dates.ts';
import { createEvidence, createVersion, reviewEvidence, type UploadedFile } from '../evidence/evidence.service.ts';
import { fileStore } from '../evidence/evidence.service.ts';
import fs from 'node:fs/promises';
import path from 'node:path';
import { DEMO_PASSWORD, demoUsers, kindFor, periodMonths, rejectionComments, seeded, titleFor } from './demo.data.ts';
import { scheduleProgramme } from './demo.programme.ts';
import { assignmentsOfUser } from '../audits/audits.repository.ts';
import { Timeline } from './demo.timeline.ts';

interface Planned {
  day: string;
  controlRef: string;
  controlTitle: string;
  frequency: Frequency;
  fate: 'accepted' | 'rejected' | 'pending' | 'corrected';
  index: number;
}

const monthsBack = (day: string, months: number) => addMonths(day, -months);

/**
 * Fills a fresh database with a two-year programme: the shipped library, demo users with job titles
 * (so controls' evidence dates have owners), evidence for most controls at their frequency, reviewed
 * by a second person, with a few rejections, corrections (new versions), items awaiting review,
 * controls that lapsed, and a few gaps; and the audit programme (demo.programme.ts). Everything
 * goes through the real services in date order, with the clock on each step's day, so the activity
 * trail reads as it would have happened.
 */
export async function buildDemo(ctx: AppContext & { setNow(iso: string): void }, log: (line: string) => void): Promise<void> {
  const today = todayOf(ctx.clock);
  // Reviews, resubmissions and corrections follow a collection by a few days; for collections of
  // the last days those days have not come yet, so they happen now instead: nothing in the demo is
  // dated after the moment it is built.
  const builtAt = ctx.clock().toISOString();
  const setNow = (iso: string) => ctx.setNow(iso < builtAt ? iso : builtAt);
  const start = monthsBack(today, 24);
  ctx.setNow(`${start}T08:00:00.000Z`);
  log('loading the control library…');
  await loadLibrary(ctx, systemPrincipal, readLibraryFiles(), { overwrite: false });
  const actors: Record<string, Principal> = {};
  const ids: Record<string, number> = {};
  for (const u of demoUsers) {
    const { user } = await createUser(ctx, systemPrincipal, { email: u.email, name: u.name, role: u.role });
    await updateUser(ctx.db, user.id, { password_hash: await hashPassword(DEMO_PASSWORD), must_change_password: 0 });
    actors[u.email] = userPrincipal(user, 'session', { ip: '10.20.0.15', userAgent: 'demo' });
    ids[u.email] = user.id;
  }
  const grace = actors['grace@demo.attest']!;
  const omar = actors['omar@demo.attest']!;
  const admin = actors['admin@demo.attest']!;
  for (const u of demoUsers) if (u.jobTitle) await setJobTitle(ctx, admin, ids[u.email]!, u.jobTitle);

  const rand = seeded(20261121);
  const controls = await ctx.db.selectFrom('controls').select(['ref', 'title', 'frequency']).orderBy('ref').execute();
  const plan: Planned[] = [];
  for (const c of controls) {
    const roll = rand();
    if (roll < 0.05) continue; // never evidenced: a gap
    const lapsed = roll < 0.12; // evidenced for a while, then stopped
    const months = periodMonths[c.frequency as Frequency];
    let day = addDays(start, Math.floor(rand() * 28));
    let index = 0;
    const stopAt = lapsed ? monthsBack(today, 4 + Math.floor(rand() * 8)) : today;
    while (day <= stopAt) {
      const r = rand();
      const recent = day > addDays(today, -20);
      const fate = recent && r < 0.5 ? 'pending' : r < 0.05 ? 'rejected' : r < 0.08 ? 'corrected' : 'accepted';
      plan.push({ day, controlRef: c.ref, controlTitle: c.title, frequency: c.frequency as Frequency, fate, index });
      index += 1;
      day = addMonths(day, months);
    }
  }
  plan.sort((a, b) => a.day.localeCompare(b.day) || a.controlRef.localeCompare(b.controlRef));
  const timeline = new Timeline(today);
  const tmp = fileStore(ctx).tmpDir;
  let done = 0;
  const logPlanned = async (p: Planned) => {
    const [submitter, reviewer] = rand() < 0.5 ? [grace, omar] : [omar, grace];
    const kind = kindFor(p.frequency, rand());
    setNow(`${p.day}T09:${String(10 + (done % 40)).padStart(2, '0')}:00.000Z`);
    const files: UploadedFile[] = [];
    if (kind !== 'automated_check' && rand() < 0.35) {
      const file = path.join(tmp, `demo-${done}.txt`);
      await fs.writeFile(file, `Evidence for ${p.controlRef} collected ${p.day}\n${p.controlTitle}\nItem ${p.index + 1}\n`);
      files.push({ path: file, originalName: `${p.controlRef.toLowerCase()}-${p.day}.txt`, mediaType: 'text/plain' });
    }
    const input = {
      title: titleFor(kind, p.controlTitle, p.day.slice(0, 7), rand()),
      kind,
      description: '',
      collected_at: p.day,
      controls: [p.controlRef],
      link_url: files.length ? undefined : `https://evidence.demo.attest/${p.controlRef.toLowerCase()}/${p.day}`,
      // Policies and reports are what customers ask for; some are cleared to share.
      shareable: kind === 'document' && p.index % 3 === 0,
    };
    const id = await createEvidence(ctx, submitter, input, files);
    setNow(`${addDays(p.day, 2)}T14:00:00.000Z`);
    if (p.fate === 'pending') {
      // left awaiting review
    } else if (p.fate === 'rejected') {
      await reviewEvidence(ctx, reviewer, id, { decision: 'rejected', comment: rejectionComments[done % rejectionComments.length] });
      setNow(`${addDays(p.day, 4)}T10:00:00.000Z`);
      const retry = await createEvidence(
        ctx,
        submitter,
        { ...input, title: `${input.title} (resubmitted)`, link_url: input.link_url ?? `https://evidence.demo.attest/${p.controlRef.toLowerCase()}/${p.day}/v2` },
        [],
      );
      setNow(`${addDays(p.day, 5)}T10:00:00.000Z`);
      await reviewEvidence(ctx, reviewer, retry, { decision: 'accepted' });
    } else if (p.fate === 'corrected') {
      await reviewEvidence(ctx, reviewer, id, { decision: 'accepted' });
      setNow(`${addDays(p.day, 6)}T11:00:00.000Z`);
      const v2 = await createVersion(
        ctx,
        submitter,
        id,
        { ...input, title: `${input.title} (corrected)`, link_url: `https://evidence.demo.attest/${p.controlRef.toLowerCase()}/${p.day}/corrected` },
        [],
      );
      setNow(`${addDays(p.day, 7)}T11:00:00.000Z`);
      await reviewEvidence(ctx, reviewer, v2, { decision: 'accepted' });
    } else {
      await reviewEvidence(ctx, reviewer, id, { decision: 'accepted', ...(rand() < 0.2 ? { comment: 'Checked against the control description.' } : {}) });
    }
    done += 1;
    if (done % 500 === 0) log(`  ${done}/${plan.length} evidence items`);
  };
  for (const p of plan) timeline.at(p.day, () => logPlanned(p));
  scheduleProgramme(ctx, timeline, {
    grace,
    omar,
    admin,
    ids: { grace: ids['grace@demo.attest']!, omar: ids['omar@demo.attest']!, admin: ids['admin@demo.attest']!, aria: ids['aria@demo.attest']! },
    aria: async () => {
      const held = await assignmentsOfUser(ctx.db, ids['aria@demo.attest']!);
      const user = { id: ids['aria@demo.attest']!, email: 'aria@demo.attest', role: 'auditor' as const };
      return userPrincipal(
        user,
        'session',
        { ip: '198.51.100.23', userAgent: 'demo' },
        held.map((a) => ({ auditId: a.audit_id, accessFrom: a.access_from, accessUntil: a.access_until })),
      );
    },
  });
  log(`running ${timeline.size} steps over two years (${plan.length} evidence items, certifications, audits, demand)…`);
  await timeline.run((day) => setNow(`${day}T08:30:00.000Z`));
  log('answering two customers’ questionnaires…');
  setNow(`${today}T10:15:00.000Z`);
  await demoQuestionnaires(ctx, { carlos: actors['carlos@demo.attest']!, grace, graceId: ids['grace@demo.attest']! });
}
