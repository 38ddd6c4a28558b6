import { describe, expect, it } from 'vitest';
import { checkLibrary, formatProblem } from '../../src/controls/library.check.ts';
import { readLibraryFiles } from '../../src/controls/library.files.ts';
import { runCli } from '../helpers/cli.ts';
import { fixtureFiles, writeFixture } from '../helpers/library-fixture.ts';

const problemsOf = (overrides: Record<string, string | null>) => checkLibrary(readLibraryFiles(writeFixture(overrides))).map(formatProblem);

describe('attest controls check', () => {
  it('passes on a consistent folder', () => {
    expect(problemsOf({})).toEqual([]);
  });

  it('reports a YAML syntax error with file and line', () => {
    const broken = fixtureFiles['library/access.yaml']!.replace('    frequency: annual', '    frequency: [annual');
    const problems = problemsOf({ 'library/access.yaml': broken });
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatch(/^library\/access\.yaml:\d+: /);
  });

  it('reports schema problems at the line of the field', () => {
    const bad = fixtureFiles['library/access.yaml']!.replace('frequency: annual', 'frequency: yearly');
    expect(problemsOf({ 'library/access.yaml': bad })).toEqual([
      'library/access.yaml:7: controls.0.frequency: frequency must be one of continuous, monthly, quarterly, semi-annual, annual',
    ]);
  });

  it('reports a mapping to a requirement that does not exist, at the mapping’s line', () => {
    const bad = fixtureFiles['library/access.yaml']!.replace('alpha: { "1.1": superset }', 'alpha: { "1.1": superset, "9.9": subset }');
    expect(problemsOf({ 'library/access.yaml': bad })).toEqual(['library/access.yaml:12: IAM-01: alpha has no requirement 9.9']);
  });

  it('reports a mapping to a grouping node, an unknown framework and a bad relationship', () => {
    const bad = fixtureFiles['library/access.yaml']!.replace('beta: { B1: subset }', 'beta: { B1: similar }\n      gamma: { X1: subset }').replace(
      'alpha: { "1.1": superset }',
      'alpha: { "1.1": superset, "1": subset }',
    );
    const problems = problemsOf({ 'library/access.yaml': bad });
    expect(problems.some((p) => p.includes('relationship must be one of equal, superset, subset, intersect'))).toBe(true);
    // Schema errors stop a control from being read further, so fix the relationship to see the rest.
    const bad2 = bad.replace('B1: similar', 'B1: subset');
    const rest = problemsOf({ 'library/access.yaml': bad2 });
    expect(rest).toContain('library/access.yaml:12: IAM-01: alpha 1 is a grouping node, not assessable; map to its assessable requirements');
    expect(rest).toContain('library/access.yaml:14: IAM-01: unknown framework gamma');
  });

  it('reports duplicate control refs with both places', () => {
    const dup = fixtureFiles['library/crypto.yaml']!.replace('ref: CRY-02', 'ref: IAM-01');
    expect(problemsOf({ 'library/crypto.yaml': dup })).toContain('library/crypto.yaml:14: control ref IAM-01 is also used at library/access.yaml:4');
  });

  it('reports an assessable requirement that is neither mapped nor excluded, at its line in the framework file', () => {
    expect(problemsOf({ 'applicability/default.yaml': null })).toEqual([
      'frameworks/alpha.yaml:21: alpha 1.3 (Card terminals) is assessable but no control maps to it and it is not excluded in applicability/',
    ]);
  });

  it('reports exclusions of unknown requirements, and a parent that does not exist', () => {
    const problems = problemsOf({
      'applicability/default.yaml': 'alpha:\n  "1.3": No terminals.\n  "7.7": Nothing.\n',
      'frameworks/beta.yaml': fixtureFiles['frameworks/beta.yaml']!.replace('  - ref: "B2"', '  - ref: "B2"\n    parent: "B9"'),
    });
    expect(problems).toContain('applicability/default.yaml:3: alpha has no requirement 7.7');
    expect(problems).toContain('frameworks/beta.yaml:11: requirement B2: parent B9 does not exist in beta');
  });

  it('reports a slug that does not match its file name, and a duplicate YAML key', () => {
    const problems = problemsOf({
      'frameworks/beta.yaml': fixtureFiles['frameworks/beta.yaml']!.replace('slug: beta', 'slug: gamma'),
      'applicability/default.yaml': 'alpha:\n  "1.3": One.\n  "1.3": Two.\n',
    });
    expect(problems).toContain('frameworks/beta.yaml:1: slug gamma must match the file name (beta)');
    expect(problems.some((p) => p.startsWith('applicability/default.yaml:3: Map keys must be unique'))).toBe(true);
  });

  it('the CLI exits 1 listing problems, and 0 on a good folder', () => {
    const bad = writeFixture({ 'applicability/default.yaml': null });
    const failed = runCli(['controls', 'check', '--dir', bad], {});
    expect(failed.status).toBe(1);
    expect(failed.stdout).toContain('frameworks/alpha.yaml:21: alpha 1.3');
    const ok = runCli(['controls', 'check', '--dir', writeFixture()], {});
    expect(ok.status).toBe(0);
    expect(ok.stderr).toContain('OK: 2 frameworks');
  });
});
