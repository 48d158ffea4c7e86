import { defaultPolicy, policyNodesSchema, policySchema, type Policy, type PolicyNodes, type SceneCode } from '../../machines/index.js';
import type { KeyValueStore } from '../stores/keyValueStore.js';
import { RecentReads } from '../stores/recentReads.js';
import { diffPolicies, type PolicyDiffEntry } from './policyDiff.js';
import { PolicyConflict, PolicyInherited, PolicyRejected, PolicyVersionNotFound } from './policyErrors.js';
import { policyVersionOf } from './policyVersion.js';
import {
  isAllowedNode,
  isRecord,
  nodeNotInScene,
  sceneNodeIssues,
  schemaValidation,
  unknownFieldIssues,
  type PolicyIssue,
  type PolicyValidator,
} from './policyValidation.js';

export interface ResolvedPolicy {
  policy: Policy;
  version: string;
}

/** A policy document: the global policy of a scene, or a scheme's policy of a scene. */
export type PolicyRef = { scope: 'global'; sceneCode: SceneCode } | { scope: 'scheme'; schemeCode: string; sceneCode: SceneCode };

export type PolicyChange = 'update' | 'restoreDefaults' | 'rollback' | 'inherit' | 'override';

/** One immutable entry of a document's history. */
export interface PolicyVersionEntry {
  /** 1, 2, 3… per document. */
  number: number;
  /** Content hash of the policy in effect for the document from this version on (a scheme that inherits: the global policy then). */
  policyVersion: string;
  /** Scheme documents: whether the scheme inherited the global policy from this version on. */
  inherit?: boolean;
  author: string;
  at: string;
  change: PolicyChange;
  /** `restoreDefaults` of one node. */
  node?: string;
  /** `rollback`: the version it went back to. */
  rolledBackTo?: number;
  /** Against the policy in effect before (`inherit` is a path of its own when it switched). */
  diff: PolicyDiffEntry[];
}

/** What one key holds per document: the current state and the whole history, so one compare-and-swap changes both. */
interface PolicyDocument {
  number: number;
  inherit: boolean;
  /** The document's own policy; null while a scheme inherits. */
  policy: Policy | null;
  versions: PolicyVersionEntry[];
}

/** The materialized policy of a scheme and scene, read in one `get` when a session starts. */
interface EffectiveRecord {
  policy: Policy;
  version: string;
  /** [scheme document number, global document number (0 when the scheme overrides)]: newer stamps win. */
  stamp: [number, number];
  inherit: boolean;
  /** The built-in default (no global policy saved): re-resolved when the built-in default changes. */
  fromDefault: boolean;
}

interface GlobalSnapshot {
  doc: PolicyDocument | null;
  policy: Policy;
  number: number;
  fromDefault: boolean;
}

/** A document as an operator sees it. */
export interface PolicyState {
  ref: PolicyRef;
  /** 0 while the document was never changed. */
  number: number;
  /** Scheme documents: the scheme uses the global policy. Always false for the global document. */
  inherit: boolean;
  /** The policy in effect (for an inheriting scheme: the global policy). */
  policy: Policy;
  policyVersion: string;
  /** The policy equals the built-in default of the scene. */
  isDefault: boolean;
  lastChange: Omit<PolicyVersionEntry, 'diff'> | null;
  /** An inheriting scheme: the global version it uses. */
  global?: { number: number; policyVersion: string };
}

export interface SaveResult {
  state: PolicyState;
  /** False when the save changed nothing (no version was created). */
  changed: boolean;
  warnings: PolicyIssue[];
  /** The version the save created (when it changed something). */
  entry?: PolicyVersionEntry;
}

export interface SaveOptions {
  author: string;
  /** Refuse the save (PolicyConflict) unless the document is at this version number. */
  expectedNumber?: number;
}

export interface SceneSettings {
  logging: boolean;
  updatedAt?: string;
  updatedBy?: string;
}

export interface PolicyRepositoryOptions {
  clock?: () => number;
  /** Runs before every save made through the console methods; the default is the policy schema. */
  validate?: PolicyValidator;
}

/** What a change wants the document to become; `candidate` is checked before it is stored. */
interface Proposal {
  inherit: boolean;
  candidate?: unknown;
  change: PolicyChange;
  node?: string;
  rolledBackTo?: number;
  /** `full`: the scene's nodes and the validator; `schema`: the schema alone (the programmatic setters). */
  checks: 'full' | 'schema';
  /** Problems found while building the candidate (unknown fields, changes to nodes the scene lacks). */
  issues?: PolicyIssue[];
}

