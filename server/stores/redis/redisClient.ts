import { Cluster, Redis } from 'ioredis';

/** A connection to one Redis server or to a Redis Cluster; the stores use only what both offer. */
export type RedisConnection = Redis | Cluster;

export interface RedisClientOptions {
  /**
   * Called with connection errors (refused, reset, timeouts). Without a listener ioredis would
   * report them as unhandled; the client keeps reconnecting either way.
   */
  onError?: (error: Error) => void;
  /**
   * For BullMQ workers and queue-event listeners: their blocking commands must wait as long as
   * needed and be retried across reconnects (BullMQ requires maxRetriesPerRequest null).
   */
  blocking?: boolean;
  /**
   * Batches the commands of one tick into one write (ioredis' auto-pipelining); on unless
   * blocking. Batches to one server go one after another, so while Redis is frozen a command can
   * wait behind a batch that is timing out; off, its timeout runs from the moment it is made.
   */
  autoPipelining?: boolean;
  /** A command without an answer fails after this long (default `redisTimings.commandTimeoutMs`). */
  commandTimeoutMs?: number;
}

/**
 * While Redis is away every request must fail fast (503 within about a second) and the client
 * must keep reconnecting on its own. The stores also give each call the same deadline from the
 * moment it is made (see createRedisStorage), which also covers time spent queued.
 */
export const redisTimings = {
  /**
   * A store call without an answer for this long fails as unavailable (503), not counting time this
   * process was too busy to read the answer; calls made while the whole store has been silent this
   * long fail at once (see `reportingUnavailability`).
   */
  answerWithinMs: 1_000,
  /** A command without an answer fails after this long however busy this process is. */
  commandTimeoutMs: 10_000,
  /** A job hand-over gives up after this long (the outbox keeps the work, the sweeper hands it over later). */
  jobHandOverTimeoutMs: 1_000,
  /** A TCP connect that does not complete fails after this long, and the client tries again. */
  connectTimeoutMs: 1_000,
  /** Reconnect attempts: after 50 ms, doubling, at most this far apart (plus up to 100 ms jitter), so service resumes within about a second of Redis coming back. */
  maxReconnectDelayMs: 1_000,
} as const;

/**
 * Commands queued while the client reconnects fail at the first failed attempt rather than
 * waiting through several, so retries never stack up inside one request.
 */
const MAX_RETRIES_PER_REQUEST = 0;

/** The wait before reconnect attempt `attempt` (1-based). */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(50 * 2 ** Math.min(attempt - 1, 10), redisTimings.maxReconnectDelayMs) + Math.floor(Math.random() * 100);
}

/**
 * Connects to `redis://[user:password@]host:port[/db]` (or `rediss://` for TLS), or, given several
 * comma-separated URLs, to a Redis Cluster seeded with those nodes.
 */
export function createRedisClient(url: string, options: RedisClientOptions = {}): RedisConnection {
  const seeds = url
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map(parseRedisUrl);
  const [first] = seeds;
  if (!first) throw new Error('Redis URL is empty');

  const autoPipelining = options.autoPipelining ?? !options.blocking;
  const perRequest = options.blocking
    ? { connectTimeout: redisTimings.connectTimeoutMs, maxRetriesPerRequest: null }
    : {
        connectTimeout: redisTimings.connectTimeoutMs,
        maxRetriesPerRequest: MAX_RETRIES_PER_REQUEST,
        commandTimeout: options.commandTimeoutMs ?? redisTimings.commandTimeoutMs,
      };
  const client: RedisConnection =
    seeds.length === 1
      ? new Redis(first.href, { enableAutoPipelining: autoPipelining, retryStrategy: reconnectDelayMs, ...perRequest })
      : new Cluster(
          seeds.map((seed) => ({ host: seed.hostname, port: Number(seed.port || 6379) })),
          {
            enableAutoPipelining: autoPipelining,
            // A lost node is not reconnected to but found again through a refresh of the slots, retried as often.
            clusterRetryStrategy: reconnectDelayMs,
            ...(options.blocking ? { maxRedirections: 16 } : {}),
            redisOptions: {
              username: decodeURIComponent(first.username) || undefined,
              password: decodeURIComponent(first.password) || undefined,
              tls: first.protocol === 'rediss:' ? {} : undefined,
              ...perRequest,
            },
          },
        );

  if (options.onError) client.on('error', options.onError);
  else reportConnectionErrorsOncePerOutage(client);
  return client;
}

/**
 * Whether the client lost its connection and is between reconnect attempts: what is asked of it
 * now can only wait for the next attempt. Not while it makes its first connection.
 */
export function isConnectionLost(client: RedisConnection): boolean {
  return client.status === 'reconnecting' || client.status === 'close' || client.status === 'end';
}

function parseRedisUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`Invalid Redis URL: ${redactPassword(text)}`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new Error(`Redis URL must start with redis:// or rediss://, got ${redactPassword(text)}`);
  }
  return url;
}

function redactPassword(text: string): string {
  return text.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

/** While Redis stays down ioredis reports the same error on every reconnect attempt; print each kind once. */
function reportConnectionErrorsOncePerOutage(client: RedisConnection): void {
  let lastMessage: string | undefined;
  client.on('ready', () => {
    lastMessage = undefined;
  });
  client.on('error', (error: Error) => {
    if (error.message === lastMessage) return;
    lastMessage = error.message;
    console.error(`[redis] ${error.message}`);
  });
}
