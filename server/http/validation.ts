import type { z } from 'zod';
import { ApiError } from './apiError.js';

/** Parses input with a zod schema; any problem becomes a 400 that lists each field and what is wrong. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown, what = 'request body'): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
  const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
  throw new ApiError(400, 'VALIDATION_FAILED', `invalid ${what}: ${summary}`, { issues });
}
