import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { constantTimeEqual } from '../../machines/constantTimeEqual.js';

describe('constantTimeEqual', () => {
  it('agrees with === on any pair of strings', () => {
    fc.assert(fc.property(fc.string(), fc.string(), (a, b) => constantTimeEqual(a, b) === (a === b)));
    fc.assert(fc.property(fc.string(), (a) => constantTimeEqual(a, a)));
  });

  it('tells apart strings that differ only in length or in a NUL', () => {
    expect(constantTimeEqual('1234', '12345')).toBe(false);
    expect(constantTimeEqual('1234', '1234\0')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
  });
});