interface DocumentContext {
  doc: PolicyDocument | null;
  number: number;
  inherit: boolean;
  own: Policy | null;
  /** The policy in effect for the document now. */
  inEffect: Policy;
  global: GlobalSnapshot | null;
}

const maxCommitAttempts = 20;
const fanOutBatch = 20;
const defaultLogging = true;

/**
 * Policies: a global policy per scene, and per scheme and scene either inheritance of the global
 * one or an own policy. Every change is a numbered, immutable entry in the document's history
 * (author, time, diff); the document and its history live in one key, changed with compare-and-swap.
 * Policy contents are kept by content hash (`policy:version:<hash>`), immutable, so a session
 * pinned to a version can always rebuild its machine. The policy of a scheme and scene is kept
 * materialized (`policy:effective:<scheme>:<scene>`) so a session start reads it in one `get`.
 */
export class PolicyRepository {
  private readonly byVersion = new Map<string, Policy>();
  private readonly defaultVersions = new Map<SceneCode, string>();
  private readonly clock: () => number;
  private readonly validate: PolicyValidator;
  private readonly recentSettings = new RecentReads<SceneSettings>();
  private readonly recentEffective = new RecentReads<EffectiveRecord | null>();

  constructor(
    private readonly kv: KeyValueStore,
    options: PolicyRepositoryOptions = {},
  ) {
    this.clock = options.clock ?? Date.now;
    this.validate = options.validate ?? schemaValidation;
  }

  // ---- the session engine's side -------------------------------------------------------------

  /**
   * The policy a new session of this scheme and scene runs: one read once the scheme's record
   * exists, and none while this process read it within the last second (a change made here is
   * seen at once, one made by another process within a second).
   */
  async effectivePolicy(schemeCode: string, sceneCode: SceneCode): Promise<ResolvedPolicy> {
    const key = effectiveKey(schemeCode, sceneCode);
    const record = await this.recentEffective.get(key, async () => {
      const raw = await this.kv.get(key);
      return raw ? (JSON.parse(raw) as EffectiveRecord) : null;
    });
    if (record) {
      if (!record.fromDefault || record.version === this.defaultVersionOf(sceneCode)) return this.resolved(record);
    }
    // First session of this scheme and scene (or the built-in default changed): materialize its record.
    // Joining the scene's set before reading the global policy means a concurrent global change sees it.
    await this.kv.addToSet(schemesKey(sceneCode), schemeCode);
    return this.resolved(await this.refreshEffective(schemeCode, sceneCode, {}));
  }

  async byVersionId(version: string): Promise<Policy | null> {
    const cached = this.byVersion.get(version);
    if (cached) return cached;
    const raw = await this.kv.get(versionKey(version));
    if (!raw) return null;
    const policy = policySchema.parse(JSON.parse(raw));
    this.byVersion.set(version, policy);
    return policy;
  }

  // ---- programmatic setters (tests, seeding): the schema alone, author `system` ---------------

  async setGlobalPolicy(policy: Policy): Promise<void> {
    await this.commit({ scope: 'global', sceneCode: policy.sceneCode }, { author: 'system' }, () => ({
      inherit: false,
      candidate: policy,
      change: 'update',
      checks: 'schema',
    }));
  }

  /** The scheme overrides the scene with this policy; null: it inherits the global policy again. */
  async setSchemePolicy(schemeCode: string, policy: Policy | null, sceneCode: SceneCode): Promise<void> {
    await this.commit({ scope: 'scheme', schemeCode, sceneCode }, { author: 'system' }, (ctx) =>
      policy === null
        ? { inherit: true, change: 'inherit', checks: 'schema' }
        : { inherit: false, candidate: policy, change: ctx.inherit ? 'override' : 'update', checks: 'schema' },
    );
  }

  // ---- the console's side ---------------------------------------------------------------------

  async state(ref: PolicyRef): Promise<PolicyState> {
    const doc = await this.readDocument(ref);
    const global = ref.scope === 'scheme' ? await this.readGlobal(ref.sceneCode) : null;
    return this.stateOf(ref, this.contextOf(ref, doc, global));
  }

