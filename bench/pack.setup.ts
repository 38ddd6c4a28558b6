import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createAudit } from '../src/audits/audits.service.ts';
import { systemPrincipal, userPrincipal } from '../src/auth/principal.ts';
import { createUser } from '../src/auth/users.service.ts';
import { openContext } from '../src/bootstrap.ts';
import { loadConfig } from '../src/config.ts';
import { readLibraryFiles } from '../src/controls/library.files.ts';
import { loadLibrary } from '../src/controls/library.load.ts';
import { createEvidence, fileStore, reviewEvidence } from '../src/evidence/evidence.service.ts';
import { createLogger } from '../src/logger.ts';

// The data of bench/pack.ts, made in a child process of its own (so the measuring process holds
// only what builds a pack): the shipped library, an ISO 27001 audit, and FILES evidence items over
// the audit's controls, each with one random (incompressible) file, logged and accepted through
// the real services. Usage: node --import tsx bench/pack.setup.ts DATA_DIR FILES FILE_BYTES NOW

const [dir, files, fileBytes, now] = [process.argv[2]!, Number(process.argv[3]), Number(process.argv[4]), process.argv[5]!];
const started = performance.now();
const config = loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent', COOKIE_SECURE: 'false', NODE_ENV: 'production' });
const ctx = await openContext(config, createLogger('silent'), () => new Date(now));
await loadLibrary(ctx, systemPrincipal, readLibraryFiles(), { overwrite: false });
const person = async (email: string) => userPrincipal((await createUser(ctx, systemPrincipal, { email, name: email, role: 'grc' })).user, 'session');
const [grc, reviewer] = [await person('grc@bench.test'), await person('reviewer@bench.test')];
await createAudit(ctx, grc, { kind: 'surveillance', title: 'ISO 27001 surveillance 2026', frameworks: ['iso27001-2022'], owner: { id: grc.userId! } });
const controls = (
  await ctx.db
    .selectFrom('mappings as m')
    .innerJoin('requirements as r', 'r.id', 'm.requirement_id')
    .innerJoin('frameworks as f', 'f.id', 'r.framework_id')
    .innerJoin('controls as c', 'c.id', 'm.control_id')
    .select('c.ref')
    .distinct()
    .where('f.slug', '=', 'iso27001-2022')
    .where('c.retired_at', 'is', null)
    .orderBy('c.ref')
    .execute()
).map((c) => c.ref);
const tmp = fileStore(ctx).tmpDir;
for (let i = 0; i < files; i += 1) {
  const file = path.join(tmp, `bench-${i}`);
  fs.writeFileSync(file, randomBytes(fileBytes));
  const controlRef = controls[i % controls.length]!;
  const input = { title: `${controlRef} evidence ${i}`, kind: 'export' as const, collected_at: now.slice(0, 10), controls: [controlRef] };
  const id = await createEvidence(ctx, grc, input, [{ path: file, originalName: `${controlRef.toLowerCase()}-export-${i}.bin`, mediaType: 'application/octet-stream' }]);
  await reviewEvidence(ctx, reviewer, id, { decision: 'accepted' });
}
await ctx.pdf.close();
await ctx.database.close();
console.error(`set-up: ${files} evidence items over ${controls.length} ISO 27001 controls in ${((performance.now() - started) / 1000).toFixed(1)} s`);
