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

/**
 * Shared by every wrapped object of one store: since when it has owed an answer without giving
 * any (performance.now(); reset by every answer, and by the first call after a quiet spell), and how many
 * calls it owes.
 */
export interface StoreLiveness {
  lastAnswerAt: number;
  outstanding: number;
}

export function storeLiveness(): StoreLiveness {
  return { lastAnswerAt: performance.now(), outstanding: 0 };
}

export interface UnavailabilityOptions {
  /**
   * A call fails when it has had no answer for this long, not counting the time this process itself
   * was too busy to notice (a late timer extends the wait by its lateness; replies that have arrived
   * are read before deciding); and at once when the store as a whole has owed answers for this long
   * without giving any (frozen, hung, a dead link), so a request never waits out a silence twice.
   */
  answerWithinMs: number;
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

/** The call, failing as unavailable when it goes unanswered (see `UnavailabilityOptions.answerWithinMs`). */
function withDeadline<T>(call: Promise<T>, { answerWithinMs, liveness }: UnavailabilityOptions): Promise<T> {
  if (liveness.outstanding === 0) liveness.lastAnswerAt = performance.now();
  liveness.outstanding++;
  const storeSilence = () => performance.now() - liveness.lastAnswerAt;
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let timer: NodeJS.Timeout;
    let waited = 0;
    const fail = (why: string) => reject(new StoreUnavailableError(new Error(why)));
    const arm = (ms: number) => {
      const armedAt = performance.now();
      timer = setTimeout(() => {
        const lateness = Math.max(0, performance.now() - armedAt - ms);
        waited += ms;
        // Timers run before the event loop reads its sockets: decide after replies that have arrived are read.
        setImmediate(() => {
          if (settled) return;
          if (storeSilence() >= answerWithinMs) return fail(`the store has answered nothing for ${Math.round(storeSilence())} ms`);
          if (waited >= answerWithinMs && lateness < answerWithinMs / 10) return fail(`no answer within ${answerWithinMs} ms`);
          arm(Math.max(lateness, answerWithinMs - waited, 1));
        });
      }, ms);
    };
    arm(Math.max(0, Math.min(answerWithinMs, answerWithinMs - storeSilence())));
    call.then(
      (value) => {
        settled = true;
        clearTimeout(timer);
        answered();
        resolve(value);
      },
      (error: unknown) => {
        settled = true;
        clearTimeout(timer);
        answered(error);
        reject(translate(error));
      },
    );
  });

  function answered(failure?: unknown) {
    liveness.outstanding--;
    if (failure === undefined || !isConnectionFailure(failure)) liveness.lastAnswerAt = performance.now();
  }
}

function translate(error: unknown): unknown {
  return isConnectionFailure(error) ? new StoreUnavailableError(error) : error;
}

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof (value as Promise<unknown> | null)?.then === 'function';
}
