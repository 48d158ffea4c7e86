import { Router } from 'express';
import { z } from 'zod';
import type { Webhook, WebhookRepository } from '../../webhooks/webhookRepository.js';
import type { AuditLog } from '../../audit/auditLog.js';
import { ApiError } from '../apiError.js';
import { auditChange } from '../auditTrail.js';
import { existingSchemeCode } from '../schemeParam.js';
import { parseInput } from '../validation.js';

export interface WebhookRoutesDeps {
  audit: AuditLog;
  repository: WebhookRepository;
  schemes: { get(code: string): Promise<unknown | null> };
  /** Production accepts only https URLs. */
  production: boolean;
}

const MAX_URL_LENGTH = 2048;

function webhookUrlSchema(production: boolean) {
  const protocols = production ? ['https:'] : ['http:', 'https:'];
  return z
    .string()
    .max(MAX_URL_LENGTH)
    .superRefine((value, ctx) => {
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'an absolute URL is required' });
        return;
      }
      if (!protocols.includes(url.protocol))
        ctx.addIssue({ code: 'custom', message: production ? 'only https URLs are allowed in production' : 'an http or https URL is required' });
      else if (url.username || url.password) ctx.addIssue({ code: 'custom', message: 'a URL must not carry credentials' });
    });
}

/** A secret of the operator's choosing: 16–256 printable ASCII characters, no spaces. */
const secretSchema = z
  .string()
  .min(16)
  .max(256)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');

/** The body of `PUT /v1/admin/schemes/{code}/webhook`; production accepts only https URLs. */
export function webhookRegistrationSchema(production: boolean) {
  return z
    .object({ url: webhookUrlSchema(production), secret: secretSchema.optional(), rotateSecret: z.boolean().optional(), enabled: z.boolean().optional() })
    .strict()
    .refine((body) => !(body.secret !== undefined && body.rotateSecret), { message: 'give either secret or rotateSecret, not both', path: ['rotateSecret'] });
}

/**
 * A scheme's webhook (Bearer admin token): `PUT|GET|DELETE /v1/admin/schemes/{code}/webhook`.
 * The signing secret is shown once, in the PUT that set it; GET shows the recent attempts.
 */
export function webhookRoutes(deps: WebhookRoutesDeps): Router {
  const router = Router();
  const path = '/v1/admin/schemes/:code/webhook';
  const registrationSchema = webhookRegistrationSchema(deps.production);

  router.put(path, async (req, res) => {
    const code = await existingSchemeCode(deps.schemes, req);
    const body = parseInput(registrationSchema, req.body);
    const before = await deps.repository.get(code);
    const { webhook, secret } = await deps.repository.register(code, {
      url: body.url,
      ...(body.secret !== undefined ? { secret: body.secret } : {}),
      ...(body.rotateSecret ? { rotateSecret: true } : {}),
      ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
    });
    await auditChange(res, deps.audit, {
      action: 'webhook.put',
      target: `scheme ${code}`,
      before: before && webhookView(before),
      after: { ...webhookView(webhook), ...(secret !== undefined ? { secretReplaced: true } : {}) },
    });
    // The secret is in this answer only when it was just set, and never again.
    res.json({ ...webhookView(webhook), ...(secret !== undefined ? { secret } : {}) });
  });

  router.get(path, async (req, res) => {
    const code = await existingSchemeCode(deps.schemes, req);
    const webhook = await deps.repository.get(code);
    if (!webhook) throw webhookNotFound(code);
    const recentAttempts = await deps.repository.attempts(code);
    const latest = recentAttempts[0];
    res.json({ ...webhookView(webhook), deliveryStatus: latest === undefined ? 'none' : latest.ok ? 'ok' : 'failing', recentAttempts });
  });

  router.delete(path, async (req, res) => {
    const code = await existingSchemeCode(deps.schemes, req);
    const before = await deps.repository.get(code);
    if (!before || !(await deps.repository.remove(code))) throw webhookNotFound(code);
    await auditChange(res, deps.audit, { action: 'webhook.delete', target: `scheme ${code}`, before: webhookView(before), after: null });
    res.status(204).end();
  });

  return router;
}

function webhookView({ schemeCode: _code, ...webhook }: Webhook) {
  return webhook;
}

const webhookNotFound = (code: string) => new ApiError(404, 'WEBHOOK_NOT_FOUND', `scheme ${code} has no webhook`);
