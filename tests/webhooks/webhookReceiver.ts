import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookEvent } from '../../server/webhooks/webhookEvent.js';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, verifyWebhookSignature } from '../../server/webhooks/webhookSignature.js';

/** What the receiver did with one request. */
export interface ReceivedRequest {
  /** The raw headers and body, so a test can replay the request byte for byte. */
  headers: Record<string, string>;
  body: string;
  status: number | null;
  outcome: 'accepted' | 'duplicate' | 'rejected' | 'failed' | 'hung';
  /** Why it was rejected: the signature check's reason, or `event-id` / `body` for a bad event. */
  reason?: 'malformed' | 'stale' | 'mismatch' | 'event-id' | 'body';
  eventId?: string;
}

export interface WebhookReceiverOptions {
  /** The scheme's webhook secret; several while a rotation is under way. */
  secret: string | readonly string[];
  toleranceSeconds?: number;
  /** The receiver's clock (epoch ms); pass the server's test clock to cross the replay window. */
  now?: () => number;
  /** Default `/webhook`. */
  path?: string;
}

export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>/webhook` */
  readonly url: string;
  /** Verified events, each id once, in arrival order. */
  readonly events: WebhookEvent[];
  /** Every request, in arrival order. */
  readonly requests: ReceivedRequest[];
  /** Answer the next `count` valid, new events with `status` (default 500) without accepting them: a failing backend. */
  failNext(count: number, status?: number): void;
  /** From now on never answer (until `respondNormally`): a backend that hangs. */
  hang(): void;
  respondNormally(): void;
  /** Resolves with the events once `count` have been accepted; rejects after `timeoutMs`. */
  waitForEvents(count: number, timeoutMs?: number): Promise<WebhookEvent[]>;
  /** Sends a recorded request again, as an attacker replaying it would; resolves with the status. */
  replay(request: ReceivedRequest): Promise<number>;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

/**
 * A tiny app backend for tests: verifies `Numberflow-Signature` over the raw body with
 * `verifyWebhookSignature` exactly as a real receiver should, answers a tampered, stale
 * (replayed) or malformed request with 400, acknowledges a duplicate event id with 200
 * without accepting it again, and accepts the rest with 200.
 */
export async function startWebhookReceiver(options: WebhookReceiverOptions): Promise<WebhookReceiver> {
  const now = options.now ?? Date.now;
  const path = options.path ?? '/webhook';
  const events: WebhookEvent[] = [];
  const requests: ReceivedRequest[] = [];
  const seen = new Set<string>();
  const waiters = new Set<() => void>();
  let failures: { count: number; status: number } = { count: 0, status: 500 };
  let hanging = false;

  const notify = () => waiters.forEach((waiter) => waiter());

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const raw = await readBody(req);
    const body = raw?.toString('utf8') ?? null;
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]));
    const record: ReceivedRequest = { headers, body: body ?? '', status: null, outcome: 'rejected' };
    requests.push(record);
    const answer = (status: number, outcome: ReceivedRequest['outcome'], payload: unknown, reason?: ReceivedRequest['reason']) => {
      Object.assign(record, { status, outcome }, reason ? { reason } : {});
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
      notify();
    };

    if (hanging) {
      record.outcome = 'hung';
      return; // never answered; close() drops the connection
    }
    if (req.method !== 'POST' || req.url !== path) return answer(404, 'rejected', { error: 'not found' });
    if (raw === null || body === null) return answer(413, 'rejected', { error: 'too large' });

    const verification = verifyWebhookSignature({
      header: req.headers[SIGNATURE_HEADER.toLowerCase()],
      body: raw, // the bytes as received, not a re-serialization
      secret: options.secret,
      nowSeconds: Math.floor(now() / 1000),
      ...(options.toleranceSeconds !== undefined ? { toleranceSeconds: options.toleranceSeconds } : {}),
    });
    if (!verification.ok) return answer(400, 'rejected', { error: verification.reason }, verification.reason);

    // Only now, with the signature checked, is the body trusted enough to parse.
    let event: WebhookEvent;
    try {
      event = JSON.parse(body) as WebhookEvent;
    } catch {
      return answer(400, 'rejected', { error: 'body' }, 'body');
    }
    if (typeof event?.id !== 'string') return answer(400, 'rejected', { error: 'body' }, 'body');
    record.eventId = event.id;
    if (req.headers[EVENT_ID_HEADER.toLowerCase()] !== event.id) return answer(400, 'rejected', { error: 'event-id' }, 'event-id');

    if (seen.has(event.id)) return answer(200, 'duplicate', { received: true, duplicate: true });
    if (failures.count > 0) {
      failures.count--;
      return answer(failures.status, 'failed', { error: 'failing on purpose' });
    }
    seen.add(event.id);
    events.push(event);
    answer(200, 'accepted', { received: true });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}${path}`;

  return {
    url,
    events,
    requests,
    failNext(count, status = 500) {
      failures = { count, status };
    },
    hang() {
      hanging = true;
    },
    respondNormally() {
      hanging = false;
      failures = { count: 0, status: 500 };
    },
    waitForEvents(count, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (events.length < count) return;
          cleanup();
          resolve([...events]);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`expected ${count} webhook events within ${timeoutMs} ms, got ${events.length}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async replay(request) {
      const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => !['host', 'content-length', 'connection'].includes(name)));
      const response = await fetch(url, { method: 'POST', headers, body: request.body });
      await response.body?.cancel();
      return response.status;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The raw body as received (the signature covers these exact bytes); null if it is too large. */
async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
