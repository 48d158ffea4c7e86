import { randomBytes } from 'node:crypto';
import type { Express } from 'express';
import { pino, type Logger } from 'pino';
import { AltchaCaptcha } from '../adapters/captcha/altchaCaptcha.js';
import { AlicloudCarrierGateway } from '../adapters/alicloud/alicloudCarrierGateway.js';
import { AlicloudSmsVerification } from '../adapters/alicloud/alicloudSmsVerification.js';
import { createDypnsClient } from '../adapters/alicloud/dypnsClient.js';
import { CamaraCarrierGateway } from '../adapters/camara/camaraCarrierGateway.js';
import { ClientCredentialsTokens } from '../adapters/camara/camaraClientCredentials.js';
import { CamaraSimSwap } from '../adapters/camara/camaraSimSwap.js';
import type { CarrierGateway } from '../adapters/carrier/carrierGateway.js';
import { SimulatorCarrier } from '../adapters/carrier/simulatorCarrier.js';
import { SimulatorRecycledNumbers } from '../adapters/carrier/simulatorRecycledNumbers.js';
import { LocalSmsVerification } from '../adapters/sms/localSmsVerification.js';
import type { SmsSender } from '../adapters/sms/smsSender.js';
import type { SmsVerification } from '../adapters/sms/smsVerification.js';
import { SimulatorSmsOutbox } from '../adapters/sms/simulatorSmsOutbox.js';
import { checkPolicy } from '../machines/policy/policyChecks.js';
import { CamaraTokens } from './camara/camaraTokens.js';
import { AccessKeyRepository } from './accessKeys/accessKeyRepository.js';
import { ConfigError, type Config } from './config/config.js';
import { createActionHandlers } from './engine/actions/index.js';
import { createClientEventGate } from './engine/clientEventGate.js';
import { MachineRegistry } from './engine/machineRegistry.js';
import { SessionEngine } from './engine/sessionEngine.js';
import { UplinkCodes } from './engine/uplinkCodes.js';
import { createApp } from './http/createApp.js';
import { requestLoggerOr } from './http/requestId.js';
import type { Services } from './http/services.js';
import { LiveStreams } from './http/liveStreams.js';
import { BullMqJobQueue } from './jobs/bullmqJobQueue.js';
import { InProcessJobQueue } from './jobs/inProcessJobQueue.js';
import type { JobQueue } from './jobs/jobQueue.js';
import { SessionJobs, sessionRetryPolicies } from './jobs/sessionJobs.js';
import { logSessionOutcome } from './observability/sessionOutcomeLog.js';
import { sessionStatus, type SessionContext } from '../machines/index.js';
import { RateLimits } from './limits/rateLimits.js';
import { Metrics } from './observability/metrics.js';
import { PolicyRepository } from './policies/policyRepository.js';
import { PhoneListRepository } from './risk/phoneListRepository.js';
import { OperatorRepository } from './operators/operatorRepository.js';
import { AuditLog } from './audit/auditLog.js';
import { sessionSmsMessage } from './smsTemplates/chooseSmsMessage.js';
import { SmsTemplateRepository } from './smsTemplates/smsTemplateRepository.js';
import { PolicyRiskAssessor } from './risk/policyRiskAssessor.js';
import { SchemeRepository } from './schemes/schemeRepository.js';
import type { Scheme } from './schemes/schemeSchema.js';
import { demoSchemes } from './setup/demoSchemes.js';
import { configuredOrStoredSecret } from './setup/secrets.js';
import { createMemoryStorage } from './stores/memory/createMemoryStorage.js';
import { createRedisStorage } from './stores/redis/createRedisStorage.js';
import type { Storage } from './stores/storage.js';
import { AuthTokens } from './tokens/authTokens.js';
import { WebhookDelivery } from './webhooks/webhookDelivery.js';
import { WebhookRepository } from './webhooks/webhookRepository.js';
import { VerifyTokenStore } from './tokens/verifyTokenStore.js';

export interface Numberflow {
  app: Express;
  services: Services;
  /** What this process generated or seeded and should tell its operator once. */
  firstRun: {
    adminToken?: string;
    uplinkWebhookSecret?: string;
    accessKey?: { id: string; secret: string };
    seededSchemes: Scheme[];
  };
  jobs: JobQueue;
  /** Stops taking work, lets running jobs finish within the grace time, closes connections. */
  close(graceMs?: number): Promise<void>;
}

export interface NumberflowOverrides {
  clock?: () => number;
  logger?: Logger;
  storage?: Storage;
  /** Run the jobs in this process; defaults to the configuration's RUN_JOBS (embedded mode always does). */
  runJobs?: boolean;
  /** Wraps the SMS sender (the simulator outbox): tests put a failing gateway in front of it. */
  wrapSmsSender?: (sender: SmsSender) => SmsSender;
}

