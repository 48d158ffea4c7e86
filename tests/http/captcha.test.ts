import { describe, expect, it } from 'vitest';
import { solveAltchaChallenge } from '../../adapters/captcha/solveAltchaChallenge.js';
import { defaultPolicy } from '../../machines/index.js';
import { androidScheme } from '../support/fusionAuthFlow.js';
import { useTestServer } from '../support/useTestServer.js';

const scheme = { ...androidScheme, code: 'FA900000000200001', name: 'captcha policy' };
const riskyDevice = { emulator: true, hooked: true };

const ctx = useTestServer({}, async () => {
  await ctx.server.api.post('/v1/admin/schemes', scheme, 'admin');
  const policy = defaultPolicy('100001');
  policy.nodes.captcha = { enabled: true, difficulty: 'easy', maxTries: 2 };
  policy.nodes.endpointRisk.onRisk = 'captcha';
  await ctx.server.numberflow.services.policies.setSchemePolicy(scheme.code, policy, '100001');
});

describe('CAPTCHA node: a risky device must solve a proof-of-work challenge bound to its session', () => {
  it('a solved challenge lets the session go on to one-click; the same solution does not open another session', async () => {
    const authToken = await ctx.flow.authToken(scheme);
    const session = await ctx.flow.openOk(authToken, '100001', riskyDevice);
    expect(session.nextAction.type).toBe('captcha');
    const solution = await solveAltchaChallenge(session.nextAction.challenge);

    const passed = await ctx.flow.sendOk(authToken, session.id, { type: 'CAPTCHA_SOLUTION', solution });
    expect(passed.nextAction.type).toBe('numberAuth');
    // Single use: the session has moved on and no longer takes a solution.
    expect((await ctx.flow.send(authToken, session.id, { type: 'CAPTCHA_SOLUTION', solution })).status).toBe(409);

    const other = await ctx.flow.openOk(authToken, '100001', riskyDevice);
    const replayed = await ctx.flow.sendOk(authToken, other.id, { type: 'CAPTCHA_SOLUTION', solution });
    expect(replayed.nextAction.type).toBe('captcha');
    expect(replayed.nextAction.challenge).not.toEqual(other.nextAction.challenge); // a fresh challenge after a failure
  });

  it('too many wrong answers fail the session', async () => {
    const authToken = await ctx.flow.authToken(scheme);
    const session = await ctx.flow.openOk(authToken, '100001', riskyDevice);
    await ctx.flow.sendOk(authToken, session.id, { type: 'CAPTCHA_SOLUTION', solution: 'bm90IGEgc29sdXRpb24=' });
    const second = await ctx.flow.sendOk(authToken, session.id, { type: 'CAPTCHA_SOLUTION', solution: { number: 1 } });
    expect(second).toMatchObject({ status: 'failed', failureReason: 'captcha_failed' });
  });

  it('a safe device skips the CAPTCHA', async () => {
    const authToken = await ctx.flow.authToken(scheme);
    const session = await ctx.flow.openOk(authToken, '100001', { emulator: false });
    expect(session.nextAction.type).toBe('numberAuth');
  });
});
