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
    const bad = fixtureFiles['library/access.yaml']!.replace(
      '"1.1": ' + '{ relationship: superset, rationale: "The policy is all that 1.1 asks." }',
      '"1.1": ' + '{ relationship: superset, rationale: "The policy is all that 1.1 asks." }' + ', "9.9": subset',
    );
    expect(problemsOf({ 'library/access.yaml': bad })).toEqual(['library/access.yaml:12: IAM-01: alpha has no requirement 9.9']);
  });

  it('reports a mapping to a grouping node, an unknown framework and a bad relationship', () => {
    const bad = fixtureFiles['library/access.yaml']!.replace('beta: { B1: subset }', 'beta: { B1: similar }\n      gamma: { X1: subset }').replace(
      '"1.1": { relationship: superset, rationale: "The policy is all that 1.1 asks." }',
      '"1.1": { relationship: superset, rationale: "The policy is all that 1.1 asks." }, "1": subset',
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

describe('defensible full-coverage claims and one control per practice', () => {
  it('refuses a superset or equal mapping without a rationale, at its line', () => {
    const bare = fixtureFiles['library/access.yaml']!.replace(/"1\.1": \{ relationship: superset, rationale: "[^"]*" \}/, '"1.1": superset');
    expect(problemsOf({ 'library/access.yaml': bare })).toEqual([
      'library/access.yaml:12: IAM-01: the superset mapping to alpha 1.1 claims full coverage and needs a rationale (what in the control covers all of the requirement), or make it subset or intersect',
    ]);
    const equal = fixtureFiles['library/crypto.yaml']!.replace(/"1\.2": \{ relationship: equal, rationale: "[^"]*" \}/, '"1.2": equal');
    expect(problemsOf({ 'library/crypto.yaml': equal })[0]).toContain('CRY-01: the equal mapping to alpha 1.2 claims full coverage');
    // subset and intersect need none.
    expect(problemsOf({ 'library/access.yaml': bare.replace('"1.1": superset', '"1.1": subset') })).toEqual([]);
  });

  it('flags two controls whose text and mappings are nearly the same, unless reviewed as distinct', () => {
    const twin = `${fixtureFiles['library/access.yaml']!}  - ref: IAM-02
    title: Access control policy for all systems
    description: The company keeps an access control policy for all systems, reviewed every year by the CISO.
    frequency: annual
    owner: CISO
    evidence:
      - Approved policy
    mappings:
      alpha: { "1.1": subset }
      beta: { B1: subset }
`;
    const problems = problemsOf({ 'library/access.yaml': twin });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/IAM-02 and IAM-01 look like the same practice \(text \d+% alike, mappings 100% alike\)/);
    const reviewed = twin.replace('    title: Access control policy for all systems\n', '    title: Access control policy for all systems\n    distinct_from: [IAM-01]\n');
    expect(problemsOf({ 'library/access.yaml': reviewed })).toEqual([]);
    expect(problemsOf({ 'library/access.yaml': reviewed.replace('distinct_from: [IAM-01]', 'distinct_from: [IAM-99]') })[0]).toContain('distinct_from names IAM-99');
  });

  it('checks merges: the absorbed control must be gone from the files and merged only once', () => {
    const withMerge = fixtureFiles['library/crypto.yaml']!.replace('    mappings:\n      alpha: { "1.2"', '    merged_from: [CRY-02]\n    mappings:\n      alpha: { "1.2"');
    expect(problemsOf({ 'library/crypto.yaml': withMerge })[0]).toContain('CRY-01: merged_from CRY-02, but CRY-02 is still a control in the files');
    const twice = fixtureFiles['library/access.yaml']!.replace('    mappings:', '    merged_from: [OLD-01]\n    mappings:');
    const twice2 = fixtureFiles['library/crypto.yaml']!.replace('    mappings:\n      alpha: { "1.2"', '    merged_from: [OLD-01]\n    mappings:\n      alpha: { "1.2"');
    expect(problemsOf({ 'library/access.yaml': twice, 'library/crypto.yaml': twice2 }).some((p) => p.includes('OLD-01 is already merged into'))).toBe(true);
  });
});
