import { addDays } from '../dates.ts';

// One story about each control's evidence, derived in one place and shown the same way on the
// control page, the freshness page and in "My work": evidence submitted and waiting for review
// comes before "log evidence", so nobody logs a duplicate of an item a reviewer has not seen yet.

export type ControlEvidenceState = 'current' | 'expiring' | 'awaiting_review' | 'expired' | 'never';

export interface ControlStateFacts {
  /** The last day current accepted evidence covers; null when there never was any. */
  lastDay: string | null;
  /** Current items submitted and not yet reviewed. */
  awaitingReview: number;
  today: string;
  windowDays: number;
}

export interface ControlStateView {
  state: ControlEvidenceState;
  label: string;
  /** status-… class: met, partial, gap. */
  tone: 'met' | 'partial' | 'gap';
  /** The next step the state implies. */
  next: 'none' | 'log_before' | 'review' | 'log';
}

export function controlEvidenceState(f: ControlStateFacts): ControlStateView {
  const covered = f.lastDay !== null && f.lastDay >= f.today;
  if (covered && f.lastDay! > addDays(f.today, f.windowDays)) return { state: 'current', label: 'current', tone: 'met', next: 'none' };
  // Not covered much longer (or at all), but something was submitted: reviewing it is the next step.
  if (f.awaitingReview > 0) return { state: 'awaiting_review', label: 'awaiting review', tone: 'partial', next: 'review' };
  if (covered) return { state: 'expiring', label: 'expiring', tone: 'partial', next: 'log_before' };
  if (f.lastDay !== null) return { state: 'expired', label: 'expired', tone: 'gap', next: 'log' };
  return { state: 'never', label: 'never evidenced', tone: 'gap', next: 'log' };
}
