import type { NextFunction, Request, Response } from 'express';
import { AppError } from './errors.ts';

const NUL = '\u0000';

/** A field name fit to show: a NUL in a key is written as \0. */
const shown = (key: string) => key.replaceAll(NUL, '\\0');

/**
 * The paths (`controls.1`, as zod names fields) of every string, or object key, in `value` that
 * holds a NUL character. PostgreSQL refuses NUL in text (a 500) while SQLite stores it, so input
 * is refused before it reaches either. Iterative, because a JSON body can nest thousands deep.
 */
export function nulPaths(value: unknown, root = ''): string[] {
  const found: string[] = [];
  const stack: { value: unknown; path: string }[] = [{ value, path: root }];
  const join = (path: string, key: string) => (path ? `${path}.${key}` : key);
  while (stack.length) {
    const { value: v, path } = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes(NUL)) found.push(path);
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], path: join(path, String(i)) });
    } else if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i]!;
        // A bad key is reported in its place, by its shown name.
        stack.push(key.includes(NUL) ? { value: NUL, path: join(path, shown(key)) } : { value: child, path: join(path, key) });
      }
    }
  }
  return found;
}

/** The 422 (400 on the API, by the error handler) naming each field that holds a NUL. */
export function nulError(paths: string[]): AppError {
  const fields = [...new Set(paths)].map((field) => ({ field: field || 'body', message: 'Contains a NUL character, which is not accepted.' }));
  return AppError.invalid(fields, `Refused: ${fields.map((f) => f.field).join(', ')} contains a NUL character.`);
}

/**
 * Refuses a NUL anywhere in the query, the parsed body or the decoded path, before any handler
 * (some read req.query directly). Multipart bodies are parsed later, by the upload route; their
 * fields are checked by parseInput.
 */
export function nulGuard(req: Request, _res: Response, next: NextFunction): void {
  let decodedPath = '';
  try {
    decodedPath = decodeURIComponent(req.path);
  } catch {
    // A malformed escape is the router's to refuse (400).
  }
  const paths = [...(decodedPath.includes(NUL) ? ['path'] : []), ...nulPaths(req.query), ...nulPaths(req.body)];
  if (paths.length) return next(nulError(paths));
  next();
}
