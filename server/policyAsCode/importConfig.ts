import { defaultPolicy, sceneCodes, type SceneCode } from '../../machines/index.js';
import { diffPolicies, type PolicyDiffEntry } from '../policies/policyDiff.js';
import { PolicyConflict, PolicyInherited, PolicyRejected } from '../policies/policyErrors.js';
import { PolicyRepository, type PolicyRef, type PolicyState } from '../policies/policyRepository.js';
import type { PolicyIssue, PolicyValidator } from '../policies/policyValidation.js';
import type { SchemeRepository } from '../schemes/schemeRepository.js';
import type { SchemeInput } from '../schemes/schemeSchema.js';
import { MemoryKeyValueStore } from '../stores/memory/memoryKeyValueStore.js';
import type { WebhookRepository } from '../webhooks/webhookRepository.js';
import { configDocumentSchema, documentIssues, joinPath, schemeEntryOf, type ConfigIssue, type ConfigSchemeScene } from './configDocument.js';
import { compareCodes } from './exportConfig.js';

export type ConfigChangeKind = 'scheme' | 'globalPolicy' | 'schemePolicy' | 'logging';
export type ConfigChangeAction = 'add' | 'change' | 'remove';

/**
 * One thing an import changes. `key`: the scheme code, the scene code, or `<scheme>/<scene>`.
 * `diff`: each changed field or setting (`inherit` when a scheme starts or stops inheriting).
 */
export interface ConfigChange {
  kind: ConfigChangeKind;
  action: ConfigChangeAction;
  key: string;
  diff?: PolicyDiffEntry[];
}

export interface ImportOptions {
  dryRun: boolean;
  /** Also delete the schemes, and reset the policies and logging switches, that the document does not name. */
  prune: boolean;
  /** The author of the policy versions the import makes. */
  author: string;
}

export interface ImportResult {
  dryRun: boolean;
  prune: boolean;
  /** Whether the changes were written (false for a dry run). */
  applied: boolean;
  changes: ConfigChange[];
  /** How many things the document names (or prunes) that change, and how many it leaves as they are. */
  summary: Record<ConfigChangeAction | 'unchanged', number>;
  /** Warnings of the policy checks (the policies are valid; an operator should read them). */
  warnings: ConfigIssue[];
}

/** The document was refused before anything was written: every problem, each at its path. */
export class ConfigInvalid extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(`the configuration document is not valid: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`);
    this.name = 'ConfigInvalid';
  }
}

/**
 * A write failed part-way (someone changed the store between the checks and the writes). The
 * changes in `applied` were made, each one whole; `failed` and the ones after it were not.
 */
export class ConfigApplyFailed extends Error {
  constructor(
    readonly applied: ConfigChange[],
    readonly failed: ConfigChange,
    readonly reason: string,
  ) {
    super(`the import stopped at ${failed.kind} ${failed.key}: ${reason}; ${applied.length} earlier change(s) were applied, the rest were not`);
    this.name = 'ConfigApplyFailed';
  }
}

export interface ConfigTargets {
  schemes: SchemeRepository;
  policies: PolicyRepository;
  webhooks: Pick<WebhookRepository, 'remove'>;
  clock: () => number;
  /**
   * The static checks every policy save runs. It must be the validator the policy repository was
   * built with (the composition root uses `checkPolicy`), so the checks before the writes refuse
   * exactly what the saves would.
   */
  validate: PolicyValidator;
}

interface PlannedChange {
  change: ConfigChange;
  apply: () => Promise<unknown>;
}

interface PolicyTarget {
  ref: PolicyRef;
  /** Where the entry is in the document (for issue paths). */
  path: string;
  desired: ConfigSchemeScene;
  /** The real document now, for its version number (a concurrent edit makes the save fail, not overwrite). */
  current: PolicyState;
}

/**
 * Imports a document as the desired state of what it names:
 * - each scheme in `schemes` is created, or replaced (all its fields) if its code exists;
 * - each scene in `policies.global` gets that policy and/or logging switch;
 * - each scheme scene in `policies.schemes` inherits, or overrides with that policy.
 * What the document does not name is left alone — unless `prune`: then schemes it does not list
 * are deleted (with their webhook registrations), global scenes it does not name go back to the
 * built-in default policy with logging on, and scheme scenes it does not name inherit.
 *
 * Nothing is written until the whole document passed: its shape (zod), its references (a policy
 * for an unknown scheme), and every policy through the policy repository's own save path with the
 * same static checks, run against a scratch in-memory copy of the affected policies. A dry run
 * stops there and reports the changes. Otherwise the changes are written in order (schemes,
 * global policies, logging, scheme policies, pruned schemes) through the repositories' save
 * methods, so each policy change is validated again and becomes a version with the author.
 */
