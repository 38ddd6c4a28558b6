import { certificationKindLabels } from './certifications.model.ts';
import { certificationStatusLabels } from './certifications.presenter.ts';
import type { Certification } from './certifications.service.ts';

/** Terminal text is cut to a width; control characters (and bidi overrides) in user text are not printed. */
const cell = (s: string, max: number) => {
  const clean = s.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, ' ');
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
};

/** The register as a plain-text table for the terminal. */
export function formatCertificationTable(items: Certification[]): string {
  if (items.length === 0) return 'No certifications recorded.\n';
  const head = ['id', 'framework', 'kind', 'number', 'issuer', 'valid from', 'valid until', 'status'];
  const rows = items.map((c) => [
    String(c.id),
    cell(c.framework.slug, 24),
    cell(certificationKindLabels[c.kind], 36),
    cell(c.number, 24),
    cell(c.issuer, 32),
    c.validFrom,
    c.validUntil,
    certificationStatusLabels[c.status],
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) =>
    r
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return `${[fmt(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt)].join('\n')}\n`;
}
