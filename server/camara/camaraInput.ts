import type { z } from 'zod';
import { camaraErrors } from './camaraError.js';

/** CAMARA's `PhoneNumber`: E.164 with its `+`. */
export const camaraPhoneNumberPattern = /^\+[1-9][0-9]{4,14}$/;

/** The request body parsed by a CAMARA request schema, or a 400 INVALID_ARGUMENT naming the first thing wrong. */
export function parseCamaraBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  if (body === undefined) throw camaraErrors.invalidArgument('A request body is required.');
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
  throw camaraErrors.invalidArgument(`${where}${issue?.message ?? 'invalid request body'}.`);
}
