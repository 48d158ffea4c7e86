import express, { type Express, type RequestHandler } from 'express';
import { errorHandler, unknownRoute } from './errorHandler.js';
import { docsRoutes } from './openapi/docsRoutes.js';
import { adminRoutes } from './routes/adminRoutes.js';
import { operatorRoutes } from './routes/operatorRoutes.js';
import { auditRoutes } from './routes/auditRoutes.js';
import { erasureRoutes } from './routes/erasureRoutes.js';
import { smsTemplateRoutes } from './routes/smsTemplateRoutes.js';
import { codeCheckLockRoutes } from './routes/codeCheckLockRoutes.js';
import { fusionAuthRoutes } from './routes/fusionAuthRoutes.js';
import { plainVerificationRoutes } from './routes/plainVerificationRoutes.js';
import { phoneListRoutes } from './routes/phoneListRoutes.js';
import { policyRoutes } from './routes/policyRoutes.js';
import { inboundSmsRoutes } from './routes/inboundSmsRoutes.js';
import { policyAsCodeRoutes } from './routes/policyAsCodeRoutes.js';
import { healthRoutes } from './routes/healthRoutes.js';
import { sessionRoutes } from './routes/sessionRoutes.js';
import { simulatorRoutes } from './routes/simulatorRoutes.js';
import { webhookRoutes } from './routes/webhookRoutes.js';
import { consoleRoutes } from './routes/consoleRoutes.js';
import { clientModuleRoutes } from './routes/clientModuleRoutes.js';
import { demoRoutes } from './routes/demoRoutes.js';
import { sessionCors } from './sessionCors.js';
import { policyChartRoutes } from './routes/policyChartRoutes.js';
import { policyImpactRoutes } from './routes/policyImpactRoutes.js';
import { policyDiagramRoutes } from './routes/policyDiagramRoutes.js';
import { policyTestPathRoutes } from './routes/policyTestPathRoutes.js';
import { sessionInsightRoutes } from './routes/sessionInsightRoutes.js';
import { vendorApiRoutes } from './routes/vendorApiRoutes.js';
import { camaraAuthorizationRoutes } from './routes/camaraAuthorizationRoutes.js';
import { camaraNumberVerificationRoutes } from './routes/camaraNumberVerificationRoutes.js';
import { camaraOtpSmsRoutes } from './routes/camaraOtpSmsRoutes.js';
import { operatorAccess } from './authentication.js';
import { requestId } from './requestId.js';
import { routeTable } from './routeTable.js';
import { securityHeaders } from './securityHeaders.js';
import type { Services } from './services.js';

/** Request bodies are small JSON documents; anything larger is refused with 413 before parsing. */
const bodyLimit = '16kb';

export function createApp(services: Services): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // Off unless TRUST_PROXY says which proxies may name the client: otherwise anyone could pick an IP per request and escape per-IP limits.
  app.set('trust proxy', services.config.trustProxy);
  app.use(requestId(app, services.logger));
  app.use(requestMetrics(services));
  app.use(securityHeaders());
  app.use(sessionCors(services.schemes));
  app.use('/v1/admin', operatorAccess(services));
  // Routes that read their own bodies, before the 16 kB JSON parser.
  app.use(
    routeTable([
      // Configuration documents can be large: 1 MB.
      policyAsCodeRoutes(services),
      // A carrier's uplink notification comes as text.
      inboundSmsRoutes(services, services.uplinkWebhookSecret),
      // The vendor-compatible RPC endpoint signs its raw body, so it reads that itself.
      vendorApiRoutes(services),
      // numberflow as a CAMARA provider: its own body parsers and error envelopes (CAMARA's, OAuth's).
      camaraAuthorizationRoutes(services),
      camaraNumberVerificationRoutes(services),
      camaraOtpSmsRoutes(services),
    ]),
  );
  app.use(express.json({ limit: bodyLimit, strict: true, type: ['application/json', 'application/*+json'] }));
  app.use(
    routeTable([
      sessionRoutes(services),
      healthRoutes(services),
      fusionAuthRoutes(services),
      plainVerificationRoutes(services),
      webhookRoutes({ repository: services.webhooks, schemes: services.schemes, audit: services.audit, production: services.config.production }),
      phoneListRoutes({ phoneLists: services.phoneLists, schemes: services.schemes, audit: services.audit }),
      codeCheckLockRoutes(services),
      policyChartRoutes(services),
      policyImpactRoutes(services),
      policyDiagramRoutes(services),
      policyTestPathRoutes(services),
      policyRoutes(services),
      sessionInsightRoutes(services),
      adminRoutes(services),
      operatorRoutes(services),
      auditRoutes(services),
      erasureRoutes(services),
      smsTemplateRoutes(services),
      simulatorRoutes(services),
      consoleRoutes(),
      clientModuleRoutes(),
      demoRoutes(services),
      docsRoutes({ simulator: services.simulator !== undefined }),
    ]),
  );
  app.use(unknownRoute);
  app.use(errorHandler(services.logger));
  return app;
}

function requestMetrics(services: Services): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const route = (req.route?.path as string | undefined) ?? 'unmatched';
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      services.metrics.httpRequests.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
      if (services.logger.isLevelEnabled('debug')) req.log.debug({ method: req.method, route, status: res.statusCode, ms: Math.round(seconds * 1000) }, 'request');
    });
    next();
  };
}
