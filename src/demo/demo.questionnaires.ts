import ExcelJS from 'exceljs';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import { approveAnswers, assignAnswer, commentOnAnswer, editAnswer, importQuestionnaire } from '../questionnaires/questionnaires.service.ts';

// Two customers' questionnaires as customer-compliance staff receive them — a vendor workbook with
// a cover sheet, a title, section headings and a drop-down answer column, and a plain CSV — imported
// and part-reviewed in the last days of the demo, so the review pages and the library's learned
// phrasings have something to show. Questions written for the demo.

const workbookSections: { heading: string; questions: string[] }[] = [
  {
    heading: 'A. GOVERNANCE',
    questions: [
      'Does your organisation maintain an information security policy approved by senior management and reviewed at least annually?',
      'Is there a named individual accountable for information security (e.g. a CISO)?',
      'Do you hold a current ISO/IEC 27001 certificate? Please state the certification body and expiry date.',
      'Can you provide your most recent SOC 2 Type II report?',
      'Are you certified against ISO/IEC 27017 for cloud services?',
    ],
  },
  {
    heading: 'B. ACCESS CONTROL',
    questions: [
      'Is multi-factor authentication required for all administrative access to production systems?',
      'How often are user access rights reviewed, and who signs off the review?',
      'Is privileged access granted just-in-time and time-limited?',
      'Are accounts of leavers disabled on their last working day?',
      'Can your support staff access our data, and under what conditions?',
    ],
  },
  {
    heading: 'C. DATA PROTECTION',
    questions: [
      'Is customer data encrypted at rest? Which algorithm and key length are used?',
      'Is all data in transit encrypted with TLS 1.2 or higher?',
      'Do you support customer-managed encryption keys (BYOK)?',
      'In which countries is our data stored and processed?',
      'How soon after contract termination is our data deleted, including backups?',
      'Do you notify customers of personal data breaches, and within what timeframe?',
    ],
  },
  {
    heading: 'D. OPERATIONS',
    questions: [
      'Are backups taken daily and restoration tested at least once a year?',
      'What are your recovery time and recovery point objectives for the hosted service?',
      'Is an independent penetration test performed at least annually?',
      'Within how many days are critical vulnerabilities remediated?',
      'Are security events collected centrally and monitored 24/7?',
      'Do you maintain a list of sub-processors and notify customers of changes?',
      'Does your company provide a staff canteen at its headquarters?',
    ],
  },
];

const csvQuestions = [
  'Do you perform background checks on employees before hiring?',
  'Is security awareness training mandatory for all staff every year?',
  'Do you have a documented incident response plan that is tested?',
  'Are changes to production reviewed and approved before deployment?',
  'Do you scan third-party libraries for known vulnerabilities?',
  'Are data centres protected by badge access and CCTV?',
  'Do you carry out risk assessments on your critical suppliers?',
  'Is a disaster recovery test run at least annually?',
];

async function vendorWorkbook(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const cover = wb.addWorksheet('Instructions');
  cover.getCell('A1').value = 'Orbital Logistics BV — Supplier Security Assessment 2026';
  cover.getCell('A3').value = 'Please answer every question in the "Assessment" sheet and return the workbook to vendor-risk@orbital.example.';
  const ws = wb.addWorksheet('Assessment', { views: [{ state: 'frozen', ySplit: 3 }] });
  ws.getCell('A1').value = 'Supplier Security Assessment';
  ws.mergeCells('A1:D1');
  ws.getRow(3).values = ['Ref', 'Question', 'Response (Yes/No/Partial/N/A)', 'Supporting comments'];
  ws.getRow(3).font = { bold: true };
  ws.columns = [{ width: 8 }, { width: 70 }, { width: 18 }, { width: 60 }];
  let row = 4;
  for (const [s, section] of workbookSections.entries()) {
    ws.getCell(`A${row}`).value = section.heading;
    row += 1;
    for (const [i, q] of section.questions.entries()) {
      ws.getRow(row).values = [`${String.fromCharCode(65 + s)}${i + 1}`, q];
      ws.getCell(`C${row}`).dataValidation = { type: 'list', allowBlank: true, formulae: ['"Yes,No,Partial,N/A"'] };
      row += 1;
    }
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const csvFile = () => Buffer.from(['#,Question,Answer,Comment', ...csvQuestions.map((q, i) => `${i + 1},"${q}",,`)].join('\n'));

/** Imports both questionnaires and reviews part of them, as Carlos (customer compliance) with Grace (GRC). */
export async function demoQuestionnaires(ctx: AppContext, people: { carlos: Principal; grace: Principal; graceId: number }): Promise<void> {
  const orbital = await importQuestionnaire(ctx, people.carlos, {
    customer: 'Orbital Logistics BV',
    filename: 'Orbital-supplier-assessment-2026.xlsx',
    content: await vendorWorkbook(),
  });
  // The answers Carlos trusts go out as they are; two need a person; one a rewrite.
  await approveAnswers(ctx, people.carlos, orbital, { minConfidence: 0.7 });
  await assignAnswer(ctx, people.carlos, orbital, 15, people.graceId);
  await commentOnAnswer(ctx, people.carlos, orbital, 15, 'Grace, can you confirm which support-access rule we quote here?');
  await commentOnAnswer(ctx, people.grace, orbital, 15, 'Support access needs the customer’s approval each time and expires after four hours; I will update the library entry.');
  await editAnswer(ctx, people.carlos, orbital, 30, { answer: 'N/A', detail: 'Not a security question; no answer given.' });
  await importQuestionnaire(ctx, people.carlos, { customer: 'Helio Health GmbH', filename: 'helio-vendor-questions.csv', content: csvFile() });
}
