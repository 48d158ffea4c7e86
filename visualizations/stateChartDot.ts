import type { AnyStateMachine } from 'xstate';
import { escapeXml } from './escapeXml.js';
import { stateChartOf, type ChartState, type ChartTransition, type StateChart } from './stateChartModel.js';
import { dottedPath, isWithin, stateValueLeafPaths } from './stateValuePaths.js';
import { takenTransitions } from './takenTransitions.js';

/** What to mark on a chart; state values as XState snapshots store them. */
export interface StateChartHighlight {
  /** The state a session is in now: filled. */
  current?: unknown;
  /** The states a session was seen in, in order: lightly filled, and the transitions between them drawn bold. */
  visited?: readonly unknown[];
  /**
   * For each visited state (same index), the type of the event that led to it, e.g. the log
   * entry's `payload.type`: picks the right transition where several lead to the same state.
   */
  visitedEvents?: readonly (string | undefined)[];
  /** How many sessions are in each state now: a count on the state. */
  counts?: readonly { state: unknown; count: number }[];
}

export const chartColors = {
  current: '#ffd54f',
  currentBorder: '#f57f17',
  visited: '#fff3c4',
  taken: '#ef6c00',
  count: '#1565c0',
  verified: '#c8e6c9',
  failed: '#ffcdd2',
  expired: '#ffe0b2',
  delay: '#6d4c41',
  cluster: '#90a4ae',
  tags: '#607d8b',
} as const;

/** Fill of the final states that end a session, by key. */
const finalFills: Record<string, string> = { verified: chartColors.verified, failed: chartColors.failed, expired: chartColors.expired };

/**
 * The machine's state tree as a Graphviz DOT digraph, generated from `machine.root`. Same machine
 * and highlight, same text.
 *
 * - A state is the node `"state:<dotted path>"` (e.g. `"state:proveNumber.sms.awaitingCode"`);
 *   a compound state is the cluster `"cluster:<path>"` with its first child marked by the point
 *   `"initial:<path>"` (the machine's own start is `"initial:"`).
 * - Transitions of the machine's root (from any state: `CANCEL`, the session timeout) leave the
 *   node `"anyState"`; those of other compound states leave their cluster (`ltail`).
 * - Edge labels: the event type, the guard in brackets (`[else]` for the fallback candidate),
 *   `after <delay> (<length>)` for timers, `done` when a compound state finished; eventless
 *   (`always`) transitions are dashed.
 * - Final states have a double border; `verified`, `failed` and `expired` are coloured.
 */
