import { z } from 'zod';
import { CamaraCallError } from './camaraCall.js';

export interface ClientCredentialsOptions {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope: string;
  /** Epoch milliseconds; injectable for tests. */
  now?: () => number;
}

const tokenAnswer = z.object({ access_token: z.string().min(1), expires_in: z.number().positive().optional() });

/** A token is renewed this long before it expires, so a call never goes out with one about to lapse. */
const renewBeforeMs = 30_000;

/**
 * Two-legged access tokens from the operator's authorization server (OAuth 2.0 client credentials,
 * the client authenticated with HTTP Basic), kept until shortly before they expire.
 */
export class ClientCredentialsTokens {
  private current?: { token: string; expiresAt: number };
  private pending?: Promise<string>;

  constructor(private readonly options: ClientCredentialsOptions) {}

  async token(signal: AbortSignal): Promise<string> {
    const now = (this.options.now ?? Date.now)();
    if (this.current && now < this.current.expiresAt - renewBeforeMs) return this.current.token;
    this.pending ??= this.fetchToken(signal).finally(() => (this.pending = undefined));
    return this.pending;
  }

  /** The operator refused the token (401): the next call asks for a new one. */
  forget(): void {
    this.current = undefined;
  }

  private async fetchToken(signal: AbortSignal): Promise<string> {
    const { tokenUrl, clientId, clientSecret, scope } = this.options;
    let response: Response;
    try {
      response = await fetch(tokenUrl, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope }),
        signal,
        redirect: 'error',
      });
    } catch {
      throw new CamaraCallError(0, signal.aborted ? 'ABORTED' : 'UNREACHABLE', 'the token endpoint could not be reached', signal.aborted);
    }
    const parsed = tokenAnswer.safeParse(await response.json().catch(() => undefined));
    if (!response.ok || !parsed.success) throw new CamaraCallError(response.status, 'TOKEN_REFUSED', `the token endpoint answered ${response.status}`);
    const now = (this.options.now ?? Date.now)();
    this.current = { token: parsed.data.access_token, expiresAt: now + (parsed.data.expires_in ?? 300) * 1000 };
    return this.current.token;
  }
}
