import ExcelJS from 'exceljs';
import { csrfFrom, type Browser } from '../helpers/http.ts';
import type { TestContext } from '../helpers/context.ts';

/** Uploads a request list to an audit's import page as a browser would (multipart, CSRF in the URL). */
export async function postImport(browser: Browser, auditId: number, name: string, content: Buffer | string) {
  const page = await browser.get(`/audits/${auditId}/requests/import`);
  const token = /action="[^"?]*\?_csrf=([^"]+)"/.exec(page.text)?.[1] ?? csrfFrom(page.text);
  return browser.agent.post(`/audits/${auditId}/requests/import?_csrf=${token}`).attach('file', Buffer.from(content), name);
}

/** An xlsx workbook with the rows on its first sheet, as Excel would save it. */
export async function xlsxOf(rows: (string | Date | number)[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('PBC list');
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export const idFrom = (location: string | undefined, pattern: RegExp) => Number(pattern.exec(location ?? '')?.[1]);

/** Counts of the audit programme's rows, to show that a refused request changed nothing. */
export async function programmeCounts(ctx: TestContext) {
  const count = async (table: 'audits' | 'findings' | 'evidence_requests' | 'comments' | 'audit_scope' | 'evidence_request_links' | 'audit_assignments') =>
    Number(
      (
        await ctx.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    audits: await count('audits'),
    findings: await count('findings'),
    requests: await count('evidence_requests'),
    comments: await count('comments'),
    scope: await count('audit_scope'),
    links: await count('evidence_request_links'),
    assignments: await count('audit_assignments'),
  };
}

export async function actionsOn(ctx: TestContext): Promise<string[]> {
  return (await ctx.db.selectFrom('activity').select('action').orderBy('id').execute()).map((r) => r.action);
}
