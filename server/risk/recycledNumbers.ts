/**
 * Numbers a carrier reports as recycled (cancelled and given to a new owner): an account bound
 * to one may belong to somebody else now. The carrier simulator, or a carrier's data, answers it.
 */
export interface RecycledNumbers {
  isRecycled(phoneNumber: string): Promise<boolean>;
}

/** No carrier data: no number counts as recycled. */
export const noRecycledNumbers: RecycledNumbers = { isRecycled: async () => false };

/** A fixed set of recycled numbers (tests, a simulator's list). */
export function recycledNumbersFrom(numbers: Iterable<string>): RecycledNumbers {
  const set = new Set(numbers);
  return { isRecycled: async (phoneNumber) => set.has(phoneNumber) };
}
