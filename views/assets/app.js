// Multipart forms (uploads) carry their CSRF token in the address, because the token must be
// checked before the file is read. When such a form is refused and shown again, take the token out
// of the address bar and the history, so it is not bookmarked, shared or shown over a shoulder.
(() => {
  const url = new URL(window.location.href);
  if (!url.searchParams.has('_csrf')) return;
  url.searchParams.delete('_csrf');
  window.history.replaceState(null, '', url.pathname + url.search + url.hash);
})();

// On a phone, data tables stack one block per row (app.css); label each cell with its column's
// header so the stacked values keep their meaning. Cells that carry their own label keep it.
(() => {
  for (const table of document.querySelectorAll('table.data')) {
    const headers = Array.from(table.querySelectorAll('thead tr:first-child > th'), (th) => th.textContent.trim());
    if (headers.length === 0) continue;
    for (const row of table.querySelectorAll('tbody tr')) {
      let column = 0;
      for (const cell of row.children) {
        if (cell.tagName === 'TD' && !cell.hasAttribute('data-label')) cell.setAttribute('data-label', headers[column] ?? '');
        column += cell.colSpan || 1;
      }
    }
  }
})();
