import { type AppError, isAppError, type ErrorCode } from './errors.ts';
import { errorsByField } from './validate.ts';

/** What a page needs to show a refused form again: the status, each field's message, or one message. */
export interface FormFailure {
  status: number;
  errors: Record<string, string>;
  /** A message for the whole form, when no single field is to blame. */
  message: string | undefined;
}

const FORM_CODES: ErrorCode[] = ['validation_failed', 'conflict', 'payload_too_large'];

/**
 * Runs a form's work; when the service refuses the input (bad fields, a conflict, a too-large
 * upload), calls `rerender` with the failure so the page shows the form again with the user's
 * values. Anything else (403, 404, a bug) goes on to the error handler.
 */
export async function submitForm(work: () => Promise<unknown>, rerender: (failure: FormFailure) => unknown, codes: ErrorCode[] = FORM_CODES): Promise<void> {
  try {
    await work();
  } catch (err) {
    if (!isAppError(err) || !codes.includes(err.code)) throw err;
    await rerender(formFailure(err));
  }
}

export function formFailure(err: AppError): FormFailure {
  return { status: err.status, errors: errorsByField(err.fields), message: err.fields.length ? undefined : err.message };
}
