/**
 * numberflow keeps mainland-China numbers as 11 national digits (`13812345678`) and others in
 * E.164; CAMARA always speaks E.164 with its `+` (`+8613812345678`).
 */
export function toCamaraPhoneNumber(phoneNumber: string): string {
  return /^1\d{10}$/.test(phoneNumber) ? `+86${phoneNumber}` : phoneNumber;
}

export function fromCamaraPhoneNumber(phoneNumber: string): string {
  return /^\+861\d{10}$/.test(phoneNumber) ? phoneNumber.slice(3) : phoneNumber;
}
