import fs from 'node:fs';
import path from 'node:path';
import { Document, isMap, type YAMLMap } from 'yaml';
import type { AppContext } from '../context.ts';
import * as repo from './library.repository.ts';

const HEADER = (domain: string) => `Exported from the Attest database (${domain}). Edit and load back with \`attest controls load\`.`;

/**
 * Writes the current control library (with app edits) back to one YAML file per domain, in the
 * same format `controls load` reads. Retired controls are left out, as they are absent from files.
 */
export async function exportLibrary(ctx: AppContext, outDir: string): Promise<string[]> {
  const [controls, mappings, domains] = await Promise.all([
    repo.allControls(ctx.db),
    repo.allMappings(ctx.db),
    ctx.db.selectFrom('control_domains').selectAll().orderBy('slug').execute(),
  ]);
  const byControl = new Map<number, repo.MappingWithTarget[]>();
  for (const m of mappings) byControl.set(m.control_id, [...(byControl.get(m.control_id) ?? []), m]);
  fs.mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  for (const domain of domains) {
    const list = controls.filter((c) => c.domain === domain.slug && c.retired_at === null);
    if (list.length === 0) continue;
    const doc = new Document({
      domain: domain.slug,
      name: domain.name,
      controls: list.map((c) => ({
        ref: c.ref,
        title: c.title,
        description: c.description,
        frequency: c.frequency,
        owner: c.owner,
        ...(c.status !== 'implemented' ? { status: c.status } : {}),
        ...(c.applicable === 0 ? { applicable: false } : {}),
        ...(c.applicability_note ? { applicability_note: c.applicability_note } : {}),
        evidence: JSON.parse(c.evidence_hint) as string[],
        mappings: groupMappings(byControl.get(c.id) ?? []),
      })),
    });
    doc.commentBefore = ` ${HEADER(domain.name)}`;
    flowStyleMappings(doc);
    const file = path.join(outDir, `${domain.slug}.yaml`);
    fs.writeFileSync(file, doc.toString({ lineWidth: 100 }));
    written.push(file);
  }
  return written;
}

function groupMappings(list: repo.MappingWithTarget[]): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const m of [...list].sort((a, b) => a.framework.localeCompare(b.framework) || a.ref.localeCompare(b.ref, 'en', { numeric: true }))) {
    const value =
      m.strength === null && m.rationale === null
        ? m.relationship
        : { relationship: m.relationship, ...(m.strength !== null ? { strength: m.strength } : {}), ...(m.rationale ? { rationale: m.rationale } : {}) };
    out[m.framework] ??= {};
    out[m.framework]![m.ref] = value;
  }
  return out;
}

/** `iso27001-2022: { A.5.15: subset }` reads better than one line per mapping. */
function flowStyleMappings(doc: Document): void {
  const controls = doc.get('controls', true) as { items: YAMLMap[] } | undefined;
  for (const control of controls?.items ?? []) {
    const mappings = control.get('mappings', true);
    if (!isMap(mappings)) continue;
    for (const pair of mappings.items) {
      if (isMap(pair.value)) {
        const simple = pair.value.items.every((p) => !isMap(p.value));
        if (simple) pair.value.flow = true;
      }
    }
  }
}
