// Multipart forms (uploads) carry their CSRF token in the address, because the token must be
// checked before the file is read. When such a form is refused and shown again, take the token out
// of the address bar and the history, so it is not bookmarked, shared or shown over a shoulder.
(() => {
  const url = new URL(window.location.href);
  if (!url.searchParams.has('_csrf')) return;
  url.searchParams.delete('_csrf');
  window.history.replaceState(null, '', url.pathname + url.search + url.hash);
})();
