import type { CoverageReport } from './coverage.service.ts';
import { formatPercent } from '../percent.ts';

/** Plain-text coverage for the terminal: a summary line per framework, then requirements if detailed. */
export function formatCoverageTable(report: CoverageReport): string {
  const lines = [`Coverage as of ${report.asOf}`, ''];
  const head = ['framework', 'met', 'partial', 'gap', 'n/a', 'met %'];
  const rows = report.frameworks.map((f) => [
    f.slug,
    String(f.counts.met),
    String(f.counts.partial),
    String(f.counts.gap),
    String(f.counts.notApplicable),
    formatPercent(f.metPercent),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  lines.push(fmt(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt));
  for (const f of report.frameworks) {
    if (!f.requirements) continue;
    lines.push('', `${f.name}`);
    for (const r of f.requirements) lines.push(`  ${r.ref.padEnd(12)} ${r.status.padEnd(14)} ${r.reason}`);
  }
  return `${lines.join('\n')}\n`;
}
