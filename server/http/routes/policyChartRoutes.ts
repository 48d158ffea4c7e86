import { Router } from 'express';
import { z } from 'zod';
import { stateChartDot } from '../../../visualizations/index.js';
import type { PolicyRef } from '../../policies/policyRepository.js';
import type { Services } from '../services.js';
import { parseInput } from '../validation.js';
import { onPolicyDocuments } from './policyDocumentRoutes.js';
import { chartFormatSchema, sendChart } from './sessionInsightRoutes.js';

export const chartSessionsSchema = z.enum(['none', 'recent']).default('none');
/** How many of the newest sessions the `sessions=recent` overlay looks at. */
const recentSessionsLooked = 200;

/**
 * The state chart of a policy, for product owners (Bearer admin token): the machine the policy in
 * effect builds, as SVG (or DOT), and with `sessions=recent` where the newest sessions of the
 * scene are now (a count on each state).
 */
export function policyChartRoutes(services: Services): Router {
  const router = Router();
  onPolicyDocuments(router, services, 'get', '/chart', async ({ ref }, req, res) => {
    const format = parseInput(chartFormatSchema, req.query.format, 'format');
    const overlay = parseInput(chartSessionsSchema, req.query.sessions, 'sessions');
    const state = await services.policies.state(ref);
    const { machine } = services.engine.machineForPolicy(state.policy, state.policyVersion);
    const counts = overlay === 'recent' ? await whereSessionsAre(services, ref) : undefined;
    await sendChart(res, format, stateChartDot(machine, counts ? { counts } : {}));
  });
  return router;
}

/**
 * Of the newest sessions of the scene (of the scheme, for a scheme's chart): how many are in each
 * state now. Sessions pinned to an older version count where their state is also a state of this
 * chart; the chart leaves out states it does not have.
 */
async function whereSessionsAre(services: Services, ref: PolicyRef): Promise<{ state: unknown; count: number }[]> {
  const ids = await services.storage.sessions.recentIds(recentSessionsLooked);
  const records = await Promise.all(ids.map((id) => services.storage.sessions.load(id)));
  const counts = new Map<string, { state: unknown; count: number }>();
  for (const record of records) {
    if (!record || record.sceneCode !== ref.sceneCode) continue;
    if (ref.scope === 'scheme' && record.schemeCode !== ref.schemeCode) continue;
    const value = (record.snapshot as { value?: unknown }).value;
    const key = JSON.stringify(value);
    const entry = counts.get(key) ?? { state: value, count: 0 };
    entry.count += 1;
    counts.set(key, entry);
  }
  return [...counts.values()];
}
