import { describe, expect, it } from 'vitest';
import type { SessionStore } from '../../server/stores/sessionStore.js';
import { FusionAuthFlow } from '../support/fusionAuthFlow.js';
import { startTestServer } from '../support/testServer.js';

/** Counts what the engine asks of the session store. */
function countCalls(store: SessionStore) {
  const counts = { load: 0, write: 0, readLog: 0 };
  for (const method of Object.keys(counts) as (keyof typeof counts)[]) {
    const original = store[method].bind(store) as (...args: unknown[]) => Promise<unknown>;
    (store as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
      counts[method]++;
      return original(...args);
    };
  }
  return counts;
}

describe('the engine stays lean', () => {
  it('a step is one read and one atomic write; an SMS send adds the write that saves it in the outbox first', async () => {
    const server = await startTestServer({ store: 'memory' });
    try {
      const flow = new FusionAuthFlow(server.api);
      const counts = countCalls(server.numberflow.services.storage.sessions);
      const reset = () => Object.assign(counts, { load: 0, write: 0, readLog: 0 });
      const authToken = await flow.authToken();
      const session = await flow.openOk(authToken, '100001');
      // The endpoint-risk check runs before the session is first written: one write, no read.
      expect(counts).toEqual({ load: 0, write: 1, readLog: 0 });

      reset();
      await flow.sendOk(authToken, session.id, { type: 'SWITCH_TO_SMS' });
      expect(counts).toEqual({ load: 1, write: 1, readLog: 0 });

      reset();
      const sent = await flow.sendOk(authToken, session.id, { type: 'PHONE_NUMBER', phoneNumber: '13100000001' });
      expect(sent.nextAction.type).toBe('smsCode');
      // The event and the phone-risk result are saved with the SMS in the outbox before it goes out; then its result.
      expect(counts).toEqual({ load: 1, write: 2, readLog: 0 });

      reset();
      await flow.get(authToken, session.id);
      expect(counts).toEqual({ load: 1, write: 0, readLog: 0 });

      reset();
      const carrier = await flow.authToken();
      const oneClick = await flow.openOk(carrier, '100001');
      reset();
      const verified = await flow.sendOk(carrier, oneClick.id, { type: 'NUMBER_AUTH_TOKEN', accessToken: await flow.carrierToken('13100000002') });
      expect(verified.status).toBe('verified');
      // The exchange, phone risk, verify token and webhook check run first; the event and their results are one write.
      expect(counts).toEqual({ load: 1, write: 1, readLog: 0 });
    } finally {
      await server.close();
    }
  });
});
