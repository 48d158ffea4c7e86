import { afterAll, beforeAll } from 'vitest';
import { FusionAuthFlow } from './fusionAuthFlow.js';
import { startTestServer, type TestServer } from './testServer.js';

export interface TestServerContext {
  server: TestServer;
  flow: FusionAuthFlow;
}

/** One server for the test file: started before its tests, closed after them. */
export function useTestServer(options: Parameters<typeof startTestServer>[0] = {}, setup?: (context: TestServerContext) => Promise<void>): TestServerContext {
  const context = {} as TestServerContext;
  beforeAll(async () => {
    context.server = await startTestServer(options);
    context.flow = new FusionAuthFlow(context.server.api);
    await setup?.(context);
  });
  afterAll(() => context.server.close());
  return context;
}
