// Loads vitest's own declarations and makes this file a module, so the block below augments
// them. With only `export {}`, a program that reaches vitest solely via `vitest/node`
// (like globalSetup.ts) does not see the augmentation.
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the redis-server that tests/support/globalSetup.ts starts for the run. */
    redisUrl: string;
  }
}
