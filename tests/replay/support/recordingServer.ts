import { createSessionMachine, type SceneCode, type SessionMachine } from '../../../machines/index.js';
import type { SessionLogEntry } from '../../../server/stores/sessionStore.js';
import { androidScheme, FusionAuthFlow, h5Scheme } from '../../support/fusionAuthFlow.js';
import { startTestServer, type TestServer } from '../../support/testServer.js';
import { until } from '../../support/until.js';

/** A session the real engine ran, with its log and the machine it ran on. */
export interface RecordedLog {
  sessionId: string;
  sceneCode: SceneCode;
  entries: SessionLogEntry[];
  /** The machine of the session's policy version, as the engine's registry has it. */
  machine: SessionMachine;
}

/**
 * An in-memory numberflow (no Redis needed) that records sessions through its public API, so
 * the logs are exactly what the engine writes: redacted, with job results, timers and effects.
 * Kept out of the test files so that only the `single` vitest project runs them: a memory store
 * gains nothing from the Redis Cluster run.
 */
export class RecordingServer {
  private constructor(
    readonly server: TestServer,
    readonly flow: FusionAuthFlow,
  ) {}

  static async start(): Promise<RecordingServer> {
    const server = await startTestServer({ store: 'memory' });
    return new RecordingServer(server, new FusionAuthFlow(server.api));
  }

  close(): Promise<void> {
    return this.server.close();
  }

  /** Opens a session; `boundPhoneNumber` for the scenes that prove the user's bound number. */
  async open(sceneCode: SceneCode, options: { boundPhoneNumber?: string; h5?: boolean; device?: Record<string, unknown>; schemeCode?: string } = {}) {
    const base = options.h5 ? h5Scheme : androidScheme;
    const scheme = options.schemeCode ? { ...base, code: options.schemeCode } : base;
    const authToken = await this.flow.authToken(scheme, options.boundPhoneNumber ? { phoneNumber: options.boundPhoneNumber } : {});
    const session = await this.flow.openOk(authToken, sceneCode, options.device ?? {});
    return { authToken, id: session.id as string, session };
  }

  /** The session's log as the engine stored it, and its machine, once its outbox is empty (the webhook effect done too). */
  async record(sessionId: string): Promise<RecordedLog & { storedState: unknown }> {
    const { engine } = this.server.numberflow.services;
    await until(async () => (await engine.load(sessionId))?.record.pending.length === 0, 5000, `the outbox of session ${sessionId} to empty`);
    const loaded = await engine.load(sessionId);
    if (!loaded) throw new Error(`session ${sessionId} is gone`);
    const entries = await engine.log(sessionId);
    return { sessionId, sceneCode: loaded.record.sceneCode as SceneCode, entries, machine: loaded.machine.machine, storedState: loaded.snapshot.value };
  }

  /** The machine of a policy version, built from the stored policy as an admin endpoint would. */
  async machineOfVersion(policyVersion: string): Promise<SessionMachine> {
    const policy = await this.server.numberflow.services.policies.byVersionId(policyVersion);
    if (!policy) throw new Error(`policy version ${policyVersion} is missing`);
    return createSessionMachine(policy);
  }
}
