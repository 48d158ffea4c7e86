import { randomBytes } from 'node:crypto';
import { createSecretBox, type SecretBox } from '../crypto/secretBox.js';
import { RecentReads } from '../stores/recentReads.js';
import type { KeyValueStore } from '../stores/keyValueStore.js';
import type { WebhookEventType } from './webhookEvent.js';

/** A scheme's webhook as the operator sees it: never the secret. */
export interface Webhook {
  schemeCode: string;
  url: string;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
  /** While a rotated-out secret still signs deliveries (next to the new one): until when. */
  previousSecretExpiresAt?: string;
}

interface StoredWebhook extends Webhook {
  /** The signing secret, sealed with secretBox: signing needs it back. */
  sealedSecret: string;
  sealedPreviousSecret?: string;
}

/** One delivery attempt, as the admin API shows it. */
export interface WebhookAttempt {
  eventId: string;
  type: WebhookEventType;
  /** 1 for the first attempt. */
  attempt: number;
  ok: boolean;
  /** The receiver's status, when it answered. */
  httpStatus?: number;
  /** Why it failed: `HTTP 500`, `timeout after 5000 ms`, a network error. */
  error?: string;
  durationMs: number;
  /** ISO 8601. */
  at: string;
  /** A failed attempt the job runner will not retry. */
  final?: boolean;
}

export interface WebhookRegistration {
  url: string;
  /** A secret of the operator's choosing; otherwise one is generated (new webhook or `rotateSecret`). */
  secret?: string;
  /** Replace the secret of an existing webhook with a generated one. */
  rotateSecret?: boolean;
  /** Default true. */
  enabled?: boolean;
}

export interface WebhookRepositoryOptions {
  /** How long a replaced secret keeps signing next to the new one. Default 24 h. */
  rotationGraceMs?: number;
  /** Attempts kept per scheme. Default 50. */
  historyLength?: number;
  /** The history expires this long after its last attempt. Default 30 days. */
  historyTtlMs?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const webhookKey = (schemeCode: string) => `webhook:${schemeCode}`;
const attemptsKey = (schemeCode: string) => `webhook-attempts:${schemeCode}`;

/** A new signing secret: 32 random bytes, base64url. */
export const generateWebhookSecret = () => randomBytes(32).toString('base64url');

/** One webhook URL per scheme, its signing secret (encrypted at rest) and its recent delivery attempts. */
export class WebhookRepository {
  private readonly secretBox: SecretBox;
  private readonly rotationGraceMs: number;
  private readonly historyLength: number;
  private readonly historyTtlMs: number;

  private readonly recentTargets = new RecentReads<boolean>();

  constructor(
    private readonly kv: KeyValueStore,
    serverSecret: string,
    private readonly clock: () => number,
    options: WebhookRepositoryOptions = {},
  ) {
    this.secretBox = createSecretBox(serverSecret, 'webhook-secret encryption');
    this.rotationGraceMs = options.rotationGraceMs ?? DAY_MS;
    this.historyLength = options.historyLength ?? 50;
    this.historyTtlMs = options.historyTtlMs ?? 30 * DAY_MS;
  }

  /**
   * Creates or replaces the scheme's webhook. The secret is returned only when it is new
   * (generated or given): that is the one time anyone sees it. Replacing the secret of an
   * existing webhook keeps the old one signing too for the rotation grace period.
   */
  async register(schemeCode: string, registration: WebhookRegistration): Promise<{ webhook: Webhook; secret?: string }> {
    for (;;) {
      const raw = await this.kv.get(webhookKey(schemeCode));
      const current = raw ? (JSON.parse(raw) as StoredWebhook) : null;
      const now = this.clock();
      const at = new Date(now).toISOString();
      const newSecret = registration.secret ?? (!current || registration.rotateSecret ? generateWebhookSecret() : undefined);
      const next: StoredWebhook = {
        schemeCode,
        url: registration.url,
        enabled: registration.enabled ?? true,
        createdAt: current?.createdAt ?? at,
        updatedAt: at,
        sealedSecret: current?.sealedSecret ?? '',
      };
      if (current) this.keepLivePreviousSecret(current, next, now);
      if (newSecret !== undefined) {
        const currentSecret = current ? this.secretBox.open(current.sealedSecret) : null;
        if (newSecret !== currentSecret) {
          next.sealedSecret = this.secretBox.seal(newSecret);
          if (current && currentSecret !== null) {
            next.sealedPreviousSecret = current.sealedSecret;
            next.previousSecretExpiresAt = new Date(now + this.rotationGraceMs).toISOString();
          }
        }
      }
      if (await this.kv.compareAndSwap(webhookKey(schemeCode), raw, JSON.stringify(next))) {
        this.recentTargets.forget(schemeCode);
        return { webhook: publicView(next, now), ...(newSecret !== undefined ? { secret: newSecret } : {}) };
      }
    }
  }

