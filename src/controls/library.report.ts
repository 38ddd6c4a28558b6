import type { LoadReport } from './library.load.ts';

/** A short human summary of a load, for the CLI and the start-up log. */
export function formatLoadReport(r: LoadReport): string {
  const lines: string[] = [];
  for (const f of r.frameworks) {
    const what = f.created ? `loaded ${f.added} requirements` : `${f.added} added, ${f.updated} updated, ${f.removed} removed`;
    lines.push(`framework ${f.slug}: ${what}`);
  }
  lines.push(`applicability: ${r.exclusions.added} excluded, ${r.exclusions.updated} updated, ${r.exclusions.removed} included again`);
  const c = r.controls;
  lines.push(
    `controls: ${c.added.length} added, ${c.updated.length} updated, ${c.overwritten.length} overwritten, ${c.retired.length} retired, ${c.restored.length} restored, ${c.unchanged} unchanged`,
  );
  for (const d of c.differs) lines.push(`  ${d.ref} was edited in the app and differs from the files (${d.fields.join(', ')}): kept; use --overwrite to replace`);
  if (c.retired.length) lines.push(`  retired: ${c.retired.join(', ')}`);
  for (const m of c.merged) lines.push(`  merged: ${m.ref} into ${m.into} (${m.evidence} evidence item${m.evidence === 1 ? '' : 's'} linked to ${m.into})`);
  return `${lines.join('\n')}\n`;
}