  /** Replaces the document's policy (a scheme then overrides the global policy with it). */
  async savePolicy(ref: PolicyRef, input: unknown, options: SaveOptions): Promise<SaveResult> {
    return this.commit(ref, options, (ctx) => {
      if (!isRecord(input)) return rejected('the policy must be a JSON object');
      const candidate = { ...input, sceneCode: input.sceneCode ?? ref.sceneCode };
      // Nodes the scene does not offer keep their settings: a change to one is refused, naming it.
      const issues = [...unknownFieldIssues(input), ...sceneNodeIssues(ref.sceneCode, diffPolicies(ctx.inEffect, candidate))];
      return { inherit: false, candidate, change: ctx.inherit ? 'override' : 'update', checks: 'full', issues };
    });
  }

  /** Changes some settings: `{sessionTtlSeconds?, nodes?: {<node>: {<setting>: value}}}`. */
  async patchPolicy(ref: PolicyRef, patch: unknown, options: SaveOptions): Promise<SaveResult> {
    return this.commit(ref, options, (ctx) => {
      if (ctx.inherit && ref.scope === 'scheme') throw new PolicyInherited(ref.schemeCode, ref.sceneCode);
      if (!isRecord(patch)) return rejected('the patch must be a JSON object');
      const issues = unknownFieldIssues(patch);
      const candidate: Record<string, unknown> = { ...ctx.inEffect, ...patch, nodes: { ...ctx.inEffect.nodes } };
      if (patch.nodes !== undefined) {
        if (!isRecord(patch.nodes)) return rejected('nodes must be an object of node settings');
        const nodes = candidate.nodes as Record<string, unknown>;
        for (const [name, settings] of Object.entries(patch.nodes)) {
          if (isKnownNode(name) && !isAllowedNode(ref.sceneCode, name)) issues.push(nodeNotInScene(ref.sceneCode, name));
          nodes[name] = isRecord(settings) && isRecord(nodes[name]) ? { ...nodes[name], ...settings } : settings;
        }
      }
      return { inherit: false, candidate, change: 'update', checks: 'full', issues };
    });
  }

  /** A scheme inherits the global policy, or stops: then it starts from a copy of the current global policy. */
  async setInheritance(schemeCode: string, sceneCode: SceneCode, inherit: boolean, options: SaveOptions): Promise<SaveResult> {
    return this.commit({ scope: 'scheme', schemeCode, sceneCode }, options, (ctx) => {
      if (inherit) return { inherit: true, change: 'inherit', checks: 'full' };
      return { inherit: false, candidate: ctx.own ?? ctx.inEffect, change: ctx.inherit ? 'override' : 'update', checks: 'full' };
    });
  }

  /** One node, or without a node the whole policy, back to the built-in default of the scene. */
  async restoreDefaults(ref: PolicyRef, node: string | undefined, options: SaveOptions): Promise<SaveResult> {
    return this.commit(ref, options, (ctx) => {
      if (ctx.inherit && ref.scope === 'scheme') throw new PolicyInherited(ref.schemeCode, ref.sceneCode);
      const defaults = defaultPolicy(ref.sceneCode);
      if (node === undefined) return { inherit: false, candidate: defaults, change: 'restoreDefaults', checks: 'full' };
      if (!isKnownNode(node)) throw new PolicyRejected([{ code: 'UNKNOWN_NODE', node, message: `unknown node ${node}` }]);
      if (!isAllowedNode(ref.sceneCode, node)) throw new PolicyRejected([nodeNotInScene(ref.sceneCode, node)]);
      const candidate = { ...ctx.inEffect, nodes: { ...ctx.inEffect.nodes, [node]: defaults.nodes[node] } };
      return { inherit: false, candidate, change: 'restoreDefaults', node, checks: 'full' };
    });
  }

  /** A new version equal to an earlier one (for a scheme: inheriting again if it inherited then). */
  async rollback(ref: PolicyRef, number: number, options: SaveOptions): Promise<SaveResult> {
    const target = (await this.readDocument(ref))?.versions.find((v) => v.number === number);
    if (!target) throw new PolicyVersionNotFound(number);
    const policy = target.inherit ? null : await this.byVersionId(target.policyVersion);
    if (!target.inherit && !policy) throw new Error(`policy content ${target.policyVersion} of version ${number} is missing`);
    return this.commit(ref, options, () =>
      policy
        ? { inherit: false, candidate: policy, change: 'rollback', rolledBackTo: number, checks: 'full' }
        : { inherit: true, change: 'rollback', rolledBackTo: number, checks: 'full' },
    );
  }

