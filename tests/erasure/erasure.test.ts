import { describe, expect, it } from 'vitest';
import { androidScheme } from '../support/fusionAuthFlow.js';
import { useTestServer, type TestServerContext } from '../support/useTestServer.js';

/** Erasure on the real Redis store (the default) and on the embedded memory store. */
for (const store of ['redis', 'memory'] as const) {
  describe(`erasing a phone number (${store})`, () => {
    const ctx = useTestServer({ store });
    it('deletes its sessions, codes, counters and list entries, keeps another number, and is audited with the number masked', async () => {
      const erased = '13900800001';
      const kept = '13900800002';
      const verifiedBySms = async (ctx: TestServerContext, phoneNumber: string) => {
        const authToken = await ctx.flow.authToken();
        const session = await ctx.flow.openOk(authToken, '100001');
        await ctx.flow.sendOk(authToken, session.id, { type: 'SWITCH_TO_SMS' });
        await ctx.flow.sendOk(authToken, session.id, { type: 'PHONE_NUMBER', phoneNumber });
        await ctx.flow.sendOk(authToken, session.id, { type: 'SMS_CODE', code: await ctx.flow.latestSmsCode(phoneNumber) });
        return session.id as string;
      };
      const erasedSession = await verifiedBySms(ctx, erased);
      const keptSession = await verifiedBySms(ctx, kept);
      const lists = `/v1/admin/schemes/${androidScheme.code}/phone-lists`;
      expect((await ctx.server.api.request('PUT', lists, { body: { deny: [erased, kept, '170'], allow: [] }, auth: 'admin' })).status).toBe(200);
      const kv = ctx.server.numberflow.services.storage.kv;
      expect(await kv.keysContaining(erased)).not.toEqual([]);

      const answer = await ctx.server.api.post('/v1/admin/erasures', { phoneNumber: `+86 ${erased}` }, 'admin');
      expect(answer.status).toBe(200);
      expect(answer.body.phoneNumber).toBe('139****0001');
      expect(answer.body.erased).toMatchObject({ sessions: 1, listEntries: 1 });
      expect(answer.body.erased.keys).toBeGreaterThan(0);

      expect((await ctx.server.api.get(`/v1/admin/sessions/${erasedSession}`, 'admin')).status).toBe(404);
      expect((await ctx.server.api.get(`/v1/admin/sessions/${erasedSession}/trace`, 'admin')).status).toBe(404);
      expect(await kv.keysContaining(erased)).toEqual([]);
      expect(await ctx.flow.smsMessages(erased)).toEqual([]);
      expect((await ctx.server.api.get(lists, 'admin')).body).toMatchObject({ deny: ['13900800002', '170'] });
      // The other number is untouched.
      expect((await ctx.server.api.get(`/v1/admin/sessions/${keptSession}`, 'admin')).status).toBe(200);
      expect(await ctx.flow.smsMessages(kept)).not.toEqual([]);

      const audit = await ctx.server.api.get('/v1/admin/audit?action=erasure', 'admin');
      expect(audit.body.entries).toEqual([expect.objectContaining({ actor: 'admin', target: 'phone number 139****0001', before: answer.body.erased })]);
      expect(JSON.stringify(audit.body)).not.toContain(erased);
      // A second erasure finds nothing more.
      expect((await ctx.server.api.post('/v1/admin/erasures', { phoneNumber: erased }, 'admin')).body.erased).toEqual({ sessions: 0, keys: 0, listEntries: 0 });
      expect((await ctx.server.api.post('/v1/admin/erasures', { phoneNumber: 'nope' }, 'admin')).status).toBe(400);
    });
  });
}
