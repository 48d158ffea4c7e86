import { stateChartDot } from '../../visualizations/index.js';
import type { LoadedSession } from '../engine/sessionEngine.js';
import type { SessionLogEntry } from '../stores/sessionStore.js';

/** A session's state chart as DOT: its machine, the state it is in, and the states and events it went through. */
export function sessionChartDot(session: LoadedSession, entries: SessionLogEntry[]): string {
  return stateChartDot(session.machine.machine, {
    current: session.snapshot.value,
    visited: entries.map((e) => e.state),
    visitedEvents: entries.map((e) => (typeof e.payload.type === 'string' ? e.payload.type : undefined)),
  });
}
