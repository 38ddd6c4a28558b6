// The one way a share is printed, on pages, in PDFs, spreadsheets' text and the CLI: always one
// decimal, so "88.0%" and "80.3%" line up side by side instead of mixing precisions.

/** 80.25 → "80.3%", 88 → "88.0%". */
export function formatPercent(value: number): string {
  return `${(Math.round(value * 10) / 10).toFixed(1)}%`;
}
