import { applyTimerActions } from '../engine/timerPlan.js';
import type { TimerEntry } from '../stores/sessionStore.js';
import { timerDelayOf } from './timerEvents.js';

/** The durable timers a session would hold, by event type, kept as the engine keeps them (due time, not remaining time). */
export type TimerSchedule = Readonly<Record<string, TimerEntry>>;

/** A timer that was set and has not fired or been cancelled. */
export interface PendingTimer {
  eventType: string;
  delay: string;
  /** Epoch ms. */
  dueAt: number;
}

/** The schedule after a step: the timer that fired (if the event was one) is spent; raises set timers, cancels remove them. */
export function nextTimerSchedule(
  schedule: TimerSchedule,
  actions: readonly { type: string; params?: unknown }[],
  eventType: string,
  at: number,
): TimerSchedule {
  return applyTimerActions({ ...schedule }, actions, eventType, at);
}

/** Pending timers, soonest first (ties by event type, so the order never depends on insertion). */
export function pendingTimersOf(schedule: TimerSchedule): PendingTimer[] {
  return Object.entries(schedule)
    .map(([eventType, timer]) => ({ eventType, delay: timerDelayOf(eventType) ?? eventType, dueAt: timer.dueAt }))
    .sort((a, b) => a.dueAt - b.dueAt || (a.eventType < b.eventType ? -1 : a.eventType > b.eventType ? 1 : 0));
}
