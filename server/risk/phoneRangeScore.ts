import type { WeightedSignal } from './deviceSignalScore.js';

/**
 * Mainland number ranges that carry more risk: virtual operators (170/171/162/165/167) are
 * favoured by SMS farms; 14x data-card and IoT ranges do not belong to people. A number that
 * is not a mobile number at all (a landline) should never reach phone risk: it scores 100.
 */
export const phoneRangeWeights = {
  virtualOperator: 50,
  dataCardOrIot: 80,
  notMobile: 100,
} as const;

const mainlandMobile = /^1[3-9]\d{9}$/;
const international = /^\+\d{6,15}$/;

export function scorePhoneRange(phoneNumber: string): WeightedSignal[] {
  if (international.test(phoneNumber)) return [];
  if (!mainlandMobile.test(phoneNumber)) return [{ reason: 'not a mobile number', weight: phoneRangeWeights.notMobile }];
  if (/^1(70|71|62|65|67)/.test(phoneNumber))
    return [{ reason: `virtual operator range ${phoneNumber.slice(0, 3)}`, weight: phoneRangeWeights.virtualOperator }];
  if (/^14\d/.test(phoneNumber)) return [{ reason: `data card or IoT range ${phoneNumber.slice(0, 3)}`, weight: phoneRangeWeights.dataCardOrIot }];
  return [];
}
