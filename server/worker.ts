import { ConfigError, loadConfig } from './config/config.js';
import { createNumberflow } from './createNumberflow.js';

/**
 * `npm run worker`: runs the jobs (session timers, the outbox's actions, webhooks) and the
 * sweeper, without serving HTTP. Needs REDIS_URL: the embedded mode has no shared queue.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.redisUrl) throw new ConfigError('the worker needs REDIS_URL: without Redis the API process runs its jobs itself');
  const numberflow = await createNumberflow(config, { runJobs: true });
  const { logger } = numberflow.services;
  process.stdout.write(`numberflow worker running jobs on ${config.redisUrl.split(',').length > 1 ? 'a Redis Cluster' : 'Redis'}\n`);
  logger.info({ concurrency: config.jobs.concurrency }, 'numberflow worker started');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, graceMs: config.shutdownGraceMs }, 'worker shutting down');
    const forced = setTimeout(() => process.exit(1), config.shutdownGraceMs + 5_000);
    forced.unref();
    numberflow.close(config.shutdownGraceMs).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  const prefix = error instanceof ConfigError ? 'configuration error' : 'failed to start';
  process.stderr.write(`numberflow worker: ${prefix}: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
