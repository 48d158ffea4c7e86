/**
 * Compares two strings in time that depends only on their lengths, not on where they differ:
 * what a user types is compared with a secret without leaking how much of it was right.
 * Pure, so the machine can use it in a guard.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  let difference = a.length ^ b.length;
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) difference |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
  return difference === 0;
}
