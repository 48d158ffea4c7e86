/**
 * `npm run bench`: numberflow beside an Express 5 hello world, both separate Node processes driven
 * by autocannon over HTTP, in rounds that alternate the two; then what Redis says about the requests
 * (commands, memory), one request alone, and a step against many stored sessions. Progress on
 * stderr; the Markdown table on stdout. The README's "Benchmarks" explains the knobs and rows.
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { startRedisServer } from '../support/redisServer.js';
import { benchReport, requestLabels, type BenchResults, type RequestKind, type SideBySide } from './benchReport.js';
import { startHelloWorld, startNumberflow, type Numberflow, type Store } from './benchProcesses.js';
import { benchSettings, fewStoredSessions, sampleRequests } from './benchSettings.js';
import { describeFailures, runLoad, type HttpRequest, type LoadPlan, type LoadResult } from './loadTest.js';
import { RedisProbe, storedSessionKey, type CommandsPerRequest } from './redisFigures.js';
import { oneClickScene, oneEach, SessionSupply } from './sessionSupply.js';

const { rounds, connections, seconds } = benchSettings;
const began = performance.now();

function progress(message: string): void {
  const elapsed = Math.round((performance.now() - began) / 1000);
  process.stderr.write(`[${String(Math.floor(elapsed / 60)).padStart(2, '0')}:${String(elapsed % 60).padStart(2, '0')}] ${message}\n`);
}

function summary(result: LoadResult): string {
  const failures = describeFailures(result);
  return `${result.requestsPerSecond.toFixed(0)} req/s, p50 ${result.p50.toFixed(2)} ms, p99 ${result.p99.toFixed(2)} ms${failures ? ` (not counted: ${failures})` : ''}${result.ranOut ? ' (ran out of prepared sessions)' : ''}`;
}

/** What each measured answer must contain. */
const expected: Record<RequestKind, string> = {
  read: '"id":"',
  create: '"status":"pending"',
  oneClick: '"status":"verified"',
  sms: '"type":"smsCode"',
};

/** How a request of each kind is made; the steps take fresh sessions prepared beforehand. */
async function planFor(kind: RequestKind, supply: SessionSupply, count: number): Promise<LoadPlan> {
  switch (kind) {
    case 'read': {
      const [id] = await supply.sessions(oneClickScene, 1);
      return { request: supply.readRequest(id!), expect: expected.read };
    }
    case 'create':
      return { request: supply.createRequest(oneClickScene), expect: expected.create };
    case 'oneClick':
      return { request: oneEach(await supply.oneClickSteps(count)), expect: expected.oneClick };
    case 'sms':
      return { request: oneEach(await supply.smsSteps(count)), expect: expected.sms };
  }
}

const kinds = Object.keys(requestLabels) as RequestKind[];

/** Every path once at the benchmark's concurrency, so the JIT has seen it before it is measured. */
async function warmUp(numberflow: Numberflow, supply: SessionSupply): Promise<void> {
  for (const kind of kinds) await runLoad(numberflow.baseUrl, await planFor(kind, supply, 300), { connections, amount: 300 });
}

async function withNumberflow<T>(
  options: { redisUrl?: string; separateWorker?: boolean },
  use: (numberflow: Numberflow, supply: SessionSupply) => Promise<T>,
): Promise<T> {
  const numberflow = await startNumberflow(options);
  try {
    return await use(numberflow, await SessionSupply.forAndroidScheme(numberflow.baseUrl));
  } finally {
    await numberflow.stop();
  }
}