  async versions(ref: PolicyRef): Promise<PolicyVersionEntry[]> {
    return (await this.readDocument(ref))?.versions ?? [];
  }

  async version(ref: PolicyRef, number: number): Promise<(PolicyVersionEntry & { policy: Policy }) | null> {
    const entry = (await this.readDocument(ref))?.versions.find((v) => v.number === number);
    if (!entry) return null;
    const policy = await this.byVersionId(entry.policyVersion);
    if (!policy) throw new Error(`policy content ${entry.policyVersion} of version ${number} is missing`);
    return { ...entry, policy };
  }

  /** The scene's settings as read within the last second: every finished session reads its logging switch. */
  recentSceneSettings(sceneCode: SceneCode): Promise<SceneSettings> {
    return this.recentSettings.get(sceneCode, () => this.sceneSettings(sceneCode));
  }

  /** The scene's settings: its logging switch, which governs whether the sessions that start keep a trace and log their outcome. */
  async sceneSettings(sceneCode: SceneCode): Promise<SceneSettings> {
    const raw = await this.kv.get(sceneSettingsKey(sceneCode));
    return raw ? (JSON.parse(raw) as SceneSettings) : { logging: defaultLogging };
  }

  async setLogging(sceneCode: SceneCode, logging: boolean, author: string): Promise<SceneSettings> {
    const settings: SceneSettings = { logging, updatedAt: new Date(this.clock()).toISOString(), updatedBy: author };
    await this.kv.set(sceneSettingsKey(sceneCode), JSON.stringify(settings));
    this.recentSettings.forget(sceneCode);
    return settings;
  }

  // ---- internals --------------------------------------------------------------------------------

  private async commit(ref: PolicyRef, options: SaveOptions, propose: (ctx: DocumentContext) => Proposal): Promise<SaveResult> {
    const key = documentKey(ref);
    for (let attempt = 1; ; attempt++) {
      const raw = await this.kv.get(key);
      const doc = raw ? parseDocument(raw) : null;
      const number = doc?.number ?? 0;
      if (options.expectedNumber !== undefined && options.expectedNumber !== number) throw new PolicyConflict(options.expectedNumber, number);
      const global = ref.scope === 'scheme' ? await this.readGlobal(ref.sceneCode) : null;
      const ctx = this.contextOf(ref, doc, global);
      const proposal = propose(ctx);
      const { own, warnings } = proposal.inherit ? { own: null, warnings: [] } : this.check(ref.sceneCode, proposal);
      const inherit = ref.scope === 'scheme' && proposal.inherit;
      const next = inherit ? global!.policy : own!;
      const nextVersion = policyVersionOf(next);
      if (ctx.inherit === inherit && policyVersionOf(ctx.inEffect) === nextVersion) {
        return { state: this.stateOf(ref, ctx), changed: false, warnings };
      }
      const diff = [...(ctx.inherit !== inherit ? [{ path: 'inherit', from: ctx.inherit, to: inherit }] : []), ...diffPolicies(ctx.inEffect, next)];
      await this.storeContent(next, nextVersion);
      const entry: PolicyVersionEntry = {
        number: number + 1,
        policyVersion: nextVersion,
        ...(ref.scope === 'scheme' ? { inherit } : {}),
        author: options.author,
        at: new Date(this.clock()).toISOString(),
        change: proposal.change,
        ...(proposal.node ? { node: proposal.node } : {}),
        ...(proposal.rolledBackTo !== undefined ? { rolledBackTo: proposal.rolledBackTo } : {}),
        diff,
      };
      const nextDoc: PolicyDocument = { number: entry.number, inherit, policy: own, versions: [...(doc?.versions ?? []), entry] };
      if (!(await this.kv.compareAndSwap(key, raw, JSON.stringify(nextDoc)))) {
        if (attempt >= maxCommitAttempts) throw new Error(`policy ${key} kept changing under this save`);
        continue;
      }
      await this.afterCommit(ref, nextDoc);
      return { state: this.stateOf(ref, this.contextOf(ref, nextDoc, global)), changed: true, warnings, entry };
    }
  }

