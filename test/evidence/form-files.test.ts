import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { postEvidenceForm } from '../helpers/evidence.ts';
import { buildUser, loadFixtureLibrary } from '../helpers/factories.ts';
import { buildApp, signedIn } from '../helpers/http.ts';

// A refused evidence form does not drop the attached files silently: it names them and asks for
// them again, and nothing is stored.

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ now: '2026-11-21T10:00:00.000Z' });
  await loadFixtureLibrary(ctx);
});
afterAll(() => ctx.cleanup());

describe('the evidence form after a refusal', () => {
  it('names the files that were not kept and asks for them again', async () => {
    const { app } = await buildApp(ctx);
    const grc = await signedIn(app, await buildUser(ctx, { role: 'grc' }));
    const res = await postEvidenceForm(grc, '/evidence', { title: '', kind: 'document', collected_at: '2026-11-01', controls: 'IAM-01' }, [
      { name: 'policy <v2>.pdf', content: 'policy' },
      { name: 'sign-off.png', content: 'png' },
    ]);
    expect(res.status).toBe(422);
    expect(res.text).toContain(
      'The files you attached (<bdi>policy &lt;v2&gt;.pdf</bdi>, <bdi>sign-off.png</bdi>) were not kept because the form needs correcting: attach them again.',
    );
    expect(await ctx.db.selectFrom('evidence_files').select('id').execute()).toEqual([]);
    const none = await postEvidenceForm(grc, '/evidence', { title: '', kind: 'document', collected_at: '2026-11-01', controls: 'IAM-01' });
    expect(none.status).toBe(422);
    expect(none.text).not.toContain('were not kept');
  });
});
