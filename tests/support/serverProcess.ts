import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface ServerProcess {
  /** The API's address; empty for a worker. */
  baseUrl: string;
  output: () => string;
  child: ChildProcess;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

/** `npm start` as a real separate process (tsx server/main.ts), on a free port. */
export function startServerProcess(env: Record<string, string>, nodeArgs: string[] = []): Promise<ServerProcess> {
  return startNodeProcess('server/main.ts', env, /listening on (http:\/\/[\d.]+:\d+)/, nodeArgs);
}

/** `npm run worker` as a real separate process (tsx server/worker.ts). */
export function startWorkerProcess(env: Record<string, string>, nodeArgs: string[] = []): Promise<ServerProcess> {
  return startNodeProcess('server/worker.ts', env, /numberflow worker running jobs()/, nodeArgs);
}

/**
 * A TypeScript file of the repository run by Node with tsx, as `npm start` runs the server; ready
 * once its stdout matches `ready`, whose first group (if any) becomes `baseUrl`.
 */
export async function startNodeProcess(script: string, env: Record<string, string>, ready: RegExp, nodeArgs: string[] = []): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start in 20 s:\n${output}`)), 20_000);
    const check = () => {
      const match = ready.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] ?? '');
      }
    };
    child.stdout!.on('data', check);
    exited.then((code) => reject(new Error(`${script} exited with ${code}:\n${output}`)));
  });
  return {
    baseUrl,
    output: () => output,
    child,
    async kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
