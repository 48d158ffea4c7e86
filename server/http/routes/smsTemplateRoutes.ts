import { Router, type Response } from 'express';
import { policiesNaming } from '../../smsTemplates/smsChoiceUsage.js';
import { composeSmsMessage } from '../../smsTemplates/smsMessage.js';
import type { SmsChange } from '../../smsTemplates/smsTemplateRepository.js';
import {
  signNameSchema,
  smsSignatureInputSchema,
  smsTemplateInputSchema,
  templateCodeSchema,
  variablesOf,
  type SmsSignature,
  type SmsTemplate,
} from '../../smsTemplates/smsTemplateSchema.js';
import { ApiError } from '../apiError.js';
import { auditChange } from '../auditTrail.js';
import type { Services } from '../services.js';
import { parseInput } from '../validation.js';

export const smsSignatureUpdateSchema = smsSignatureInputSchema.partial({ name: true });
export const smsTemplateUpdateSchema = smsTemplateInputSchema;
/** What a template's preview fills in: a sample code and five minutes. */
const previewParam = { code: '123456', min: '5' };

type SmsServices = Pick<Services, 'smsTemplates' | 'audit' | 'policies' | 'schemes'>;

/**
 * SMS signatures and templates (operators: editors change them, viewers read): `GET|POST
 * /v1/admin/sms/signatures`, `GET|PUT|DELETE /v1/admin/sms/signatures/{name}`, and the same for
 * `/v1/admin/sms/templates/{code}`. The complimentary ones are always listed and never change; one
 * that a policy names cannot be deleted. Every change is audited.
 */
export function smsTemplateRoutes(services: SmsServices): Router {
  const router = Router();
  const { smsTemplates } = services;

  router.get('/v1/admin/sms/signatures', async (_req, res) => {
    res.json({ signatures: await smsTemplates.listSignatures() });
  });

  router.post('/v1/admin/sms/signatures', async (req, res) => {
    const input = parseInput(smsSignatureInputSchema, req.body);
    const change = answered(await smsTemplates.createSignature(input), signatureTarget(input.name));
    await audited(res, services, 'smsSignature.create', signatureTarget(input.name), change);
    res
      .status(201)
      .location(`/v1/admin/sms/signatures/${encodeURIComponent(input.name)}`)
      .json(change.after);
  });

  router.get('/v1/admin/sms/signatures/:name', async (req, res) => {
    const name = signatureName(req.params.name);
    res.json((await smsTemplates.signature(name)) ?? notFound(signatureTarget(name)));
  });

  router.put('/v1/admin/sms/signatures/:name', async (req, res) => {
    const name = signatureName(req.params.name);
    const { name: bodyName, ...input } = parseInput(smsSignatureUpdateSchema, req.body);
    if (bodyName !== undefined && bodyName !== name) throw new ApiError(400, 'NAME_MISMATCH', 'the name in the body differs from the name in the path');
    const change = answered(await smsTemplates.replaceSignature(name, input), signatureTarget(name));
    await audited(res, services, 'smsSignature.update', signatureTarget(name), change);
    res.json(change.after);
  });

  router.delete('/v1/admin/sms/signatures/:name', async (req, res) => {
    const name = signatureName(req.params.name);
    await refuseInUse(services, { signName: name }, signatureTarget(name));
    const change = answered(await smsTemplates.deleteSignature(name), signatureTarget(name));
    await audited(res, services, 'smsSignature.delete', signatureTarget(name), change);
    res.status(204).end();
  });

  router.get('/v1/admin/sms/templates', async (_req, res) => {
    const [templates, signatures] = await Promise.all([smsTemplates.listTemplates(), smsTemplates.listSignatures()]);
    res.json({ templates: templates.map((template) => templateView(template, signatures[0]!)) });
  });

  router.post('/v1/admin/sms/templates', async (req, res) => {
    const input = parseInput(smsTemplateInputSchema, req.body);
    const change = answered(await smsTemplates.createTemplate(input), templateTarget(input.code ?? 'new'));
    const after = change.after!;
    await audited(res, services, 'smsTemplate.create', templateTarget(after.code), change);
    res
      .status(201)
      .location(`/v1/admin/sms/templates/${after.code}`)
      .json(templateView(after, await complimentarySignature(services)));
  });

  router.get('/v1/admin/sms/templates/:code', async (req, res) => {
    const code = templateCode(req.params.code);
    const template = (await smsTemplates.template(code)) ?? notFound(templateTarget(code));
    res.json(templateView(template, await complimentarySignature(services)));
  });

  router.put('/v1/admin/sms/templates/:code', async (req, res) => {
    const code = templateCode(req.params.code);
    const { code: bodyCode, ...input } = parseInput(smsTemplateUpdateSchema, req.body);
    if (bodyCode !== undefined && bodyCode !== code) throw new ApiError(400, 'CODE_MISMATCH', 'the code in the body differs from the code in the path');
    const change = answered(await smsTemplates.replaceTemplate(code, input), templateTarget(code));
    await audited(res, services, 'smsTemplate.update', templateTarget(code), change);
    res.json(templateView(change.after!, await complimentarySignature(services)));
  });

  router.delete('/v1/admin/sms/templates/:code', async (req, res) => {
    const code = templateCode(req.params.code);
    await refuseInUse(services, { templateCode: code }, templateTarget(code));
    const change = answered(await smsTemplates.deleteTemplate(code), templateTarget(code));
    await audited(res, services, 'smsTemplate.delete', templateTarget(code), change);
    res.status(204).end();
  });

  return router;
}

