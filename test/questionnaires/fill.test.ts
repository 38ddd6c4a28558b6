import { describe, expect, it } from 'vitest';
import { columnName, fillSheetXml } from '../../src/questionnaires/workbook.fill.ts';

// Cell-by-cell edits of a sheet's XML: new cells and rows go in order, existing cells keep their
// style, formula cells are left alone, and text is escaped.

const sheet = (data: string) => `<?xml version="1.0"?><worksheet><sheetViews/>${data}<mergeCells count="1"><mergeCell ref="A1:D1"/></mergeCells></worksheet>`;

describe('filling a sheet', () => {
  it('names columns as spreadsheets do', () => {
    expect([1, 26, 27, 52, 703].map(columnName)).toEqual(['A', 'Z', 'AA', 'AZ', 'AAA']);
  });

  it('adds cells in column order, keeps an existing cell’s style, leaves formulas and everything outside sheetData alone', () => {
    const xml = sheet('<sheetData><row r="2" spans="1:5"><c r="A2" t="s"><v>0</v></c><c r="D2" s="7"><v>1</v></c><c r="E2"><f>LEN(A2)</f><v>3</v></c></row></sheetData>');
    const { xml: out, skipped } = fillSheetXml(xml, [
      { row: 2, column: 3, text: 'Yes & <b>no</b>' },
      { row: 2, column: 4, text: 'Detail' },
      { row: 2, column: 5, text: 'over a formula' },
      { row: 9, column: 2, text: 'new row' },
    ]);
    expect(skipped).toEqual(['E2']);
    expect(out).toContain(
      '<c r="A2" t="s"><v>0</v></c><c r="C2" t="inlineStr"><is><t xml:space="preserve">Yes &amp; &lt;b&gt;no&lt;/b&gt;</t></is></c><c r="D2" s="7" t="inlineStr">',
    );
    expect(out).toContain('<c r="E2"><f>LEN(A2)</f><v>3</v></c></row><row r="9"><c r="B9" t="inlineStr">');
    expect(out).not.toContain('spans=');
    expect(out).toContain('<mergeCells count="1"><mergeCell ref="A1:D1"/></mergeCells>');
  });

  it('fills an empty sheet and drops control characters a workbook may not hold', () => {
    const { xml } = fillSheetXml(sheet('<sheetData/>'), [{ row: 1, column: 1, text: 'a\u0000b\u0007c' }]);
    expect(xml).toContain('<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t xml:space="preserve">abc</t></is></c></row></sheetData>');
  });
});
