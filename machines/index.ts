export { createSessionMachine, middleFourDigits, type SessionMachine } from './createSessionMachine.js';
export { nextActionOf, sessionStatus, maskPhoneNumber, type NextAction, type SessionStatus } from './nextAction.js';
export { stateIds } from './stateIds.js';
export * from './sessionEvents.js';
export * from './sessionContext.js';
export * from './policy/scenes.js';
export * from './policy/policySchema.js';
export * from './policy/defaultPolicies.js';
