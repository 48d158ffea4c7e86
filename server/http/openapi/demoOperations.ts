import { z } from 'zod';
import { demoAuthTokenSchema, demoVerifyRequestSchema } from '../routes/demoRoutes.js';
import { clientModulePath } from '../routes/clientModuleRoutes.js';
import { sessionIdPattern } from '../sessionId.js';
import type { Operation, Parameter } from './operationTypes.js';
import { demoAuthTokenResponseSchema, demoVerifyResponseSchema } from './responseSchemas.js';

/** The browser client, and the H5 demo with its small app backend (the demo only while the simulator is active). */

const id: Parameter = { schema: z.string().regex(sessionIdPattern), description: "the session id; another scheme's session answers 404 like a missing one" };

export const clientModuleOperations: Operation[] = [
  {
    method: 'get',
    path: clientModulePath,
    operationId: 'getClientModule',
    summary: 'The TypeScript client as a browser module',
    description:
      "`import { NumberflowClient } from '<server>/client/numberflow-client.js'`: the package's `./client` export, bundled as one ES module. Any origin may load it (`Access-Control-Allow-Origin: *`); it holds no data.",
    tag: 'reference',
    security: 'none',
    storeFree: true,
    success: { status: 200, description: 'the ES module', contentType: 'text/javascript' },
  },
];

export const demoOperations: Operation[] = [
  {
    method: 'get',
    path: '/demo',
    operationId: 'getDemo',
    summary: 'The H5 demo: a phone that logs in with the TypeScript client',
    description: 'Development only, like the simulator. `?scheme=<code>` picks another H5 scheme than the seeded one.',
    tag: 'demo',
    security: 'none',
    storeFree: true,
    success: { status: 200, description: 'the demo page', contentType: 'text/html' },
  },
  {
    method: 'post',
    path: '/demo/api/auth-token',
    operationId: 'getDemoAuthToken',
    summary: "The demo app backend's GetFusionAuthToken",
    description:
      "Mints an auth token for an H5 scheme (the seeded `FA000000000000004` by default) with the scheme's own origin, as an app backend does with its access key, which never reaches the page. `phoneNumber`: the signed-in user's bound number, for scenes 100002, 100003 and 100005.",
    tag: 'demo',
    security: 'none',
    rateLimited: true,
    body: { schema: demoAuthTokenSchema, required: false },
    success: { status: 200, description: 'the auth token for the page', schema: demoAuthTokenResponseSchema },
    errors: { 400: ['VALIDATION_FAILED', 'INVALID_PHONE_NUMBER', 'APP_IDENTITY_MISMATCH'], 403: ['NOT_AN_H5_SCHEME'], 404: ['SCHEME_NOT_FOUND'] },
  },
  {
    method: 'post',
    path: '/demo/api/verify',
    operationId: 'verifyDemoSession',
    summary: "The demo app backend's VerifyWithFusionAuthToken",
    description: 'Redeems the verify token the page hands over, once, and says which number was proven.',
    tag: 'demo',
    security: 'none',
    rateLimited: true,
    body: { schema: demoVerifyRequestSchema },
    success: { status: 200, description: 'the verify result', schema: demoVerifyResponseSchema },
    errors: { 400: ['VALIDATION_FAILED'], 404: ['VERIFY_TOKEN_INVALID'] },
  },
  {
    method: 'get',
    path: '/demo/api/sessions/{id}/chart',
    operationId: 'getDemoSessionChart',
    summary: "The session's state chart, for its own client",
    description:
      "The chart of the operator's session view (`/v1/admin/sessions/{id}/chart`), the current state highlighted, to the holder of the session's auth token.",
    tag: 'demo',
    security: 'client',
    pathParams: { id },
    success: { status: 200, description: 'the chart', contentType: 'image/svg+xml' },
    errors: { 404: ['SESSION_NOT_FOUND'] },
  },
  {
    method: 'get',
    path: '/demo/api/sessions/{id}/live',
    operationId: 'followDemoSession',
    summary: "The session's steps as they happen (Server-Sent Events), for its own client",
    description: "The stream of `/v1/admin/sessions/{id}/live` (`entry`, `session`, `end`), to the holder of the session's auth token.",
    tag: 'demo',
    security: 'client',
    pathParams: { id },
    success: { status: 200, description: 'the stream', contentType: 'text/event-stream' },
    errors: { 404: ['SESSION_NOT_FOUND'] },
  },
];
