// Loaded into the `attest` child process by the CLI tests (NODE_OPTIONS=--import): adds a calendar
// source serving the items in the JSON file named by ATTEST_TEST_CALENDAR_ITEMS, so the real CLI
// sends digests with items the test chose. bin/attest.js then imports the same modules by URL.
import fs from 'node:fs';
import { register } from 'tsx/esm/api';

register();
const file = process.env.ATTEST_TEST_CALENDAR_ITEMS;
if (file) {
  const { fakeSource, installSource } = await import('./fake-source.ts');
  installSource(fakeSource(() => JSON.parse(fs.readFileSync(file, 'utf8'))));
}
