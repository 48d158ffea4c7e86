// Loads vitest's own declarations and makes this file a module, so the block below augments
// them. With only `export {}`, a program that reaches vitest solely via `vitest/node`
// (like globalSetup.ts) does not see the augmentation.
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /**
     * Where the project's Redis is: `redis://127.0.0.1:<port>` of the redis-server that
     * globalSetup.ts starts (project `single`), or comma-separated `redis://` seeds of the
     * three-master Redis Cluster that globalSetupCluster.ts starts (project `cluster`).
     * Connect with createRedisClient, which takes either.
     */
    redisUrl: string;
  }
}
