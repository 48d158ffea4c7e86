import { pino, type Logger } from 'pino';
import { expect } from 'vitest';
import type { TestServerContext } from '../support/useTestServer.js';

/** A logger that keeps its lines, to see what the server logged. */
export function capturingLogger(): { logger: Logger; lines: Record<string, any>[] } {
  const lines: Record<string, any>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

/** Opens a 100004 session (prove a new number) and enters the number; the answer comes once the SMS step settled. */
export async function enterNumber(ctx: TestServerContext, authToken: string, phoneNumber: string) {
  const session = await ctx.flow.openOk(authToken, '100004');
  return ctx.flow.send(authToken, session.id, { type: 'PHONE_NUMBER', phoneNumber });
}

/** The value of a counter line in the Prometheus text, 0 when absent. */
export async function metricValue(ctx: TestServerContext, series: string): Promise<number> {
  const response = await ctx.server.api.get('/metrics');
  expect(response.status).toBe(200);
  const line = (response.body as string).split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}
