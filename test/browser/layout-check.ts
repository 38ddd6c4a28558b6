/**
 * Runs inside the page (so it refers to nothing outside itself): what a reader would find broken.
 * - the page scrolls sideways (wider than the viewport), naming the elements that stick out;
 * - a table's key column is hidden or lies beyond what its scroll box shows before scrolling. The key
 *   columns are the first and every header marked `class="key"`; where a narrow layout stacks rows
 *   (no visible header), the first row's cells in those columns are checked instead.
 */
export function checkLayout(): string[] {
  const problems: string[] = [];
  const viewport = document.documentElement.clientWidth;
  const describe = (el: Element) => {
    const cls = el.getAttribute('class');
    const text = (el.textContent ?? '').trim().slice(0, 40);
    return `${el.tagName.toLowerCase()}${cls ? `.${cls.split(/\s+/).join('.')}` : ''} "${text}"`;
  };
  const scrollWidth = document.documentElement.scrollWidth;
  if (scrollWidth > viewport + 1) {
    const wide = Array.from(document.querySelectorAll('body *'))
      .filter((el) => {
        const box = el.getBoundingClientRect();
        if (box.right <= viewport + 1 || box.width === 0) return false;
        // Report the outermost offenders only, not everything inside them.
        const parent = el.parentElement?.getBoundingClientRect();
        return !parent || parent.right <= viewport + 1;
      })
      .slice(0, 4)
      .map(describe);
    problems.push(`page is ${scrollWidth}px wide in a ${viewport}px viewport: ${wide.join('; ')}`);
  }
  const visible = (el: Element) => {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return style.display !== 'none' && style.visibility !== 'hidden' && box.width > 0 && box.height > 0;
  };
  for (const table of Array.from(document.querySelectorAll('main table'))) {
    if (!visible(table)) continue;
    const headers = Array.from(table.querySelectorAll('thead tr:first-child > th'));
    if (headers.length === 0) continue;
    const keyIndexes = headers.map((th, i) => (i === 0 || th.classList.contains('key') ? i : -1)).filter((i) => i >= 0);
    const scroller = table.closest('.table-wrap') ?? table.parentElement!;
    const shown = scroller.getBoundingClientRect();
    const limit = Math.min(viewport, shown.right) + 1;
    const firstRow = table.querySelector('tbody tr');
    const headerShown = headers.some(visible);
    for (const index of keyIndexes) {
      const header = headers[index]!;
      const cell = headerShown ? header : firstRow?.children[index];
      if (!cell) continue;
      const name = (header.textContent ?? '').trim() || `column ${index + 1}`;
      if (!visible(cell)) problems.push(`the key column "${name}" of a table is hidden`);
      else if (cell.getBoundingClientRect().right > limit)
        problems.push(`the key column "${name}" of a table is cut off (ends at ${Math.round(cell.getBoundingClientRect().right)}px, visible to ${Math.round(limit)}px)`);
    }
  }
  return problems;
}
