import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { activityActions } from '../../src/activity/activity.actions.ts';
import { activityPhrases } from '../../src/activity/activity.phrases.ts';
import { activitySentence, referencedSubjects, subjectKinds } from '../../src/activity/activity.presenter.ts';

const say = (action: (typeof activityActions)[number], details: Record<string, unknown> = {}) =>
  activitySentence({ action, subjectType: 'evidence', subjectId: '7', details, actor: 'a@example.test', actorName: 'Ann', actorLabel: 'a@example.test' }, new Map())
    .map((s) => s.text)
    .join('');

describe('the activity phrases', () => {
  it.each(activityActions)('%s has a label and a sentence', (action) => {
    const phrase = activityPhrases[action];
    expect(phrase, `${action} needs a phrase in src/activity/activity.phrases.ts`).toBeDefined();
    expect(phrase.label.trim()).not.toBe('');
    expect(phrase.sentence.trim()).not.toBe('');
  });

  it('has no phrase for an action that is not recorded', () => {
    expect(Object.keys(activityPhrases).sort()).toEqual([...activityActions].sort());
  });

  it('labels every action differently, so the filter can tell them apart', () => {
    const labels = activityActions.map((a) => activityPhrases[a].label);
    expect(new Set(labels).size).toBe(labels.length);
  });

  it.each(activityActions)('%s reads as a sentence even when its details are missing', (action) => {
    const text = say(action);
    expect(text.startsWith('Ann ')).toBe(true);
    expect(text).not.toMatch(/[{}[\]]/);
    for (const [type] of referencedSubjects(action)) expect(subjectKinds[type], `${action} names a ${type}`).toBeDefined();
  });

  it('says details it has, as words', () => {
    expect(say('auth.login_failed', { reason: 'bad_password' })).toBe('Ann tried to sign in and was refused (bad password)');
    expect(say('evidence.file_downloaded', { name: 'policy.pdf' })).toBe('Ann downloaded policy.pdf from evidence #7');
    expect(say('evidence.file_downloaded')).toBe('Ann downloaded evidence #7');
  });

  it('knows how to name every subject type the code records', () => {
    const types = new Set<string>();
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (file.endsWith('.ts')) for (const m of fs.readFileSync(file, 'utf8').matchAll(/subjectType: '([a-z_]+)'/g)) types.add(m[1]!);
      }
    };
    walk(path.join(import.meta.dirname, '../../src'));
    // Whole-trail actions (coverage rebuilt, applicability loaded) record no subject to name.
    const subjectless = new Set(['coverage', 'applicability']);
    expect(types.size).toBeGreaterThan(10);
    expect([...types].filter((t) => !subjectless.has(t) && !subjectKinds[t])).toEqual([]);
  });
});
