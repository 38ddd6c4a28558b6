import { likelyDuplicates } from './library.duplicates.ts';
import type { LibraryFiles, Problem } from './library.files.ts';

/**
 * Checks that the files hold together: unique refs, every mapping and exclusion points at an
 * assessable requirement that exists, and every assessable requirement is covered by a control or
 * excluded with a justification. Returns every problem, sorted by file and line.
 */
export function checkLibrary(files: LibraryFiles): Problem[] {
  const problems: Problem[] = [...files.problems];
  const add = (at: { file: string; line: number }, message: string) => problems.push({ file: at.file, line: at.line, message });

  const frameworks = new Map<string, Map<string, { assessable: boolean; name: string; file: string; line: number }>>();
  for (const fw of files.frameworks) {
    const seenFramework = frameworks.has(fw.slug);
    if (seenFramework) add(fw, `framework ${fw.slug} is defined twice`);
    const reqs = new Map<string, { assessable: boolean; name: string; file: string; line: number }>();
    for (const req of fw.requirements) {
      if (reqs.has(req.ref)) add(req, `requirement ${req.ref} is listed twice in ${fw.slug}`);
      if (req.parent !== null && !reqs.has(req.parent)) {
        const later = fw.requirements.some((r) => r.ref === req.parent);
        add(req, later ? `requirement ${req.ref}: parent ${req.parent} must come before it` : `requirement ${req.ref}: parent ${req.parent} does not exist in ${fw.slug}`);
      }
      reqs.set(req.ref, { assessable: req.assessable, name: req.name, file: req.file, line: req.line });
    }
    if (!seenFramework) frameworks.set(fw.slug, reqs);
  }

  const domains = new Map<string, string>();
  for (const d of files.domains) {
    if (domains.has(d.slug)) add(d, `domain ${d.slug} is also defined in ${domains.get(d.slug)}`);
    else domains.set(d.slug, d.file);
  }

  const covered = new Set<string>();
  const controlRefs = new Map<string, string>();
  for (const c of files.controls) {
    const other = controlRefs.get(c.ref);
    if (other) add(c, `control ref ${c.ref} is also used at ${other}`);
    else controlRefs.set(c.ref, `${c.file}:${c.line}`);
    for (const m of c.mappings) {
      const reqs = frameworks.get(m.framework);
      if (!reqs) {
        add(m, `${c.ref}: unknown framework ${m.framework}`);
        continue;
      }
      // A full-coverage claim decides that a requirement is met: an auditor will ask why.
      if ((m.relationship === 'superset' || m.relationship === 'equal') && !m.rationale) {
        add(
          m,
          `${c.ref}: the ${m.relationship} mapping to ${m.framework} ${m.ref} claims full coverage and needs a rationale (what in the control covers all of the requirement), or make it subset or intersect`,
        );
      }
      const req = reqs.get(m.ref);
      if (!req) add(m, `${c.ref}: ${m.framework} has no requirement ${m.ref}`);
      else if (!req.assessable) add(m, `${c.ref}: ${m.framework} ${m.ref} is a grouping node, not assessable; map to its assessable requirements`);
      else covered.add(`${m.framework}\u0000${m.ref}`);
    }
  }

  // Merges: a retired control's evidence moves to the survivor that names it in merged_from.
  const mergedInto = new Map<string, string>();
  for (const c of files.controls) {
    for (const ref of c.mergedFrom) {
      if (controlRefs.has(ref)) add(c, `${c.ref}: merged_from ${ref}, but ${ref} is still a control in the files; remove it from its file`);
      if (ref === c.ref) add(c, `${c.ref}: cannot be merged into itself`);
      const other = mergedInto.get(ref);
      if (other) add(c, `${c.ref}: ${ref} is already merged into ${other}`);
      else mergedInto.set(ref, c.ref);
    }
    for (const ref of c.distinctFrom) if (!controlRefs.has(ref)) add(c, `${c.ref}: distinct_from names ${ref}, which is not a control in the files`);
  }
  for (const d of likelyDuplicates(files.controls)) {
    add(
      d.b,
      `${d.b.ref} and ${d.a.ref} look like the same practice (text ${Math.round(d.text * 100)}% alike, mappings ${Math.round(d.mappings * 100)}% alike): merge them (merged_from) or, once reviewed, list one in the other's distinct_from`,
    );
  }

  const excluded = new Map<string, string>();
  for (const e of files.exclusions) {
    const reqs = frameworks.get(e.framework);
    const req = reqs?.get(e.ref);
    if (!reqs) add(e, `unknown framework ${e.framework}`);
    else if (!req) add(e, `${e.framework} has no requirement ${e.ref}`);
    else if (!req.assessable) add(e, `${e.framework} ${e.ref} is not assessable; exclude its assessable requirements instead`);
    const key = `${e.framework}\u0000${e.ref}`;
    if (excluded.has(key)) add(e, `${e.framework} ${e.ref} is already excluded at ${excluded.get(key)}`);
    else excluded.set(key, `${e.file}:${e.line}`);
  }

  // With unreadable files, "not covered" would be noise: a control that failed to parse covers nothing.
  if (files.problems.length > 0) return sortProblems(problems);
  for (const [slug, reqs] of frameworks) {
    for (const [reqRef, req] of reqs) {
      const key = `${slug}\u0000${reqRef}`;
      if (req.assessable && !covered.has(key) && !excluded.has(key)) {
        add(req, `${slug} ${reqRef} (${req.name}) is assessable but no control maps to it and it is not excluded in applicability/`);
      }
    }
  }

  return sortProblems(problems);
}

function sortProblems(problems: Problem[]): Problem[] {
  return problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

export function formatProblem(p: Problem): string {
  return `${p.file}:${p.line}: ${p.message}`;
}