export async function importConfig(input: unknown, options: ImportOptions, targets: ConfigTargets): Promise<ImportResult> {
  const parsed = configDocumentSchema.safeParse(input);
  if (!parsed.success) throw new ConfigInvalid(documentIssues(parsed.error));
  const document = parsed.data;
  const issues: ConfigIssue[] = [];
  if (options.prune) {
    for (const section of ['schemes', 'policies'] as const) {
      if (document[section] === undefined)
        issues.push({
          path: section,
          message: `prune=true replaces the whole configuration: the document must have ${section} (an empty one removes everything)`,
        });
    }
  }

  const { schemes, policies } = targets;
  const stored = new Map((await schemes.list()).map((s) => [s.code, schemeEntryOf(s)]));
  const listed = document.schemes ?? [];
  const desiredSchemes = new Map<string, SchemeInput & { code: string }>();
  listed.forEach((scheme, index) => {
    const entry = schemeEntryOf(scheme);
    if (desiredSchemes.has(entry.code)) issues.push({ path: joinPath(['schemes', index, 'code']), message: `scheme ${entry.code} is listed twice` });
    desiredSchemes.set(entry.code, entry);
  });
  const survives = (code: string) => desiredSchemes.has(code) || (!options.prune && stored.has(code));

  // ---- schemes ----
  const schemeChanges: PlannedChange[] = [];
  const removals: PlannedChange[] = [];
  let unchanged = 0;
  for (const [code, entry] of [...desiredSchemes].sort(([a], [b]) => compareCodes(a, b))) {
    const current = stored.get(code);
    const diff = diffPolicies(current ?? {}, entry);
    if (current && diff.length === 0) {
      unchanged++;
      continue;
    }
    const change: ConfigChange = { kind: 'scheme', action: current ? 'change' : 'add', key: code, diff };
    schemeChanges.push({
      change,
      apply: async () => {
        const written = current ? await schemes.replace(code, entry) : await schemes.create(entry);
        if (!written) throw new SchemeChangedMeanwhile(current ? `scheme ${code} was deleted meanwhile` : `scheme ${code} was created meanwhile`);
      },
    });
  }
  if (options.prune) {
    for (const [code, current] of [...stored].sort(([a], [b]) => compareCodes(a, b))) {
      if (desiredSchemes.has(code)) continue;
      removals.push({
        change: { kind: 'scheme', action: 'remove', key: code, diff: diffPolicies(current, {}) },
        apply: async () => {
          await schemes.delete(code);
          await targets.webhooks.remove(code);
        },
      });
    }
  }

  // ---- which policies the document sets ----
  const globalEntries = document.policies?.global ?? {};
  const schemeEntries = document.policies?.schemes ?? {};
  const globalTargets: { sceneCode: SceneCode; path: string; policy?: Record<string, unknown>; logging?: boolean }[] = [];
  for (const sceneCode of sceneCodes) {
    const entry = globalEntries[sceneCode];
    const policy = entry?.policy ?? (options.prune ? defaultPolicy(sceneCode) : undefined);
    const logging = entry?.logging ?? (options.prune ? true : undefined);
    globalTargets.push({
      sceneCode,
      path: `policies.global.${sceneCode}.policy`,
      ...(policy ? { policy } : {}),
      ...(logging !== undefined ? { logging } : {}),
    });
  }
  const schemeTargets: Omit<PolicyTarget, 'current'>[] = [];
  for (const code of Object.keys(schemeEntries).sort(compareCodes)) {
    if (!survives(code)) {
      issues.push({
        path: `policies.schemes.${code}`,
        message: stored.has(code)
          ? `scheme ${code} is not in the document's schemes and prune=true deletes it`
          : `scheme ${code} does not exist and is not in the document's schemes`,
      });
    }
  }
  const schemeCodesAfter = [...new Set([...desiredSchemes.keys(), ...stored.keys()])].filter(survives).sort(compareCodes);
  for (const schemeCode of schemeCodesAfter) {
    for (const sceneCode of sceneCodes) {
      const desired = schemeEntries[schemeCode]?.[sceneCode] ?? (options.prune ? { inherit: true as const } : undefined);
      if (desired) schemeTargets.push({ ref: { scope: 'scheme', schemeCode, sceneCode }, path: `policies.schemes.${schemeCode}.${sceneCode}.policy`, desired });
    }
  }

  // ---- the policies, checked through a scratch copy of the repository ----
  const globalStates = new Map<SceneCode, PolicyState>();
  await Promise.all(sceneCodes.map(async (sceneCode) => globalStates.set(sceneCode, await policies.state({ scope: 'global', sceneCode }))));
  const policyTargets: PolicyTarget[] = [
    ...globalTargets.flatMap((t) =>
      t.policy
        ? [
            {
              ref: { scope: 'global', sceneCode: t.sceneCode } as PolicyRef,
              path: t.path,
              desired: { inherit: false as const, policy: t.policy },
              current: globalStates.get(t.sceneCode)!,
            },
          ]
        : [],
    ),
    ...(await Promise.all(schemeTargets.map(async (t) => ({ ...t, current: await policies.state(t.ref) })))),
  ];
  const scratch = await scratchRepository(targets, globalStates, policyTargets);
  const policyChanges: PlannedChange[] = [];
  const warnings: ConfigIssue[] = [];
  for (const target of policyTargets) {
    const { ref, desired } = target;
    const before = await scratch.state(ref);
    try {
      const result = await save(scratch, ref, desired, 'import-check');
      warnings.push(...result.warnings.map((w) => issueAt(target.path, w)));
      if (!result.changed) {
        unchanged++;
        continue;
      }
      const diff = [
        ...(before.inherit !== result.state.inherit ? [{ path: 'inherit', from: before.inherit, to: result.state.inherit }] : []),
        ...diffPolicies(before.policy, result.state.policy),
      ];
      const key = ref.scope === 'global' ? ref.sceneCode : `${ref.schemeCode}/${ref.sceneCode}`;
      policyChanges.push({
        change: { kind: ref.scope === 'global' ? 'globalPolicy' : 'schemePolicy', action: 'change', key, diff },
        apply: () => save(policies, ref, desired, options.author, target.current.number),
      });
    } catch (error) {
      if (!(error instanceof PolicyRejected)) throw error;
      issues.push(...error.errors.map((e) => issueAt(target.path, e)));
    }
  }

  // ---- logging switches ----
  const loggingChanges: PlannedChange[] = [];
  for (const target of globalTargets) {
    if (target.logging === undefined) continue;
    const logging = target.logging;
    const current = (await policies.sceneSettings(target.sceneCode)).logging;
    if (current === logging) {
      unchanged++;
      continue;
    }
    loggingChanges.push({
      change: { kind: 'logging', action: 'change', key: target.sceneCode, diff: [{ path: 'logging', from: current, to: logging }] },
      apply: () => policies.setLogging(target.sceneCode, logging, options.author),
    });
  }

  if (issues.length > 0) throw new ConfigInvalid(issues);

  const globalChanges = policyChanges.filter((c) => c.change.kind === 'globalPolicy');
  const schemePolicyChanges = policyChanges.filter((c) => c.change.kind === 'schemePolicy');
  const planned = [...schemeChanges, ...globalChanges, ...loggingChanges, ...schemePolicyChanges, ...removals];
  const changes = planned.map((p) => p.change);
  const summary = { add: 0, change: 0, remove: 0, unchanged };
  for (const change of changes) summary[change.action]++;

  if (!options.dryRun) {
    const applied: ConfigChange[] = [];
    for (const step of planned) {
      try {
        await step.apply();
      } catch (error) {
        const reason = failureReason(error);
        if (reason === null) throw error;
        throw new ConfigApplyFailed(applied, step.change, reason);
      }
      applied.push(step.change);
    }
  }
  return { dryRun: options.dryRun, prune: options.prune, applied: !options.dryRun, changes, summary, warnings };
}

