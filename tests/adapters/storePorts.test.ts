import { describe, expectTypeOf, it } from 'vitest';
import type { SimulatorTokenStore } from '../../adapters/carrier/simulatorTokenStore.js';
import type { SmsCodeStateStore } from '../../adapters/sms/smsCodeStateStore.js';
import type { SmsOutboxStore } from '../../adapters/sms/smsOutboxStore.js';
import type { KeyValueStore } from '../../server/stores/keyValueStore.js';
import type { InMemoryAdapterStore } from './support/inMemoryAdapterStore.js';

// The adapters may not import the server, so their storage ports are separate interfaces;
// these checks (made by the type checker) keep them subsets of the server's store.
describe('adapter storage ports', () => {
  it('are satisfied by the server’s key-value store', () => {
    expectTypeOf<KeyValueStore>().toExtend<SimulatorTokenStore>();
    expectTypeOf<KeyValueStore>().toExtend<SmsOutboxStore>();
    expectTypeOf<KeyValueStore>().toExtend<SmsCodeStateStore>();
  });

  it('are satisfied by the test store', () => {
    expectTypeOf<InMemoryAdapterStore>().toExtend<SimulatorTokenStore>();
    expectTypeOf<InMemoryAdapterStore>().toExtend<SmsOutboxStore>();
    expectTypeOf<InMemoryAdapterStore>().toExtend<SmsCodeStateStore>();
  });
});
