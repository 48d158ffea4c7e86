import { assign, setup } from 'xstate';
import type { Policy, RiskRoute } from './policy/policySchema.js';
import { scenes, type ProofPhase } from './policy/scenes.js';
import { contextDefaults, type FailureReason, type ProofMethod, type SessionContext } from './sessionContext.js';
import type { SessionEvent, SessionInput } from './sessionEvents.js';
import { constantTimeEqual } from './constantTimeEqual.js';
import { actionDeclarations } from './actionCatalogue.js';
import { stateIds } from './stateIds.js';

/**
 * Builds the statechart of one scene's policy. Pure: guards and `assign` only; every side
 * effect is a named action the shell carries out, and its result comes back as an event.
 * Time enters as `event.at`; `after:` delays become durable timers in the shell.
 */
export function createSessionMachine(policy: Policy) {
  const { nodes } = policy;
  const scene = scenes[policy.sceneCode];

  const machineSetup = setup({
    types: {} as { context: SessionContext; events: SessionEvent; input: SessionInput },
    delays: {
      sessionTtl: policy.sessionTtlSeconds * 1000,
      numberAuthFallback: nodes.numberAuth.fallbackAfterSeconds * 1000,
      smsCodeValidity: nodes.smsCode.validitySeconds * 1000,
      uplinkValidity: nodes.uplinkSms.validitySeconds * 1000,
    },
    guards: {
      endpointRisky: ({ event }) => event.type === 'ENDPOINT_RISK_RESULT' && (event.ruleHit || event.score > nodes.endpointRisk.threshold),
      phoneRisky: ({ event }) => event.type === 'PHONE_RISK_RESULT' && (event.ruleHit || event.score > nodes.phoneRisk.threshold),
      provedByCarrier: ({ context }) => context.provedByCarrier,
      carrierReturnedNumber: ({ event }) => event.type === 'CARRIER_RESULT' && event.outcome === 'ok' && !!event.phoneNumber,
      carrierPassedCheck: ({ event }) => event.type === 'CARRIER_RESULT' && event.outcome === 'ok' && event.verifyResult === 'PASS',
      carrierRejected: ({ event }) =>
        event.type === 'CARRIER_RESULT' && (event.outcome === 'mismatch' || (event.outcome === 'ok' && event.verifyResult !== 'PASS')),
      needsMiddleDigits: ({ context }) => context.platform === 'H5' && nodes.numberAuth.h5MiddleDigits,
      middleDigitsMatch: ({ context, event }) =>
        event.type === 'MIDDLE_DIGITS' && !!context.phoneNumber && constantTimeEqual(middleFourDigits(context.phoneNumber), event.digits),
      lastMiddleDigitTry: ({ context }) => context.middleDigitTries + 1 >= nodes.numberAuth.maxMiddleDigitTries,
      differsFromBoundNumber: ({ context, event }) => event.type === 'PHONE_NUMBER' && event.phoneNumber !== context.boundPhoneNumber,
      smsCodePassed: ({ event }) => event.type === 'SMS_CODE' && event.result === 'PASS',
      smsCodeLocked: ({ context, event }) =>
        event.type === 'SMS_CODE' && (event.result === 'LOCKED' || (event.result === 'WRONG' && context.smsWrongTries + 1 >= nodes.smsCode.maxWrongTries)),
      smsCodeExpired: ({ event }) => event.type === 'SMS_CODE' && event.result === 'EXPIRED',
      noSendsLeft: ({ context }) => context.smsSends >= nodes.smsCode.maxSends,
      canResendSms: ({ context, event }) => context.smsSends < nodes.smsCode.maxSends && event.at >= (context.resendAvailableAt ?? 0),
      smsRefusedForNow: ({ event }) => event.type === 'SMS_NOT_SENT' && event.reason === 'TOO_SOON',
      uplinkAvailable: () => nodes.uplinkSms.enabled,
      uplinkMatches: ({ context, event }) =>
        event.type === 'UPLINK_SMS_RECEIVED' &&
        !!context.uplink &&
        event.text.includes(context.uplink.code) &&
        (!context.phoneNumber || context.phoneNumber === event.from),
      captchaPassed: ({ event }) => event.type === 'CAPTCHA_SOLUTION' && event.result === 'PASS',
      lastCaptchaTry: ({ context }) => context.captchaTries + 1 >= nodes.captcha.maxTries,
    },
    actions: {
      // Named side effects, declared by the action catalogue: carried out by the shell after the transition is saved.
      ...actionDeclarations(),
      fail: assign((_, params: { reason: FailureReason }) => ({ failureReason: params.reason })),
      recordEndpointRisk: assign(({ event }) =>
        event.type === 'ENDPOINT_RISK_RESULT' ? { endpointRisk: { score: event.score, reasons: event.reasons, ruleHit: event.ruleHit } } : {},
      ),
      recordPhoneRisk: assign(({ event }) =>
        event.type === 'PHONE_RISK_RESULT' ? { phoneRisk: { score: event.score, reasons: event.reasons, ruleHit: event.ruleHit } } : {},
      ),
      recordCarrierFailure: assign(({ event }) =>
        event.type === 'CARRIER_RESULT'
          ? { carrierFailure: { outcome: event.outcome, ...(event.providerCode ? { providerCode: event.providerCode } : {}) } }
          : {},
      ),
      recordUplinkSender: assign(({ event }) => (event.type === 'UPLINK_SMS_RECEIVED' ? { phoneNumber: event.from, method: 'uplinkSms' as const } : {})),
    },
  });

  type MachineConfig = Parameters<typeof machineSetup.createMachine>[0];
  type StateConfig = NonNullable<MachineConfig['states']>[string];

  const sendSmsParams = ({ context }: { context: SessionContext }) => ({
    phoneNumber: context.phoneNumber!,
    codeLength: nodes.smsCode.codeLength,
    codeType: nodes.smsCode.codeType,
    validitySeconds: nodes.smsCode.validitySeconds,
    resendIntervalSeconds: nodes.smsCode.resendIntervalSeconds,
    maxWrongTries: nodes.smsCode.maxWrongTries,
  });

  const failWith = (reason: FailureReason) => ({ type: 'fail' as const, params: { reason } });
  const toFailed = (reason: FailureReason) => ({ target: `#${stateIds.failed}`, actions: failWith(reason) });

  /** A CAPTCHA step; `onSolved` is where a solved challenge leads. */
  const captchaState = (id: string, onSolved: string): StateConfig => ({
    id,
    initial: 'preparing',
    states: {
      preparing: {
        tags: ['wait'],
        entry: { type: 'createCaptchaChallenge', params: { difficulty: nodes.captcha.difficulty } },
        on: {
          CAPTCHA_READY: {
            target: 'awaitingSolution',
            actions: assign({ captchaChallenge: ({ event }) => (event.type === 'CAPTCHA_READY' ? event.challenge : undefined) }),
          },
        },
      },
      awaitingSolution: {
        tags: ['captcha'],
        on: {
          CAPTCHA_SOLUTION: [
            { guard: 'captchaPassed', target: onSolved, actions: assign({ captchaChallenge: undefined, captchaTries: 0 }) },
            { guard: 'lastCaptchaTry', ...toFailed('captcha_failed') },
            { target: 'preparing', actions: assign({ captchaTries: ({ context }) => context.captchaTries + 1 }) },
          ],
        },
      },
    },
  });

  /** The transition a risk node takes for a risky result, per the policy's route, after recording the assessment. */
  const riskRoute = (route: RiskRoute, captchaId: string, uplinkId: string, record: 'recordEndpointRisk' | 'recordPhoneRisk') => {
    if (route === 'captcha' && nodes.captcha.enabled) return { target: `#${captchaId}`, actions: record };
    if (route === 'uplinkSms' && nodes.uplinkSms.enabled) return { target: `#${uplinkId}`, actions: record };
    const failed = toFailed('blocked');
    return { ...failed, actions: [record, failed.actions] };
  };

  const phaseState = (phase: ProofPhase, next: string): StateConfig => {
    const ids = stateIds.phase(phase);
    const knowsNumber = phase === 'bound';
    const numberAuthHere = nodes.numberAuth.enabled && (phase === 'user' || phase === 'bound');
    const phoneRiskHere = nodes.phoneRisk.enabled;

    const oneClick = numberAuthHere && nodes.numberAuth.mode === 'oneClick';
    /** Where a number that is known but not yet proved goes: an SMS code, else an uplink SMS. */
    const proveKnownNumber = nodes.smsCode.enabled ? `#${ids.sms}` : nodes.uplinkSms.enabled ? `#${ids.uplink}` : `#${stateIds.noProof}`;
    /** Where "prove it by SMS" (a fallback, or the user's choice) leads in this phase. */
    const smsRoute = !nodes.smsCode.enabled ? proveKnownNumber : knowsNumber ? (phoneRiskHere ? `#${ids.phoneRisk}` : `#${ids.sms}`) : `#${ids.enterPhone}`;
    const afterNumberKnown = phoneRiskHere ? `#${ids.phoneRisk}` : `#${ids.phoneRiskCleared}`;
    const carrierErrorRoute =
      nodes.numberAuth.onCarrierError === 'sms'
        ? smsRoute
        : nodes.numberAuth.onCarrierError === 'uplinkSms' && nodes.uplinkSms.enabled
          ? `#${ids.uplink}`
          : undefined;
    // The policy schema guarantees a proof of possession, so a phase without number auth has an SMS code or an uplink SMS.
    /** When no SMS can reach the number: prove it by uplink SMS if the policy has it. */
    const smsUnavailableRoute = nodes.uplinkSms.enabled ? { target: `#${ids.uplink}` } : toFailed('sms_unavailable');
    const initial = numberAuthHere ? 'numberAuth' : knowsNumber ? (phoneRiskHere ? 'phoneRisk' : nodes.smsCode.enabled ? 'sms' : 'uplinkSms') : 'enterPhone';
    // Only the states a policy can reach are built, so every state of a rendered chart is live.
    const hasEnterPhone = !knowsNumber && (initial === 'enterPhone' || smsRoute === `#${ids.enterPhone}`);
    const numberReachesPhoneRiskWithoutCarrier =
      phoneRiskHere && (hasEnterPhone || (knowsNumber && (initial === 'phoneRisk' || smsRoute === `#${ids.phoneRisk}`)));
    const hasPhoneRiskCleared = phoneRiskHere || numberAuthHere;

    return {
      id: ids.phase,
      initial,
      entry: assign(({ context }: { context: SessionContext }) => ({
        phase,
        phoneNumber: knowsNumber ? context.boundPhoneNumber : undefined,
        provedByCarrier: false,
        method: undefined,
        middleDigitTries: 0,
        smsSends: 0,
        smsWrongTries: 0,
        lastCodeResult: undefined,
        resendAvailableAt: undefined,
        codeExpiresAt: undefined,
        uplink: undefined,
      })),
      onDone: { target: next },
      states: {
        ...(numberAuthHere
          ? {
              numberAuth: {
                initial: 'awaitingToken',
                states: {
                  awaitingToken: {
                    tags: ['numberAuth'],
                    after: { numberAuthFallback: { target: smsRoute } },
                    on: {
                      NUMBER_AUTH_TOKEN: { target: 'exchanging' },
                      ...(nodes.smsCode.enabled || nodes.uplinkSms.enabled ? { SWITCH_TO_SMS: { target: smsRoute } } : {}),
                    },
                  },
                  exchanging: {
                    tags: ['wait'],
                    entry:
                      nodes.numberAuth.mode === 'oneClick'
                        ? {
                            type: 'exchangeCarrierToken',
                            params: ({ context, event }: { context: SessionContext; event: SessionEvent }) => ({
                              accessToken: event.type === 'NUMBER_AUTH_TOKEN' ? event.accessToken : '',
                              h5: context.platform === 'H5',
                            }),
                          }
                        : {
                            type: 'verifyCarrierToken',
                            params: ({ context, event }: { context: SessionContext; event: SessionEvent }) => ({
                              accessToken: event.type === 'NUMBER_AUTH_TOKEN' ? event.accessToken : '',
                              phoneNumber: context.phoneNumber!,
                              h5: context.platform === 'H5',
                            }),
                          },
                    on: {
                      CARRIER_RESULT:
                        nodes.numberAuth.mode === 'oneClick'
                          ? [
                              {
                                guard: { type: 'carrierReturnedNumber' },
                                target: 'confirmingNumber',
                                actions: assign({
                                  phoneNumber: ({ event }) => (event.type === 'CARRIER_RESULT' ? event.phoneNumber : undefined),
                                  carrierFailure: undefined,
                                }),
                              },
                              carrierErrorRoute
                                ? { target: carrierErrorRoute, actions: 'recordCarrierFailure' }
                                : { target: `#${stateIds.failed}`, actions: ['recordCarrierFailure', failWith('carrier_error')] },
                            ]
                          : [
                              {
                                guard: { type: 'carrierPassedCheck' },
                                target: afterNumberKnown,
                                actions: assign({ provedByCarrier: true, method: 'numberAuth' as const, carrierFailure: undefined }),
                              },
                              // A number the carrier says is not this SIM's is not an outage: prove it another way.
                              { guard: { type: 'carrierRejected' }, target: smsRoute, actions: 'recordCarrierFailure' },
                              carrierErrorRoute
                                ? { target: carrierErrorRoute, actions: 'recordCarrierFailure' }
                                : { target: `#${stateIds.failed}`, actions: ['recordCarrierFailure', failWith('carrier_error')] },
                            ],
                    },
                  },
                  ...(oneClick
                    ? {
                        confirmingNumber: {
                          always: [
                            ...(nodes.numberAuth.h5MiddleDigits ? [{ guard: 'needsMiddleDigits' as const, target: 'middleDigits' }] : []),
                            { target: afterNumberKnown, actions: assign({ provedByCarrier: true, method: 'numberAuth' as const }) },
                          ],
                        },
                      }
                    : {}),
                  ...(oneClick && nodes.numberAuth.h5MiddleDigits
                    ? {
                        middleDigits: {
                          tags: ['middleDigits'],
                          on: {
                            MIDDLE_DIGITS: [
                              {
                                guard: 'middleDigitsMatch',
                                target: afterNumberKnown,
                                actions: assign({ provedByCarrier: true, method: 'numberAuth' as const }),
                              },
                              {
                                guard: 'lastMiddleDigitTry',
                                target: smsRoute,
                                actions: assign({ middleDigitTries: ({ context }) => context.middleDigitTries + 1 }),
                              },
                              { actions: assign({ middleDigitTries: ({ context }) => context.middleDigitTries + 1 }) },
                            ],
                            ...(nodes.smsCode.enabled || nodes.uplinkSms.enabled ? { SWITCH_TO_SMS: { target: smsRoute } } : {}),
                          },
                        },
                      }
                    : {}),
                },
              },
            }
          : {}),
        ...(hasEnterPhone
          ? {
              enterPhone: {
                id: ids.enterPhone,
                tags: ['enterPhone'],
                entry: assign({ phoneNumber: undefined, provedByCarrier: false, method: undefined }),
                on: {
                  PHONE_NUMBER: {
                    ...(phase === 'new' ? { guard: 'differsFromBoundNumber' } : {}),
                    target: phoneRiskHere ? `#${ids.phoneRisk}` : proveKnownNumber,
                    actions: assign({ phoneNumber: ({ event }) => (event.type === 'PHONE_NUMBER' ? event.phoneNumber : undefined) }),
                  },
                },
              },
            }
          : {}),
        ...(phoneRiskHere
          ? {
              phoneRisk: {
                id: ids.phoneRisk,
                tags: ['wait'],
                entry: {
                  type: 'assessPhoneRisk',
                  params: ({ context }: { context: SessionContext }) => ({ phoneNumber: context.phoneNumber!, schemeCode: context.schemeCode }),
                },
                on: {
                  PHONE_RISK_RESULT: [
                    {
                      guard: 'phoneRisky',
                      ...riskRoute(nodes.phoneRisk.onRisk, ids.captcha, ids.uplink, 'recordPhoneRisk'),
                    },
                    {
                      target: 'phoneRiskCleared',
                      actions: 'recordPhoneRisk',
                    },
                  ],
                },
              },
            }
          : {}),
        ...(phoneRiskHere && nodes.phoneRisk.onRisk === 'captcha' && nodes.captcha.enabled
          ? { captcha: captchaState(ids.captcha, `#${ids.phoneRiskCleared}`) }
          : {}),
        ...(hasPhoneRiskCleared
          ? {
              phoneRiskCleared: {
                id: ids.phoneRiskCleared,
                always: [
                  ...(numberAuthHere ? [{ guard: 'provedByCarrier' as const, target: 'proved' }] : []),
                  ...(numberReachesPhoneRiskWithoutCarrier ? [{ target: proveKnownNumber }] : []),
                ],
              },
            }
          : {}),
        ...(nodes.smsCode.enabled
          ? {
              sms: {
                id: ids.sms,
                initial: 'sending',
                states: {
                  sending: {
                    tags: ['wait'],
                    entry: { type: 'sendSmsCode', params: sendSmsParams },
                    on: {
                      SMS_SENT: {
                        target: 'awaitingCode',
                        actions: assign({
                          smsSends: ({ context }) => context.smsSends + 1,
                          resendAvailableAt: ({ event }) => (event.type === 'SMS_SENT' ? event.resendAvailableAt : undefined),
                          codeExpiresAt: ({ event }) => (event.type === 'SMS_SENT' ? event.expiresAt : undefined),
                          lastCodeResult: undefined,
                        }),
                      },
                      SMS_NOT_SENT: [
                        {
                          guard: 'smsRefusedForNow',
                          target: 'codeExpired',
                          actions: assign({ resendAvailableAt: ({ event }) => (event.type === 'SMS_NOT_SENT' ? event.resendAvailableAt : undefined) }),
                        },
                        smsUnavailableRoute,
                      ],
                      SMS_FAILED: smsUnavailableRoute,
                    },
                  },
                  awaitingCode: {
                    tags: ['smsCode'],
                    after: { smsCodeValidity: { target: 'codeExpired' } },
                    on: {
                      SMS_CODE: [
                        { guard: 'smsCodePassed', target: 'passed', actions: assign({ method: 'smsCode' as const, lastCodeResult: 'PASS' as const }) },
                        {
                          guard: 'smsCodeLocked',
                          target: `#${stateIds.failed}`,
                          actions: [
                            assign({ smsWrongTries: ({ context }) => context.smsWrongTries + 1, lastCodeResult: 'LOCKED' as const }),
                            failWith('too_many_wrong_codes'),
                          ],
                        },
                        { guard: 'smsCodeExpired', target: 'codeExpired', actions: assign({ lastCodeResult: 'EXPIRED' as const }) },
                        { actions: assign({ smsWrongTries: ({ context }) => context.smsWrongTries + 1, lastCodeResult: 'WRONG' as const }) },
                      ],
                      RESEND_SMS: { guard: 'canResendSms', target: 'sending' },
                    },
                  },
                  codeExpired: {
                    tags: ['smsCode'],
                    entry: assign({ codeExpiresAt: undefined }),
                    // No valid code and no code left to send: nothing can happen here but the session timing out.
                    always: { guard: 'noSendsLeft', ...toFailed('sms_sends_exhausted') },
                    on: {
                      RESEND_SMS: { guard: 'canResendSms', target: 'sending' },
                      SMS_CODE: [
                        // A code checked as correct while the timer ran out (or while another check raced it) still proves the number.
                        { guard: 'smsCodePassed', target: 'passed', actions: assign({ method: 'smsCode' as const, lastCodeResult: 'PASS' as const }) },
                        { actions: assign({ lastCodeResult: 'EXPIRED' as const }) },
                      ],
                    },
                  },
                  passed: { type: 'final' as const },
                },
                onDone: { target: 'proved' },
              },
            }
          : {}),
        ...(nodes.uplinkSms.enabled
          ? {
              uplinkSms: {
                id: ids.uplink,
                initial: 'preparing',
                after: { uplinkValidity: toFailed('uplink_timeout') },
                states: {
                  preparing: {
                    tags: ['wait'],
                    entry: {
                      type: 'prepareUplinkSms',
                      params: { receivingNumber: nodes.uplinkSms.receivingNumber, validitySeconds: nodes.uplinkSms.validitySeconds },
                    },
                    on: {
                      UPLINK_SMS_READY: {
                        target: 'awaitingSms',
                        actions: assign({
                          uplink: ({ event }) =>
                            event.type === 'UPLINK_SMS_READY'
                              ? { code: event.code, receivingNumber: event.receivingNumber, expiresAt: event.expiresAt }
                              : undefined,
                        }),
                      },
                    },
                  },
                  awaitingSms: {
                    tags: ['uplinkSms'],
                    on: {
                      UPLINK_SMS_SENT: { target: 'awaitingReceipt' },
                      UPLINK_SMS_RECEIVED: { guard: 'uplinkMatches', target: 'received', actions: 'recordUplinkSender' },
                    },
                  },
                  awaitingReceipt: {
                    tags: ['wait'],
                    on: { UPLINK_SMS_RECEIVED: { guard: 'uplinkMatches', target: 'received', actions: 'recordUplinkSender' } },
                  },
                  received: { type: 'final' as const },
                },
                onDone: { target: 'proved' },
              },
            }
          : {}),
        proved: {
          type: 'final' as const,
          entry: assign(({ context }: { context: SessionContext }) => ({
            provedNumbers: { ...context.provedNumbers, [phase]: context.phoneNumber },
          })),
        },
      },
    };
  };

  const phases = scene.phases;
  const phaseStates: Record<string, StateConfig> = {};
  phases.forEach((phase, index) => {
    const next = index + 1 < phases.length ? stateIds.phase(phases[index + 1]!).phase : stateIds.issuingVerifyToken;
    phaseStates[stateIds.phase(phase).phase] = phaseState(phase, `#${next}`);
  });
  const firstPhase = stateIds.phase(phases[0]!);

  const config: MachineConfig = {
    id: stateIds.root,
    context: ({ input }: { input: SessionInput }): SessionContext => ({
      sessionId: input.sessionId,
      schemeCode: input.schemeCode,
      sceneCode: input.sceneCode,
      platform: input.platform,
      ...(input.boundPhoneNumber ? { boundPhoneNumber: input.boundPhoneNumber } : {}),
      device: input.device,
      ...contextDefaults,
      provedNumbers: {},
    }),
    initial: nodes.endpointRisk.enabled ? 'endpointRisk' : firstPhase.phase,
    after: { sessionTtl: { target: `#${stateIds.expired}` } },
    on: { CANCEL: toFailed('cancelled') },
    states: {
      ...(nodes.endpointRisk.enabled
        ? {
            endpointRisk: {
              tags: ['wait'],
              entry: {
                type: 'assessEndpointRisk',
                params: ({ context }: { context: SessionContext }) => ({ device: context.device, schemeCode: context.schemeCode, platform: context.platform }),
              },
              on: {
                ENDPOINT_RISK_RESULT: [
                  {
                    guard: 'endpointRisky',
                    ...riskRoute(nodes.endpointRisk.onRisk, stateIds.captcha, firstPhase.uplink, 'recordEndpointRisk'),
                  },
                  {
                    target: `#${firstPhase.phase}`,
                    actions: 'recordEndpointRisk',
                  },
                ],
              },
            },
          }
        : {}),
      ...(nodes.endpointRisk.enabled && nodes.endpointRisk.onRisk === 'captcha' && nodes.captcha.enabled
        ? { captcha: captchaState(stateIds.captcha, `#${firstPhase.phase}`) }
        : {}),
      ...phaseStates,
      issuingVerifyToken: {
        id: stateIds.issuingVerifyToken,
        tags: ['wait'],
        entry: {
          type: 'issueVerifyToken',
          params: ({ context }: { context: SessionContext }) => ({
            phoneNumber: context.provedNumbers[phases[phases.length - 1]!]!,
            method: context.method ?? 'smsCode',
            scoring: nodes.scoring.enabled,
            provedNumbers: context.provedNumbers,
          }),
        },
        on: {
          VERIFY_TOKEN_ISSUED: {
            target: 'verified',
            actions: assign(({ event }) =>
              event.type === 'VERIFY_TOKEN_ISSUED'
                ? {
                    verifyToken: event.verifyToken,
                    verifyTokenExpiresAt: event.expiresAt,
                    ...(event.phoneScore === undefined ? {} : { phoneScore: event.phoneScore }),
                  }
                : {},
            ),
          },
        },
      },
      ...(!nodes.smsCode.enabled && !nodes.uplinkSms.enabled ? { noProofAvailable: { id: stateIds.noProof, always: toFailed('no_proof_available') } } : {}),
      verified: { id: stateIds.verified, type: 'final' as const, tags: ['none'], entry: { type: 'notifyApp', params: { status: 'verified' } } },
      failed: { id: stateIds.failed, type: 'final' as const, tags: ['none'], entry: { type: 'notifyApp', params: { status: 'failed' } } },
      expired: { id: stateIds.expired, type: 'final' as const, tags: ['none'], entry: { type: 'notifyApp', params: { status: 'expired' } } },
    },
  };

  // The config is assembled from the policy at run time, which XState's static config types cannot follow.
  return machineSetup.createMachine(config);
}

export type SessionMachine = ReturnType<typeof createSessionMachine>;

/** The four digits an H5 user confirms: positions 4–7 of an 11-digit mainland number. */
export function middleFourDigits(phoneNumber: string): string {
  return phoneNumber.slice(3, 7);
}
