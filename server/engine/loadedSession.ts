import type { SessionSnapshot } from '../../machines/durableStep.js';
import type { SessionRecord } from '../stores/sessionStore.js';
import type { RegisteredMachine } from './machineRegistry.js';

/** A session as the engine works on it: the stored record, its machine, and the live snapshot. */
export interface LoadedSession {
  record: SessionRecord;
  machine: RegisteredMachine;
  snapshot: SessionSnapshot;
}
