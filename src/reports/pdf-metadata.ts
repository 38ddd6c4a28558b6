import { PDFBool, PDFDict, PDFDocument, PDFHexString, PDFName, type PDFObject, ParseSpeeds, PDFRef, PDFString } from 'pdf-lib';
import { replaceObjects } from './pdf-rewrite.ts';

// Document metadata Chromium cannot set: the author, the subject, and a creation date that is the
// report's generation instant (from its record) instead of the moment Chromium printed it. With
// Chromium's print time gone, the same report rendered again from its record is the same file,
// byte for byte.

export interface PdfMetadata {
  title: string;
  subject?: string | undefined;
  /** The report's generation instant; Chromium's print time stays when absent. */
  createdAt?: Date | undefined;
}

const PRODUCER = 'Attest (Chromium print engine, pdf-lib)';

export async function stampMetadata(pdf: Uint8Array, meta: PdfMetadata): Promise<Buffer> {
  return replaceInfo(pdf, meta) ?? (await rewriteWhole(pdf, meta));
}

/** The Info dictionary afresh; the catalog too if it does not yet ask viewers to show the title. */
function replaceInfo(pdf: Uint8Array, meta: PdfMetadata): Buffer | null {
  return replaceObjects(pdf, ({ context, trailer, dictAt }) => {
    const infoRef = trailer.get(PDFName.of('Info'));
    const rootRef = trailer.get(PDFName.of('Root'));
    if (!(infoRef instanceof PDFRef) || !(rootRef instanceof PDFRef)) return null;
    const info = dictAt(infoRef);
    const catalog = dictAt(rootRef);
    if (!info || !catalog) return null;
    const text = (s: string) => PDFHexString.fromText(s);
    const fresh = context.obj({});
    fresh.set(PDFName.of('Title'), text(meta.title));
    fresh.set(PDFName.of('Author'), text('Attest'));
    if (meta.subject) fresh.set(PDFName.of('Subject'), text(meta.subject));
    fresh.set(PDFName.of('Creator'), text('Attest'));
    fresh.set(PDFName.of('Producer'), text(PRODUCER));
    for (const key of ['CreationDate', 'ModDate']) {
      const when = meta.createdAt ? PDFString.fromDate(meta.createdAt) : info.get(PDFName.of(key));
      if (when) fresh.set(PDFName.of(key), when);
    }
    const replaced = new Map<number, PDFObject>([[infoRef.objectNumber, fresh]]);
    // Chromium asks for it in tagged PDFs (PDF/UA wants the title shown, not the file name).
    const prefs = catalog.get(PDFName.of('ViewerPreferences'));
    if (prefs instanceof PDFDict && prefs.get(PDFName.of('DisplayDocTitle')) === PDFBool.True) return replaced;
    if (prefs !== undefined) return null;
    catalog.set(PDFName.of('ViewerPreferences'), context.obj({ DisplayDocTitle: true }));
    return replaced.set(rootRef.objectNumber, catalog);
  });
}

/** Any other PDF: pdf-lib loads it whole and saves it again, structure tree and outline included. */
async function rewriteWhole(pdf: Uint8Array, meta: PdfMetadata): Promise<Buffer> {
  // updateMetadata: false keeps pdf-lib from writing its own producer and dates; every field is
  // set below. Fastest parsing: the default yields to the event loop every 100 objects.
  const doc = await PDFDocument.load(pdf, { updateMetadata: false, parseSpeed: ParseSpeeds.Fastest });
  doc.setTitle(meta.title, { showInWindowTitleBar: true });
  doc.setAuthor('Attest');
  doc.setCreator('Attest');
  doc.setProducer(PRODUCER);
  if (meta.subject) doc.setSubject(meta.subject);
  if (meta.createdAt) {
    doc.setCreationDate(meta.createdAt);
    doc.setModificationDate(meta.createdAt);
  }
  return Buffer.from(await doc.save({ useObjectStreams: false, objectsPerTick: Number.POSITIVE_INFINITY }));
}
