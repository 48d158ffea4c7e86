import { Router } from 'express';
import { z } from 'zod';
import { erasePhoneNumber } from '../../erasure/erasePhoneNumber.js';
import { maskPhoneNumber, normalizePhoneNumber } from '../../phone/phoneNumber.js';
import { ApiError } from '../apiError.js';
import { auditChange } from '../auditTrail.js';
import type { Services } from '../services.js';
import { parseInput } from '../validation.js';

export const erasureRequestSchema = z.object({ phoneNumber: z.string().min(3).max(32) }).strict();

/**
 * `POST /v1/admin/erasures {phoneNumber}` (admins): deletes everything kept about the number and
 * answers what it deleted. The audit log records the erasure with the number masked.
 */
export function erasureRoutes(services: Services): Router {
  const router = Router();
  router.post('/v1/admin/erasures', async (req, res) => {
    const body = parseInput(erasureRequestSchema, req.body);
    const phoneNumber = normalizePhoneNumber(body.phoneNumber);
    if (!phoneNumber) throw new ApiError(400, 'INVALID_PHONE_NUMBER', 'phoneNumber is not a valid mobile number');
    const erased = await erasePhoneNumber(phoneNumber, services);
    const masked = maskPhoneNumber(phoneNumber);
    await auditChange(res, services.audit, { action: 'erasure', target: `phone number ${masked}`, before: erased, after: null });
    res.json({ phoneNumber: masked, erased });
  });
  return router;
}
