import type { FieldError } from '../http/errors.ts';
import * as repo from './audits.repository.ts';
import { parseRequirementNames, requirementWords } from './audits.rules.ts';
import type { RequestInput } from './requests.schema.ts';

export interface ResolvedRequest {
  input: RequestInput;
  requirementId: number | null;
  controlId: number | null;
  assigneeId: number | null;
}

/**
 * Resolves the requirement (must be in the audit's scope), control (active) and assignee (active
 * staff) of each request, looking each kind up once. Problems are returned per input, by field.
 */
export async function resolveRequests(db: repo.Db, auditId: number, inputs: RequestInput[]): Promise<{ resolved: (ResolvedRequest | null)[]; problems: FieldError[][] }> {
  const names = parseRequirementNames([...new Set(inputs.flatMap((i) => (i.requirement ? [i.requirement] : [])))], 'requirement');
  const controlRefs = [...new Set(inputs.flatMap((i) => (i.control ? [i.control] : [])))];
  const emails = [...new Set(inputs.flatMap((i) => (i.assignee && 'email' in i.assignee ? [i.assignee.email] : [])))];
  const ids = [...new Set(inputs.flatMap((i) => (i.assignee && 'id' in i.assignee ? [i.assignee.id] : [])))];
  const [requirements, words, scope, controls, byEmail, byId] = await Promise.all([
    repo.requirementsByName(db, names),
    requirementWords(db, names),
    repo.scopeOf(db, auditId),
    repo.activeControls(db, controlRefs),
    repo.usersByEmail(db, emails),
    Promise.all(ids.map((id) => repo.findUser(db, id))),
  ]);
  const inScope = new Set(scope.map((s) => s.id));
  const users = [...byEmail, ...byId.filter((u) => u !== undefined)];
  const problems: FieldError[][] = [];
  const resolved = inputs.map((input) => {
    const found: FieldError[] = [];
    let requirementId: number | null = null;
    if (input.requirement) {
      const n = names.find((x) => x.text === input.requirement)!;
      const row = requirements.find((r) => r.slug === n.slug && r.ref === n.ref);
      if (!row) found.push({ field: 'requirement', message: `${words.missing(n)}.` });
      else if (!inScope.has(row.id)) found.push({ field: 'requirement', message: `${words.label(n)} is not in this audit's scope.` });
      else requirementId = row.id;
    }
    let controlId: number | null = null;
    if (input.control) {
      const row = controls.find((c) => c.ref === input.control);
      if (!row) found.push({ field: 'control', message: `Unknown or retired control: ${input.control}.` });
      else controlId = row.id;
    }
    let assigneeId: number | null = null;
    if (input.assignee) {
      const who = input.assignee;
      const user = users.find((u) => ('id' in who ? u.id === who.id : u.email === who.email));
      if (!user || user.disabled_at !== null || user.role === 'auditor')
        found.push({ field: 'assignee', message: `${'email' in who ? who.email : 'That user'} is not an active member of staff.` });
      else assigneeId = user.id;
    }
    problems.push(found);
    return found.length ? null : { input, requirementId, controlId, assigneeId };
  });
  return { resolved, problems };
}

/** … continuing the audit's series. */
export function requestRefs(existing: string[]): (offset: number) => string {
  const max = existing.reduce((m, r) => Math.max(m, Number(/^R-(\d+)$/.exec(r)?.[1] ?? 0)), 0);
  return (offset) => `R-${max + 1 + offset}`;
}
