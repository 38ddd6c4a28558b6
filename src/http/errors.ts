/** The closed set of failures the app reports to users, each with one HTTP status. */
export const errorStatus = {
  bad_request: 400,
  validation_failed: 422,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  integrity_failed: 500,
  /** A dependency (the PDF browser) is missing or a build failed; trying again later may work. */
  unavailable: 503,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof errorStatus;

/** A field and what is wrong with it, shown next to the form field or in the API's JSON. */
export interface FieldError {
  field: string;
  message: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly fields: FieldError[];

  constructor(code: ErrorCode, message: string, fields: FieldError[] = []) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.fields = fields;
  }

  get status(): number {
    return errorStatus[this.code];
  }

  static notFound(what: string): AppError {
    return new AppError('not_found', `${what} not found`);
  }

  static forbidden(message = 'You do not have permission to do this.'): AppError {
    return new AppError('forbidden', message);
  }

  static invalid(fields: FieldError[], message = 'Some fields need attention.'): AppError {
    return new AppError('validation_failed', message, fields);
  }

  static conflict(message: string, field?: string): AppError {
    return new AppError('conflict', message, field ? [{ field, message }] : []);
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

/**
 * What a failure in background work says to the person who asked: our own messages (and the
 * missing-browser one, which says what to install) as they are, anything else in general words
 * (the details go to the server log, never to the user).
 */
export function messageForUser(err: unknown, otherwise: string): string {
  if (err instanceof AppError || (err instanceof Error && err.name === 'BrowserUnavailableError')) return err.message;
  return otherwise;
}
