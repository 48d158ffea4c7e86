/** The Markdown that `npm run bench` prints: the side-by-side table, then each figure beside its target. */
import type { LoadResult } from './loadTest.js';
import type { CommandsPerRequest } from './redisFigures.js';
import type { Store } from './benchProcesses.js';

export type RequestKind = 'read' | 'create' | 'oneClick' | 'sms';

export const requestLabels: Record<RequestKind, string> = {
  read: '`GET /v1/sessions/{id}`',
  create: '`POST /v1/sessions`',
  oneClick: 'one-click step (`NUMBER_AUTH_TOKEN`)',
  sms: 'SMS step (`PHONE_NUMBER`)',
};

/** One load phase of numberflow with the hello world measured in the same round, just before. */
export interface SideBySide {
  kind: RequestKind;
  store: Store;
  round: number;
  result: LoadResult;
  hello: LoadResult;
}

export interface BenchResults {
  heading: string;
  hello: LoadResult[];
  sideBySide: SideBySide[];
  commands: Record<RequestKind, CommandsPerRequest>;
  memory: { sessions: number; pending: number; finished: number; pendingKey: number; finishedKey: number };
  oneRequest: { separateWorker: LoadResult; oneProcess: LoadResult };
  stored: { few: number; many: number; fewResult: LoadResult; manyResult: LoadResult };
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
const ms = (value: number) => fixed(value, value < 10 ? 2 : 1);
const kb = (bytes: number) => `${fixed(bytes / 1024, 2)} KB`;

/** The mean of a figure over the rounds, with its range when the rounds differ. */
function overRounds(values: number[], digits: number): string {
  const low = Math.min(...values);
  const high = Math.max(...values);
  const shown = fixed(mean(values), digits);
  return values.length > 1 && fixed(low, digits) !== fixed(high, digits) ? `${shown} (${fixed(low, digits)}–${fixed(high, digits)})` : shown;
}

function runsOf(results: BenchResults, kind: RequestKind, store: Store): SideBySide[] {
  return results.sideBySide.filter((run) => run.kind === kind && run.store === store);
}

const ratio = (runs: SideBySide[]) => runs.map((run) => run.result.requestsPerSecond / run.hello.requestsPerSecond);
const p99Ratio = (runs: SideBySide[]) => runs.map((run) => run.result.p99 / run.hello.p99);

export function benchReport(results: BenchResults): string {
  const { hello, commands, memory, oneRequest, stored } = results;
  const lines = [
    results.heading,
    '',
    '| request | store | req/s | p50 (ms) | p99 (ms) | req/s ÷ hello | p99 ÷ hello p99 | Redis commands per request: client + in Lua |',
    '|---|---|---|---|---|---|---|---|',
    `| Express 5 hello world | – | ${fixed(mean(hello.map((h) => h.requestsPerSecond)), 0)} | ${ms(mean(hello.map((h) => h.p50)))} | ${ms(mean(hello.map((h) => h.p99)))} | 1 | 1 | – |`,
  ];
  const notes: string[] = [];
  for (const kind of Object.keys(requestLabels) as RequestKind[]) {
    for (const store of ['memory', 'redis'] as const) {
      const runs = runsOf(results, kind, store);
      if (runs.length === 0) continue;
      const failed = runs.flatMap((run) => Object.entries(run.result.failures).map(([what, n]) => `${what}: ${n}`));
      if (failed.length) notes.push(`${requestLabels[kind]} on ${store}: answers not counted (${failed.join(', ')}).`);
      if (runs.some((run) => run.result.ranOut))
        notes.push(`${requestLabels[kind]} on ${store}: a round used up its prepared sessions before the time was up.`);
      const counted = store === 'redis' ? `${fixed(commands[kind].client, 1)} + ${fixed(commands[kind].inLua, 1)}` : '–';
      lines.push(
        `| ${requestLabels[kind]} | ${store} | ${fixed(mean(runs.map((r) => r.result.requestsPerSecond)), 0)} | ${ms(mean(runs.map((r) => r.result.p50)))} | ${ms(mean(runs.map((r) => r.result.p99)))} | ${overRounds(ratio(runs), 2)} | ${overRounds(p99Ratio(runs), 1)} | ${counted} |`,
      );
    }
  }
  const ratioOf = (kind: RequestKind, store: Store) => fixed(mean(ratio(runsOf(results, kind, store))), 2);
  const p99RatioOf = (kind: RequestKind) => fixed(mean(p99Ratio(runsOf(results, kind, 'redis'))), 1);
  const latencyRatio = stored.manyResult.p50 / stored.fewResult.p50;
  lines.push(
    '',
    ...notes,
    ...(notes.length ? [''] : []),
    '| figure | measured | target |',
    '|---|---|---|',
    `| read ÷ hello, memory / Redis | ${ratioOf('read', 'memory')} / ${ratioOf('read', 'redis')} | ≥ 0.85 |`,
    `| create ÷ hello, Redis | ${ratioOf('create', 'redis')} | ≥ 0.7 |`,
    `| one-click step ÷ hello, Redis | ${ratioOf('oneClick', 'redis')} | ≥ 0.5 |`,
    `| step p99 ÷ hello p99, Redis: one-click / SMS | ${p99RatioOf('oneClick')} / ${p99RatioOf('sms')} | ≤ 2 |`,
    `| Redis commands per one-click step: client + in Lua = total | ${fixed(commands.oneClick.client, 1)} + ${fixed(commands.oneClick.inLua, 1)} = ${fixed(commands.oneClick.total, 1)} | ≤ 8 |`,
    `| Redis bytes per pending / finished session (\`used_memory\` over ${memory.sessions}) | ${kb(memory.pending)} / ${kb(memory.finished)} | ≤ 1.5 KB / ≤ 2 KB |`,
    `| \`MEMORY USAGE\` of one pending / finished session key | ${kb(memory.pendingKey)} / ${kb(memory.finishedKey)} | – |`,
    `| one request alone, one-click step p50 (p99), Redis, API with \`RUN_JOBS=false\` + separate worker | ${ms(oneRequest.separateWorker.p50)} ms (${ms(oneRequest.separateWorker.p99)} ms) | ≤ 3 ms |`,
    `| the same in one process | ${ms(oneRequest.oneProcess.p50)} ms (${ms(oneRequest.oneProcess.p99)} ms) | – |`,
    `| one request alone, one-click step p50 (p99) with ${stored.few.toLocaleString('en')} / ${stored.many.toLocaleString('en')} stored sessions | ${ms(stored.fewResult.p50)} ms (${ms(stored.fewResult.p99)}) / ${ms(stored.manyResult.p50)} ms (${ms(stored.manyResult.p99)}): ${fixed(latencyRatio, 2)} | ≤ 1.1 |`,
    '',
  );
  return lines.join('\n');
}
