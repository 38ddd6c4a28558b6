import { authorize } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import { relationshipRank, weaker, type Relationship } from '../controls/controls.model.ts';
import { AppError } from '../http/errors.ts';
import { bridgingRows } from './crosswalk.repository.ts';
import { findFramework } from './frameworks.repository.ts';

export interface CrosswalkPair {
  from: { ref: string; name: string };
  to: { ref: string; name: string };
  /** The strongest link any one bridging control gives, where a control's link is the weaker of its two mappings. */
  relationship: Relationship;
  controls: { ref: string; title: string; fromRelationship: Relationship; toRelationship: Relationship; relationship: Relationship }[];
}

export interface Crosswalk {
  from: { slug: string; name: string; numbering: 'publisher' | 'provisional' };
  to: { slug: string; name: string; numbering: 'publisher' | 'provisional' };
  pairs: CrosswalkPair[];
}

/**
 * Derives the crosswalk between two frameworks (DESIGN.md, coverage rule 4): requirement A relates
 * to requirement B when a control maps to both; each bridging control carries the weaker of its
 * two relationships.
 */
export async function crosswalk(ctx: AppContext, principal: Principal, fromSlug: string, toSlug: string): Promise<Crosswalk> {
  authorize(principal, 'catalog.read');
  const [from, to] = await Promise.all([findFramework(ctx.db, fromSlug), findFramework(ctx.db, toSlug)]);
  if (!from) throw AppError.invalid([{ field: 'from', message: `Unknown framework ${fromSlug}.` }]);
  if (!to) throw AppError.invalid([{ field: 'to', message: `Unknown framework ${toSlug}.` }]);
  if (from.id === to.id) throw AppError.invalid([{ field: 'to', message: 'Choose two different frameworks.' }]);
  const rows = await bridgingRows(ctx.db, from.id, to.id);
  const pairs = new Map<string, CrosswalkPair>();
  for (const r of rows) {
    const key = `${r.from_ref}\u0000${r.to_ref}`;
    const fromRel = r.from_relationship as Relationship;
    const toRel = r.to_relationship as Relationship;
    const link = weaker(fromRel, toRel);
    let pair = pairs.get(key);
    if (!pair) {
      pair = { from: { ref: r.from_ref, name: r.from_name }, to: { ref: r.to_ref, name: r.to_name }, relationship: link, controls: [] };
      pairs.set(key, pair);
    }
    if (relationshipRank[link] > relationshipRank[pair.relationship]) pair.relationship = link;
    pair.controls.push({ ref: r.control_ref, title: r.control_title, fromRelationship: fromRel, toRelationship: toRel, relationship: link });
  }
  return { from: { slug: from.slug, name: from.name, numbering: from.numbering }, to: { slug: to.slug, name: to.name, numbering: to.numbering }, pairs: [...pairs.values()] };
}

/** CSV with one row per requirement pair; RFC 4180 quoting; formula-looking cells defused. */
export function crosswalkCsv(cw: Crosswalk): string {
  const header = ['from_framework', 'from_ref', 'from_name', 'to_framework', 'to_ref', 'to_name', 'relationship', 'bridging_controls'];
  const lines = [header.join(',')];
  // A spreadsheet travels alone: a provisional catalog says so in the file itself.
  const provisional = [cw.from, cw.to].filter((f) => f.numbering === 'provisional');
  if (provisional.length) header.push('numbering_note');
  lines[0] = header.join(',');
  const note = provisional.map((f) => `${f.slug}: provisional numbering (assigned by Attest, not the publisher)`).join('; ');
  for (const p of cw.pairs) {
    lines.push(
      [
        cw.from.slug,
        p.from.ref,
        p.from.name,
        cw.to.slug,
        p.to.ref,
        p.to.name,
        p.relationship,
        p.controls.map((c) => `${c.ref} (${c.fromRelationship}/${c.toRelationship})`).join('; '),
        ...(provisional.length ? [note] : []),
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

export function csvCell(value: string): string {
  // A leading =, +, - or @ would run as a formula in a spreadsheet.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
