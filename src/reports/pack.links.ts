// Links from pack.pdf to the files beside it in the ZIP. Chromium drops relative links when it
// prints (a page set from a string has no base address), so the template links to this placeholder
// origin (the reserved .invalid domain: never resolvable, and the PDF engine blocks the network
// anyway), and the links are rewritten here into relative URIs, which PDF viewers resolve against
// the PDF's own location: open the PDF from the unzipped folder and each link opens the file.
//
// Chromium writes link annotations as plain text, `/URI (https://pack.attest.invalid/evidence/…)`.
// Each is rewritten in place to `/URI (evidence/…)` padded with spaces to the same length, so every
// byte offset in the cross-reference table stays right, without parsing the PDF (a 500-file pack's
// PDF is ~4 MB; a PDF library would hold ~40 MB to rewrite it). tests check the result with qpdf.

export const PACK_LINK_BASE = 'https://pack.attest.invalid/';

/** The href for a path inside the ZIP, as the template prints it (percent-encoded, so ASCII). */
export const packHref = (zipPath: string): string => new URL(zipPath.split('/').map(encodeURIComponent).join('/'), PACK_LINK_BASE).href;

const OPEN = Buffer.from(`(${PACK_LINK_BASE}`, 'latin1');
const CLOSE = 0x29; // ")"
const BACKSLASH = 0x5c;
const SPACE = 0x20;

/** Rewrites every placeholder link of the PDF, in place, to a relative URI; returns the count. */
export function relativizePackLinks(pdf: Buffer): number {
  let count = 0;
  for (let at = pdf.indexOf(OPEN); at !== -1; at = pdf.indexOf(OPEN, at + 1)) {
    const end = pdf.indexOf(CLOSE, at + OPEN.length);
    // An escaped character would need the PDF string rules; hrefs are percent-encoded, so none is expected.
    if (end === -1 || pdf.subarray(at, end).includes(BACKSLASH)) continue;
    const pathStart = at + OPEN.length;
    pdf.copyWithin(at + 1, pathStart, end + 1);
    pdf.fill(SPACE, end + 1 - PACK_LINK_BASE.length, end + 1);
    count += 1;
  }
  return count;
}
