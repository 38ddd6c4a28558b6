import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';

// Report templates: Handlebars files in reports/ with one print stylesheet, reports/print.css,
// inlined so the page needs nothing from the network (the PDF engine refuses every request).
// Handlebars escapes every {{value}}; the only triple-brace value is {{{css}}}, our own stylesheet.

const DIR = path.resolve(import.meta.dirname, '../../reports');

const hbs = Handlebars.create();
hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
hbs.registerHelper('inc', (n: number) => n + 1);

const compiled = new Map<string, Handlebars.TemplateDelegate>();

// Pieces several reports share (the title block), reports/partials/<name>.hbs, used as {{> name}}.
let partialsRegistered = false;
function registerPartials(): void {
  if (partialsRegistered) return;
  const dir = path.join(DIR, 'partials');
  for (const file of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    if (file.endsWith('.hbs')) hbs.registerPartial(file.slice(0, -4), fs.readFileSync(path.join(dir, file), 'utf8'));
  }
  partialsRegistered = true;
}

function template(name: string): Handlebars.TemplateDelegate {
  registerPartials();
  let t = compiled.get(name);
  if (!t) {
    if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`bad report template name ${name}`);
    t = hbs.compile(fs.readFileSync(path.join(DIR, `${name}.hbs`), 'utf8'), { strict: false });
    compiled.set(name, t);
  }
  return t;
}

/** The print stylesheet every report shares. */
export function printCss(): string {
  return fs.readFileSync(path.join(DIR, 'print.css'), 'utf8');
}

/**
 * Renders reports/<name>.hbs with `data`; the template receives `css` (the print stylesheet) to put
 * in a <style> element, and `title` for the document title (the PDF's Title metadata).
 */
export function renderReport(name: string, data: Record<string, unknown>): string {
  // The stylesheet comes last so no data key can stand in for it (templates print it unescaped).
  return template(name)({ ...data, css: printCss() });
}
