/** Text that breaks layouts: an unbroken 200-character word, a long link, markup, right-to-left. */
const word = `Evidence${'Unbroken'.repeat(24)}`.slice(0, 200);
const rtl = 'مراجعة صلاحيات الوصول الفصلية لجميع الأنظمة الإنتاجية';
const markup = '<script>alert(1)</script><b>bold</b>';
const url = `https://evidence.example.test/${'very-long-path-segment-'.repeat(8)}?query=${'x'.repeat(80)}`;

export const HOSTILE = {
  word,
  rtl,
  markup,
  url,
  name: `${rtl} ${'Longname'.repeat(8)}`,
  paragraph: `${markup} ${word} ${url} ${rtl}`,
};