/** What a route changes: its audit target, and the kind its error codes name (`SMS_SIGNATURE_…`, `SMS_TEMPLATE_…`). */
interface Target {
  kind: 'SIGNATURE' | 'TEMPLATE';
  text: string;
}
const signatureTarget = (name: string): Target => ({ kind: 'SIGNATURE', text: `SMS signature ${name}` });
const templateTarget = (code: string): Target => ({ kind: 'TEMPLATE', text: `SMS template ${code}` });

/** A malformed name or code answers 404, like one that does not exist. */
function signatureName(raw: unknown): string {
  const parsed = signNameSchema.safeParse(raw);
  return parsed.success ? parsed.data : notFound(signatureTarget(String(raw)));
}

function templateCode(raw: unknown): string {
  const parsed = templateCodeSchema.safeParse(raw);
  return parsed.success ? parsed.data : notFound(templateTarget(String(raw)));
}

function notFound(target: Target): never {
  throw new ApiError(404, `SMS_${target.kind}_NOT_FOUND`, `${target.text} does not exist`);
}

function answered<T>(change: SmsChange<T>, target: Target): { before: T | null; after: T | null } {
  if (change.ok) return change;
  switch (change.refusal) {
    case 'exists':
      throw new ApiError(409, `SMS_${target.kind}_EXISTS`, `${target.text} already exists`);
    case 'complimentary':
      throw new ApiError(409, `SMS_${target.kind}_COMPLIMENTARY`, `${target.text} is complimentary: ready to use, it cannot be changed or deleted`);
    case 'notFound':
      return notFound(target);
  }
}

async function refuseInUse(services: SmsServices, choice: { signName: string } | { templateCode: string }, target: Target): Promise<void> {
  const users = await policiesNaming(services, choice);
  if (users.length)
    throw new ApiError(409, `SMS_${target.kind}_IN_USE`, `${target.text} is named by ${users.join(', ')}; choose another there first`, { policies: users });
}

async function audited<T>(res: Response, services: SmsServices, action: string, target: Target, change: { before: T | null; after: T | null }) {
  await auditChange(res, services.audit, { action, target: target.text, before: change.before, after: change.after });
}

async function complimentarySignature(services: SmsServices): Promise<SmsSignature> {
  return (await services.smsTemplates.listSignatures())[0]!;
}

/** A template with the variables it names and how a message of it reads (complimentary signature, code 123456, 5 minutes). */
function templateView(template: SmsTemplate, signature: SmsSignature) {
  return { ...template, variables: variablesOf(template.content), preview: composeSmsMessage(signature, template, previewParam).template };
}
