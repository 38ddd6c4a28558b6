// The running header and footer Chromium prints on every page of a report. They are HTML rendered
// outside the document (no stylesheet of ours applies), so every style is inline and every piece of
// text is escaped here: a report name comes from data (a framework's name), never trusted as markup.

export interface FrameText {
  /** The report's name, top left. */
  reportName?: string | undefined;
  /** The day the report describes, top right. */
  asOf?: string | undefined;
  /** The issued report's number, bottom left, so a printed page leads back to its record. */
  reportId?: number | undefined;
  /** Free text for the footer (older callers); used when no report id is given. */
  footer?: string | undefined;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// Chromium renders these at a tiny default size and without our fonts unless told.
const BAND =
  'font-family:"DejaVu Sans","Liberation Sans",Arial,sans-serif;font-size:7.5pt;color:#5b6475;width:100%;margin:0 14mm;display:flex;justify-content:space-between;gap:6mm';
const CELL = 'overflow:hidden;white-space:nowrap;text-overflow:ellipsis';

export function headerTemplate(t: FrameText): string {
  if (!t.reportName) return '<span></span>';
  const asOf = t.asOf ? `As of ${escapeHtml(t.asOf)}` : '';
  return `<div style='${BAND};border-bottom:0.2mm solid #c9ced8;padding-bottom:1.2mm'><span style='${CELL};font-weight:600;color:#1a1f29'>${escapeHtml(t.reportName)}</span><span style='${CELL}'>${asOf}</span></div>`;
}

export function footerTemplate(t: FrameText): string {
  const left = t.reportId !== undefined ? `Attest report #${escapeHtml(String(t.reportId))}` : escapeHtml(t.footer ?? '');
  return `<div style='${BAND}'><span style='${CELL}'>${left}</span><span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`;
}
