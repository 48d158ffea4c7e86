import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Router, type Request } from 'express';
import { z } from 'zod';
import { schemeCodeSchema } from '../../schemes/schemeSchema.js';
import { issueFusionAuthToken, redeemVerifyToken } from '../../verification/fusionAuth.js';
import { ApiError } from '../apiError.js';
import { authenticateClient } from '../authentication.js';
import { clientIp } from '../clientIp.js';
import { pageSecurityPolicy } from '../securityHeaders.js';
import type { Services } from '../services.js';
import { sessionChartDot } from '../sessionChart.js';
import { streamSession } from '../sessionEventStream.js';
import { parseSessionId, sessionNotFound } from '../sessionId.js';
import { parseInput } from '../validation.js';
import { verifyRequestSchema, verifyAnswer } from './fusionAuthRoutes.js';
import { renderSvg } from '../../../visualizations/index.js';

export const demoAssetsPath = '/demo/assets';

export const demoAuthTokenSchema = z
  .object({
    schemeCode: schemeCodeSchema.optional(),
    phoneNumber: z.string().min(3).max(32).optional(),
  })
  .strict();

/** VerifyWithFusionAuthToken's body, for the demo backend's own route. */
export const demoVerifyRequestSchema = verifyRequestSchema.extend({});

/** The seeded H5 scheme: the demo's app unless the page is opened with `?scheme=`. */
export const demoDefaultSchemeCode = 'FA000000000000004';
const demoTokenSeconds = 900;

/** The page's files, and ALTCHA's own widget (the build without inline workers, for a strict CSP) and its SHA worker. */
function demoFiles(): Record<string, { type: string; body: string }> {
  const pageDir = new URL('../../../visualizations/demo/', import.meta.url);
  const altchaDir = path.dirname(createRequire(import.meta.url).resolve('altcha/external'));
  const page = (name: string, type: string) => ({ type, body: readFileSync(new URL(name, pageDir), 'utf8') });
  const altcha = (name: string, type: string) => ({ type, body: readFileSync(path.join(altchaDir, name), 'utf8') });
  return {
    '/': page('index.html', 'html'),
    '/demo.js': page('demo.js', 'js'),
    '/phone.js': page('phone.js', 'js'),
    '/liveChart.js': page('liveChart.js', 'js'),
    '/demo.css': page('demo.css', 'css'),
    '/altcha.js': altcha('altcha.js', 'js'),
    '/altcha.css': altcha('altcha.css', 'css'),
    '/altcha-sha-worker.js': altcha('../workers/sha.js', 'js'),
  };
}

/** Everything from this server: the client module, the page's modules, ALTCHA and its worker. */
const contentSecurityPolicy = pageSecurityPolicy({
  'script-src': ["'self'"],
  'worker-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'form-action': ["'none'"],
});

/**
 * The H5 demo (development only, like the simulator): a phone-shaped page at `/demo` that logs a
 * user in with the TypeScript client, and the small app backend it needs: it mints auth tokens and
 * redeems verify tokens as an app backend would, the access key never leaving the server; and, for
 * the chart beside the phone, the session's chart and live steps, to the session's own client.
 */
export function demoRoutes(services: Services): Router {
  const router = Router();
  if (!services.simulator) return router;
  const files = demoFiles();

  router.get('/demo', contentSecurityPolicy, (_req, res) => {
    res.type('html').send(files['/']!.body);
  });
  router.use(demoAssetsPath, (req, res, next) => {
    const file = files[req.path];
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !file || req.path === '/') return next();
    res.type(file.type).send(file.body);
  });

  // GetFusionAuthToken, as the demo app's backend calls it for its H5 page.
  router.post('/demo/api/auth-token', async (req, res) => {
    await services.limits.consume('backendCallPerIp', clientIp(req));
    const body = parseInput(demoAuthTokenSchema, req.body ?? {});
    const schemeCode = body.schemeCode ?? demoDefaultSchemeCode;
    const scheme = await services.schemes.get(schemeCode);
    if (!scheme) throw new ApiError(404, 'SCHEME_NOT_FOUND', `scheme ${schemeCode} does not exist`);
    if (scheme.platform !== 'H5') throw new ApiError(403, 'NOT_AN_H5_SCHEME', `scheme ${schemeCode} is not an H5 scheme`);
    const outcome = await issueFusionAuthToken(services, {
      schemeCode,
      platform: 'H5',
      origin: scheme.origin,
      durationSeconds: demoTokenSeconds,
      ...(body.phoneNumber ? { phoneNumber: body.phoneNumber } : {}),
    });
    if (!outcome.issued) throw new ApiError(400, outcome.reason, 'the demo backend could not get an auth token');
    res.json({ authToken: outcome.authToken, expiresAt: new Date(outcome.expiresAt).toISOString(), schemeCode, schemeName: scheme.name });
  });

  // VerifyWithFusionAuthToken: the page hands over the verify token; the backend learns the number.
  router.post('/demo/api/verify', async (req, res) => {
    await services.limits.consume('backendCallPerIp', clientIp(req));
    const body = parseInput(demoVerifyRequestSchema, req.body);
    const claim = await redeemVerifyToken(services, body.verifyToken);
    if (!claim) throw new ApiError(404, 'VERIFY_TOKEN_INVALID', 'the verify token is unknown, already used or expired');
    res.json(verifyAnswer(claim));
  });

  router.get('/demo/api/sessions/:id/chart', async (req, res) => {
    const session = await ownSession(services, req);
    const entries = await services.engine.log(session.record.id);
    res.type('image/svg+xml; charset=utf-8').send(await renderSvg(sessionChartDot(session, entries)));
  });

  router.get('/demo/api/sessions/:id/live', async (req, res) => {
    const session = await ownSession(services, req);
    await streamSession(services, services.liveStreams, session.record.id, 0, req, res);
  });

  return router;
}

/** The session, to its own client only (the auth token of its scheme); another scheme's answers like a missing one. */
async function ownSession(services: Services, req: Request) {
  const claims = await authenticateClient(req, services.authTokens, services.clock());
  const session = await services.engine.load(parseSessionId(req.params.id));
  if (!session || session.record.schemeCode !== claims.schemeCode) throw sessionNotFound();
  return session;
}