export function stateChartDot(machine: AnyStateMachine, highlight: StateChartHighlight = {}): string {
  const chart = stateChartOf(machine);
  const currentPaths = stateValueLeafPaths(highlight.current);
  const current = new Set(currentPaths.map(dottedPath));
  const visited = new Set((highlight.visited ?? []).flatMap((value) => stateValueLeafPaths(value).map(dottedPath)));
  const counts = new Map<string, number>();
  for (const { state, count } of highlight.counts ?? []) {
    for (const path of stateValueLeafPaths(state).map(dottedPath)) counts.set(path, (counts.get(path) ?? 0) + count);
  }
  const taken = takenTransitions(chart, highlight.visited ?? [], highlight.visitedEvents);
  const marks: Marks = { current, currentPaths, visited, counts };

  const lines: string[] = [
    `digraph ${quote(machine.id)} {`,
    `  graph [compound=true, rankdir=TB, newrank=true, nodesep=0.3, ranksep=0.4, fontname="Helvetica", fontsize=11];`,
    `  node [shape=box, style=rounded, fontname="Helvetica", fontsize=11, color="#37474f", margin="0.12,0.05"];`,
    `  edge [fontname="Helvetica", fontsize=9, color="#546e7a", fontcolor="#37474f", arrowsize=0.7];`,
  ];
  lines.push(`  ${quote(initialNodeId(chart.root.path))} [${attributes(initialPointAttributes)}];`);
  if (chart.transitions.some((t) => t.source.length === 0 && t.kind !== 'initial')) {
    lines.push(
      `  ${quote(anyStateNodeId)} [${attributes({ label: 'any state', style: 'rounded,dashed', color: chartColors.cluster, fontcolor: '#546e7a' })}];`,
    );
  }
  for (const child of chart.root.children) lines.push(...stateLines(child, marks, '  '));
  for (const transition of chart.transitions) lines.push(`  ${edgeLine(chart, transition, taken.has(transition))}`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

interface Marks {
  current: ReadonlySet<string>;
  currentPaths: readonly (readonly string[])[];
  visited: ReadonlySet<string>;
  counts: ReadonlyMap<string, number>;
}

const anyStateNodeId = 'anyState';
const initialPointAttributes = { shape: 'point', width: '0.12', color: '#37474f', label: '' };

function stateNodeId(path: readonly string[]): string {
  return `state:${dottedPath(path)}`;
}

function initialNodeId(path: readonly string[]): string {
  return `initial:${dottedPath(path)}`;
}

function clusterId(path: readonly string[]): string {
  return `cluster:${dottedPath(path)}`;
}

/** A parallel state has no first child: edges attach to an invisible point in its cluster. */
function anchorNodeId(path: readonly string[]): string {
  return `anchor:${dottedPath(path)}`;
}

function isCluster(state: ChartState): boolean {
  return state.kind === 'compound' || state.kind === 'parallel';
}

function stateLines(state: ChartState, marks: Marks, indent: string): string[] {
  const key = dottedPath(state.path);
  if (!isCluster(state)) return [`${indent}${quote(stateNodeId(state.path))} [${attributes(stateAttributes(state, marks))}];`];
  const holdsCurrent = marks.currentPaths.some((path) => isWithin(path, state.path));
  const clusterAttributes: Attributes = {
    label: htmlLabel(state.key, state.tags, marks.counts.get(key), true),
    style: state.kind === 'parallel' ? 'rounded,dashed' : 'rounded',
    color: holdsCurrent ? chartColors.currentBorder : chartColors.cluster,
    penwidth: holdsCurrent ? '1.5' : '1',
    labeljust: 'l',
    fontsize: '11',
    margin: '10',
    tooltip: key,
  };
  const inner = `${indent}  `;
  const lines = [`${indent}subgraph ${quote(clusterId(state.path))} {`];
  for (const [name, value] of Object.entries(clusterAttributes)) lines.push(`${inner}${name}=${attributeValue(value)};`);
  if (state.kind === 'compound') lines.push(`${inner}${quote(initialNodeId(state.path))} [${attributes(initialPointAttributes)}];`);
  else lines.push(`${inner}${quote(anchorNodeId(state.path))} [${attributes({ shape: 'point', style: 'invis', width: '0.01', label: '' })}];`);
  for (const child of state.children) lines.push(...stateLines(child, marks, inner));
  lines.push(`${indent}}`);
  return lines;
}

function stateAttributes(state: ChartState, marks: Marks): Attributes {
  const key = dottedPath(state.path);
  const count = marks.counts.get(key);
  const styles = state.transient ? ['rounded', 'dashed'] : ['rounded'];
  const result: Attributes = { label: htmlLabel(state.key, state.tags, count, false), tooltip: key };
  if (state.kind === 'history') Object.assign(result, { shape: 'circle', label: 'H', width: '0.3', fixedsize: 'true' });
  let fill = state.kind === 'final' ? finalFills[state.key] : undefined;
  if (state.kind === 'final') result.peripheries = '2';
  if (marks.visited.has(key)) fill = chartColors.visited;
  if (count) Object.assign(result, { color: chartColors.count, penwidth: '2' });
  if (marks.current.has(key)) {
    fill = chartColors.current;
    Object.assign(result, { color: chartColors.currentBorder, penwidth: '2.5' });
  }
  if (fill) {
    styles.push('filled');
    result.fillcolor = fill;
  }
  if (state.kind !== 'history') result.style = styles.join(',');
  return result;
}

/** `key`, then its tags in small grey type and a count of sessions, as a Graphviz HTML-like label. */
function htmlLabel(key: string, tags: readonly string[], count: number | undefined, bold: boolean): HtmlLabel {
  const parts = [bold ? `<B>${escapeXml(key)}</B>` : escapeXml(key)];
  if (tags.length > 0) parts.push(`<FONT POINT-SIZE="9" COLOR="${chartColors.tags}">${escapeXml(tags.join(', '))}</FONT>`);
  if (count) parts.push(`<FONT POINT-SIZE="9" COLOR="${chartColors.count}"><B>${count} ${count === 1 ? 'session' : 'sessions'} here</B></FONT>`);
  return { html: parts.join('<BR/>') };
}

function edgeLine(chart: StateChart, transition: ChartTransition, taken: boolean): string {
  const source = chart.states.get(dottedPath(transition.source))!;
  const target = chart.states.get(dottedPath(transition.target))!;
  const result: Attributes = {};

  let tail: string;
  if (transition.kind === 'initial') tail = initialNodeId(source.path);
  else if (source.path.length === 0) tail = anyStateNodeId;
  else if (!isCluster(source)) tail = stateNodeId(source.path);
  else {
    // A finished compound state is left from its final child, so the layout puts what follows below it.
    const finalChild = transition.kind === 'done' ? source.children.find((child) => child.kind === 'final') : undefined;
    tail = finalChild ? stateNodeId(finalChild.path) : clusterAnchor(source);
    if (!transition.targetless && !isWithin(target.path, source.path)) result.ltail = clusterId(source.path);
  }

  let head: string;
  if (transition.targetless) head = tail;
  else if (!isCluster(target)) head = stateNodeId(target.path);
  else {
    head = clusterAnchor(target);
    // Clipped at the cluster's border, unless the edge starts inside that cluster (an initial point lies outside its child).
    if (transition.kind === 'initial' || !isWithin(source.path, target.path)) result.lhead = clusterId(target.path);
  }

  if (transition.label) result.label = ` ${transition.label} `;
  if (transition.eventType) result.tooltip = transition.eventType;
  if (transition.kind === 'always') result.style = 'dashed';
  if (transition.kind === 'delay') Object.assign(result, { color: chartColors.delay, fontcolor: chartColors.delay });
  if (taken) Object.assign(result, { color: chartColors.taken, fontcolor: chartColors.taken, penwidth: '2.5' });
  const attrs = attributes(result);
  return `${quote(tail)} -> ${quote(head)}${attrs ? ` [${attrs}]` : ''};`;
}

function clusterAnchor(state: ChartState): string {
  return state.kind === 'compound' ? initialNodeId(state.path) : anchorNodeId(state.path);
}

/** A Graphviz HTML-like label: markup whose text is already escaped. */
interface HtmlLabel {
  html: string;
}

type Attributes = Record<string, string | HtmlLabel>;

/** `name=value` pairs in the order given. */
function attributes(values: Attributes): string {
  return Object.entries(values)
    .map(([name, value]) => `${name}=${attributeValue(value)}`)
    .join(', ');
}

function attributeValue(value: string | HtmlLabel): string {
  return typeof value === 'string' ? quote(value) : `<${value.html}>`;
}

/** A DOT quoted string: backslashes and quotes escaped, line breaks as `\n`. */
function quote(text: string): string {
  return `"${text
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\r\n|\r|\n/g, '\\n')}"`;
}
