import { Router } from 'express';
import { z } from 'zod';
import { simulatedCarrierOutcomes } from '../../../adapters/carrier/simulatorCarrier.js';
import { normalizePhoneNumber } from '../../phone/phoneNumber.js';
import { receiveUplinkSms } from '../../engine/receiveUplinkSms.js';
import { ApiError } from '../apiError.js';
import type { Services } from '../services.js';
import { parseInput } from '../validation.js';

export const carrierTokenSchema = z
  .object({
    phoneNumber: z.string().min(3).max(32),
    carrier: z.enum(['mobile', 'unicom', 'telecom']).optional(),
    outcome: z.enum(simulatedCarrierOutcomes).optional(),
  })
  .strict();

export const recycledNumberSchema = z.object({ phoneNumber: z.string(), recycled: z.boolean() });

export const uplinkSmsSchema = z.object({ from: z.string().min(3).max(32), to: z.string().min(3).max(32), text: z.string().min(1).max(1024) }).strict();

/** `GET /v1/simulator/sms?phoneNumber=…`: the number whose messages to show. */
export const smsQueryPhoneNumberSchema = z.string().min(3).max(32);

function mainlandNumber(raw: string, field: string): string {
  const phoneNumber = normalizePhoneNumber(raw);
  if (!phoneNumber || !/^1\d{10}$/.test(phoneNumber)) throw new ApiError(400, 'INVALID_PHONE_NUMBER', `${field} is not a valid mainland China mobile number`);
  return phoneNumber;
}

/**
 * The simulator: what a carrier SDK, an SMS handset and a user's phone would do, for
 * development and tests. Mounted only while a simulator adapter is active; never in production.
 */
export function simulatorRoutes(services: Services): Router {
  const router = Router();
  const simulator = services.simulator;
  if (!simulator) return router;

  router.post('/v1/simulator/carrier-token', async (req, res) => {
    const body = parseInput(carrierTokenSchema, req.body);
    const phoneNumber = mainlandNumber(body.phoneNumber, 'phoneNumber');
    const token = await simulator.carrier.issueToken({
      phoneNumber,
      ...(body.carrier ? { carrier: body.carrier } : {}),
      ...(body.outcome ? { outcome: body.outcome } : {}),
    });
    res.status(201).json(token);
  });

  router.get('/v1/simulator/sms', async (req, res) => {
    const raw = parseInput(smsQueryPhoneNumberSchema, req.query.phoneNumber, 'phoneNumber query parameter');
    const phoneNumber = mainlandNumber(raw, 'phoneNumber');
    const messages = await simulator.outbox.messagesTo(phoneNumber);
    res.json({ messages: messages.map((m) => ({ to: m.to, text: m.text, sentAt: new Date(m.sentAt).toISOString() })) });
  });

  router.post('/v1/simulator/uplink-sms', async (req, res) => {
    const body = parseInput(uplinkSmsSchema, req.body);
    await receiveUplinkSms(services, { from: mainlandNumber(body.from, 'from'), to: body.to, text: body.text });
    // Like a carrier, the answer says the message arrived, not whether it proved anything.
    res.status(202).json({ accepted: true });
  });

  // A carrier's list of recycled numbers (cancelled and given to a new owner): phone risk scores them.
  router.put('/v1/simulator/recycled-numbers/:phoneNumber', async (req, res) => {
    const phoneNumber = mainlandNumber(String(req.params.phoneNumber), 'phoneNumber');
    await simulator.recycledNumbers.mark(phoneNumber);
    res.json({ phoneNumber, recycled: true });
  });

  router.delete('/v1/simulator/recycled-numbers/:phoneNumber', async (req, res) => {
    const phoneNumber = mainlandNumber(String(req.params.phoneNumber), 'phoneNumber');
    await simulator.recycledNumbers.unmark(phoneNumber);
    res.json({ phoneNumber, recycled: false });
  });

  return router;
}
