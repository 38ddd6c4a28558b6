import { execFileSync, spawnSync } from 'node:child_process';
import ExcelJS from 'exceljs';
import { fixtureFiles } from '../helpers/library-fixture.ts';
import type { TestContext } from '../helpers/context.ts';
import { loadFixtureLibrary } from '../helpers/factories.ts';
import type { Principal } from '../../src/auth/principal.ts';
import { fileStore } from '../../src/evidence/evidence.service.ts';
import type { ReportBuilder, ReportRequest } from '../../src/reports/reports.model.ts';
import { generateReport, type Report } from '../../src/reports/reports.service.ts';

// Shared by the document report tests: an ISO/IEC 27001 excerpt on top of the fixture library (the
// SoA needs one), and the tools that read a PDF back as a person or an auditor's tooling would.

export interface IsoFixtureText {
  /** Title of IAM-01 (the control mapped to A.5.1). */
  controlTitle?: string;
  /** Name of requirement A.8.24. */
  requirementName?: string;
  /** Justification for excluding A.5.2. */
  justification?: string;
  /** Name of the alpha framework (it heads the readiness report's pages). */
  alphaName?: string;
}

const quoted = (s: string) => JSON.stringify(s);

/**
 * The fixture library plus an ISO/IEC 27001:2022 excerpt: clause 4.1 (outside any SoA), A.5.1 met
 * by IAM-01 (superset), A.5.2 excluded, A.5.3 mapped to CRY-02 (intersect), A.8.24 mapped to
 * CRY-01 (equal) and CRY-02 (subset).
 */
export function isoFixture(text: IsoFixtureText = {}): Record<string, string> {
  return {
    'frameworks/iso27001-2022.yaml': `slug: iso27001-2022
name: ISO/IEC 27001:2022
edition: "ISO/IEC 27001:2022 (test excerpt)"
publisher: ISO/IEC
source: Test excerpt; summaries are paraphrases.
requirements:
  - { ref: "4", name: Context of the organization, summary: Context., assessable: false }
  - { ref: "4.1", parent: "4", name: Understanding the organization and its context, summary: Know the context., assessable: true }
  - { ref: "A.5", name: Organizational controls, summary: Annex A group., assessable: false }
  - { ref: "A.5.1", parent: "A.5", name: Policies for information security, summary: Keep policies., assessable: true }
  - { ref: "A.5.2", parent: "A.5", name: Information security roles and responsibilities, summary: Name owners., assessable: true }
  - { ref: "A.5.3", parent: "A.5", name: Segregation of duties, summary: Separate duties., assessable: true }
  - { ref: "A.8", name: Technological controls, summary: Annex A group., assessable: false }
  - { ref: "A.8.24", parent: "A.8", name: ${quoted(text.requirementName ?? 'Use of cryptography')}, summary: Use cryptography., assessable: true }
`,
    'frameworks/alpha.yaml': fixtureFiles['frameworks/alpha.yaml']!.replace('name: Alpha Standard', `name: ${quoted(text.alphaName ?? 'Alpha Standard')}`),
    'library/access.yaml': fixtureFiles['library/access.yaml']!.replace('title: Access control policy', `title: ${quoted(text.controlTitle ?? 'Access control policy')}`).replace(
      '      beta: { B1: subset }',
      '      beta: { B1: subset }\n      iso27001-2022: { "A.5.1": { relationship: superset, rationale: "The yearly-reviewed access policy is the whole of A.5.1 here." }, "4.1": subset }',
    ),
    'library/crypto.yaml': fixtureFiles['library/crypto.yaml']!.replace(
      '      beta: { B2: { relationship: superset, rationale: "AES-256 with managed keys is strong cryptography for every store." } }',
      '      beta: { B2: { relationship: superset, rationale: "AES-256 with managed keys is strong cryptography for every store." } }\n      iso27001-2022: { "A.8.24": { relationship: equal, rationale: "Encryption at rest with managed keys is the use of cryptography A.8.24 asks for." } }',
    ).replace('      beta: { B2: intersect }', '      beta: { B2: intersect }\n      iso27001-2022: { "A.8.24": subset, "A.5.3": intersect }'),
    'applicability/default.yaml': `${fixtureFiles['applicability/default.yaml']}iso27001-2022:\n  "A.5.2": ${quoted(text.justification ?? 'Roles are covered by the group-wide RACI; no separate assignment is kept here.')}\n`,
  };
}

export async function loadIsoFixture(ctx: TestContext, text: IsoFixtureText = {}): Promise<void> {
  await loadFixtureLibrary(ctx, isoFixture(text));
}

/** Plans, records and builds a report as `principal`; returns the record and its (single) stored file. */
export async function issue(ctx: TestContext, principal: Principal, planned: { request: ReportRequest; build: ReportBuilder }): Promise<{ report: Report; file: string }> {
  const report = await generateReport(ctx, principal, planned.request, planned.build);
  return { report, file: fileStore(ctx).pathOf(report.files[0]!.sha256) };
}

/** qpdf's verdict: exit 0 (or 3, warnings only) and its output. */
export function qpdfCheck(file: string): { ok: boolean; output: string } {
  const r = spawnSync('qpdf', ['--check', file], { encoding: 'utf8' });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

export const pdfText = (file: string, args: string[] = ['-raw']): string => execFileSync('pdftotext', [...args, file, '-'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

/** pdfinfo's fields, dates as ISO-8601. */
export function pdfInfo(file: string): Record<string, string> {
  const out = execFileSync('pdfinfo', ['-isodates', file], { encoding: 'utf8' });
  return Object.fromEntries(
    out.split('\n').flatMap((line) => {
      const m = /^([^:]+):\s*(.*)$/.exec(line);
      return m ? [[m[1]!.trim(), m[2]!.trim()]] : [];
    }),
  );
}

/** Text without any whitespace: table cells wrap lines wherever the width ends. */
export const squash = (s: string): string => s.replace(/\s+/g, '');

/** The PDF's outline (bookmarks) titles, as qpdf reads them. */
export function outlineTitles(file: string): string[] {
  const json = JSON.parse(execFileSync('qpdf', ['--json', '--json-key=outlines', file], { encoding: 'utf8' })) as { outlines: Outline[] };
  const titles: string[] = [];
  const walk = (items: Outline[]): void => {
    for (const o of items) {
      titles.push(o.title);
      walk(o.kids);
    }
  };
  walk(json.outlines);
  return titles;
}

interface Outline {
  title: string;
  kids: Outline[];
}

export async function readWorkbook(file: string): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  return wb;
}

/** A sheet's rows as arrays of text (row 1 is the header). */
export function sheetRows(ws: ExcelJS.Worksheet): string[][] {
  const rows: string[][] = [];
  ws.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => (v === null || v === undefined ? '' : String(v)))));
  return rows;
}
