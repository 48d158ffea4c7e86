import type { components, operations } from './generated/openapi.js';

/** The API's own types, named for the client; all of them come from the generated OpenAPI types. */
type Schemas = components['schemas'];

export type SessionView = Schemas['SessionView'];
export type SessionStatus = SessionView['status'];
export type NextAction = Schemas['NextAction'];
export type NextActionType = NextAction['type'];
export type NextActionOf<T extends NextActionType> = Extract<NextAction, { type: T }>;
export type ClientEvent = Schemas['ClientEvent'];
export type ClientEventType = ClientEvent['type'];
export type Device = Schemas['Device'];
export type SceneCode = Schemas['StartSessionRequest']['sceneCode'];
export type ErrorBody = Schemas['Error'];

type JsonBodies<Responses> = {
  [Status in keyof Responses]: Responses[Status] extends { content: { 'application/json': infer Body } } ? Body : never;
}[keyof Responses];
type ErrorCodeIn<Body> = Body extends { error?: { code?: infer Code } } ? Extract<Code, string> : never;
type ErrorCodesOf<Operation> = Operation extends { responses: infer Responses } ? ErrorCodeIn<JsonBodies<Responses>> : never;

/** Every `error.code` the session endpoints document. */
export type SessionErrorCode = ErrorCodesOf<operations['startSession'] | operations['getSession'] | operations['sendSessionEvent']>;
