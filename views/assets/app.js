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

// Searchable pickers (evidence controls, mapping requirements). The page sends a plain <select>
// that works without script; with it, Tom Select (served from its package, no build step) adds a
// box that narrows the list as you type a ref or words of the name, and shows choices as
// removable chips. The select stays the form field, so what is posted does not change.
(() => {
  if (typeof window.TomSelect !== 'function') return;
  for (const select of document.querySelectorAll('select[data-picker]')) {
    const many = select.multiple;
    for (const hint of select.closest('.field')?.querySelectorAll('[data-picker-without-script]') ?? []) hint.hidden = true;
    new window.TomSelect(select, {
      plugins: many ? { remove_button: { title: 'Take this one out' } } : [],
      maxOptions: null,
      closeAfterSelect: !many,
      // After a pick the box is empty again, ready for the next ref or words.
      clearAfterSelect: true,
      placeholder: many ? 'Type a reference or words from the name' : 'Type a number or words from the name',
      hidePlaceholder: true,
      // Every word typed must appear (in the ref or the name), whatever the order.
      searchConjunction: 'and',
      render: {
        no_results: () => '<div class="no-results">Nothing matches; try fewer words.</div>',
        // A requirement's number means little without its framework ("6.6" is in several): say which.
        item(data, escape) {
          const group = !many && data.optgroup !== undefined ? this.optgroups[data.optgroup]?.label : undefined;
          return `<div>${group ? `<span class="picker-group">${escape(group)}</span> ` : ''}${escape(data.text)}</div>`;
        },
      },
    });
    // The label now names the filter box; the original select stays only to be submitted (out of
    // the tab order), so it leaves the accessibility tree instead of being an unnamed second field.
    select.setAttribute('aria-hidden', 'true');
  }
})();
