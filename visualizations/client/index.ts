/** numberflow's client for apps, in browsers and Node: `import { NumberflowClient } from 'numberflow/client'`. */
export { NumberflowClient, type NumberflowClientOptions, type RetryOptions, type WaitOptions } from './numberflowClient.js';
export { NumberflowSession, type NextActionHandlers, type SessionListener } from './numberflowSession.js';
export { NumberflowError, retryAfterSeconds, type ClientSideErrorCode } from './numberflowError.js';
export type * from './apiTypes.js';
