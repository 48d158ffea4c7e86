import { initialTransition, transition } from 'xstate';
import { describe, expect, it } from 'vitest';
import { durableStart, durableStep, restoreSnapshot, storedSnapshotOf } from '../../machines/durableStep.js';
import { createSessionMachine, defaultPolicy, sceneCodes, testPathsOf, type Platform, type SessionEvent } from '../../machines/index.js';
import { nextTimerSchedule } from '../../machines/timerEvents.js';

/** What a step's actions come to, without XState's function-valued fields. */
const plain = (actions: readonly { type: string; params?: unknown }[]) =>
  actions.map(({ type, params }) => JSON.parse(JSON.stringify({ type, params: params ?? null })));

describe('the durable step', () => {
  for (const sceneCode of sceneCodes) {
    const platforms: Platform[] = sceneCode === '100001' ? ['Android', 'H5'] : ['iOS'];
    for (const platform of platforms) {
      it(`steps every covering path of scene ${sceneCode} on ${platform} exactly as XState's transition() does, with one reused actor scope`, () => {
        const policy = defaultPolicy(sceneCode);
        const machine = createSessionMachine(policy);
        const { input, paths } = testPathsOf(policy, { platform });
        expect(paths.length).toBeGreaterThan(0);
        for (const path of paths) {
          const start = durableStart(machine, input, 0);
          let [reference, referenceActions] = initialTransition(machine, input);
          expect(start.snapshot.value).toEqual(reference.value);
          expect(plain(start.machineActions)).toEqual(plain(referenceActions));
          let session = { snapshot: start.snapshot, timers: start.timers };
          let timers = nextTimerSchedule({}, referenceActions, '', 0);
          for (const step of path.steps) {
            const next = durableStep(machine, session, step.event);
            [reference, referenceActions] = transition(machine, reference, step.event as SessionEvent);
            timers = reference.status === 'active' ? nextTimerSchedule(timers, referenceActions, step.event.type, step.event.at) : {};
            expect(next.snapshot.value).toEqual(reference.value);
            expect(next.snapshot.context).toEqual(reference.context);
            expect(plain(next.machineActions)).toEqual(plain(referenceActions));
            expect(next.timers).toEqual(timers);
            session = next;
          }
        }
      });
    }
  }

  it('keeps a snapshot without what the record holds or what starts every session, and restores it whole', () => {
    const machine = createSessionMachine(defaultPolicy('100001'));
    const input = { sessionId: 's1', schemeCode: 'FA000000000000001', sceneCode: '100001' as const, platform: 'Android' as const, device: { ip: '1.2.3.4' } };
    const { snapshot } = durableStart(machine, input, 0);
    const stored = storedSnapshotOf(snapshot);
    expect(Object.keys(stored.context)).toEqual(['device']);
    const restored = restoreSnapshot(machine, stored, input);
    expect(restored.value).toEqual(snapshot.value);
    expect(restored.context).toEqual(snapshot.context);
    expect(restored.status).toBe('active');
  });

  it('a finished session holds no timers', () => {
    const machine = createSessionMachine(defaultPolicy('100004'));
    const input = { sessionId: 's1', schemeCode: 'FA000000000000001', sceneCode: '100004' as const, platform: 'iOS' as const, device: {} };
    const start = durableStart(machine, input, 0);
    expect(Object.keys(start.timers)).toEqual(['xstate.after.sessionTtl.session']);
    const cancelled = durableStep(machine, start, { type: 'CANCEL', at: 5 });
    expect(cancelled.snapshot.status).toBe('done');
    expect(cancelled.timers).toEqual({});
    expect(cancelled.actions).toEqual([{ type: 'notifyApp', params: { status: 'failed' } }]);
  });
});
