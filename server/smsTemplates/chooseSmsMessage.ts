import { COMPLIMENTARY_SIGN_NAME, COMPLIMENTARY_TEMPLATE_CODE, complimentaryTemplates } from './complimentarySms.js';
import { composeSmsMessage, verificationTemplateParam, type SmsMessage } from './smsMessage.js';
import type { SmsTemplateRepository } from './smsTemplateRepository.js';

/** A signature and a template by name; either left out means the complimentary one. */
export interface SmsChoice {
  signName?: string | undefined;
  templateCode?: string | undefined;
}

/** A send named a signature or template that does not exist. */
export class UnknownSmsChoice extends Error {
  constructor(
    readonly field: 'signName' | 'templateCode',
    readonly value: string,
  ) {
    super(field === 'signName' ? `there is no SMS signature ${value}` : `there is no SMS template ${value}`);
    this.name = 'UnknownSmsChoice';
  }
}

/**
 * The message of a send: the chosen signature and template (complimentary ones by default) filled
 * with `templateParam`. Throws `UnknownSmsChoice` for a name that does not exist. `recent`: as read
 * within the last second (the sessions' hot path).
 */
export async function chooseSmsMessage(
  repository: SmsTemplateRepository,
  choice: SmsChoice,
  templateParam: Record<string, string>,
  options: { recent?: boolean; defaultTemplateCode?: string } = {},
): Promise<SmsMessage> {
  const signName = choice.signName ?? COMPLIMENTARY_SIGN_NAME;
  const templateCode = choice.templateCode ?? options.defaultTemplateCode ?? COMPLIMENTARY_TEMPLATE_CODE;
  const [signature, template] = await Promise.all(
    options.recent
      ? [repository.recentSignature(signName), repository.recentTemplate(templateCode)]
      : [repository.signature(signName), repository.template(templateCode)],
  );
  if (!signature) throw new UnknownSmsChoice('signName', signName);
  if (!template) throw new UnknownSmsChoice('templateCode', templateCode);
  return composeSmsMessage(signature, template, templateParam);
}

/**
 * The message of a session's SMS code: the signature and template its policy's SMS code node names,
 * unset meaning the complimentary signature and the complimentary template of the session's scene.
 * A name deleted since the policy was saved (the API refuses to delete one in use, but a policy may
 * be imported naming any) falls back to the complimentary one, with a warning, rather than no SMS.
 */
export function sessionSmsMessage(repository: SmsTemplateRepository, warn: (detail: object, message: string) => void) {
  return async (
    sceneCode: string,
    settings: { signName?: string | undefined; templateCode?: string | undefined; validitySeconds: number },
  ): Promise<SmsMessage> => {
    const templateParam = verificationTemplateParam(settings.validitySeconds);
    const defaultTemplateCode = complimentaryTemplates.some((t) => t.code === sceneCode) ? sceneCode : COMPLIMENTARY_TEMPLATE_CODE;
    try {
      return await chooseSmsMessage(repository, settings, templateParam, { recent: true, defaultTemplateCode });
    } catch (error) {
      if (!(error instanceof UnknownSmsChoice)) throw error;
      warn({ [error.field]: error.value }, 'the SMS template a policy names is gone; the complimentary one was sent');
      return chooseSmsMessage(repository, {}, templateParam, { recent: true, defaultTemplateCode });
    }
  };
}
