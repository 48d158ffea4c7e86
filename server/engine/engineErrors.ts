/**
 * What the session engine refuses, as errors of its own: the HTTP layer maps each to a status
 * (server/http/engineErrorStatus.ts); nothing here knows about HTTP.
 */
export abstract class SessionEngineError extends Error {
  abstract readonly code: string;
}

export class SessionNotFound extends SessionEngineError {
  readonly code = 'SESSION_NOT_FOUND';
  constructor() {
    super('session not found');
  }
}

export class SessionIdInUse extends SessionEngineError {
  readonly code = 'SESSION_EXISTS';
  constructor() {
    super('session id already in use');
  }
}

export class SessionExpired extends SessionEngineError {
  readonly code = 'SESSION_EXPIRED';
  constructor() {
    super('the session has expired; start a new one');
  }
}

export class SessionFinished extends SessionEngineError {
  readonly code = 'SESSION_FINISHED';
  constructor(readonly status: string) {
    super(`the session is already ${status}`);
  }
}

export class EventNotAccepted extends SessionEngineError {
  readonly code = 'EVENT_NOT_ACCEPTED';
  constructor(
    readonly eventType: string,
    readonly state: unknown,
  ) {
    super(`${eventType} is not accepted in state ${JSON.stringify(state)}`);
  }
}

/** The session kept changing under this event; reading it again and retrying is safe. */
export class SessionConflict extends SessionEngineError {
  readonly code = 'VERSION_CONFLICT';
  constructor() {
    super('the session changed while this event was applied; read it and try again');
  }
}

/** Too many writers at once on one session (server-side events): try again shortly. */
export class SessionBusy extends SessionEngineError {
  readonly code = 'BUSY';
  constructor() {
    super('the session is too busy; try again');
  }
}

export class SmsSendLimitReached extends SessionEngineError {
  readonly code = 'SMS_SEND_LIMIT';
  constructor() {
    super('no more codes can be sent in this session');
  }
}

export class ResendTooEarly extends SessionEngineError {
  readonly code = 'RESEND_TOO_EARLY';
  readonly retryAfterSeconds: number;
  constructor(
    readonly resendAvailableAt: number,
    now: number,
  ) {
    const seconds = Math.max(1, Math.ceil((resendAvailableAt - now) / 1000));
    super(`a new code can be sent in ${seconds} s`);
    this.retryAfterSeconds = seconds;
  }
}

/** A session whose policy version is gone from the store: it cannot be stepped. */
export class SessionPolicyMissing extends SessionEngineError {
  readonly code = 'POLICY_VERSION_MISSING';
  constructor(sessionId: string, version: string) {
    super(`policy version ${version} of session ${sessionId} is missing`);
  }
}
