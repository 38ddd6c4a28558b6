import fs from 'node:fs';
import type { Request, Response } from 'express';
import multer from 'multer';
import type { UploadedFile } from '../evidence/evidence.service.ts';
import { AppError } from './errors.ts';

/**
 * Parses a multipart form: text fields into req.body, files to temporary files under the store's
 * tmp folder. Every refusal is a clear 4xx naming the field; temporary files of a refused request
 * are removed.
 */
export function uploadParser(options: { tmpDir: () => string; maxBytes: number; field: string; maxFiles: number }) {
  return (req: Request, res: Response): Promise<UploadedFile[]> => {
    const parser = multer({
      dest: options.tmpDir(),
      // Browsers send file names as raw UTF-8; busboy's default (latin1) garbles "Prüfbericht.pdf".
      defParamCharset: 'utf8',
      limits: { fileSize: options.maxBytes, files: options.maxFiles, fields: 50, fieldSize: 64 * 1024, parts: 80 },
    }).array(options.field, options.maxFiles);
    return new Promise((resolve, reject) => {
      parser(req, res, (err: unknown) => {
        const files = (req.files as Express.Multer.File[] | undefined) ?? [];
        // Removing the temporary files is awaited, so a refused request leaves nothing behind when it ends.
        const refuse = (error: AppError) => {
          void Promise.all(files.map((f) => fs.promises.rm(f.path, { force: true }))).then(
            () => reject(error),
            () => reject(error),
          );
        };
        if (err) return refuse(toAppError(err, options));
        const empty = files.find((f) => f.size === 0);
        if (empty) return refuse(AppError.invalid([{ field: options.field, message: `The file "${empty.originalname}" is empty.` }]));
        resolve(files.map((f) => ({ path: f.path, originalName: f.originalname, mediaType: f.mimetype })));
      });
    });
  };
}

function toAppError(err: unknown, options: { maxBytes: number; field: string; maxFiles: number }): AppError {
  if (err instanceof multer.MulterError) {
    const field = err.field ?? options.field;
    switch (err.code) {
      case 'LIMIT_FILE_SIZE':
        return new AppError('payload_too_large', `A file is larger than ${Math.round(options.maxBytes / 1024 / 1024)} MB.`, [
          { field, message: `Files may be at most ${Math.round(options.maxBytes / 1024 / 1024)} MB.` },
        ]);
      case 'LIMIT_FILE_COUNT':
        return AppError.invalid([{ field, message: `Attach at most ${options.maxFiles} files.` }]);
      case 'LIMIT_UNEXPECTED_FILE':
        return AppError.invalid([{ field, message: `Files must be sent in the "${options.field}" field.` }]);
      default:
        return new AppError('bad_request', `The upload could not be read (${err.code}).`);
    }
  }
  if (err instanceof AppError) return err;
  return new AppError('bad_request', 'The upload could not be read.');
}
