import type { SmsSignature, SmsTemplate } from './smsTemplateSchema.js';

/**
 * The signature and templates every account starts with, as the vendor's console offers them free
 * and recommends (custom signatures may fail to deliver): the signature 速通互联验证码 and one
 * verification-code template per scene, 100001–100005. Ready to use; they cannot be changed or deleted.
 */
export const COMPLIMENTARY_SIGN_NAME = '速通互联验证码';
export const COMPLIMENTARY_TEMPLATE_CODE = '100001';

const complimentary = { complimentary: true, createdAt: null, updatedAt: null } as const;
const keepSecret = '以上验证码${min}分钟内有效，请注意保密，切勿告知他人。';

export const complimentarySignatures: readonly SmsSignature[] = [{ name: COMPLIMENTARY_SIGN_NAME, description: 'the free system signature', ...complimentary }];

export const complimentaryTemplates: readonly SmsTemplate[] = [
  {
    code: '100001',
    name: '登录/注册模板',
    content: `您的验证码为\${code}。尊敬的客户，${keepSecret}`,
    description: 'one-click logon / registration',
    ...complimentary,
  },
  {
    code: '100002',
    name: '修改绑定手机号模板',
    content: `尊敬的客户，您正在进行修改手机号操作，您的验证码为\${code}。${keepSecret}`,
    description: 'change phone number',
    ...complimentary,
  },
  {
    code: '100003',
    name: '重置登录密码模板',
    content: `尊敬的客户，您正在进行重置密码操作，您的验证码为\${code}。${keepSecret}`,
    description: 'reset password',
    ...complimentary,
  },
  {
    code: '100004',
    name: '绑定新手机号模板',
    content: `尊敬的客户，您正在进行绑定手机号操作，您的验证码为\${code}。${keepSecret}`,
    description: 'bind new phone number',
    ...complimentary,
  },
  {
    code: '100005',
    name: '验证绑定手机号模板',
    content: `尊敬的客户，您正在验证绑定手机号操作，您的验证码为\${code}。${keepSecret}`,
    description: 'verify bound phone number',
    ...complimentary,
  },
];
