import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

/**
 * The report tests read the PDFs Attest makes with poppler (pdftotext) and check their structure with
 * qpdf: independent readers, so a PDF that only our own code could read would fail. They are test
 * tools, not part of the app, so `npm install` does not fetch them; `npm test` does, where it can
 * (root on Debian, as in CI), and otherwise stops with what to install instead of failing later
 * with "spawn pdftotext ENOENT" in the middle of a report test.
 */
const TOOLS = [
  { command: 'pdftotext', debianPackage: 'poppler-utils' },
  { command: 'qpdf', debianPackage: 'qpdf' },
];

const onPath = (command: string) => spawnSync(command, ['--version'], { stdio: 'ignore' }).error === undefined;

export default function ensurePdfTools(): void {
  const missing = TOOLS.filter((tool) => !onPath(tool.command));
  if (missing.length === 0) return;
  const packages = missing.map((tool) => tool.debianPackage);
  if (process.getuid?.() === 0 && fs.existsSync('/etc/debian_version')) {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const install = () => spawnSync('apt-get', ['install', '-y', '-q', ...packages], { stdio: ['ignore', 2, 2], env });
    if (install().status !== 0) {
      spawnSync('apt-get', ['update', '-q'], { stdio: ['ignore', 2, 2], env });
      install();
    }
  }
  const still = TOOLS.filter((tool) => !onPath(tool.command));
  if (still.length > 0) {
    throw new Error(
      `The report tests need ${still.map((t) => t.command).join(' and ')} to read the PDFs Attest makes. ` +
        `Install them (Debian/Ubuntu: apt-get install ${still.map((t) => t.debianPackage).join(' ')}; macOS: brew install poppler qpdf) and run the tests again.`,
    );
  }
}
