import type { SessionRecord } from '../stores/sessionStore.js';
import type { TimerListener } from '../engine/sessionEngine.js';

/**
 * Delivers due session timers inside this process. The timers themselves are durable in
 * the session record (any read delivers what is due), so this only makes them fire on time
 * when nobody is asking.
 */
export class InProcessTimers implements TimerListener {
  private readonly scheduled = new Map<string, NodeJS.Timeout>();
  private deliver: ((sessionId: string) => Promise<unknown>) | undefined;

  constructor(
    private readonly clock: () => number,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(deliver: (sessionId: string) => Promise<unknown>): void {
    this.deliver = deliver;
  }

  timersChanged(record: SessionRecord): void {
    for (const [timerId, timer] of Object.entries(record.timers)) {
      const key = `${record.id}\0${timerId}\0${timer.dueAt}`;
      if (this.scheduled.has(key)) continue;
      const handle = setTimeout(
        () => {
          this.scheduled.delete(key);
          this.deliver?.(record.id).catch(this.onError);
        },
        Math.max(0, timer.dueAt - this.clock()) + 5,
      );
      handle.unref();
      this.scheduled.set(key, handle);
    }
  }

  stop(): void {
    for (const handle of this.scheduled.values()) clearTimeout(handle);
    this.scheduled.clear();
    this.deliver = undefined;
  }
}
