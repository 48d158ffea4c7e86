import express, { Router } from 'express';
import { z } from 'zod';
import { receiveUplinkSms } from '../../engine/receiveUplinkSms.js';
import { normalizePhoneNumber } from '../../phone/phoneNumber.js';
import { SIGNATURE_HEADER, verifyWebhookSignature } from '../../webhooks/webhookSignature.js';
import { ApiError } from '../apiError.js';
import type { Services } from '../services.js';
import { parseInput } from '../validation.js';

export const inboundSmsSchema = z
  .object({
    from: z.string().min(3).max(32),
    to: z.string().min(3).max(32),
    text: z.string().min(1).max(1024),
    /** The provider's id of the message, for its logs. */
    messageId: z.string().max(128).optional(),
    receivedAt: z.string().max(64).optional(),
  })
  .strict();

/**
 * The provider-neutral inbound-SMS webhook: an SMS provider (or a small adapter in front of
 * one) POSTs each message users send to a receiving number, signed like our own webhooks:
 * `Numberflow-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(UPLINK_WEBHOOK_SECRET, "<t>.<raw body>")>`,
 * within 5 minutes. The answer never says whether the message proved anything.
 */
export function inboundSmsRoutes(services: Services, secret: string): Router {
  const router = Router();
  // The signature covers the raw bytes: this route reads its own body, before the JSON parser.
  router.post('/v1/inbound/uplink-sms', express.text({ type: '*/*', limit: '8kb' }), async (req, res) => {
    const raw = typeof req.body === 'string' ? req.body : '';
    const verdict = verifyWebhookSignature({ header: req.get(SIGNATURE_HEADER), body: raw, secret, nowSeconds: Math.floor(services.clock() / 1000) });
    if (!verdict.ok) throw new ApiError(401, 'SIGNATURE_INVALID', `the ${SIGNATURE_HEADER} header is ${verdict.reason}`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new ApiError(400, 'MALFORMED_JSON', 'the request body is not valid JSON');
    }
    const sms = parseInput(inboundSmsSchema, parsed);
    const from = normalizePhoneNumber(sms.from);
    if (!from) throw new ApiError(400, 'INVALID_PHONE_NUMBER', 'from is not a valid mobile number');
    await receiveUplinkSms(services, { from, to: sms.to, text: sms.text });
    res.status(202).json({ accepted: true });
  });
  return router;
}
