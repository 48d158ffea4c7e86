import { z } from 'zod';
import { clientEventTypes } from '../../machines/index.js';

/** The events a client may send, exactly; anything else is refused before the machine sees it. */
export const clientEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('NUMBER_AUTH_TOKEN'), accessToken: z.string().min(1).max(4096) }).strict(),
  z.object({ type: z.literal('MIDDLE_DIGITS'), digits: z.string().regex(/^\d{4}$/, 'four digits') }).strict(),
  z.object({ type: z.literal('SWITCH_TO_SMS') }).strict(),
  z.object({ type: z.literal('PHONE_NUMBER'), phoneNumber: z.string().min(3).max(32) }).strict(),
  z.object({ type: z.literal('SMS_CODE'), code: z.string().regex(/^[0-9A-Za-z]{4,8}$/, '4 to 8 letters or digits') }).strict(),
  z.object({ type: z.literal('RESEND_SMS') }).strict(),
  z.object({ type: z.literal('UPLINK_SMS_SENT') }).strict(),
  z.object({ type: z.literal('CAPTCHA_SOLUTION'), solution: z.union([z.string().max(8192), z.record(z.string(), z.unknown())]) }).strict(),
  z.object({ type: z.literal('CANCEL') }).strict(),
]);

export type ClientEventBody = z.infer<typeof clientEventSchema>;

export function isClientEventType(type: unknown): boolean {
  return typeof type === 'string' && (clientEventTypes as readonly string[]).includes(type);
}