/** A save of one scheme scene or global policy, through the repository's console methods. */
function save(repository: PolicyRepository, ref: PolicyRef, desired: ConfigSchemeScene, author: string, expectedNumber?: number) {
  const options = { author, ...(expectedNumber !== undefined ? { expectedNumber } : {}) };
  if (desired.inherit) {
    if (ref.scope !== 'scheme') throw new Error('only a scheme policy can inherit');
    return repository.setInheritance(ref.schemeCode, ref.sceneCode, true, options);
  }
  return repository.savePolicy(ref, desired.policy, options);
}

/**
 * A policy repository on a throwaway in-memory store, holding the current global policies and the
 * current own policies of the scheme scenes the import touches: saving the document's policies
 * into it runs exactly the checks the real saves will run (unknown nodes and settings, nodes the
 * scene lacks compared with the policy in effect, the scene code, the static checks), and says
 * whether each save would change anything.
 */
async function scratchRepository(targets: ConfigTargets, globals: Map<SceneCode, PolicyState>, policyTargets: PolicyTarget[]): Promise<PolicyRepository> {
  const scratch = new PolicyRepository(new MemoryKeyValueStore(targets.clock), { clock: targets.clock, validate: targets.validate });
  for (const sceneCode of new Set(policyTargets.map((t) => t.ref.sceneCode))) await scratch.setGlobalPolicy(globals.get(sceneCode)!.policy);
  for (const { ref, current } of policyTargets) {
    if (ref.scope === 'scheme' && !current.inherit) await scratch.setSchemePolicy(ref.schemeCode, current.policy, ref.sceneCode);
  }
  return scratch;
}

function issueAt(base: string, issue: PolicyIssue): ConfigIssue {
  const where = issue.node === 'policy' ? [base, issue.setting] : [base, 'nodes', issue.node, issue.setting];
  return { path: where.filter((p) => p !== undefined).join('.'), message: issue.message, code: issue.code };
}

/** Why a write was refused by a concurrent change; null for other failures (the store is down…). */
function failureReason(error: unknown): string | null {
  if (error instanceof PolicyConflict) return `${error.message} (changed meanwhile)`;
  if (error instanceof PolicyRejected || error instanceof PolicyInherited) return error.message;
  if (error instanceof SchemeChangedMeanwhile) return error.message;
  return null;
}

class SchemeChangedMeanwhile extends Error {}