async function main(): Promise<void> {
  // The machine may be shared: its load before the run goes into the heading.
  const loadBefore = loadavg()[0]!.toFixed(1);
  const redis = await startRedisServer();
  const probe = new RedisProbe(redis.url);
  const hello = await startHelloWorld();
  const fresh = async (store: Store) => {
    if (store === 'redis') await probe.flush();
    return store === 'redis' ? { redisUrl: redis.url } : {};
  };
  const helloResults: LoadResult[] = [];
  const sideBySide: SideBySide[] = [];
  /** Steps per second seen so far, to prepare enough fresh sessions for the next phase. */
  const rateSeen = new Map<string, number>();

  try {
    for (let round = 1; round <= rounds; round++) {
      for (const store of ['memory', 'redis'] as const) {
        await withNumberflow(await fresh(store), async (numberflow, supply) => {
          progress(`round ${round}/${rounds}, ${store}: warming up`);
          await warmUp(numberflow, supply);
          const helloResult = await runLoad(hello.baseUrl, { request: { method: 'GET', path: '/' }, expect: 'world' }, { connections, seconds });
          helloResults.push(helloResult);
          progress(`round ${round}/${rounds}: hello world: ${summary(helloResult)}`);
          for (const kind of kinds) {
            const expectedRate = Math.max(rateSeen.get(`${store}/${kind}`) ?? 0, rateSeen.get(`${store}/create`) ?? 0);
            const plan = await planFor(kind, supply, Math.ceil(expectedRate * seconds * 1.3) + connections);
            const result = await runLoad(numberflow.baseUrl, plan, { connections, seconds });
            rateSeen.set(`${store}/${kind}`, Math.max(rateSeen.get(`${store}/${kind}`) ?? 0, result.requestsPerSecond));
            sideBySide.push({ kind, store, round, result, hello: helloResult });
            progress(`round ${round}/${rounds}, ${store}: ${requestLabels[kind]}: ${summary(result)}`);
          }
        });
      }
    }

    const { commands, memory } = await withNumberflow(await fresh('redis'), async (numberflow, supply) => {
      await warmUp(numberflow, supply);
      const commands = {} as Record<RequestKind, CommandsPerRequest>;
      for (const kind of kinds) {
        const plan = await planFor(kind, supply, sampleRequests);
        commands[kind] = await probe.countCommands(async () => {
          const result = await runLoad(numberflow.baseUrl, plan, { connections, amount: sampleRequests });
          if (describeFailures(result)) throw new Error(`${kind} in the command census: ${describeFailures(result)}`);
          return result.ok;
        });
        const byName = Object.entries(commands[kind].clientByName)
          .sort(([, a], [, b]) => b - a)
          .map(([name, n]) => `${name} ${n.toFixed(2)}`)
          .join(', ');
        progress(
          `Redis commands per ${requestLabels[kind]}: ${commands[kind].client.toFixed(1)} from clients (${byName}) + ${commands[kind].inLua.toFixed(1)} in Lua`,
        );
      }
      return { commands, memory: await bytesPerSession(numberflow, supply, probe) };
    });

    const oneByOne = async (numberflow: Numberflow, supply: SessionSupply) => {
      await warmUp(numberflow, supply);
      return stepsOneByOne(numberflow, supply);
    };
    const oneRequest = {
      separateWorker: await withNumberflow({ ...(await fresh('redis')), separateWorker: true }, oneByOne),
      oneProcess: await withNumberflow(await fresh('redis'), oneByOne),
    };
    progress(`one request alone, API + separate worker: ${summary(oneRequest.separateWorker)}; one process: ${summary(oneRequest.oneProcess)}`);

    const stored = await withNumberflow(await fresh('redis'), (numberflow, supply) => stepsAgainstStoredSessions(numberflow, supply, probe));

    const results: BenchResults = {
      heading: `${new Date().toISOString().slice(0, 10)}, ${availableParallelism()} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}, ${await probe.version()}; ${rounds} rounds of ${seconds} s per load phase at ${connections} connections (autocannon ${autocannonVersion()}, in the benchmark's own process); load average ${loadBefore} before the run.`,
      hello: helloResults,
      sideBySide,
      commands,
      memory,
      oneRequest,
      stored,
    };
    process.stdout.write(benchReport(results));
    progress(`done in ${Math.round((performance.now() - began) / 1000)} s`);
  } finally {
    await hello.kill();
    await probe.close();
    await redis.stop();
  }
}

