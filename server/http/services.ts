import type { Logger } from 'pino';
import type { CarrierGateway } from '../../adapters/carrier/carrierGateway.js';
import type { CamaraTokens } from '../camara/camaraTokens.js';
import type { SmsVerification } from '../../adapters/sms/smsVerification.js';
import type { SimulatorRecycledNumbers } from '../../adapters/carrier/simulatorRecycledNumbers.js';
import type { SimulatorCarrier } from '../../adapters/carrier/simulatorCarrier.js';
import type { SimulatorSmsOutbox } from '../../adapters/sms/simulatorSmsOutbox.js';
import type { AccessKeyRepository } from '../accessKeys/accessKeyRepository.js';
import type { Config } from '../config/config.js';
import type { LiveStreams } from './liveStreams.js';
import type { SessionEngine } from '../engine/sessionEngine.js';
import type { UplinkCodes } from '../engine/uplinkCodes.js';
import type { RateLimits } from '../limits/rateLimits.js';
import type { Metrics } from '../observability/metrics.js';
import type { PolicyRepository } from '../policies/policyRepository.js';
import type { SchemeRepository } from '../schemes/schemeRepository.js';
import type { Storage } from '../stores/storage.js';
import type { AuthTokens } from '../tokens/authTokens.js';
import type { VerifyTokenStore } from '../tokens/verifyTokenStore.js';
import type { WebhookRepository } from '../webhooks/webhookRepository.js';
import type { PhoneListRepository } from '../risk/phoneListRepository.js';
import type { OperatorRepository } from '../operators/operatorRepository.js';
import type { AuditLog } from '../audit/auditLog.js';
import type { SmsTemplateRepository } from '../smsTemplates/smsTemplateRepository.js';

/** What the HTTP layer is given by the composition root. */
export interface Services {
  config: Config;
  clock: () => number;
  logger: Logger;
  storage: Storage;
  engine: SessionEngine;
  policies: PolicyRepository;
  schemes: SchemeRepository;
  accessKeys: AccessKeyRepository;
  authTokens: AuthTokens;
  verifyTokens: VerifyTokenStore;
  uplinkCodes: UplinkCodes;
  webhooks: WebhookRepository;
  phoneLists: PhoneListRepository;
  operators: OperatorRepository;
  audit: AuditLog;
  /** SMS signatures and templates (the complimentary ones built in). */
  smsTemplates: SmsTemplateRepository;
  adminToken: string;
  /** Signs the SMS provider's inbound uplink-SMS webhooks. */
  uplinkWebhookSecret: string;
  metrics: Metrics;
  limits: RateLimits;
  /** The outside world, as the configuration chose it. */
  adapters: { carrier: CarrierGateway; sms: SmsVerification };
  /** The access tokens of numberflow's CAMARA APIs (numberflow as a CAMARA provider). */
  camaraTokens: CamaraTokens;
  /** The open live streams of sessions (Server-Sent Events), ended at shutdown. */
  liveStreams: LiveStreams;
  /** Present only while the simulator adapters are active. */
  simulator?: { carrier: SimulatorCarrier; outbox: SimulatorSmsOutbox; recycledNumbers: SimulatorRecycledNumbers };
}
