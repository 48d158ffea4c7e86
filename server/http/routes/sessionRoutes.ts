import { Router, type Request } from 'express';
import { z } from 'zod';
import { sceneCodes, scenes } from '../../../machines/index.js';
import { normalizePhoneNumber } from '../../phone/phoneNumber.js';
import { ApiError } from '../apiError.js';
import { authenticateClient } from '../authentication.js';
import { clientEventSchema, isClientEventType } from '../clientEventSchema.js';
import type { Services } from '../services.js';
import { sessionView } from '../sessionView.js';
import { clientIp } from '../clientIp.js';
import { parseSessionId, sessionNotFound } from '../sessionId.js';
import { schemeDisabled } from '../schemeParam.js';
import { parseInput } from '../validation.js';

export const deviceSchema = z
  .object({
    platform: z.string().max(32),
    osVersion: z.string().max(64),
    appVersion: z.string().max(64),
    packageName: z.string().max(256),
    packageSign: z.string().max(128),
    bundleId: z.string().max(256),
    emulator: z.boolean(),
    rooted: z.boolean(),
    hooked: z.boolean(),
    cellularAvailable: z.boolean(),
    simOperator: z.string().max(16),
    ip: z.string().max(64),
    userAgent: z.string().max(512),
    deviceId: z.string().max(128),
  })
  .partial()
  .strict();

export const startSessionSchema = z.object({ sceneCode: z.enum(sceneCodes), device: deviceSchema.default({}) }).strict();

/** The client's session endpoints (Bearer auth token). A token only ever reaches sessions of its own scheme. */
export function sessionRoutes(services: Services): Router {
  const router = Router();
  const reveal = (kept: string) => services.verifyTokens.reveal(kept);
  /** The auth token's claims; refused while its scheme is disabled (a deleted scheme's tokens only start nothing). */
  const authenticate = async (req: Request) => {
    const claims = await authenticateClient(req, services.authTokens, services.clock());
    const scheme = await services.schemes.getRecent(claims.schemeCode);
    if (scheme && !scheme.enabled) throw schemeDisabled(claims.schemeCode);
    return { claims, scheme };
  };

  router.post('/v1/sessions', async (req, res) => {
    await services.limits.consume('sessionStartPerIp', clientIp(req));
    const { claims, scheme } = await authenticate(req);
    await services.limits.consume('sessionStartPerScheme', claims.schemeCode);
    const body = parseInput(startSessionSchema, req.body);
    const scene = scenes[body.sceneCode];
    if (scene.needsBoundPhoneNumber && !claims.boundPhoneNumber) {
      throw new ApiError(
        400,
        'BOUND_PHONE_NUMBER_REQUIRED',
        `scene ${body.sceneCode} (${scene.name}) needs the user's bound number: the app backend gives it as phoneNumber in the token request`,
      );
    }
    if (!scheme) throw new ApiError(403, 'SCHEME_NOT_FOUND', 'the scheme of this auth token no longer exists');
    // The address is the one the server sees: a client could claim any IP and dodge per-IP risk rules.
    const device = { ...body.device, ip: clientIp(req), userAgent: body.device.userAgent ?? req.get('user-agent') ?? '' };
    const session = await services.engine.start({
      schemeCode: claims.schemeCode,
      sceneCode: body.sceneCode,
      platform: claims.platform,
      ...(scene.needsBoundPhoneNumber && claims.boundPhoneNumber ? { boundPhoneNumber: claims.boundPhoneNumber } : {}),
      device,
    });
    services.metrics.sessionsStarted.inc({ scene: body.sceneCode });
    res.status(201).location(`/v1/sessions/${session.record.id}`).json(sessionView(session, reveal));
  });

  router.get('/v1/sessions/:id', async (req, res) => {
    const { claims } = await authenticate(req);
    const id = parseSessionId(req.params.id);
    const session = await services.engine.get(id);
    // Another scheme's session answers exactly like a missing one.
    if (!session || session.record.schemeCode !== claims.schemeCode) throw sessionNotFound();
    res.json(sessionView(session, reveal));
  });

  router.post('/v1/sessions/:id/events', async (req, res) => {
    await services.limits.consume('eventPerIp', clientIp(req));
    const { claims } = await authenticate(req);
    const id = parseSessionId(req.params.id);
    const type = (req.body as { type?: unknown } | undefined)?.type;
    if (!isClientEventType(type)) {
      throw new ApiError(
        400,
        'UNKNOWN_EVENT_TYPE',
        `unknown event type ${JSON.stringify(type ?? null)}; a client may send ${clientEventSchema.options.map((o) => o.shape.type.value).join(', ')}`,
      );
    }
    const event = parseInput(clientEventSchema, req.body, 'event');
    const input: { type: string } & Record<string, unknown> = { ...event };
    if (event.type === 'PHONE_NUMBER') {
      const phoneNumber = normalizePhoneNumber(event.phoneNumber);
      if (!phoneNumber) throw new ApiError(400, 'INVALID_PHONE_NUMBER', 'phoneNumber is not a valid mobile number');
      input.phoneNumber = phoneNumber;
    }
    const session = await services.engine.send(id, input, (record) => {
      if (record.schemeCode !== claims.schemeCode) throw sessionNotFound();
    });
    res.json(sessionView(session, reveal));
  });

  return router;
}
