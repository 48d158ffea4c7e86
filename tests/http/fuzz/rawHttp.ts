import { Agent, request } from 'node:http';

export interface RawRequest {
  method: string;
  /** Sent exactly as given: no normalisation of `..`, percent-encoding or empty segments. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON, or `undefined` when it is not JSON. */
  json: unknown;
}

const agent = new Agent({ keepAlive: true, maxSockets: 8 });
/** Enough of a body to judge an answer; a stream (Server-Sent Events) is cut after its headers. */
const maxBodyBytes = 64 * 1024;

/**
 * One HTTP request with nothing added or fixed up: any method with any body (a GET too), header
 * values fetch would refuse, paths a URL parser would rewrite. Fails when no answer comes in time,
 * since a hang is a finding too.
 */
export function rawRequest(baseUrl: string, req: RawRequest, timeoutMs = 15_000): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers, ...(req.body ? { 'content-length': String(req.body.length) } : {}) };
    const outgoing = request({ agent, host: hostname, port, method: req.method, path: req.path, headers }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const streaming = String(res.headers['content-type'] ?? '').startsWith('text/event-stream');
      const finish = () => {
        clearTimeout(timer);
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      };
      if (streaming) {
        res.destroy();
        return finish();
      }
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= maxBodyBytes) chunks.push(chunk);
      });
      res.on('end', finish);
      res.on('error', (error) => reject(error));
    });
    const timer = setTimeout(() => {
      outgoing.destroy(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    outgoing.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    outgoing.end(req.body);
  });
}

export function closeRawHttp(): void {
  agent.destroy();
}
