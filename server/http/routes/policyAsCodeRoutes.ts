import express, { Router, type Request } from 'express';
import { z } from 'zod';
import { checkPolicy } from '../../../machines/policy/policyChecks.js';
import type { PolicyValidator } from '../../policies/policyValidation.js';
import { configMediaTypes, formatConfig, parseYaml, yamlMediaTypes, YamlSyntaxError } from '../../policyAsCode/configFormats.js';
import { exportConfig } from '../../policyAsCode/exportConfig.js';
import { ConfigApplyFailed, ConfigInvalid, importConfig } from '../../policyAsCode/importConfig.js';
import { ApiError } from '../apiError.js';
import { operatorOf } from '../authentication.js';
import { auditChange } from '../auditTrail.js';
import type { Services } from '../services.js';
import { parseInput } from '../validation.js';

export type PolicyAsCodeRouteServices = Pick<Services, 'schemes' | 'policies' | 'webhooks' | 'clock' | 'audit'>;

const configPath = '/v1/admin/config';
/** A whole configuration may be larger than the 16 kB of other requests. */
const documentLimit = '1mb';
const jsonMediaTypes = ['application/json', 'application/*+json'];

const booleanFlag = z
  .enum(['true', 'false'])
  .default('false')
  .transform((value) => value === 'true');
const exportQuerySchema = z.object({ format: z.enum(['json', 'yaml']).default('json') });
const importQuerySchema = z.object({ dryRun: booleanFlag, prune: booleanFlag });

/**
 * Policy as code (Bearer admin token): every scheme and policy as one JSON or YAML document
 * (format in server/policyAsCode/configDocument.ts).
 *
 * GET  /v1/admin/config?format=json|yaml  → the document (`application/json` or `application/yaml`).
 * POST /v1/admin/config?dryRun=true|false&prune=true|false  with the document as JSON
 *      (`application/json`) or YAML (`application/yaml`, `text/yaml`), up to 1 MB
 *      → `{dryRun, prune, applied, changes: [{kind, action, key, diff}], summary, warnings}`.
 *      The document is the desired state of what it names; `prune=true` also removes or resets
 *      what it does not name. Refused whole (400 CONFIG_INVALID, each problem at its path) before
 *      anything is written. Policy versions it makes carry the operator who signed the request as author.
 */
export function policyAsCodeRoutes(services: PolicyAsCodeRouteServices, options: { validate?: PolicyValidator } = {}): Router {
  const router = Router();
  // The same static checks the composition root gives the policy repository.
  const validate = options.validate ?? checkPolicy;

  router.get(configPath, async (req, res) => {
    const { format } = parseInput(exportQuerySchema, req.query, 'query');
    const document = await exportConfig(services);
    res.type(configMediaTypes[format]).send(formatConfig(document, format));
  });

  router.post(
    configPath,
    // Only if the app-wide JSON parser did not read the body already (it does, up to its own limit).
    express.json({ limit: documentLimit, strict: true, type: jsonMediaTypes }),
    express.text({ limit: documentLimit, type: yamlMediaTypes }),
    async (req, res) => {
      const query = parseInput(importQuerySchema, req.query, 'query');
      const document = documentOf(req);
      const author = operatorOf(res).name;
      try {
        const result = await importConfig(document, { ...query, author }, { ...services, validate });
        if (result.applied && result.changes.length > 0) {
          await auditChange(res, services.audit, {
            action: 'config.import',
            target: 'configuration',
            before: null,
            after: { prune: query.prune, changes: result.changes },
          });
        }
        res.json(result);
      } catch (error) {
        if (error instanceof ConfigInvalid) throw new ApiError(400, 'CONFIG_INVALID', error.message, { issues: error.issues });
        if (error instanceof ConfigApplyFailed)
          throw new ApiError(409, 'CONFIG_CONFLICT', `${error.message}: export again and retry`, { applied: error.applied, failed: error.failed });
        throw error;
      }
    },
  );

  return router;
}

function documentOf(req: Request): unknown {
  if (req.is(yamlMediaTypes)) {
    try {
      return parseYaml(typeof req.body === 'string' ? req.body : '');
    } catch (error) {
      if (error instanceof YamlSyntaxError) throw new ApiError(400, 'MALFORMED_YAML', `the request body is not valid YAML: ${error.message}`);
      throw error;
    }
  }
  if (req.is(jsonMediaTypes)) return req.body;
  throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the document as application/json or application/yaml');
}