/** The composition root: builds every part from the configuration and wires them together. */
export async function createNumberflow(config: Config, overrides: NumberflowOverrides = {}): Promise<Numberflow> {
  const clock = overrides.clock ?? Date.now;
  const logger = overrides.logger ?? pino({ level: config.logLevel, redact: ['req.headers.authorization'] });
  const storage =
    overrides.storage ??
    (config.redisUrl ? createRedisStorage({ url: config.redisUrl, keyPrefix: config.redisKeyPrefix }) : createMemoryStorage({ now: clock }));
  const { kv } = storage;

  const serverSecret = await configuredOrStoredSecret(kv, 'server', config.secret);
  const adminToken = await configuredOrStoredSecret(kv, 'admin-token', config.adminToken);
  const uplinkWebhookSecret = await configuredOrStoredSecret(kv, 'uplink-webhook', config.uplinkWebhookSecret);
  const secretFor = (purpose: string) => `${purpose}\0${serverSecret.value}`;

  const policies = new PolicyRepository(kv, { clock, validate: checkPolicy });
  const schemes = new SchemeRepository(kv, clock);
  const accessKeys = new AccessKeyRepository(kv, serverSecret.value, clock);
  const authTokens = new AuthTokens(serverSecret.value);
  const verifyTokens = new VerifyTokenStore(kv, config.verifyTokenTtlSeconds * 1000, serverSecret.value);
  const uplinkCodes = new UplinkCodes(kv);
  const phoneLists = new PhoneListRepository(kv);
  const operators = new OperatorRepository(kv, serverSecret.value, clock);
  const audit = new AuditLog(kv, clock);
  const smsTemplates = new SmsTemplateRepository(kv, clock);
  const webhooks = new WebhookRepository(kv, serverSecret.value, clock);
  const metrics = new Metrics();
  const limits = new RateLimits(storage, config.rateLimits, { clock, metrics, logger });

  // The outside world: Alibaba Cloud through its official SDK, or the simulators (development, tests).
  const dypns = config.carrierAdapter === 'alicloud' || config.smsAdapter === 'alicloud' ? createDypnsClient(config.dypns) : undefined;
  const simulatorCarrier = new SimulatorCarrier({ store: kv, now: clock });
  const recycledNumbers = new SimulatorRecycledNumbers(kv);
  const outbox = new SimulatorSmsOutbox({ store: kv, now: clock, latencyMs: config.simulatorSmsLatencyMs });
  const carrier: CarrierGateway =
    dypns && config.carrierAdapter === 'alicloud'
      ? new AlicloudCarrierGateway(dypns)
      : config.carrierAdapter === 'camara' && config.camara.apiRoot
        ? new CamaraCarrierGateway({ apiRoot: config.camara.apiRoot })
        : simulatorCarrier;
  const simSwap =
    config.camara.apiRoot && config.camara.simSwap
      ? new CamaraSimSwap({
          apiRoot: config.camara.apiRoot,
          tokens: new ClientCredentialsTokens({ ...config.camara.simSwap, now: clock }),
          timeoutMs: config.carrierTimeoutMs,
        })
      : undefined;
  const sms: SmsVerification =
    dypns && config.smsAdapter === 'alicloud'
      ? new AlicloudSmsVerification(dypns, {
          ...(config.dypns.signName ? { signName: config.dypns.signName } : {}),
          ...(config.dypns.templateCode ? { templateCode: config.dypns.templateCode } : {}),
        })
      : new LocalSmsVerification({
          store: kv,
          sender: overrides.wrapSmsSender ? overrides.wrapSmsSender(outbox) : outbox,
          hmacKey: secretFor('sms-code'),
          now: clock,
          dailyCapPerNumber: config.smsDailyCapPerNumber,
        });
  const simulatorsActive = config.carrierAdapter === 'simulator' && config.smsAdapter === 'simulator';
  const captcha = new AltchaCaptcha({ hmacKey: secretFor('captcha'), now: clock });

  const jobs: JobQueue = config.redisUrl
    ? new BullMqJobQueue({
        url: config.redisUrl,
        keyPrefix: config.redisKeyPrefix,
        concurrency: config.jobs.concurrency,
        lockDurationMs: config.jobs.lockDurationMs,
        stalledIntervalMs: config.jobs.stalledIntervalMs,
        onError: (error, kind, id) => logger.error({ err: error, kind, jobId: id }, 'job queue error'),
        onJobDone: metrics.recordJob,
      })
    : new InProcessJobQueue((error, kind, id) => logger.warn({ err: error, kind, jobId: id }, 'job failed'), metrics.recordJob);
  metrics.watchQueue(() => jobs.counts());
  const sessionJobs = new SessionJobs(jobs, sessionRetryPolicies(config.jobs.smsRetryBaseMs, config.jobs.webhookRetryBaseMs));
  const risk = new PolicyRiskAssessor({
    kv,
    schemes: { get: (code) => schemes.getRecent(code) },
    phoneLists,
    ...(config.carrierAdapter === 'simulator' ? { recycledNumbers } : {}),
    ...(simSwap ? { simSwap } : {}),
  });
  const engine = new SessionEngine({
    sessions: storage.sessions,
    policies,
    machines: new MachineRegistry(policies),
    handlers: createActionHandlers({
      carrier,
      sms,
      risk,
      captcha,
      verifyTokens,
      uplinkCodes,
      webhooks: { delivery: new WebhookDelivery({ repository: webhooks, clock }), repository: webhooks },
      smsLimits: limits.sms,
      phoneLists,
      smsMessage: sessionSmsMessage(smsTemplates, (detail, message) => requestLoggerOr(logger).warn(detail, message)),
      clock,
      carrierTimeoutMs: config.carrierTimeoutMs,
    }),
    admitClientEvent: createClientEventGate({ sms, captcha, limits }),
    work: sessionJobs,
    clock,
    newSessionId: () => randomBytes(16).toString('base64url'),
    retentionMs: config.sessionRetentionSeconds * 1000,
    staleAfterMs: config.jobs.sweepStaleAfterMs,
    onFinished: async (session) => {
      const status = sessionStatus(session.snapshot);
      metrics.sessionsFinished.inc({ scene: session.record.sceneCode, status });
      // A carrier proved the number: its owner holds it, so a lock on its SMS code checks (someone guessing) is lifted.
      const context = session.snapshot.context as SessionContext;
      if (status === 'verified' && context.method === 'numberAuth' && context.phoneNumber) await limits.clearCodeCheckLock(context.phoneNumber);
      const log = requestLoggerOr(logger);
      logSessionOutcome(log, session, status);
    },
    onActionFailure: (error, action, sessionId, final) =>
      requestLoggerOr(logger).warn(
        { err: { message: error instanceof Error ? error.message : String(error) }, sessionId, actionId: action.id, action: action.type },
        final ? 'action failed for good' : 'action failed; a job retries it',
      ),
    onHandOverError: (error, sessionId) =>
      requestLoggerOr(logger).warn(
        { err: { message: error instanceof Error ? error.message : String(error) }, sessionId },
        'could not queue work; the sweeper will',
      ),
  });

  const runJobs = overrides.runJobs ?? (config.runJobs || !config.redisUrl);
  if (runJobs) {
    await jobs.startWorker(
      sessionJobs.handlers(engine, (task, result) => {
        if (task === 'sweep' && (result as { actions: number }).actions) logger.info(result, 'sweeper handed over actions left behind');
      }),
    );
    await sessionJobs.scheduleMaintenance({ timerDrainMs: config.jobs.timerDrainIntervalMs, sweepMs: config.jobs.sweepIntervalMs });
  }

  const firstRun: Numberflow['firstRun'] = { seededSchemes: [] };
  if (adminToken.generated) firstRun.adminToken = adminToken.value;
  if (uplinkWebhookSecret.generated) firstRun.uplinkWebhookSecret = uplinkWebhookSecret.value;
  if (config.accessKey) {
    await accessKeys.create({ id: config.accessKey.id, secret: config.accessKey.secret, description: 'from ACCESS_KEY_ID', manageSchemes: true });
    if (!(await accessKeys.authenticate(config.accessKey.id, config.accessKey.secret))) {
      throw new ConfigError(`access key ${config.accessKey.id} exists in the store with another secret or disabled`);
    }
  } else if (!config.production && (await accessKeys.list()).length === 0) {
    const created = await accessKeys.create({ description: 'generated for development', manageSchemes: true });
    if (created) firstRun.accessKey = { id: created.key.id, secret: created.secret };
  }
  if (config.seedDemo) {
    for (const demo of demoSchemes) {
      const created = await schemes.create(demo);
      if (created) firstRun.seededSchemes.push(created);
    }
  }

  const services: Services = {
    config,
    clock,
    logger,
    storage,
    engine,
    policies,
    schemes,
    accessKeys,
    authTokens,
    verifyTokens,
    uplinkCodes,
    webhooks,
    phoneLists,
    operators,
    audit,
    smsTemplates,
    adminToken: adminToken.value,
    uplinkWebhookSecret: uplinkWebhookSecret.value,
    metrics,
    limits,
    adapters: { carrier, sms },
    camaraTokens: await CamaraTokens.create(kv, clock, config.camara.accessTokenTtlSeconds),
    liveStreams: new LiveStreams(),
    ...(simulatorsActive ? { simulator: { carrier: simulatorCarrier, outbox, recycledNumbers } } : {}),
  };
  return {
    app: createApp(services),
    services,
    firstRun,
    jobs,
    async close(graceMs = config.shutdownGraceMs) {
      services.liveStreams.closeAll();
      await jobs.close(graceMs);
      await storage.close();
    },
  };
}
