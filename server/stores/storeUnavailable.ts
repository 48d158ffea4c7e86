/**
 * The store cannot answer now: Redis is down, frozen, restarting or loading its data, or a
 * cluster has no master for a slot. Nothing was decided; the HTTP layer answers 503
 * `STORE_UNAVAILABLE` with `Retry-After` and the client tries again.
 */
export class StoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`the store is unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'StoreUnavailableError';
  }
}

/**
 * What the Redis client (ioredis) and rate-limiter-flexible say when Redis cannot answer: a
 * refused, dropped or timed-out connection, a command that got no answer in time, the client
 * giving up while it reconnects, the replies of a server that is loading, busy, failing over or
 * part of a cluster that is down, and a cluster redirection the client could not follow (slots
 * moving, a node gone).
 */
const connectionFailureMessage =
  /Connection is closed|Command timed out|Reached the max retries per request|Stream isn't writeable|Cluster isn't ready|None of startup nodes is available|Failed to refresh slots cache|Too many Cluster redirections|Redis connection is not ready|\b(?:ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH)\b/;
const unavailableReply = /^(?:LOADING|BUSY|CLUSTERDOWN|MASTERDOWN|READONLY|MISCONF|TRYAGAIN|MOVED|ASK)\b/;

/** Whether an error of the Redis client means Redis cannot answer now (rather than a bug or a bad command). */
export function isConnectionFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'MaxRetriesPerRequestError') return true;
  return connectionFailureMessage.test(error.message) || unavailableReply.test(error.message);
}

/**
 * Whether an error means the store is unavailable: a `StoreUnavailableError` from our stores, or,
 * for errors that reach us through libraries using the connection themselves (BullMQ), the
 * Redis client's own words.
 */
export function isStoreUnavailable(error: unknown): boolean {
  return error instanceof StoreUnavailableError || isConnectionFailure(error);
}

/** When the store last answered any call (performance.now()): shared by every wrapped object of one store. */
export interface StoreLiveness {
  lastAnswerAt: number;
}

export function storeLiveness(): StoreLiveness {
  return { lastAnswerAt: performance.now() };
}

export interface UnavailabilityOptions {
  /**
   * A call fails when the store has answered nothing for this long while it waited (however long it
   * sat in the client's queues); while the store answers other calls, it waits on.
   */
  silenceMs: number;
  liveness: StoreLiveness;
  /** True while the store is known to be unreachable (its connection lost): calls then fail at once instead of queueing. */
  isDown?: () => boolean;
}

/**
 * The same object, whose methods throw `StoreUnavailableError` where the client reported a
 * connection failure, while the store is known to be down, or when a call has no answer in
 * time; every other result and error passes through unchanged. Methods run on the object
 * itself, so its private fields keep working.
 */
export function reportingUnavailability<T extends object>(target: T, options: UnavailabilityOptions): T {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(object, property) {
      const value: unknown = Reflect.get(object, property, object);
      if (typeof value !== 'function') return value;
      let method = wrapped.get(property);
      if (method === undefined) {
        method = (...args: unknown[]) => {
          if (options.isDown?.()) return Promise.reject(new StoreUnavailableError(new Error('the connection to the store is lost')));
          let result: unknown;
          try {
            result = (value as (...a: unknown[]) => unknown).apply(object, args);
          } catch (error) {
            throw translate(error);
          }
          return isPromise(result) ? withDeadline(result, options) : result;
        };
        wrapped.set(property, method);
      }
      return method;
    },
  });
}

/**
 * The call, failing as unavailable once the store has been silent for `silenceMs`: on a busy machine
 * replies queue behind timers in the event loop, and a store that answered anything recently is
 * alive. (The client's own command timeout still ends a call that never gets its answer.)
 */
function withDeadline<T>(call: Promise<T>, { silenceMs, liveness }: UnavailabilityOptions): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let timer: NodeJS.Timeout;
    const check = () => {
      const silentFor = performance.now() - liveness.lastAnswerAt;
      if (silentFor >= silenceMs) reject(new StoreUnavailableError(new Error(`the store has not answered for ${Math.round(silentFor)} ms`)));
      else timer = setTimeout(check, silenceMs - silentFor);
    };
    timer = setTimeout(check, silenceMs);
    call.then(
      (value) => {
        clearTimeout(timer);
        liveness.lastAnswerAt = performance.now();
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        if (!isConnectionFailure(error)) liveness.lastAnswerAt = performance.now();
        reject(translate(error));
      },
    );
  });
}

function translate(error: unknown): unknown {
  return isConnectionFailure(error) ? new StoreUnavailableError(error) : error;
}

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof (value as Promise<unknown> | null)?.then === 'function';
}
