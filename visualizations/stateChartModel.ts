import { isTimerEventType, timerDelayOf } from '../machines/timerEvents.js';
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { formatDuration } from './formatDuration.js';
import { dottedPath } from './stateValuePaths.js';

/**
 * The state tree and transitions of a machine, read from `machine.root`, in the order the
 * machine defines them: what every renderer draws. Paths are the state keys from the root down
 * (the root's path is empty).
 */
export interface StateChart {
  root: ChartState;
  /** Every state by its dotted path (the root under `''`). */
  states: ReadonlyMap<string, ChartState>;
  transitions: readonly ChartTransition[];
}

export type ChartStateKind = 'atomic' | 'compound' | 'parallel' | 'final' | 'history';

export interface ChartState {
  key: string;
  path: readonly string[];
  kind: ChartStateKind;
  tags: readonly string[];
  /** For a compound state: the path of the child it enters first. */
  initial?: readonly string[];
  children: readonly ChartState[];
  /** It has eventless (`always`) transitions: the machine passes through it. */
  transient: boolean;
}

/**
 * - `event`: an event, by type; `delay`: an `after` timer; `always`: eventless;
 * - `done`: the state's final child was reached (`onDone`); `initial`: a compound state entering its first child.
 */
export type ChartTransitionKind = 'event' | 'delay' | 'always' | 'done' | 'initial';

export interface ChartTransition {
  kind: ChartTransitionKind;
  source: readonly string[];
  /** The state entered; the source itself for a transition without target (it stays and runs actions). */
  target: readonly string[];
  targetless: boolean;
  /** The event type as the machine receives it (`SMS_CODE`, `xstate.after.<delay>.<id>`, `xstate.done.state.<id>`). */
  eventType?: string;
  guard?: string;
  /** It is taken only when the candidates before it for the same event are not: drawn as `[else]`. */
  otherwise: boolean;
  delay?: { name: string; ms?: number };
  /** What a reader sees on the edge: `SMS_CODE [codeIsRight]`, `after numberAuthFallback (30 s)`, `done`. */
  label: string;
}

export function stateChartOf(machine: AnyStateMachine): StateChart {
  const states = new Map<string, ChartState>();
  const transitions: ChartTransition[] = [];
  const delays = (machine.implementations.delays ?? {}) as Record<string, unknown>;

  const visit = (node: AnyStateNode): ChartState => {
    const children = Object.values(node.states as Record<string, AnyStateNode>).map(visit);
    const path = [...node.path];
    const initialTargets = node.type === 'compound' ? (node.initial?.target ?? []) : [];
    const state: ChartState = {
      key: node.key,
      path,
      kind: node.type,
      tags: [...node.tags],
      ...(initialTargets[0] ? { initial: [...initialTargets[0].path] } : {}),
      children,
      transient: (node.always ?? []).length > 0,
    };
    states.set(dottedPath(path), state);
    return state;
  };
  const root = visit(machine.root);

  const collect = (node: AnyStateNode): void => {
    const source = [...node.path];
    if (node.type === 'compound') {
      for (const target of node.initial?.target ?? []) {
        transitions.push({ kind: 'initial', source, target: [...target.path], targetless: false, otherwise: false, label: '' });
      }
    }
    const delayNames = new Map<string, number | string | undefined>(node.after.map((t) => [t.eventType, typeof t.delay === 'function' ? undefined : t.delay]));
    for (const [eventType, candidates] of node.transitions) {
      const kind: ChartTransitionKind =
        delayNames.has(eventType) || isTimerEventType(eventType) ? 'delay' : eventType.startsWith('xstate.done.state.') ? 'done' : 'event';
      const delay = kind === 'delay' ? delayOf(eventType, delayNames.get(eventType), delays) : undefined;
      addCandidates(transitions, source, kind, candidates, eventType, delay);
    }
    addCandidates(transitions, source, 'always', node.always ?? [], undefined, undefined);
    for (const child of Object.values(node.states as Record<string, AnyStateNode>)) collect(child);
  };
  collect(machine.root);

  return { root, states, transitions };
}

type AnyTransitionDefinition = AnyStateNode['transitions'] extends Map<string, (infer T)[]> ? T : never;

function addCandidates(
  into: ChartTransition[],
  source: string[],
  kind: ChartTransitionKind,
  candidates: readonly AnyTransitionDefinition[],
  eventType: string | undefined,
  delay: { name: string; ms?: number } | undefined,
): void {
  let guardedBefore = false;
  for (const candidate of candidates) {
    const guard = candidate.guard === undefined ? undefined : guardName(candidate.guard);
    const otherwise = guard === undefined && guardedBefore;
    guardedBefore ||= guard !== undefined;
    const label = transitionLabel(kind, eventType, guard, otherwise, delay);
    const targets = candidate.target ?? [];
    const common = {
      kind,
      source,
      ...(eventType === undefined ? {} : { eventType }),
      ...(guard === undefined ? {} : { guard }),
      otherwise,
      ...(delay ? { delay } : {}),
      label,
    };
    if (targets.length === 0) into.push({ ...common, target: source, targetless: true });
    for (const target of targets) into.push({ ...common, target: [...target.path], targetless: false });
  }
}

function transitionLabel(
  kind: ChartTransitionKind,
  eventType: string | undefined,
  guard: string | undefined,
  otherwise: boolean,
  delay: { name: string; ms?: number } | undefined,
): string {
  const condition = guard !== undefined ? `[${guard}]` : otherwise ? '[else]' : '';
  const trigger =
    kind === 'delay' && delay
      ? delayLabel(delay)
      : kind === 'done'
        ? 'done'
        : kind === 'always' || eventType === undefined
          ? ''
          : eventType === '*'
            ? 'any event'
            : eventType;
  return [trigger, condition].filter((part) => part !== '').join(' ');
}

/** `after numberAuthFallback (30 s)`; a literal delay as `after 30 s`; a delay computed at run time by its name only. */
function delayLabel({ name, ms }: { name: string; ms?: number }): string {
  if (ms === undefined) return `after ${name}`;
  return String(ms) === name ? `after ${formatDuration(ms)}` : `after ${name} (${formatDuration(ms)})`;
}

/** The delay's name (or its literal milliseconds) and, where the machine's implementations give a number, its length. */
function delayOf(eventType: string, declared: number | string | undefined, delays: Record<string, unknown>): { name: string; ms?: number } {
  if (typeof declared === 'number') return { name: String(declared), ms: declared };
  const name = declared ?? timerDelayOf(eventType) ?? eventType;
  const implemented = delays[name];
  if (typeof implemented === 'number') return { name, ms: implemented };
  if (/^\d+$/.test(name)) return { name, ms: Number(name) };
  return { name };
}

/** `'codeIsRight'`, `{ type: 'codeIsRight' }`, `not('x')` → `not(x)`; an inline function by its name. */
function guardName(guard: unknown): string {
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') {
    const nested = (guard as { guards?: unknown }).guards;
    const name = guard.name || 'guard';
    return Array.isArray(nested) ? `${name}(${nested.map(guardName).join(', ')})` : name;
  }
  if (typeof guard === 'object' && guard !== null && typeof (guard as { type?: unknown }).type === 'string') return (guard as { type: string }).type;
  return 'guard';
}
