import { describe, expect, it } from 'vitest';
import { dottedStatePath, stateValueLeafPaths } from '../../visualizations/index.js';
import { formatDuration } from '../../visualizations/formatDuration.js';

describe('state values as paths', () => {
  it('turns a state value into the paths of its active leaf states', () => {
    expect(stateValueLeafPaths('verified')).toEqual([['verified']]);
    expect(stateValueLeafPaths({ proveNumber: { sms: 'awaitingCode' } })).toEqual([['proveNumber', 'sms', 'awaitingCode']]);
    expect(stateValueLeafPaths({ checks: { left: 'a', right: { deep: 'b' } } })).toEqual([
      ['checks', 'left', 'a'],
      ['checks', 'right', 'deep', 'b'],
    ]);
    expect(stateValueLeafPaths({ compound: {} })).toEqual([['compound']]);
    for (const nothing of [undefined, null, 3, [], true]) expect(stateValueLeafPaths(nothing)).toEqual([]);
  });

  it('flattens a state value to a dotted path', () => {
    expect(dottedStatePath({ proveBoundNumber: { numberAuth: 'awaitingToken' } })).toBe('proveBoundNumber.numberAuth.awaitingToken');
    expect(dottedStatePath('failed')).toBe('failed');
    expect(dottedStatePath({ p: { a: 'x', b: 'y' } })).toBe('p.a.x, p.b.y');
    expect(dottedStatePath(undefined)).toBe('');
  });
});

describe('formatDuration', () => {
  it('says how long in the unit a person reads', () => {
    expect([0, 250, 1_000, 1_234, 30_000, 59_940, 65_000, 300_000, 600_000, 3_600_000, 5_400_000].map(formatDuration)).toEqual([
      '0 s',
      '250 ms',
      '1 s',
      '1.2 s',
      '30 s',
      '59.9 s',
      '1 min 5 s',
      '5 min',
      '10 min',
      '1 h',
      '1 h 30 min',
    ]);
  });
});
