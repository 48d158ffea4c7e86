import { randomInt } from 'node:crypto';
import type { KeyValueStore } from '../stores/keyValueStore.js';

/**
 * The codes a user sends by SMS (uplink) to prove a number. Each is indexed by the receiving
 * number so an inbound SMS finds its session without scanning.
 */
export class UplinkCodes {
  constructor(private readonly kv: KeyValueStore) {}

  async reserve(sessionId: string, receivingNumber: string, ttlMs: number): Promise<string> {
    for (;;) {
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      if (await this.kv.set(keyOf(receivingNumber, code), sessionId, { ttlMs, onlyIfAbsent: true })) return code;
    }
  }

  /** The session waiting for an SMS to `receivingNumber` whose text carries its code. */
  async sessionFor(receivingNumber: string, text: string): Promise<string | null> {
    for (const candidate of new Set(text.match(/\d{6}/g) ?? [])) {
      const sessionId = await this.kv.get(keyOf(receivingNumber, candidate));
      if (sessionId) return sessionId;
    }
    return null;
  }
}

const keyOf = (receivingNumber: string, code: string) => `uplink:${receivingNumber.replace(/^\+/, '')}:${code}`;
