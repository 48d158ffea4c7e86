import { Router } from 'express';
import { z } from 'zod';
import { policyDiagram, stateValueLeafPaths, type Policy } from '../../../machines/index.js';
import { checkPolicy } from '../../../machines/policy/policyChecks.js';
import type { PolicyRef } from '../../policies/policyRepository.js';
import type { PolicyIssue } from '../../policies/policyValidation.js';
import type { Services } from '../services.js';
import { parseInput } from '../validation.js';
import { onPolicyDocuments } from './policyDocumentRoutes.js';
import { refView, versionNotFound, versionNumberSchema } from './policyRoutes.js';

/** How many of the newest sessions the diagram's counts look at. */
const recentSessionsLooked = 200;
export const policyCheckRequestSchema = z.object({ policy: z.unknown() }).strict();

/**
 * The policy diagram of the console (Bearer operator token): `GET …/diagram` gives the policy's
 * nodes (switched-off ones too, without routes), the routes its settings make between them and,
 * per box, how many of the newest sessions of the scene passed through it. `POST …/check {policy}`
 * runs the static checks a save would run on a draft, and saves nothing.
 */
export function policyDiagramRoutes(services: Services): Router {
  const router = Router();
  onPolicyDocuments(router, services, 'get', '/diagram', async ({ ref }, req, res) => {
    const state = await diagramState(services, ref, req.query.version);
    const { machine } = services.engine.machineForPolicy(state.policy, state.policyVersion);
    const diagram = policyDiagram(machine);
    const passed = await sessionsThrough(services, ref, diagram.nodes, state.pinned ? state.policyVersion : undefined);
    const drawn = new Set(diagram.nodes.map((node) => node.policyNode));
    const switchedOff = Object.entries(state.policy.nodes)
      .filter(([name, node]) => !node.enabled && !drawn.has(name))
      .map(([name]) => ({ id: name, policyNode: name, enabled: false, sessions: 0 }));
    res.json({
      ...refView(ref),
      version: state.number,
      policyVersion: state.policyVersion,
      nodes: [
        ...diagram.nodes.map(({ id, policyNode }) => ({ id, policyNode, enabled: nodeEnabled(state.policy, policyNode), sessions: passed.get(id) ?? 0 })),
        ...switchedOff,
      ],
      edges: diagram.edges,
    });
  });

  onPolicyDocuments(router, services, 'post', '/check', async ({ ref }, req, res) => {
    const body = parseInput(policyCheckRequestSchema, req.body);
    const candidate = typeof body.policy === 'object' && body.policy !== null ? { sceneCode: ref.sceneCode, ...body.policy } : body.policy;
    const result = checkPolicy(candidate);
    const errors = [...result.errors, ...(await unknownSmsChoices(services, candidate))];
    res.json({ ok: errors.length === 0, errors, warnings: result.warnings });
  });
  return router;
}

/** The SMS signature or template a draft names that does not exist (a session would send the complimentary one instead). */
async function unknownSmsChoices(services: Services, candidate: unknown): Promise<PolicyIssue[]> {
  const node = (candidate as { nodes?: { smsCode?: { signName?: unknown; templateCode?: unknown } } } | null)?.nodes?.smsCode;
  const issues: PolicyIssue[] = [];
  if (typeof node?.signName === 'string' && !(await services.smsTemplates.signature(node.signName)))
    issues.push({ code: 'SMS_SIGNATURE_UNKNOWN', node: 'smsCode', setting: 'signName', message: `there is no SMS signature ${node.signName}` });
  if (typeof node?.templateCode === 'string' && !(await services.smsTemplates.template(node.templateCode)))
    issues.push({ code: 'SMS_TEMPLATE_UNKNOWN', node: 'smsCode', setting: 'templateCode', message: `there is no SMS template ${node.templateCode}` });
  return issues;
}

/** The document's policy now, or (`?version=N`) as that version of its history had it, to compare two on the diagram. */
async function diagramState(services: Services, ref: PolicyRef, versionQuery: unknown) {
  if (versionQuery === undefined) return { ...(await services.policies.state(ref)), pinned: false };
  const parsed = versionNumberSchema.safeParse(versionQuery);
  const entry = parsed.success ? await services.policies.version(ref, parsed.data) : null;
  if (!entry) throw versionNotFound(String(versionQuery));
  return { number: entry.number, policy: entry.policy, policyVersion: entry.policyVersion, pinned: true };
}

function nodeEnabled(policy: Policy, policyNode: string): boolean {
  const node = (policy.nodes as Record<string, { enabled: boolean } | undefined>)[policyNode];
  return node?.enabled ?? true;
}

/** Per box: how many of the newest sessions of the scene (and scheme), of one policy version if given, entered one of its states. */
async function sessionsThrough(
  services: Services,
  ref: PolicyRef,
  nodes: { id: string; states: string[] }[],
  policyVersion?: string,
): Promise<Map<string, number>> {
  const boxOfState = new Map(nodes.flatMap((node) => node.states.map((state) => [state, node.id] as const)));
  const counts = new Map<string, number>();
  const ids = await services.storage.sessions.recentIds(recentSessionsLooked);
  const records = await Promise.all(ids.map((id) => services.storage.sessions.load(id)));
  const ofDocument = records.filter(
    (r) =>
      r &&
      r.sceneCode === ref.sceneCode &&
      (ref.scope === 'global' || r.schemeCode === ref.schemeCode) &&
      (policyVersion === undefined || r.policyVersion === policyVersion),
  );
  const logs = await Promise.all(ofDocument.map((record) => services.storage.sessions.readLog(record!.id)));
  for (const log of logs) {
    const boxes = new Set<string>(['start']);
    for (const entry of log) for (const path of stateValueLeafPaths(entry.state)) boxes.add(boxOfState.get(path.join('.')) ?? '');
    for (const box of boxes) if (box) counts.set(box, (counts.get(box) ?? 0) + 1);
  }
  return counts;
}
