import { describe, expect, it } from 'vitest';
import type { SessionStore } from '../../server/stores/sessionStore.js';
import { FusionAuthFlow } from '../support/fusionAuthFlow.js';
import { startTestServer } from '../support/testServer.js';

/** Counts what the engine asks of the session store. */
function countCalls(store: SessionStore) {
  const counts = { load: 0, compareAndSet: 0, create: 0, readLog: 0 };
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
  it('every step costs one read and one atomic write: the request’s own step, and each job that feeds a result back', async () => {
    // The in-process job runner signals completions, so a waiting request never reads again.
    const server = await startTestServer({ store: 'memory' });
    try {
      const flow = new FusionAuthFlow(server.api);
      const counts = countCalls(server.numberflow.services.storage.sessions);
      const authToken = await flow.authToken();
      const session = await flow.openOk(authToken, '100001');
      // create; then the endpoint-risk job: one read, one write
      expect(counts).toEqual({ load: 1, create: 1, compareAndSet: 1, readLog: 0 });

      Object.assign(counts, { load: 0, create: 0, compareAndSet: 0 });
      await flow.sendOk(authToken, session.id, { type: 'SWITCH_TO_SMS' });
      expect(counts).toEqual({ load: 1, create: 0, compareAndSet: 1, readLog: 0 });

      Object.assign(counts, { load: 0, compareAndSet: 0 });
      await flow.sendOk(authToken, session.id, { type: 'PHONE_NUMBER', phoneNumber: '13100000001' });
      // the event; the phone-risk job; the SMS job: three steps
      expect(counts).toEqual({ load: 3, create: 0, compareAndSet: 3, readLog: 0 });

      Object.assign(counts, { load: 0, compareAndSet: 0 });
      await flow.get(authToken, session.id);
      expect(counts).toEqual({ load: 1, create: 0, compareAndSet: 0, readLog: 0 });
    } finally {
      await server.close();
    }
  });
});
