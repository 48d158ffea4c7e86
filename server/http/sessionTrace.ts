import type { SessionRecord } from '../stores/sessionStore.js';
import { ApiError } from './apiError.js';

/**
 * A session that started while its scene's logging switch was off keeps no trace for operators: its
 * trace, timeline, chart, live stream and recording answer this. Its event log still exists (replay,
 * the impact preview and the diagram's counts read it) and expires with the session.
 */
export function requireTraced(record: SessionRecord): void {
  if (record.untraced)
    throw new ApiError(
      403,
      'SESSION_LOGGING_OFF',
      `session ${record.id} started while the logging of scene ${record.sceneCode} was off: it keeps no trace (switch Logging on for the sessions to come)`,
      { sceneCode: record.sceneCode },
    );
}