/** Redis bytes per session: `used_memory` before and after N sessions are created, then after each is finished (verified, its verify token redeemed). */
async function bytesPerSession(numberflow: Numberflow, supply: SessionSupply, probe: RedisProbe): Promise<BenchResults['memory']> {
  const sessions = benchSettings.sessionsForMemory;
  const before = await probe.usedMemory();
  const ids = await supply.sessions(oneClickScene, sessions);
  const pending = (await probe.usedMemory()) - before;
  const key = storedSessionKey(numberflow.keyPrefix, ids[0]!);
  const pendingKey = await probe.keyMemory(key);
  const verifyTokens: string[] = [];
  const steps = await supply.oneClickStepsFor(ids);
  const stepped = await runLoad(
    numberflow.baseUrl,
    { request: oneEach(steps), expect: expected.oneClick, onAnswer: (body) => verifyTokens.push((JSON.parse(body) as { verifyToken: string }).verifyToken) },
    { connections, amount: sessions },
  );
  if (stepped.ok !== sessions) throw new Error(`finishing sessions: ${describeFailures(stepped)}`);
  await supply.redeem(verifyTokens);
  const finished = (await probe.usedMemory()) - before;
  const memory = { sessions, pending: pending / sessions, finished: finished / sessions, pendingKey, finishedKey: await probe.keyMemory(key) };
  progress(
    `Redis bytes per session over ${sessions}: pending ${memory.pending.toFixed(0)} (key ${pendingKey}), finished ${memory.finished.toFixed(0)} (key ${memory.finishedKey})`,
  );
  return memory;
}

/** One-click steps one after another on one connection, after a warm-up: the latency of one request alone. */
async function stepsOneByOne(numberflow: Numberflow, supply: SessionSupply): Promise<LoadResult> {
  const warmUps = 100;
  const steps = await supply.oneClickSteps(warmUps + sampleRequests);
  const run = (requests: HttpRequest[]) =>
    runLoad(numberflow.baseUrl, { request: oneEach(requests), expect: expected.oneClick }, { connections: 1, amount: requests.length });
  await run(steps.slice(0, warmUps));
  const result = await run(steps.slice(warmUps));
  if (result.ok !== sampleRequests) throw new Error(`one-by-one steps: ${describeFailures(result)}`);
  return result;
}

/**
 * One request alone against few and against many stored sessions. The stored ones are copies of a
 * finished logon's session key (DUMP and RESTORE: the store's own bytes, its TTL) under fresh ids.
 */
async function stepsAgainstStoredSessions(numberflow: Numberflow, supply: SessionSupply, probe: RedisProbe): Promise<BenchResults['stored']> {
  await warmUp(numberflow, supply);
  const [templateId] = await supply.sessions(oneClickScene, 1);
  const [step] = await supply.oneClickStepsFor([templateId!]);
  const verifyTokens: string[] = [];
  await runLoad(
    numberflow.baseUrl,
    { request: step!, expect: expected.oneClick, onAnswer: (body) => verifyTokens.push((JSON.parse(body) as { verifyToken: string }).verifyToken) },
    { connections: 1, amount: 1 },
  );
  await supply.redeem(verifyTokens);
  const templateKey = storedSessionKey(numberflow.keyPrefix, templateId!);
  const newKey = () => storedSessionKey(numberflow.keyPrefix, randomBytes(16).toString('base64url'));
  let stored = 0;
  const fill = async (upTo: number) => {
    const fillBegan = performance.now();
    let shown = 0;
    await probe.copyKey(templateKey, upTo - stored, newKey, (made) => {
      if (made - shown >= 100_000 || made === upTo - stored) {
        shown = made;
        progress(`stored sessions: ${(stored + made).toLocaleString('en')} of ${upTo.toLocaleString('en')}`);
      }
    });
    stored = upTo;
    progress(
      `filled to ${upTo.toLocaleString('en')} stored sessions in ${((performance.now() - fillBegan) / 1000).toFixed(1)} s; Redis used_memory ${((await probe.usedMemory()) / 2 ** 20).toFixed(0)} MiB`,
    );
  };
  const few = fewStoredSessions;
  const many = Math.max(benchSettings.storedSessions, few);
  await fill(few);
  // A run to throw away first: otherwise the first measurement pays for a colder process than the second.
  await stepsOneByOne(numberflow, supply);
  const fewResult = await stepsOneByOne(numberflow, supply);
  progress(`one request alone with ${few.toLocaleString('en')} stored sessions: ${summary(fewResult)}`);
  await fill(many);
  const manyResult = await stepsOneByOne(numberflow, supply);
  progress(`one request alone with ${many.toLocaleString('en')} stored sessions: ${summary(manyResult)}`);
  return { few, many, fewResult, manyResult };
}

function autocannonVersion(): string {
  return (createRequire(import.meta.url)('autocannon/package.json') as { version: string }).version;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
