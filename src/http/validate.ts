import type { z } from 'zod';
import { AppError, type FieldError } from './errors.ts';
import { nulError, nulPaths } from './nul-guard.ts';

/** Parses input with a zod schema; on failure throws a 422 AppError naming each bad field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  // Multipart fields arrive here unchecked by the NUL guard (Multer parses them in the route).
  const nul = nulPaths(input);
  if (nul.length) throw nulError(nul);
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const fields: FieldError[] = [];
  for (const issue of result.error.issues) {
    const field = issue.path.map(String).join('.') || 'body';
    if (!fields.some((f) => f.field === field)) fields.push({ field, message: issue.message });
  }
  throw AppError.invalid(fields);
}

/** Field errors keyed by field name, for templates. */
export function errorsByField(fields: FieldError[]): Record<string, string> {
  return Object.fromEntries(fields.map((f) => [f.field, f.message]));
}
