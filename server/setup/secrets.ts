import { randomBytes } from 'node:crypto';
import type { KeyValueStore } from '../stores/keyValueStore.js';

/**
 * A secret from the configuration, or else one generated once and kept in the store, so
 * that every process on the same Redis (and every restart) uses the same one.
 * `generated` is true only for the process that created it: that one prints it.
 */
export async function configuredOrStoredSecret(
  kv: KeyValueStore,
  name: string,
  configured: string | undefined,
  bytes = 32,
): Promise<{ value: string; generated: boolean }> {
  if (configured) return { value: configured, generated: false };
  const candidate = randomBytes(bytes).toString('base64url');
  const created = await kv.set(`secrets:${name}`, candidate, { onlyIfAbsent: true });
  if (created) return { value: candidate, generated: true };
  const stored = await kv.get(`secrets:${name}`);
  if (!stored) throw new Error(`secret ${name} vanished from the store`);
  return { value: stored, generated: false };
}
