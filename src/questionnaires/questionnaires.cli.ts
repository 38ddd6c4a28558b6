import fs from 'node:fs';
import { Option, type Command } from 'commander';
import { fail, printJson, withContext } from '../cli.support.ts';

/** `attest answers check` and `attest questionnaire answer FILE …` (DESIGN.md's CLI names). */
export function registerQuestionnaireCommands(program: Command): void {
  program
    .command('answers')
    .description('the shipped answer library (controls/answers/)')
    .command('check')
    .description('check every answer file: fields, unique ids, known controls and frameworks')
    .action(async () => {
      const { readAnswerFiles, crossCheck } = await import('./answers.files.ts');
      const { readLibraryFiles } = await import('../controls/library.files.ts');
      const { entries, problems } = readAnswerFiles();
      const library = readLibraryFiles();
      const refs = new Set(library.controls.map((c) => c.ref));
      const slugs = new Set(library.frameworks.map((f) => f.slug));
      const all = [...problems, ...crossCheck(entries, refs, slugs)];
      for (const p of all) process.stderr.write(`${p.file}: ${p.message}\n`);
      if (all.length) fail(`${all.length} problem${all.length === 1 ? '' : 's'} in the answer library`);
      process.stdout.write(`Answer library OK: ${entries.length} entries.\n`);
    });

  program
    .command('questionnaire')
    .description('customer security questionnaires')
    .command('answer')
    .description('answer a questionnaire (xlsx or csv) from the answer library; finds the question column by itself')
    .argument('<file>', 'the customer’s questionnaire, .xlsx or .csv')
    .addOption(
      new Option('--format <format>', 'output format (xlsx: the customer’s own workbook filled in; pdf: the answer pack, recorded as a report, needs --customer; both need --out)')
        .choices(['json', 'csv', 'xlsx', 'pdf'])
        .default('json'),
    )
    .option('--out <path>', 'write here instead of standard output')
    .option('--customer <name>', 'the customer: questions about schemes not held go on the certification-demand list')
    .action(async (file: string, opts: { format: 'json' | 'csv' | 'xlsx' | 'pdf'; out?: string; customer?: string }) => {
      if (!fs.existsSync(file) || !fs.statSync(file).isFile()) fail(`${file}: no such file`);
      if (opts.format === 'pdf' && (!opts.out || !opts.customer)) fail('--format pdf: give --customer (for the cover) and --out (where to write the PDF)');
      if (opts.format === 'xlsx' && !opts.out) fail('--format xlsx: give --out (where to write the filled workbook)');
      if (opts.customer !== undefined && (opts.customer.trim() === '' || opts.customer.length > 200)) fail('--customer: give the customer’s name (at most 200 characters)');
      const content = fs.readFileSync(file);
      const { readQuestionnaire } = await import('./questionnaire.read.ts');
      const { answerQuestions } = await import('./answer.service.ts');
      const { answersCsv, answersJson } = await import('./answers.format.ts');
      const { cliPrincipal } = await import('../auth/principal.ts');
      const { createHash } = await import('node:crypto');
      await withContext(async (ctx) => {
        const read = await readQuestionnaire(content);
        process.stderr.write(
          `Found ${read.questions.length} questions on sheet "${read.layout.sheet}", header row ${read.layout.headerRow} (question: "${read.headers.question ?? ''}"${read.headers.answer ? `, answer: "${read.headers.answer}"` : ''}${read.headers.comment ? `, comment: "${read.headers.comment}"` : ''})\n`,
        );
        const source = createHash('sha256').update(content).digest('hex').slice(0, 16);
        const answers = await answerQuestions(ctx, cliPrincipal, read.questions, { ...(opts.customer ? { customer: opts.customer.trim() } : {}), source });
        if (opts.format === 'xlsx') {
          const { answerWrites } = await import('./answers.format.ts');
          const { fillWorkbook } = await import('./workbook.fill.ts');
          if (content.subarray(0, 2).toString('latin1') !== 'PK') fail('--format xlsx: the questionnaire is a CSV; write csv or json instead');
          const filled = await fillWorkbook(content, read.layout.sheet, answerWrites(answers, read.layout));
          fs.writeFileSync(opts.out!, filled.content);
          if (filled.skipped.length) process.stderr.write(`Left alone (they hold formulas): ${filled.skipped.join(', ')}\n`);
          process.stderr.write(`Filled workbook written to ${opts.out}.\n`);
          return;
        }
        if (opts.format === 'pdf') {
          const { planAnswerPack } = await import('./answer-pack.ts');
          const { generateReport } = await import('../reports/reports.service.ts');
          const { fileStore } = await import('../evidence/evidence.service.ts');
          const path = await import('node:path');
          const { request, build } = await planAnswerPack(ctx, cliPrincipal, { customer: opts.customer!.trim(), questionnaire: path.basename(file), answers });
          const report = await generateReport(ctx, cliPrincipal, request, build);
          const pdf = report.files[0]!;
          fs.copyFileSync(fileStore(ctx).pathOf(pdf.sha256), opts.out!);
          process.stderr.write(`Answer pack (report #${report.id}) written to ${opts.out} (SHA-256 ${pdf.sha256}).\n`);
          return;
        }
        const output = opts.format === 'csv' ? answersCsv(answers) : `${JSON.stringify(answersJson(answers), null, 2)}\n`;
        if (opts.out) fs.writeFileSync(opts.out, output);
        else if (opts.format === 'json') printJson(answersJson(answers));
        else process.stdout.write(output);
        const unanswered = answers.filter((a) => a.entry === null).length;
        const stale = answers.filter((a) => a.stale).length;
        process.stderr.write(`${answers.length - unanswered} answered from the library, ${unanswered} without a good match, ${stale} flagged stale.\n`);
      });
    });
}
