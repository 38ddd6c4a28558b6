import { formatInstant } from '../dates.ts';
import { reportKindLabels } from './reports.model.ts';
import type { Report } from './reports.service.ts';

// What `attest report verify FILE` prints about the reports whose issued file has the same SHA-256.
// Identical content issued twice (the same report regenerated) names every record that holds it.

export function verifyLines(file: string, sha256: string, reports: Report[]): string {
  const lines = [`${file} is a file Attest issued (SHA-256 ${sha256}).`];
  for (const r of reports) {
    const issued = r.files.find((f) => f.sha256 === sha256);
    lines.push(
      '',
      `Report #${r.id}`,
      `  Kind:        ${reportKindLabels[r.kind]}`,
      `  Title:       ${r.title}`,
      `  As of:       ${r.asOf}`,
      `  Generated:   ${formatInstant(r.createdAt)} by ${r.createdBy.label}`,
      `  Chain head:  ${r.chainHead || '(the activity trail was empty)'}`,
      `  File:        ${issued?.name ?? ''} (${issued?.size ?? 0} bytes)`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export function verifyJson(sha256: string, reports: Report[]) {
  return {
    sha256,
    issued: reports.length > 0,
    reports: reports.map((r) => ({
      id: r.id,
      kind: r.kind,
      title: r.title,
      as_of: r.asOf,
      generated_at: r.createdAt,
      generated_by: r.createdBy.label,
      chain_head: r.chainHead,
      file: r.files.find((f) => f.sha256 === sha256)?.name ?? null,
    })),
  };
}
