/** The scheme's deny and allow lists, as the actions consult them. */
export interface PhoneLists {
  match(schemeCode: string, phoneNumber: string): Promise<{ deny?: string; allow?: string }>;
}
