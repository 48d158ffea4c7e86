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
}

/** Reconnection attempts a queued command waits for before it fails, so HTTP answers fast while Redis is down. */
const MAX_RETRIES_PER_REQUEST = 2;
/** A command that gets no answer (a hung or overloaded server) fails after this long instead of hanging. */
const COMMAND_TIMEOUT_MS = 5_000;
const CONNECT_TIMEOUT_MS = 5_000;

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

  const perRequest = options.blocking
    ? { maxRetriesPerRequest: null, connectTimeout: CONNECT_TIMEOUT_MS }
    : { maxRetriesPerRequest: MAX_RETRIES_PER_REQUEST, commandTimeout: COMMAND_TIMEOUT_MS, connectTimeout: CONNECT_TIMEOUT_MS };
  const client: RedisConnection =
    seeds.length === 1
      ? new Redis(first.href, { enableAutoPipelining: !options.blocking, ...perRequest })
      : new Cluster(
          seeds.map((seed) => ({ host: seed.hostname, port: Number(seed.port || 6379) })),
          {
            enableAutoPipelining: !options.blocking,
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
