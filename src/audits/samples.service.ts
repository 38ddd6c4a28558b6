import { randomBytes } from 'node:crypto';
import { withActivity } from '../activity/activity.service.ts';
import { authorize } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import { AppError } from '../http/errors.ts';
import { auditOr404, inAudit, openAuditOr409 } from './audits.rules.ts';
import { drawIndexes, populationHash } from './samples.draw.ts';
import type { SampleInput } from './samples.schema.ts';
import * as repo from './samples.repository.ts';

// Samples drawn from a population (an auditor's 25 of the year's change tickets): the population,
// the seed and the chosen items are kept, so the same draw can be shown, and checked, again.

export interface Sample {
  id: number;
  auditId: number;
  title: string;
  populationSize: number;
  populationSha256: string;
  size: number;
  seed: string;
  /** The chosen items in the order drawn, each with its 1-based position in the population. */
  chosen: { position: number; item: string }[];
  drawnBy: string | null;
  drawnAt: string;
  /** Drawing again from the kept population and seed gives the same items. */
  reproducible: boolean;
}

function toSample(row: NonNullable<Awaited<ReturnType<typeof repo.findSample>>>): Sample {
  const population = JSON.parse(row.population) as string[];
  const selected = JSON.parse(row.selected) as number[];
  const again = drawIndexes(row.seed, population.length, row.sample_size);
  return {
    id: row.id,
    auditId: row.audit_id,
    title: row.title,
    populationSize: row.population_size,
    populationSha256: row.population_sha256,
    size: row.sample_size,
    seed: row.seed,
    chosen: selected.map((i) => ({ position: i + 1, item: population[i] ?? '' })),
    drawnBy: row.drawn_by_name ?? row.drawn_by_email ?? null,
    drawnAt: row.created_at,
    reproducible: populationHash(population) === row.population_sha256 && again.join(',') === selected.join(','),
  };
}

/** Draws and records a sample on an open audit; the seed is chosen here unless given (to repeat a draw). */
export async function drawSample(ctx: AppContext, principal: Principal, auditId: number, input: SampleInput): Promise<number> {
  authorize(principal, 'audits.participate', inAudit(ctx, auditId));
  const seed = input.seed ?? randomBytes(8).toString('hex');
  const selected = drawIndexes(seed, input.population.length, input.size);
  const sha = populationHash(input.population);
  return withActivity(
    ctx,
    principal,
    async (trx) => {
      await openAuditOr409(trx, auditId);
      return repo.insertSample(trx, {
        audit_id: auditId,
        title: input.title,
        population: JSON.stringify(input.population),
        population_size: input.population.length,
        population_sha256: sha,
        sample_size: input.size,
        seed,
        selected: JSON.stringify(selected),
        drawn_by: principal.userId,
        created_at: ctx.clock().toISOString(),
      });
    },
    (id) => ({
      action: 'sample.drawn',
      subjectType: 'audit',
      subjectId: auditId,
      details: { audit_id: auditId, sample_id: id, title: input.title, population_size: input.population.length, population_sha256: sha, size: input.size, seed, selected },
    }),
  );
}

export async function listSamples(ctx: AppContext, principal: Principal, auditId: number): Promise<Sample[]> {
  authorize(principal, 'audits.read', inAudit(ctx, auditId));
  await auditOr404(ctx.db, auditId);
  return (await repo.samplesOf(ctx.db, auditId)).map(toSample);
}

export async function getSample(ctx: AppContext, principal: Principal, auditId: number, id: number): Promise<Sample> {
  authorize(principal, 'audits.read', inAudit(ctx, auditId));
  const row = await repo.findSample(ctx.db, auditId, id);
  if (!row) throw AppError.notFound('Sample');
  return toSample(row);
}
