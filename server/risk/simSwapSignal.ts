/**
 * Whether a number's SIM changed recently, as the operator knows it (CAMARA SIM Swap, `POST /check`).
 * Phone risk asks it when the policy's phone-risk node sets a window (`simSwapMaxAgeHours`): a
 * recent swap takes the node's risky route, whatever the score.
 */
export interface SimSwapSignal {
  /** `unavailable` says why the operator could not answer; such a check does not count either way. */
  swappedWithin(phoneNumber: string, maxAgeHours: number): Promise<{ swapped: boolean } | { unavailable: string }>;
}
