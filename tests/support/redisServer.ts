import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface RedisServer {
  url: string;
  port: number;
  /** The redis-server process, for tests that signal it (SIGSTOP to freeze it). */
  pid: number;
  stop(): Promise<void>;
}

export interface RedisServerOptions {
  /** Finds the port to try; `findFreePort` unless given. */
  pickPort?: () => Promise<number>;
  /** More redis-server arguments for the chosen port (cluster mode, its config file, …). */
  extraArgs?: (port: number) => string[];
}

const READY_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;
const PORT_ATTEMPTS = 5;

/** Starts a throwaway redis-server on a free loopback port, without persistence. */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const { pickPort = findFreePort, extraArgs = () => [] } = options;
  let lastError: unknown;
  for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
    // The free port can be taken between probing and binding; then try another one.
    const port = await pickPort();
    try {
      return await startOnPort(port, extraArgs(port));
    } catch (error) {
      if (!(error instanceof PortInUseError)) throw error;
      lastError = error;
    }
  }
  throw lastError;
}

class PortInUseError extends Error {}

async function startOnPort(port: number, extraArgs: string[]): Promise<RedisServer> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extraArgs];
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

  const failure = new Promise<never>((_, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'ENOENT' ? new Error('redis-server is not on PATH; the tests need it: apt-get install redis-server') : error);
    });
    child.once('exit', (code, signal) => {
      const message = `redis-server exited (${signal ?? code}) before it answered PING:\n${output}`;
      reject(/already in use/i.test(output) ? new PortInUseError(message) : new Error(message));
    });
  });
  failure.catch(() => {}); // Observed by the race below; after start-up an exit is expected.

  try {
    await Promise.race([failure, waitForPong(port)]);
  } catch (error) {
    await stopProcess(child);
    throw error;
  }
  return { url: `redis://127.0.0.1:${port}`, port, pid: child.pid!, stop: () => stopProcess(child) };
}

/** A loopback port nothing listens on right now. */
export async function findFreePort(): Promise<number> {
  const port = await bindAndRelease(0);
  if (port === null) throw new Error('Could not find a free port');
  return port;
}

/** Whether a loopback port can be bound right now. */
export async function isPortFree(port: number): Promise<boolean> {
  return (await bindAndRelease(port)) !== null;
}

/** Binds the port on 127.0.0.1 (0: any free one) and releases it; null if it is taken. */
async function bindAndRelease(port: number): Promise<number | null> {
  const server = net.createServer();
  const bound = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.once('listening', () => resolve(true));
    server.listen(port, '127.0.0.1');
  });
  if (!bound) return null;
  const address = server.address();
  server.close();
  await once(server, 'close');
  return address === null || typeof address === 'string' ? null : address.port;
}

async function waitForPong(port: number): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (await answersPing(port)) return;
    await sleep(20);
  }
  throw new Error(`redis-server on port ${port} did not answer PING within ${READY_TIMEOUT_MS} ms`);
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let reply = '';
    const finish = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(500, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) finish(reply.startsWith('+PONG'));
    });
  });
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timedOut = sleep(STOP_TIMEOUT_MS).then(() => 'timeout' as const);
  if ((await Promise.race([exited, timedOut])) === 'timeout') {
    child.kill('SIGKILL');
    await exited;
  }
}
