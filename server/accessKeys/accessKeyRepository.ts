import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createSecretBox, type SecretBox } from '../crypto/secretBox.js';
import type { KeyValueStore } from '../stores/keyValueStore.js';

export interface AccessKey {
  id: string;
  enabled: boolean;
  description?: string;
  /** May manage schemes through the vendor-compatible endpoint (CreateSchemeConfig and friends), as a RAM policy would allow. */
  manageSchemes: boolean;
  createdAt: string;
}

interface StoredAccessKey extends AccessKey {
  /** The secret, AES-256-GCM encrypted: vendor-style request signatures need it back, so a hash would not do. */
  encryptedSecret: string;
}

const indexKey = 'access-keys';
const keyOf = (id: string) => `access-key:${id}`;

/** Access keys of app backends: `id:secret`, used with HTTP Basic (and for the vendor's request signatures). */
export class AccessKeyRepository {
  private readonly secretBox: SecretBox;

  constructor(
    private readonly kv: KeyValueStore,
    serverSecret: string,
    private readonly clock: () => number,
  ) {
    // The purpose string fixes the key: secrets stored before secretBox existed still open.
    this.secretBox = createSecretBox(serverSecret, 'access-key encryption');
  }

  async create(
    options: { id?: string; secret?: string; description?: string; manageSchemes?: boolean } = {},
  ): Promise<{ key: AccessKey; secret: string } | null> {
    const id = options.id ?? `NF${randomBytes(10).toString('hex').toUpperCase()}`;
    const secret = options.secret ?? randomBytes(24).toString('base64url');
    const key: AccessKey = {
      id,
      enabled: true,
      manageSchemes: options.manageSchemes ?? false,
      createdAt: new Date(this.clock()).toISOString(),
      ...(options.description ? { description: options.description } : {}),
    };
    const stored: StoredAccessKey = { ...key, encryptedSecret: this.secretBox.seal(secret) };
    if (!(await this.kv.set(keyOf(id), JSON.stringify(stored), { onlyIfAbsent: true }))) return null;
    await this.kv.addToSet(indexKey, id);
    return { key, secret };
  }

  async list(): Promise<AccessKey[]> {
    const ids = (await this.kv.setMembers(indexKey)).sort();
    const keys = await Promise.all(ids.map((id) => this.load(id)));
    return keys.filter((k): k is StoredAccessKey => k !== null).map(publicView);
  }

  /** The key if `secret` is its secret and it is enabled; compared in constant time. */
  async authenticate(id: string, secret: string): Promise<AccessKey | null> {
    const stored = await this.load(id);
    const expected = stored ? this.secretBox.open(stored.encryptedSecret) : randomBytes(24).toString('base64url');
    const matches = constantTimeEqual(expected, secret);
    return stored && stored.enabled && matches ? publicView(stored) : null;
  }

  /** A key and its secret, enabled or not, for checking a request signature made with it. */
  async signingKeyOf(id: string): Promise<{ key: AccessKey; secret: string } | null> {
    const stored = await this.load(id);
    return stored ? { key: publicView(stored), secret: this.secretBox.open(stored.encryptedSecret) } : null;
  }

  async get(id: string): Promise<AccessKey | null> {
    const stored = await this.load(id);
    return stored ? publicView(stored) : null;
  }

  async setEnabled(id: string, enabled: boolean): Promise<AccessKey | null> {
    for (;;) {
      const raw = await this.kv.get(keyOf(id));
      if (!raw) return null;
      const next = { ...(JSON.parse(raw) as StoredAccessKey), enabled };
      if (await this.kv.compareAndSwap(keyOf(id), raw, JSON.stringify(next))) return publicView(next);
    }
  }

  async delete(id: string): Promise<boolean> {
    const deleted = await this.kv.del(keyOf(id));
    await this.kv.removeFromSet(indexKey, id);
    return deleted;
  }

  private async load(id: string): Promise<StoredAccessKey | null> {
    const raw = await this.kv.get(keyOf(id));
    return raw ? (JSON.parse(raw) as StoredAccessKey) : null;
  }
}

function publicView({ encryptedSecret: _secret, ...key }: StoredAccessKey): AccessKey {
  // Keys stored before the permission existed have none.
  return { ...key, manageSchemes: key.manageSchemes ?? false };
}

export function constantTimeEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right) && a.length === b.length;
}