  /** The document changed: bring the materialized policies that depend on it up to date. */
  private async afterCommit(ref: PolicyRef, doc: PolicyDocument): Promise<void> {
    if (ref.scope === 'scheme') {
      await this.kv.addToSet(schemesKey(ref.sceneCode), ref.schemeCode);
      // The global policy is read again after the commit, so a global change that raced this one is not missed.
      await this.refreshEffective(ref.schemeCode, ref.sceneCode, { scheme: doc });
      return;
    }
    const global = this.globalOf(ref.sceneCode, doc);
    const schemeCodes = await this.kv.setMembers(schemesKey(ref.sceneCode));
    for (let i = 0; i < schemeCodes.length; i += fanOutBatch) {
      await Promise.all(schemeCodes.slice(i, i + fanOutBatch).map((code) => this.refreshEffective(code, ref.sceneCode, { global })));
    }
  }

  /**
   * Recomputes a scheme's materialized policy from its document and the global one and writes it
   * unless a newer one (by stamp) is there already; concurrent refreshes converge on the newest.
   */
  private async refreshEffective(
    schemeCode: string,
    sceneCode: SceneCode,
    known: { scheme?: PolicyDocument | null; global?: GlobalSnapshot },
  ): Promise<EffectiveRecord> {
    const schemeDoc = known.scheme !== undefined ? known.scheme : await this.readDocument({ scope: 'scheme', schemeCode, sceneCode });
    let record: EffectiveRecord;
    if (schemeDoc && !schemeDoc.inherit && schemeDoc.policy) {
      const policy = schemeDoc.policy;
      record = { policy, version: policyVersionOf(policy), stamp: [schemeDoc.number, 0], inherit: false, fromDefault: false };
    } else {
      const global = known.global ?? (await this.readGlobal(sceneCode));
      const policy = global.policy;
      record = { policy, version: policyVersionOf(policy), stamp: [schemeDoc?.number ?? 0, global.number], inherit: true, fromDefault: global.fromDefault };
    }
    await this.storeContent(record.policy, record.version);
    const key = effectiveKey(schemeCode, sceneCode);
    try {
      for (;;) {
        const raw = await this.kv.get(key);
        const existing = raw ? (JSON.parse(raw) as EffectiveRecord) : null;
        if (existing && !supersedes(record, existing)) return existing;
        if (await this.kv.compareAndSwap(key, raw, JSON.stringify(record))) return record;
      }
    } finally {
      this.recentEffective.forget(key);
    }
  }

  private check(sceneCode: SceneCode, proposal: Proposal): { own: Policy; warnings: PolicyIssue[] } {
    const candidate = proposal.candidate;
    if (proposal.checks === 'schema') {
      const policy = policySchema.parse(candidate);
      if (policy.sceneCode !== sceneCode) throw new Error(`a policy of scene ${policy.sceneCode} cannot be saved as the policy of scene ${sceneCode}`);
      return { own: policy, warnings: [] };
    }
    const errors = [...(proposal.issues ?? [])];
    if (isRecord(candidate) && candidate.sceneCode !== sceneCode) {
      errors.push({
        code: 'SCENE_MISMATCH',
        node: 'policy',
        setting: 'sceneCode',
        // Any JSON may stand here: String() would throw on an object like {toString: ''}.
        message: `the policy is for scene ${typeof candidate.sceneCode === 'string' ? candidate.sceneCode : JSON.stringify(candidate.sceneCode)}, not ${sceneCode}`,
      });
    }
    const result = this.validate(candidate);
    // A node the scene lacks is already named once (NODE_NOT_IN_SCENE); the validator may name it again.
    const lacking = new Set(errors.filter((e) => e.code === 'NODE_NOT_IN_SCENE').map((e) => e.node));
    errors.push(...result.errors.filter((e) => !(lacking.has(e.node) && (e.setting === undefined || e.setting === 'enabled'))));
    if (!result.ok && errors.length === 0) errors.push({ code: 'POLICY_INVALID', node: 'policy', message: 'the policy checks failed' });
    const parsed = errors.length === 0 ? policySchema.safeParse(candidate) : null;
    if (parsed && !parsed.success) errors.push(...schemaValidation(candidate).errors);
    if (errors.length > 0 || !parsed?.success) throw new PolicyRejected(errors, result.warnings);
    return { own: parsed.data, warnings: result.warnings };
  }

