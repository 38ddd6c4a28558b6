import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../logger.ts';
import { AppError, isAppError } from './errors.ts';

interface BodyParserError {
  type?: string;
  status?: number;
}

/** Turns body-parser and Multer failures into AppErrors so they are answered like any other. */
function normalise(err: unknown): AppError | undefined {
  if (isAppError(err)) return err;
  const e = err as BodyParserError;
  if (e?.type === 'entity.too.large') return new AppError('payload_too_large', 'The request body is too large.');
  if (e?.type === 'entity.parse.failed') return new AppError('bad_request', 'The request body is not valid JSON.');
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') {
    return new AppError('unsupported_media_type', 'The request body encoding is not supported.');
  }
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return new AppError('bad_request', 'The request could not be read.');
  // SQLite has one writer: while a large import commits, another write can time out. That is not a
  // fault to log as one, and the user can simply try again.
  if ((err as { code?: string })?.code === 'SQLITE_BUSY') return new AppError('unavailable', 'Attest is busy writing a large import; please try again in a moment.');
  return undefined;
}

export function wantsJson(req: Request): boolean {
  return req.path.startsWith('/api/') || req.path === '/healthz' || req.accepts(['html', 'json']) === 'json';
}

/** The one place errors become responses: JSON for the API, a styled page for browsers. */
export function errorHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) return next(err);
    const appError = normalise(err);
    if (!appError) logger.error({ err, reqId: req.id }, 'unhandled error');
    const error = appError ?? new AppError('internal', 'Something went wrong on our side. The error has been logged.');
    if (error.code === 'integrity_failed') logger.error({ reqId: req.id, msg: error.message }, 'integrity check failed');
    const api = wantsJson(req);
    // The API answers bad input with 400; forms with 422 (DESIGN.md, conventions 1).
    const status = api && error.code === 'validation_failed' ? 400 : error.status;
    if (api) {
      res.status(status).json({
        error: { code: error.code, message: error.message, ...(error.fields.length ? { fields: error.fields } : {}) },
        requestId: req.id,
      });
      return;
    }
    res.status(status).render('errors/error', {
      title: titleFor(status),
      status,
      message: error.message,
      fields: error.fields,
      requestId: req.id,
    });
  };
}

function titleFor(status: number): string {
  if (status === 403) return 'Not allowed';
  if (status === 404) return 'Page not found';
  if (status === 413) return 'Too large';
  if (status === 429) return 'Too many attempts';
  if (status >= 500) return 'Something went wrong';
  return 'Request not accepted';
}
