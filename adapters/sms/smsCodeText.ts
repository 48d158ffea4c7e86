/** Where the code goes in a message template (the vendor's marker). */
export const codePlaceholder = '##code##';

/** The default message, e.g. `您的验证码为##code##，5分钟内有效。` for 300 seconds. */
export function defaultSmsCodeTemplate(validitySeconds: number): string {
  const validity = validitySeconds % 60 === 0 ? `${validitySeconds / 60}分钟` : `${validitySeconds}秒`;
  return `您的验证码为${codePlaceholder}，${validity}内有效。`;
}

export function renderSmsCodeText(template: string, code: string): string {
  return template.replaceAll(codePlaceholder, code);
}