  private contextOf(ref: PolicyRef, doc: PolicyDocument | null, global: GlobalSnapshot | null): DocumentContext {
    const number = doc?.number ?? 0;
    if (ref.scope === 'global') {
      const policy = doc?.policy ?? defaultPolicy(ref.sceneCode);
      return { doc, number, inherit: false, own: policy, inEffect: policy, global: null };
    }
    const inherit = !doc || doc.inherit || !doc.policy;
    const own = inherit ? null : doc.policy;
    return { doc, number, inherit, own, inEffect: own ?? global!.policy, global };
  }

  private stateOf(ref: PolicyRef, ctx: DocumentContext): PolicyState {
    const last = ctx.doc?.versions.at(-1);
    const policyVersion = policyVersionOf(ctx.inEffect);
    let lastChange: PolicyState['lastChange'] = null;
    if (last) {
      const { diff: _diff, ...rest } = last;
      lastChange = rest;
    }
    return {
      ref,
      number: ctx.number,
      inherit: ctx.inherit,
      policy: ctx.inEffect,
      policyVersion,
      isDefault: policyVersion === this.defaultVersionOf(ref.sceneCode),
      lastChange,
      ...(ctx.inherit && ctx.global ? { global: { number: ctx.global.number, policyVersion } } : {}),
    };
  }

  private async readDocument(ref: PolicyRef): Promise<PolicyDocument | null> {
    const raw = await this.kv.get(documentKey(ref));
    return raw ? parseDocument(raw) : null;
  }

  private async readGlobal(sceneCode: SceneCode): Promise<GlobalSnapshot> {
    return this.globalOf(sceneCode, await this.readDocument({ scope: 'global', sceneCode }));
  }

  private globalOf(sceneCode: SceneCode, doc: PolicyDocument | null): GlobalSnapshot {
    return doc?.policy
      ? { doc, policy: doc.policy, number: doc.number, fromDefault: false }
      : { doc, policy: defaultPolicy(sceneCode), number: doc?.number ?? 0, fromDefault: true };
  }

  private async storeContent(policy: Policy, version: string): Promise<void> {
    if (this.byVersion.has(version)) return;
    await this.kv.set(versionKey(version), JSON.stringify(policy), { onlyIfAbsent: true });
    this.byVersion.set(version, policy);
  }

  private resolved(record: EffectiveRecord): ResolvedPolicy {
    let policy = this.byVersion.get(record.version);
    if (!policy) {
      policy = policySchema.parse(record.policy);
      this.byVersion.set(record.version, policy);
    }
    return { policy, version: record.version };
  }

  private defaultVersionOf(sceneCode: SceneCode): string {
    let version = this.defaultVersions.get(sceneCode);
    if (!version) {
      version = policyVersionOf(defaultPolicy(sceneCode));
      this.defaultVersions.set(sceneCode, version);
    }
    return version;
  }
}

function supersedes(candidate: EffectiveRecord, existing: EffectiveRecord): boolean {
  const [cs, cg] = candidate.stamp;
  const [es, eg] = existing.stamp;
  if (cs !== es) return cs > es;
  if (cg !== eg) return cg > eg;
  return candidate.fromDefault && existing.fromDefault && candidate.version !== existing.version;
}

function parseDocument(raw: string): PolicyDocument {
  const doc = JSON.parse(raw) as PolicyDocument;
  return { ...doc, policy: doc.policy ? policySchema.parse(doc.policy) : null };
}

function rejected(message: string): never {
  throw new PolicyRejected([{ code: 'INVALID_POLICY', node: 'policy', message }]);
}

function isKnownNode(name: string): name is keyof PolicyNodes {
  return Object.hasOwn(policyNodesSchema.shape, name);
}

function documentKey(ref: PolicyRef): string {
  return ref.scope === 'global' ? `policy:doc:global:${ref.sceneCode}` : `policy:doc:scheme:${ref.schemeCode}:${ref.sceneCode}`;
}
const effectiveKey = (schemeCode: string, sceneCode: string) => `policy:effective:${schemeCode}:${sceneCode}`;
const schemesKey = (sceneCode: string) => `policy:schemes:${sceneCode}`;
const sceneSettingsKey = (sceneCode: string) => `policy:settings:${sceneCode}`;
const versionKey = (version: string) => `policy:version:${version}`;
