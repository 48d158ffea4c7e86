import { platformIdentityFields, type Scheme } from './schemeSchema.js';

export interface PresentedIdentity {
  platform: string;
  packageName?: string | undefined;
  packageSign?: string | undefined;
  bundleId?: string | undefined;
  appId?: string | undefined;
  origin?: string | undefined;
}

/**
 * The app identity given in a token request must be the scheme's own: platform and every
 * identity field of that platform (the URL of an H5 scheme is not sent by clients, only its origin).
 * Returns the names of the fields that differ.
 */
export function identityMismatches(scheme: Scheme, presented: PresentedIdentity): string[] {
  if (presented.platform !== scheme.platform) return ['platform'];
  const fields = platformIdentityFields[scheme.platform].filter((field) => field !== 'url');
  return fields.filter((field) => {
    const expected = scheme[field];
    const given = presented[field];
    return given === undefined || expected === undefined || normalize(field, given) !== normalize(field, expected);
  });
}

function normalize(field: string, value: string): string {
  return field === 'packageSign' ? value.toLowerCase() : value;
}
