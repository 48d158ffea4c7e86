import type { z } from 'zod';
import { policyNodesSchema, policySchema, scenes, type PolicyNodeName, type SceneCode } from '../../machines/index.js';
import type { PolicyDiffEntry } from './policyDiff.js';

/** One finding about a policy: which node (or `policy` for the policy as a whole) and which setting. */
export interface PolicyIssue {
  code: string;
  node: string;
  setting?: string;
  message: string;
}

export interface PolicyCheckResult {
  ok: boolean;
  errors: PolicyIssue[];
  warnings: PolicyIssue[];
}

/**
 * What every save runs before it stores a policy. The default is the schema alone; the static
 * checks (`checkPolicy` of machines/policy/policyChecks.ts) have the same shape and plug in here.
 */
export type PolicyValidator = (policy: unknown) => PolicyCheckResult;

export function describeIssue(issue: PolicyIssue): string {
  const where = issue.setting ? `${issue.node}.${issue.setting}` : issue.node;
  return issue.message.startsWith(`${where}:`) ? issue.message : `${where}: ${issue.message}`;
}

/** The default validator: the policy schema (types, ranges, the scene's nodes, a proof of possession). */
export const schemaValidation: PolicyValidator = (policy) => {
  const parsed = policySchema.safeParse(policy);
  const errors = parsed.success ? [] : parsed.error.issues.map(issueOfZod);
  return { ok: errors.length === 0, errors, warnings: [] };
};

function issueOfZod(issue: z.core.$ZodIssue): PolicyIssue {
  const path = issue.path.map(String);
  const code = issue.code === 'custom' ? 'INVALID_POLICY' : 'INVALID_SETTING';
  if (path[0] === 'nodes' && path[1] !== undefined) {
    const setting = path.slice(2).join('.');
    return { code, node: path[1], ...(setting ? { setting } : {}), message: issue.message };
  }
  const setting = path.filter((p) => p !== 'nodes').join('.');
  return { code, node: 'policy', ...(setting ? { setting } : {}), message: issue.message };
}

const policyFields = new Set(['sceneCode', 'sessionTtlSeconds', 'nodes']);
const nodeShapes = policyNodesSchema.shape as Record<string, { shape: Record<string, unknown> }>;

/** Names that are not part of the policy model (the schema would silently drop them). */
export function unknownFieldIssues(input: Record<string, unknown>): PolicyIssue[] {
  const issues: PolicyIssue[] = [];
  for (const key of Object.keys(input)) {
    if (!policyFields.has(key)) issues.push({ code: 'UNKNOWN_SETTING', node: 'policy', setting: key, message: `unknown policy field ${key}` });
  }
  const nodes = input.nodes;
  if (!isRecord(nodes)) return issues;
  for (const [name, settings] of Object.entries(nodes)) {
    const shape = Object.hasOwn(nodeShapes, name) ? nodeShapes[name]?.shape : undefined;
    if (!shape) {
      issues.push({ code: 'UNKNOWN_NODE', node: name, message: `unknown node ${name}` });
      continue;
    }
    if (!isRecord(settings)) continue;
    for (const key of Object.keys(settings)) {
      if (!Object.hasOwn(shape, key)) issues.push({ code: 'UNKNOWN_SETTING', node: name, setting: key, message: `node ${name} has no setting ${key}` });
    }
  }
  return issues;
}

export function nodeNotInScene(sceneCode: SceneCode, node: string): PolicyIssue {
  const scene = scenes[sceneCode];
  return { code: 'NODE_NOT_IN_SCENE', node, message: `node ${node} is not available in scene ${sceneCode} (${scene.name})` };
}

export function isAllowedNode(sceneCode: SceneCode, node: string): boolean {
  return scenes[sceneCode].allowedNodes.includes(node as PolicyNodeName);
}

/** A change may touch only the nodes the scene offers: one issue per other node it touches. */
export function sceneNodeIssues(sceneCode: SceneCode, diff: PolicyDiffEntry[]): PolicyIssue[] {
  const touched = new Set(diff.map((d) => d.path.split('.')).flatMap(([first, node]) => (first === 'nodes' && node ? [node] : [])));
  return [...touched].filter((node) => nodeShapes[node] && !isAllowedNode(sceneCode, node)).map((node) => nodeNotInScene(sceneCode, node));
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
