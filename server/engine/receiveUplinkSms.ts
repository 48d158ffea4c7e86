import type { SessionEngine } from './sessionEngine.js';
import type { UplinkCodes } from './uplinkCodes.js';

/**
 * An SMS a user sent to one of our receiving numbers, from whatever source (an SMS provider's
 * inbound webhook, or the simulator): the session waiting for the code it carries hears of it.
 * Whether it proves anything is the machine's to decide (right code, right sender).
 */
export async function receiveUplinkSms(
  deps: { engine: SessionEngine; uplinkCodes: UplinkCodes },
  sms: { from: string; to: string; text: string },
): Promise<void> {
  const sessionId = await deps.uplinkCodes.sessionFor(sms.to.replace(/^\+/, ''), sms.text);
  if (sessionId) await deps.engine.deliver(sessionId, { type: 'UPLINK_SMS_RECEIVED', from: sms.from, text: sms.text });
}
