import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CamaraCarrierGateway } from '../../adapters/camara/camaraCarrierGateway.js';
import { ClientCredentialsTokens } from '../../adapters/camara/camaraClientCredentials.js';
import { CamaraSimSwap } from '../../adapters/camara/camaraSimSwap.js';
import { CarrierError } from '../../adapters/carrier/carrierGateway.js';
import { numberVerificationScopes as nv, startCamaraEmulator, type CamaraEmulator } from '../emulator/camaraEmulator.js';

/** The outward CAMARA adapters against the emulator: each answer of the operator becomes the port's outcome. */
const consumer = { clientId: 'adapter-consumer', clientSecret: 'adapter-consumer-secret' };
let emulator: CamaraEmulator;
let gateway: CamaraCarrierGateway;

beforeAll(async () => {
  emulator = await startCamaraEmulator({ clients: [consumer], requestsPerTokenPerMinute: 3 });
  emulator.addSubscriber({ phoneNumber: '+8613812345678', activatedAt: Date.now() - 86_400_000 * 400 });
  emulator.addSubscriber({ phoneNumber: '+447700900123', activatedAt: Date.now() - 3_600_000 });
  gateway = new CamaraCarrierGateway({ apiRoot: `${emulator.apiRoot}/` });
});
afterAll(() => emulator.close());

const live = () => ({ signal: AbortSignal.timeout(2000), outId: 'out-1' });

async function failure(call: Promise<unknown>): Promise<{ kind: string; providerCode?: string }> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CarrierError);
  return { kind: (error as CarrierError).kind, ...((error as CarrierError).providerCode ? { providerCode: (error as CarrierError).providerCode } : {}) };
}

describe('CamaraCarrierGateway', () => {
  it('reads a mainland number in numberflow form and keeps another country in E.164; sends x-correlator from the outId', async () => {
    expect(await gateway.getMobile(emulator.issueAccessToken({ phoneNumber: '+8613812345678', scopes: [nv.share] }), live())).toEqual({
      phoneNumber: '13812345678',
    });
    expect(await gateway.getMobile(emulator.issueAccessToken({ phoneNumber: '+447700900123', scopes: [nv.share] }), live())).toEqual({
      phoneNumber: '+447700900123',
    });
    expect(emulator.calls.at(-1)).toMatchObject({ correlator: 'out-1', status: 200 });
  });

  it('verifies a national number as E.164 at the operator: PASS or REJECT', async () => {
    const token = emulator.issueAccessToken({ phoneNumber: '+8613812345678', scopes: [nv.verify] });
    expect(await gateway.verifyMobile(token, '13812345678', live())).toEqual({ verifyResult: 'PASS' });
    expect(await gateway.verifyMobile(token, '13912345678', live())).toEqual({ verifyResult: 'REJECT' });
  });

  it('401 and 403 make the token invalid; 429 is an operator error; an abandoned call is a timeout', async () => {
    expect(await failure(gateway.getMobile('unknown-token', live()))).toEqual({ kind: 'invalid', providerCode: 'UNAUTHENTICATED' });
    const noScope = emulator.issueAccessToken({ phoneNumber: '+8613812345678', scopes: [nv.verify] });
    expect(await failure(gateway.getMobile(noScope, live()))).toEqual({ kind: 'invalid', providerCode: 'PERMISSION_DENIED' });
    const bySms = emulator.issueAccessToken({ phoneNumber: '+8613812345678', scopes: [nv.share], authenticatedBy: 'sms' });
    expect(await failure(gateway.getMobile(bySms, live()))).toEqual({
      kind: 'invalid',
      providerCode: 'NUMBER_VERIFICATION.USER_NOT_AUTHENTICATED_BY_MOBILE_NETWORK',
    });
    const busy = emulator.issueAccessToken({ phoneNumber: '+8613812345678', scopes: [nv.share] });
    for (let i = 0; i < 3; i++) await gateway.getMobile(busy, live());
    expect(await failure(gateway.getMobile(busy, live()))).toEqual({ kind: 'error', providerCode: 'TOO_MANY_REQUESTS' });
    expect(await failure(gateway.getMobile(busy, { signal: AbortSignal.abort() }))).toEqual({ kind: 'timeout', providerCode: 'ABORTED' });
  });

  it('an unreachable operator is an error', async () => {
    const nowhere = new CamaraCarrierGateway({ apiRoot: 'http://127.0.0.1:9' });
    expect((await failure(nowhere.getMobile('t', live()))).kind).toBe('error');
  });
});

describe('CamaraSimSwap', () => {
  const simSwap = (clientSecret: string) =>
    new CamaraSimSwap({
      apiRoot: emulator.apiRoot,
      tokens: new ClientCredentialsTokens({ tokenUrl: emulator.tokenUrl, clientId: consumer.clientId, clientSecret, scope: 'sim-swap:check' }),
      timeoutMs: 2000,
    });

  it('answers from the operator with a two-legged token fetched once', async () => {
    const check = simSwap(consumer.clientSecret);
    const before = emulator.calls.filter((c) => c.path === '/oauth2/token').length;
    expect(await check.swappedWithin('13812345678', 24)).toEqual({ swapped: false });
    expect(await check.swappedWithin('+447700900123', 24)).toEqual({ swapped: true });
    expect(emulator.calls.filter((c) => c.path === '/oauth2/token').length).toBe(before + 1);
  });

  it('says why it could not answer: a refused client, an unknown number, an unreachable operator', async () => {
    expect(await simSwap('wrong').swappedWithin('13812345678', 24)).toEqual({ unavailable: '401 TOKEN_REFUSED' });
    expect(await simSwap(consumer.clientSecret).swappedWithin('13000000000', 24)).toEqual({ unavailable: '404 IDENTIFIER_NOT_FOUND' });
    const nowhere = new CamaraSimSwap({
      apiRoot: 'http://127.0.0.1:9',
      tokens: new ClientCredentialsTokens({ tokenUrl: 'http://127.0.0.1:9/token', clientId: 'x', clientSecret: 'y', scope: 'sim-swap:check' }),
      timeoutMs: 2000,
    });
    expect(await nowhere.swappedWithin('13812345678', 24)).toEqual({ unavailable: '0 UNREACHABLE' });
  });
});
