import { z } from 'zod';
import { platforms } from '../../machines/index.js';

/** `FA` + digits, as the vendor's CreateSchemeConfig returns them (e.g. FA100000168468035). */
export const schemeCodeSchema = z.string().regex(/^FA\d{6,20}$/, 'a scheme code is FA followed by 6–20 digits');

const packageName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)+$/, 'a package name like com.example.app');
/** The vendor's Android signature: the MD5 of the signing certificate, 32 hex characters. */
const packageSign = z.string().regex(/^[0-9a-fA-F]{32}$/, 'a package signature is 32 hex characters (MD5 of the signing certificate)');
const bundleId = z.string().regex(/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/, 'a bundle id like com.example.app');
const appId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.-]+$/);
/** The vendor's H5 pitfall, made a rule: an origin has no path and no trailing slash; a URL ends with one. */
const origin = z.string().regex(/^https?:\/\/[^/\s]+$/, 'an origin is scheme://host[:port] with no trailing slash');
const url = z.string().regex(/^https?:\/\/[^\s]+\/$/, 'a URL must end with /');

export const schemeFieldsSchema = z.object({
  name: z.string().trim().min(1).max(64),
  appName: z.string().trim().min(1).max(64).optional(),
  platform: z.enum(platforms),
  packageName: packageName.optional(),
  packageSign: packageSign.optional(),
  bundleId: bundleId.optional(),
  appId: appId.optional(),
  origin: origin.optional(),
  url: url.optional(),
});

/** Which identity fields each platform needs, and which it must not have. */
export const platformIdentityFields = {
  Android: ['packageName', 'packageSign'],
  iOS: ['bundleId'],
  HarmonyOS: ['packageName', 'packageSign', 'appId'],
  H5: ['origin', 'url'],
} as const;

const identityFields = ['packageName', 'packageSign', 'bundleId', 'appId', 'origin', 'url'] as const;

export const schemeInputSchema = schemeFieldsSchema
  .extend({ code: schemeCodeSchema.optional() })
  .strict()
  .superRefine((scheme, ctx) => {
    const required: readonly string[] = platformIdentityFields[scheme.platform];
    for (const field of identityFields) {
      const present = scheme[field] !== undefined;
      if (required.includes(field) && !present)
        ctx.addIssue({ code: 'custom', path: [field], message: `${field} is required for platform ${scheme.platform}` });
      if (!required.includes(field) && present)
        ctx.addIssue({ code: 'custom', path: [field], message: `${field} does not belong to platform ${scheme.platform}` });
    }
  });

export type SchemeInput = z.infer<typeof schemeInputSchema>;

export interface Scheme extends Omit<SchemeInput, 'code'> {
  code: string;
  /** False: disabled by an operator; it issues no auth tokens, and its auth tokens open or step no sessions. */
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}
