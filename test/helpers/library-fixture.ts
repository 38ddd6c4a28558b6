import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A small controls/ folder: two frameworks, two domains, a few controls, one exclusion. */
export const fixtureFiles: Record<string, string> = {
  'frameworks/alpha.yaml': `slug: alpha
name: Alpha Standard
edition: "2024"
publisher: Test Body
source: Test data; summaries are paraphrases.
requirements:
  - ref: "1"
    name: Group one
    summary: Groups the first requirements.
    assessable: false
  - ref: "1.1"
    parent: "1"
    name: Access policy
    summary: Have an access policy.
    assessable: true
  - ref: "1.2"
    parent: "1"
    name: Encryption
    summary: Encrypt data at rest.
    assessable: true
  - ref: "1.3"
    parent: "1"
    name: Card terminals
    summary: Protect card terminals.
    assessable: true
`,
  'frameworks/beta.yaml': `slug: beta
name: Beta Criteria
edition: "2017"
publisher: Other Body
source: Test data; summaries are paraphrases.
requirements:
  - ref: "B1"
    name: Logical access
    summary: Restrict logical access.
    assessable: true
  - ref: "B2"
    name: Cryptography
    summary: Use strong cryptography.
    assessable: true
`,
  'library/access.yaml': `domain: access
name: Identity and access management
controls:
  - ref: IAM-01
    title: Access control policy
    description: The company keeps an access control policy, reviewed every year.
    frequency: annual
    owner: CISO
    evidence:
      - Approved policy
    mappings:
      alpha: { "1.1": { relationship: superset, rationale: "The policy is all that 1.1 asks." } }
      beta: { B1: subset }
`,
  'library/crypto.yaml': `domain: cryptography
name: Cryptography
controls:
  - ref: CRY-01
    title: Encryption at rest
    description: All customer data stores are encrypted with AES-256 keys held in the KMS.
    frequency: continuous
    owner: Head of Platform
    evidence:
      - KMS configuration export
    mappings:
      alpha: { "1.2": { relationship: equal, rationale: "Encryption of every store is what 1.2 asks." } }
      beta: { B2: { relationship: superset, rationale: "AES-256 with managed keys is strong cryptography for every store." } }
  - ref: CRY-02
    title: Key rotation
    description: Keys rotate every year.
    frequency: annual
    owner: Head of Platform
    evidence:
      - Rotation log
    mappings:
      alpha: { "1.2": subset, "1.1": intersect }
      beta: { B2: intersect }
`,
  'applicability/default.yaml': `alpha:
  "1.3": The company operates no card terminals.
`,
};

/** Writes the fixture (with optional replacements) to a new temp folder and returns its path. */
export function writeFixture(overrides: Record<string, string | null> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-controls-'));
  for (const [rel, content] of Object.entries({ ...fixtureFiles, ...overrides })) {
    if (content === null) continue;
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
  return dir;
}
