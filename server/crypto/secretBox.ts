import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Encrypts small secrets at rest (access-key secrets, webhook signing secrets) that the server
 * must read back, so a hash would not do. AES-256-GCM with a random 96-bit IV; the key is
 * SHA-256 of `numberflow <purpose>\0<server secret>`, so each purpose has its own key and
 * a value sealed for one purpose does not open under another.
 *
 * Stored format: `<iv>.<tag>.<ciphertext>`, each part base64url.
 */
export interface SecretBox {
  seal(plaintext: string): string;
  /** Throws if the value was not sealed by this box (wrong key, purpose or a tampered value). */
  open(sealed: string): string;
}

export function deriveSecretBoxKey(serverSecret: string, purpose: string): Buffer {
  return createHash('sha256').update(`numberflow ${purpose}\0${serverSecret}`).digest();
}

export function createSecretBox(serverSecret: string, purpose: string): SecretBox {
  const key = deriveSecretBoxKey(serverSecret, purpose);
  return {
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url')).join('.');
    },
    open(sealed) {
      const parts = sealed.split('.');
      if (parts.length !== 3) throw new Error('not a sealed secret');
      const [iv, tag, body] = parts.map((part) => Buffer.from(part, 'base64url')) as [Buffer, Buffer, Buffer];
      if (iv.length !== 12 || tag.length !== 16) throw new Error('not a sealed secret');
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    },
  };
}
