// What the pages say about the auditor portal's records.

const pages: Record<string, string> = {
  audit: 'opened the audit',
  evidence: 'opened an evidence item',
  scope: 'read the scope',
  'evidence-list': 'listed the evidence',
  sample: 'looked at a sample',
};

/** One line for a record in an audit's auditor-activity log ("downloaded policy.pdf"). */
export function describeAuditorRecord(action: string, details: Record<string, unknown>): string {
  const text = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');
  switch (action) {
    case 'portal.viewed':
      return `${pages[text(details.page)] ?? 'viewed a page'}${details.evidence_id ? ` #${text(details.evidence_id)}` : ''}`;
    case 'evidence.file_downloaded':
      return `downloaded ${text(details.name) || 'a file'} (evidence)`;
    case 'report.downloaded':
      return `downloaded report file ${text(details.file)}`;
    case 'report.generated':
      return `generated ${text(details.title) || 'a report'}`;
    case 'sample.drawn':
      return `drew a sample of ${text(details.size)} from ${text(details.population_size)}: ${text(details.title)}`;
    case 'request.created':
      return `raised evidence request ${text(details.ref)}: ${text(details.title)}`;
    case 'request.status_changed':
      return `marked request ${text(details.ref)} ${text(details.to)}`;
    case 'finding.recorded':
      return `recorded finding ${text(details.ref)}: ${text(details.title)}`;
    case 'finding.status_changed':
      return `moved finding ${text(details.ref)} to ${text(details.to)}`;
    case 'comment.added':
      return 'commented';
    default:
      return action;
  }
}
