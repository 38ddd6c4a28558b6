import type { FrameworkCoverage } from './coverage.service.ts';

/**
 * A server-rendered SVG: one stacked bar per framework (met, partial, gap, not applicable), so the
 * dashboard needs no script and prints as it shows. Text is escaped; numbers are computed here.
 * 'wide' puts each name beside its bar; 'narrow' (phones) puts it above, so the drawing stays
 * narrow enough that its text is readable at a phone's width.
 */
export function coverageChartSvg(frameworks: FrameworkCoverage[], layout: 'wide' | 'narrow' = 'wide'): string {
  const narrow = layout === 'narrow';
  const rowHeight = narrow ? 46 : 34;
  const labelWidth = narrow ? 0 : 230;
  const barWidth = narrow ? 290 : 460;
  const barTop = narrow ? 18 : 0;
  const width = labelWidth + barWidth + (narrow ? 60 : 70);
  const legendRows = narrow ? 2 : 1;
  const height = frameworks.length * rowHeight + 20 + legendRows * 18;
  const colours = { met: '#1d6b3c', partial: '#d39e00', gap: '#c2410c', na: '#b8c0cc' };
  const rows = frameworks.map((f, i) => {
    const y = i * rowHeight + 6 + barTop;
    const total = f.counts.applicable + f.counts.notApplicable || 1;
    let x = labelWidth;
    const segment = (n: number, colour: string, label: string) => {
      const w = (n / total) * barWidth;
      const rect =
        n > 0 ? `<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="20" fill="${colour}"><title>${escapeXml(`${f.name}: ${n} ${label}`)}</title></rect>` : '';
      x += w;
      return rect;
    };
    return [
      narrow
        ? `<text x="0" y="${y - 5}" class="chart-label">${escapeXml(shorten(f.name, 44))}</text>`
        : `<text x="${labelWidth - 10}" y="${y + 15}" text-anchor="end" class="chart-label">${escapeXml(shorten(f.name, 27))}</text>`,
      `<rect x="${labelWidth}" y="${y}" width="${barWidth}" height="20" fill="#eef1f5"/>`,
      segment(f.counts.met, colours.met, 'met'),
      segment(f.counts.partial, colours.partial, 'partial'),
      segment(f.counts.gap, colours.gap, 'gap'),
      segment(f.counts.notApplicable, colours.na, 'not applicable'),
      `<text x="${labelWidth + barWidth + 8}" y="${y + 15}" class="chart-value">${f.metPercent}%</text>`,
    ].join('');
  });
  const legendY = frameworks.length * rowHeight + 20 + barTop;
  const legend = [
    ['met', colours.met],
    ['partial', colours.partial],
    ['gap', colours.gap],
    ['not applicable', colours.na],
  ]
    .map(([label, colour], i) => {
      const x = labelWidth + (narrow ? (i % 2) * 130 : i * 115);
      const y = legendY + (narrow ? Math.floor(i / 2) * 18 : 0);
      return `<rect x="${x}" y="${y - 10}" width="12" height="12" fill="${colour}"/><text x="${x + 17}" y="${y}" class="chart-legend">${label}</text>`;
    })
    .join('');
  const summary = frameworks.map((f) => `${f.name}: ${f.metPercent}% met, ${f.partialPercent}% partial, ${f.gapPercent}% gap`).join('; ');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${escapeXml(`Coverage by framework. ${summary}`)}" class="coverage-chart coverage-chart-${layout}">${rows.join('')}${legend}</svg>`;
}

function shorten(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
