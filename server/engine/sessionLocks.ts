/**
 * Serializes the work on one session inside this process: a client's events, timers and jobs take
 * their turn instead of racing each other's compare-and-set. Other processes are kept apart by the
 * store's version check.
 */
export class SessionLocks {
  readonly #tails = new Map<string, Promise<unknown>>();

  async run<T>(sessionId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(sessionId) ?? Promise.resolve();
    const turn = previous.then(work, work);
    const tail = turn.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(sessionId, tail);
    try {
      return await turn;
    } finally {
      if (this.#tails.get(sessionId) === tail) this.#tails.delete(sessionId);
    }
  }
}
