/** The store the simulator's recycled-number marks live in (a subset of the server's key-value store). */
export interface RecycledNumberStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, options?: { ttlMs?: number; onlyIfAbsent?: boolean }): Promise<boolean>;
  del(key: string): Promise<boolean>;
}

/**
 * What a carrier knows and a test wants to set: numbers cancelled and given to a new owner.
 * Phone risk asks `isRecycled`; the simulator's route marks and unmarks numbers.
 */
export class SimulatorRecycledNumbers {
  constructor(
    private readonly store: RecycledNumberStore,
    private readonly keyPrefix = 'simulator:recycled:',
  ) {}

  async isRecycled(phoneNumber: string): Promise<boolean> {
    return (await this.store.get(this.keyPrefix + phoneNumber)) !== null;
  }

  async mark(phoneNumber: string): Promise<void> {
    await this.store.set(this.keyPrefix + phoneNumber, '1');
  }

  async unmark(phoneNumber: string): Promise<void> {
    await this.store.del(this.keyPrefix + phoneNumber);
  }
}