  async get(schemeCode: string): Promise<Webhook | null> {
    const stored = await this.load(schemeCode);
    return stored ? publicView(stored, this.clock()) : null;
  }

  /** The current signing secret, or null without a webhook. */
  async secretOf(schemeCode: string): Promise<string | null> {
    const stored = await this.load(schemeCode);
    return stored ? this.secretBox.open(stored.sealedSecret) : null;
  }

  /** The secrets a delivery is signed with: the current one, then a rotated-out one still in its grace period. */
  async signingSecrets(schemeCode: string): Promise<string[]> {
    const stored = await this.load(schemeCode);
    return stored ? this.secretsOf(stored) : [];
  }

  /** Where and with which secrets to send, in one read; null without an enabled webhook. */
  /** Whether the scheme has an enabled webhook, as read within the last second: every finished session asks. */
  hasDeliveryTarget(schemeCode: string): Promise<boolean> {
    return this.recentTargets.get(schemeCode, async () => (await this.load(schemeCode))?.enabled === true);
  }

  async deliveryTarget(schemeCode: string): Promise<{ url: string; secrets: string[] } | null> {
    const stored = await this.load(schemeCode);
    return stored && stored.enabled ? { url: stored.url, secrets: this.secretsOf(stored) } : null;
  }

  async setEnabled(schemeCode: string, enabled: boolean): Promise<Webhook | null> {
    for (;;) {
      const raw = await this.kv.get(webhookKey(schemeCode));
      if (!raw) return null;
      const next: StoredWebhook = { ...(JSON.parse(raw) as StoredWebhook), enabled, updatedAt: new Date(this.clock()).toISOString() };
      if (await this.kv.compareAndSwap(webhookKey(schemeCode), raw, JSON.stringify(next))) {
        this.recentTargets.forget(schemeCode);
        return publicView(next, this.clock());
      }
    }
  }

  /** Removes the webhook and its delivery history; false if there was none. */
  async remove(schemeCode: string): Promise<boolean> {
    const removed = await this.kv.del(webhookKey(schemeCode));
    this.recentTargets.forget(schemeCode);
    await this.kv.del(attemptsKey(schemeCode));
    return removed;
  }

  async recordAttempt(schemeCode: string, attempt: WebhookAttempt): Promise<void> {
    await this.kv.appendCapped(attemptsKey(schemeCode), JSON.stringify(attempt), this.historyLength, this.historyTtlMs);
  }

  /** The most recent attempts, newest first. */
  async attempts(schemeCode: string): Promise<WebhookAttempt[]> {
    const entries = await this.kv.listRange(attemptsKey(schemeCode));
    return entries.map((entry) => JSON.parse(entry) as WebhookAttempt).reverse();
  }

  private async load(schemeCode: string): Promise<StoredWebhook | null> {
    const raw = await this.kv.get(webhookKey(schemeCode));
    return raw ? (JSON.parse(raw) as StoredWebhook) : null;
  }

  private secretsOf(stored: StoredWebhook): string[] {
    const secrets = [this.secretBox.open(stored.sealedSecret)];
    if (stored.sealedPreviousSecret && isLive(stored.previousSecretExpiresAt, this.clock())) secrets.push(this.secretBox.open(stored.sealedPreviousSecret));
    return secrets;
  }

  private keepLivePreviousSecret(current: StoredWebhook, next: StoredWebhook, now: number): void {
    if (current.sealedPreviousSecret && current.previousSecretExpiresAt && isLive(current.previousSecretExpiresAt, now)) {
      next.sealedPreviousSecret = current.sealedPreviousSecret;
      next.previousSecretExpiresAt = current.previousSecretExpiresAt;
    }
  }
}

const isLive = (expiresAt: string | undefined, now: number) => expiresAt !== undefined && Date.parse(expiresAt) > now;

function publicView(stored: StoredWebhook, now: number): Webhook {
  const { sealedSecret: _secret, sealedPreviousSecret: _previous, previousSecretExpiresAt, ...webhook } = stored;
  return previousSecretExpiresAt && isLive(previousSecretExpiresAt, now) ? { ...webhook, previousSecretExpiresAt } : webhook;
}
