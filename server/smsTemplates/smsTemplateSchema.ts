import { z } from 'zod';
import { signNameSchema, templateCodeSchema } from '../../machines/policy/smsNames.js';

export { signNameSchema, templateCodeSchema };

/**
 * SMS signatures and templates, as the vendor's console keeps them. A template's content names the
 * code `${code}` and its validity `${min}` (minutes); the sender's TemplateParam puts the vendor's
 * `##code##` marker in `code`, where the generated code goes. Nothing else is a variable.
 */
export const templateVariables = ['code', 'min'] as const;
const variablePattern = /\$\{([^}]*)\}/g;

/** The variables a content names, in order of first appearance. */
export function variablesOf(content: string): string[] {
  return [...new Set([...content.matchAll(variablePattern)].map((m) => m[1]!))];
}

export const smsSignatureInputSchema = z
  .object({
    name: signNameSchema,
    description: z.string().trim().max(200).optional(),
  })
  .strict();

export const smsTemplateContentSchema = z
  .string()
  .trim()
  .min(1)
  .max(500)
  .superRefine((content, ctx) => {
    const variables = variablesOf(content);
    if (!variables.includes('code')) ctx.addIssue({ code: 'custom', message: 'the content must name the code as ${code}' });
    if (!variables.includes('min')) ctx.addIssue({ code: 'custom', message: 'the content must state how long the code is valid: ${min} (minutes)' });
    for (const name of variables.filter((v) => !(templateVariables as readonly string[]).includes(v)))
      ctx.addIssue({ code: 'custom', message: `\${${name}} is not a variable of a verification-code template (only \${code} and \${min})` });
    if (content.includes('##code##'))
      ctx.addIssue({ code: 'custom', message: 'the content names the code as ${code}; ##code## is the marker the sender puts in TemplateParam' });
  });

export const smsTemplateInputSchema = z
  .object({
    code: templateCodeSchema.optional(),
    name: z.string().trim().min(1).max(30),
    content: smsTemplateContentSchema,
    description: z.string().trim().max(200).optional(),
  })
  .strict();

export type SmsSignatureInput = z.infer<typeof smsSignatureInputSchema>;
export type SmsTemplateInput = z.infer<typeof smsTemplateInputSchema>;

export interface SmsSignature extends SmsSignatureInput {
  /** One of the vendor's free ones: ready to use, cannot be changed or deleted. */
  complimentary: boolean;
  createdAt: string | null;
  updatedAt: string | null;
}

export interface SmsTemplate extends Omit<SmsTemplateInput, 'code'> {
  code: string;
  complimentary: boolean;
  createdAt: string | null;
  updatedAt: string | null;
}
