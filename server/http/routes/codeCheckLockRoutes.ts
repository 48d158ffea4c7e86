import { Router, type Request } from 'express';
import { z } from 'zod';
import { normalizePhoneNumber } from '../../phone/phoneNumber.js';
import { ApiError } from '../apiError.js';
import type { Services } from '../services.js';
import { auditChange } from '../auditTrail.js';
import { maskPhoneNumber } from '../../phone/phoneNumber.js';

/** The number in the path, as anyone would write it (`13812345678`, `+86 138 1234 5678`, `+85291234567`). */
export const lockPhoneNumberSchema = z.string().min(3).max(32);

/**
 * The operator's view of a number's SMS code-check lock (Bearer admin token):
 * `GET /v1/admin/phone-numbers/{phoneNumber}/code-check-lock` shows it, `DELETE` lifts it and
 * forgets the back-off, e.g. after the owner called support.
 */
export function codeCheckLockRoutes(services: Services): Router {
  const router = Router();
  const path = '/v1/admin/phone-numbers/:phoneNumber/code-check-lock';

  router.get(path, async (req, res) => {
    res.json(await services.limits.codeCheckLock(phoneNumberOf(req)));
  });

  router.delete(path, async (req, res) => {
    const phoneNumber = phoneNumberOf(req);
    const before = await services.limits.codeCheckLock(phoneNumber);
    await services.limits.liftCodeCheckLock(phoneNumber);
    const after = await services.limits.codeCheckLock(phoneNumber);
    await auditChange(res, services.audit, { action: 'codeCheckLock.lift', target: `phone number ${maskPhoneNumber(phoneNumber)}`, before, after });
    res.json(after);
  });

  return router;
}

function phoneNumberOf(req: Request): string {
  const raw = String(req.params.phoneNumber ?? '');
  const phoneNumber = raw.length <= 32 ? normalizePhoneNumber(raw) : null;
  if (!phoneNumber) throw new ApiError(400, 'INVALID_PHONE_NUMBER', 'phoneNumber is not a valid mobile number');
  return phoneNumber;
}
