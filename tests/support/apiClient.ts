import { testCredentials } from './testServer.js';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

type Auth = { basic: readonly [string, string] } | { bearer: string } | 'accessKey' | 'admin' | 'none';

/** A thin fetch wrapper that speaks the public HTTP contract. */
export class ApiClient {
  constructor(readonly baseUrl: string) {}

  async request<T = any>(
    method: string,
    path: string,
    options: { body?: unknown; rawBody?: string; auth?: Auth; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    const auth = options.auth ?? 'none';
    if (auth === 'accessKey') headers.authorization = basic(testCredentials.accessKeyId, testCredentials.accessKeySecret);
    else if (auth === 'admin') headers.authorization = `Bearer ${testCredentials.adminToken}`;
    else if (typeof auth === 'object' && 'basic' in auth) headers.authorization = basic(...auth.basic);
    else if (typeof auth === 'object' && 'bearer' in auth) headers.authorization = `Bearer ${auth.bearer}`;
    let body: string | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text so a test can say what came back
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  get<T = any>(path: string, auth?: Auth) {
    return this.request<T>('GET', path, { ...(auth ? { auth } : {}) });
  }

  post<T = any>(path: string, body: unknown, auth?: Auth) {
    return this.request<T>('POST', path, { body, ...(auth ? { auth } : {}) });
  }
}

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}
