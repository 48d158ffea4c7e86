import { Router } from 'express';
import { z } from 'zod';
import type { PhoneListRepository } from '../../risk/phoneListRepository.js';
import { schemeCodeSchema } from '../../schemes/schemeSchema.js';
import { existingSchemeCode } from '../schemeParam.js';
import { parseInput } from '../validation.js';
import type { AuditLog } from '../../audit/auditLog.js';
import { auditChange } from '../auditTrail.js';

export interface PhoneListRoutesDeps {
  phoneLists: PhoneListRepository;
  schemes: { get(code: string): Promise<unknown | null> };
  audit: AuditLog;
}

export const MAX_PHONE_LIST_ENTRIES = 10_000;

/**
 * One list entry: a normalized number (11 mainland digits `13812345678`, or E.164 `+85291234567`)
 * or a prefix of one (`170`, `1381234`, `+852`). `+86` is taken off a mainland number or prefix.
 */
export const phoneListEntrySchema = z
  .string()
  .trim()
  .regex(/^\+?\d{3,15}$/, 'a normalized number or a prefix of at least three digits, e.g. 13812345678 or 170')
  .transform((entry) => (/^\+861\d{0,10}$/.test(entry) ? entry.slice(3) : entry))
  .refine((entry) => entry.startsWith('+') || entry.length <= 11, 'a mainland number has 11 digits');

/** The body of `PUT /v1/admin/schemes/{code}/phone-lists` and the answer of GET and PUT. */
export const phoneListsSchema = z
  .object({
    deny: z.array(phoneListEntrySchema).max(MAX_PHONE_LIST_ENTRIES),
    allow: z.array(phoneListEntrySchema).max(MAX_PHONE_LIST_ENTRIES),
  })
  .strict();

/** What GET and PUT answer: the lists as stored (deduplicated and sorted). */
export const phoneListsViewSchema = z.object({ schemeCode: schemeCodeSchema, deny: z.array(z.string()), allow: z.array(z.string()) });

/**
 * A scheme's deny and allow lists for phone risk (Bearer admin token):
 * `GET|PUT /v1/admin/schemes/{code}/phone-lists`. A deny-listed number is always risky; an
 * allow-listed one never is (deny wins if a number is on both).
 */
export function phoneListRoutes(deps: PhoneListRoutesDeps): Router {
  const router = Router();
  const path = '/v1/admin/schemes/:code/phone-lists';

  router.get(path, async (req, res) => {
    const code = await existingSchemeCode(deps.schemes, req);
    res.json({ schemeCode: code, ...(await deps.phoneLists.get(code)) });
  });

  router.put(path, async (req, res) => {
    const code = await existingSchemeCode(deps.schemes, req);
    const body = parseInput(phoneListsSchema, req.body);
    const before = await deps.phoneLists.get(code);
    const after = await deps.phoneLists.put(code, body);
    await auditChange(res, deps.audit, { action: 'phoneLists.put', target: `scheme ${code}`, before, after });
    res.json({ schemeCode: code, ...after });
  });

  return router;
}
