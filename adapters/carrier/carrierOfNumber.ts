import type { Carrier } from './carrierGateway.js';

/**
 * Number blocks are assigned by MIIT; the three-digit prefix decides the carrier, except
 * where a block is split by its fourth digit (satellite and virtual-operator ranges).
 */
const carrierOfFourDigitPrefix: Readonly<Record<string, Carrier>> = {
  '1349': 'telecom',
  '1700': 'telecom',
  '1701': 'telecom',
  '1702': 'telecom',
  '1703': 'mobile',
  '1705': 'mobile',
  '1706': 'mobile',
  '1704': 'unicom',
  '1707': 'unicom',
  '1708': 'unicom',
  '1709': 'unicom',
  '1740': 'telecom',
};

const carrierOfThreeDigitPrefix: Readonly<Record<string, Carrier>> = {
  ...prefixes('mobile', [134, 135, 136, 137, 138, 139, 147, 148, 150, 151, 152, 157, 158, 159, 165, 172, 178, 182, 183, 184, 187, 188, 195, 197, 198]),
  ...prefixes('unicom', [130, 131, 132, 145, 146, 155, 156, 166, 167, 171, 175, 176, 185, 186, 196]),
  ...prefixes('telecom', [133, 149, 153, 162, 173, 177, 180, 181, 189, 190, 191, 193, 199]),
};

function prefixes(carrier: Carrier, blocks: number[]): Record<string, Carrier> {
  return Object.fromEntries(blocks.map((block) => [String(block), carrier]));
}

/**
 * The carrier a mainland-China mobile number (11 digits, e.g. `13812345678`) was issued by,
 * or undefined for other numbers and blocks of other operators (e.g. China Broadnet's 192).
 * Number portability means this is the original carrier, which is what a simulator needs.
 */
export function carrierOfNumber(phoneNumber: string): Carrier | undefined {
  if (!/^1\d{10}$/.test(phoneNumber)) return undefined;
  return carrierOfFourDigitPrefix[phoneNumber.slice(0, 4)] ?? carrierOfThreeDigitPrefix[phoneNumber.slice(0, 3)];
}
