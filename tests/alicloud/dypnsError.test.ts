import { ClientError, ServerError, ThrottlingError } from '@alicloud/openapi-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AlicloudCarrierGateway } from '../../adapters/alicloud/alicloudCarrierGateway.js';
import { createDypnsClient } from '../../adapters/alicloud/dypnsClient.js';
import { carrierErrorFromBody, toCarrierError } from '../../adapters/alicloud/dypnsError.js';
import { CarrierError } from '../../adapters/carrier/carrierGateway.js';
import { startDypnsEmulator, type DypnsEmulator } from '../emulator/dypnsEmulator.js';

describe('dypnsError', () => {
  it('maps 200 body codes by vendor code', () => {
    expect(carrierErrorFromBody('VerifyMobile', { code: 'isv.CARRIER_NOT_MATCH', message: 'm' })).toMatchObject({
      kind: 'mismatch',
      providerCode: 'isv.CARRIER_NOT_MATCH',
    });
    expect(carrierErrorFromBody('VerifyMobile', { code: 'isv.PARAMETERS_MISMATCH' })).toMatchObject({ kind: 'mismatch' });
    expect(carrierErrorFromBody('GetMobile', { code: 'isv.TOKEN_UNAUTHORIZED_USED' })).toMatchObject({ kind: 'invalid' });
    expect(carrierErrorFromBody('GetMobile', { code: 'isv.OUT_OF_SERVICE' })).toMatchObject({ kind: 'error', providerCode: 'isv.OUT_OF_SERVICE' });
    expect(carrierErrorFromBody('GetMobile', undefined)).toMatchObject({ kind: 'error', providerCode: 'MissingCode' });
  });

  it('maps SDK exceptions', () => {
    const timeout = Object.assign(new Error('ConnectTimeout: Connect http://x failed.'), { name: 'RequestTimeoutError' });
    expect(toCarrierError('GetMobile', timeout)).toMatchObject({ kind: 'timeout' });
    expect(toCarrierError('GetMobile', new SyntaxError('Unexpected token <'))).toMatchObject({ kind: 'error', providerCode: 'MalformedResponse' });
    expect(toCarrierError('GetMobile', new ClientError({ code: 'isv.TOKEN_INVALID', statusCode: 400, message: 'x' }))).toMatchObject({ kind: 'invalid' });
    expect(toCarrierError('GetMobile', new ClientError({ code: 'MissingAccessToken', statusCode: 400, message: 'x' }))).toMatchObject({
      kind: 'error',
      providerCode: 'MissingAccessToken',
    });
    expect(toCarrierError('GetMobile', new ThrottlingError({ code: 'Throttling.User', statusCode: 400, message: 'x' }))).toMatchObject({ kind: 'error' });
    expect(toCarrierError('GetMobile', new ServerError({ code: 'SystemError', statusCode: 500, message: 'x' }))).toMatchObject({ kind: 'error' });
    const passed = new CarrierError('mismatch', 'm', 'c');
    expect(toCarrierError('GetMobile', passed)).toBe(passed);
  });
});

describe('createDypnsClient with the default credential chain', () => {
  const AK = { accessKeyId: 'LTAI-env-key', accessKeySecret: 'env-secret' };
  let emu: DypnsEmulator;
  beforeAll(async () => {
    emu = await startDypnsEmulator({ credentials: [AK] });
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await emu.close();
  });

  it('signs with ALIBABA_CLOUD_ACCESS_KEY_ID/_SECRET when no keys are given', async () => {
    vi.stubEnv('ALIBABA_CLOUD_ACCESS_KEY_ID', AK.accessKeyId);
    vi.stubEnv('ALIBABA_CLOUD_ACCESS_KEY_SECRET', AK.accessKeySecret);
    const client = createDypnsClient({ endpoint: emu.endpoint, protocol: 'http', connectTimeoutMs: 3000, readTimeoutMs: 3000 });
    const token = emu.issueCarrierToken({ phoneNumber: '13900004321', purpose: 'login' });
    expect((await new AlicloudCarrierGateway(client).getMobile(token, { signal: new AbortController().signal })).phoneNumber).toBe('13900004321');
    expect(emu.requests.at(-1)?.accessKeyId).toBe(AK.accessKeyId);
  });
});
