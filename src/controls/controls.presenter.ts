import { frequencyLabels, relationshipLabels, statusLabels } from './controls.model.ts';
import type { RequirementChoices } from '../frameworks/frameworks.service.ts';
import type { Control, ControlMapping } from './controls.service.ts';

// What each face shows of a control. The domain object carries values; labels live here.

/** For pages: the control with its display labels. */
export function controlView(control: Control) {
  return {
    ...control,
    frequencyLabel: frequencyLabels[control.frequency] ?? control.frequency,
    statusLabel: statusLabels[control.status] ?? control.status,
    implemented: control.status === 'implemented',
  };
}

export function mappingView(mapping: ControlMapping) {
  return { ...mapping, relationshipLabel: relationshipLabels[mapping.relationship] ?? mapping.relationship };
}

/** For the API: stable field names and values, no labels, no internal flags. */
export function controlJson(control: Control) {
  return {
    ref: control.ref,
    domain: control.domain,
    domainName: control.domainName,
    title: control.title,
    description: control.description,
    frequency: control.frequency,
    owner: control.owner,
    status: control.status,
    applicable: control.applicable,
    applicabilityNote: control.applicabilityNote,
    evidenceHint: control.evidenceHint,
    editedInApp: control.editedInApp,
    retiredAt: control.retiredAt,
    mergedInto: control.mergedInto,
    updatedAt: control.updatedAt,
  };
}

export function mappingJson(mapping: ControlMapping) {
  return {
    id: mapping.id,
    framework: mapping.framework,
    frameworkName: mapping.frameworkName,
    ref: mapping.ref,
    name: mapping.name,
    relationship: mapping.relationship,
    full: mapping.full,
    strength: mapping.strength,
    rationale: mapping.rationale,
  };
}

/** Picker option text: the ref the standard or library uses, then its words ("IAM-03 — Quarterly access reviews"). */
export const choiceLabel = (ref: string, name: string) => `${ref} — ${name}`;

/**
 * The mapping form's requirement picker: one group per framework, named by its name. The value is
 * "framework:ref" because refs repeat across frameworks; `selected` is the value sent last time.
 */
export function requirementPicker(frameworks: RequirementChoices[], selected: string) {
  return frameworks
    .filter((f) => f.requirements.length > 0)
    .map((f) => ({
      label: f.name,
      options: f.requirements.map((r) => {
        const value = `${f.slug}:${r.ref}`;
        return { value, label: choiceLabel(r.ref, r.name), selected: value === selected };
      }),
    }));
}
