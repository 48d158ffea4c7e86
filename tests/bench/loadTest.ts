/** HTTP load with autocannon: one kind of request at a fixed number of connections, for a time or a count. */
import autocannon from 'autocannon';

export interface HttpRequest {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadPlan {
  /** The same request every time, or the next one of a supply (undefined: the supply is spent). */
  request: HttpRequest | (() => HttpRequest | undefined);
  /** When given, a 2xx answer must contain this text to count as one of the measured answers. */
  expect?: string;
  /** Receives each 2xx answer's body (to collect ids and tokens). */
  onAnswer?: (body: string) => void;
}

export interface LoadResult {
  /** Answers that were 2xx (and held `expect`). */
  ok: number;
  /** Every other answer, by status; `unexpected` for a 2xx without `expect`. */
  failures: Record<string, number>;
  /** ok ÷ the time until the load stopped or the supply ran out. */
  requestsPerSecond: number;
  /** Latency of the ok answers, in ms. */
  p50: number;
  p99: number;
  /** Whether a supply of requests ran out before the time was up. */
  ranOut: boolean;
}

/** Sends `plan` at `connections` for `seconds`, or until `amount` requests are answered. */
export async function runLoad(
  baseUrl: string,
  plan: LoadPlan,
  limit: { connections: number } & ({ seconds: number } | { amount: number }),
): Promise<LoadResult> {
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  let ok = 0;
  // autocannon calls onResponse and then emits `response` for the same answer, one after the other.
  let lastAnswerCounted = false;
  let ranOutAt: number | undefined;
  const supply = typeof plan.request === 'function' ? plan.request : undefined;
  const fixed = typeof plan.request === 'function' ? undefined : plan.request;
  let lastRequest: HttpRequest | undefined;
  const nextRequest = (): HttpRequest => {
    const next = supply!();
    if (next) return (lastRequest = next);
    if (ranOutAt === undefined) {
      ranOutAt = performance.now();
      instance.stop();
    }
    // Autocannon wants a request; the one after the end is not counted (an answer after ranOutAt).
    return lastRequest ?? { method: 'GET', path: '/healthz' };
  };

  const started = performance.now();
  const amount = 'amount' in limit ? limit.amount : undefined;
  let finish: (result: autocannon.Result) => void = () => {};
  let fail: (error: unknown) => void = () => {};
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const instance = autocannon(
    {
      url: baseUrl,
      connections: Math.min(limit.connections, amount ?? Number.POSITIVE_INFINITY),
      ...(amount === undefined ? { duration: (limit as { seconds: number }).seconds } : { amount }),
      timeout: 30,
      // autocannon notices the end (time up, or every request answered) at its next sample.
      sampleInt: 50,
      excludeErrorStats: true,
      requests: [
        {
          ...(fixed ?? { method: 'GET', path: '/' }),
          headers: { ...fixed?.headers, ...(fixed?.body !== undefined ? { 'content-type': 'application/json' } : {}) },
          ...(supply
            ? {
                setupRequest: (request: autocannon.Request) => {
                  const next = nextRequest();
                  return {
                    ...request,
                    method: next.method,
                    path: next.path,
                    headers: { ...next.headers, ...(next.body !== undefined ? { 'content-type': 'application/json' } : {}) },
                    body: next.body ?? '',
                  };
                },
              }
            : {}),
          onResponse: (status: number, body: string) => {
            lastAnswerCounted = false;
            if (ranOutAt !== undefined) return;
            const fine = status >= 200 && status < 300 && (plan.expect === undefined || body.includes(plan.expect));
            if (!fine) {
              const key = status >= 200 && status < 300 ? 'unexpected' : String(status);
              failures[key] = (failures[key] ?? 0) + 1;
              return;
            }
            ok += 1;
            lastAnswerCounted = true;
            plan.onAnswer?.(body);
          },
        },
      ],
    },
    (error, result) => {
      if (error) fail(error);
      else finish(result);
    },
  );
  // The response event carries the latency in fractional ms (the result's histogram keeps whole ms).
  instance.on('response', (_client, _status, _bytes, responseTime) => {
    if (lastAnswerCounted) latencies.push(responseTime);
  });
  const result = await done;
  for (const error of ['errors', 'timeouts'] as const) if (result[error] > 0) failures[error] = result[error];
  const elapsedMs = (ranOutAt ?? started + result.duration * 1000) - started;
  latencies.sort((a, b) => a - b);
  return {
    ok,
    failures,
    requestsPerSecond: ok / (elapsedMs / 1000),
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    ranOut: ranOutAt !== undefined,
  };
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

/** Every failure of a result as text (`409: 3, errors: 1`), or '' when there was none. */
export function describeFailures(result: LoadResult): string {
  return Object.entries(result.failures)
    .map(([kind, count]) => `${kind}: ${count}`)
    .join(', ');
}
