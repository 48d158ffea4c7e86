import { z } from 'zod';

/** The vendor's limits: a signature is 2–12 characters and is shown in 【】, so it holds neither bracket. */
export const signNameSchema = z
  .string()
  .trim()
  .min(2)
  .max(12)
  .regex(/^[^【】[\]\s\u0000-\u001f]+$/, 'a signature is 2–12 characters without spaces or brackets');

/** `SMS_` and digits for the templates made here; the complimentary ones have the vendor's numbers (100001…). */
export const templateCodeSchema = z
  .string()
  .regex(/^(SMS_\d{6,12}|\d{6})$/, 'a template code is SMS_ followed by 6–12 digits (or the six digits of a complimentary one)');
