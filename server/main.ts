import type { AddressInfo } from 'node:net';
import { ConfigError, loadConfig } from './config/config.js';
import { createNumberflow } from './createNumberflow.js';
import { firstRunBanner } from './setup/firstRunBanner.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const numberflow = await createNumberflow(config);
  const { logger } = numberflow.services;
  const server = numberflow.app.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://${config.host}:${port}`;
  process.stdout.write(firstRunBanner(baseUrl, config, numberflow.firstRun));
  logger.info({ url: baseUrl, store: numberflow.services.storage.kind }, 'numberflow listening');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, graceMs: config.shutdownGraceMs }, 'shutting down');
    const forced = setTimeout(() => process.exit(1), config.shutdownGraceMs + 5_000);
    forced.unref();
    // Stop taking requests; let those in flight finish; then jobs and connections.
    server.close(() => {
      numberflow.close(config.shutdownGraceMs).then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
    server.closeIdleConnections();
    // Live streams would hold the server open; browsers reconnect elsewhere and resume.
    numberflow.services.liveStreams.closeAll();
    setTimeout(() => server.closeAllConnections(), config.shutdownGraceMs).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`numberflow: configuration error: ${error.message}\n`);
  } else {
    process.stderr.write(`numberflow: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
});
