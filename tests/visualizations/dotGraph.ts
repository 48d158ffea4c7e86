/**
 * A reader for the DOT text `stateChartDot` writes (one statement per line): enough to check
 * which nodes, clusters and edges a chart has, with their attributes.
 */
export interface DotNode {
  id: string;
  attributes: Record<string, string>;
}

export interface DotEdge {
  tail: string;
  head: string;
  attributes: Record<string, string>;
}

export interface DotGraph {
  nodes: DotNode[];
  clusters: string[];
  edges: DotEdge[];
}

export function parseDot(dot: string): DotGraph {
  const graph: DotGraph = { nodes: [], clusters: [], edges: [] };
  for (const raw of dot.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('subgraph ')) {
      const [name] = readQuoted(line, 'subgraph '.length);
      graph.clusters.push(name);
      continue;
    }
    if (!line.startsWith('"')) continue;
    const [first, afterFirst] = readQuoted(line, 0);
    const rest = line.slice(afterFirst);
    if (rest.startsWith(' -> ')) {
      const [second, afterSecond] = readQuoted(line, afterFirst + ' -> '.length);
      graph.edges.push({ tail: first, head: second, attributes: readAttributes(line.slice(afterSecond)) });
    } else {
      graph.nodes.push({ id: first, attributes: readAttributes(rest) });
    }
  }
  return graph;
}

/** A DOT quoted string starting at `start`, unescaped, and the index after it. */
function readQuoted(text: string, start: number): [string, number] {
  if (text[start] !== '"') throw new Error(`expected a quoted string at ${start} in ${text}`);
  let value = '';
  let i = start + 1;
  while (i < text.length && text[i] !== '"') {
    if (text[i] === '\\' && i + 1 < text.length) {
      value += text[i + 1] === 'n' ? '\n' : text[i + 1];
      i += 2;
    } else {
      value += text[i];
      i += 1;
    }
  }
  if (i >= text.length) throw new Error(`unterminated string in ${text}`);
  return [value, i + 1];
}

/** ` [a="x", label=<…>];` → `{ a: 'x', label: '<…>' }` (HTML-like labels keep their markup, in angle brackets). */
function readAttributes(text: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  const open = text.indexOf('[');
  if (open < 0) return attributes;
  let i = open + 1;
  while (i < text.length) {
    while (text[i] === ' ' || text[i] === ',') i++;
    if (text[i] === ']') break;
    const equals = text.indexOf('=', i);
    const name = text.slice(i, equals);
    i = equals + 1;
    if (text[i] === '"') {
      const [value, next] = readQuoted(text, i);
      attributes[name] = value;
      i = next;
    } else if (text[i] === '<') {
      let depth = 0;
      const start = i;
      do {
        if (text[i] === '<') depth++;
        if (text[i] === '>') depth--;
        i++;
      } while (depth > 0 && i < text.length);
      attributes[name] = text.slice(start, i);
    } else {
      const end = text.slice(i).search(/[,\]]/);
      attributes[name] = text.slice(i, i + end);
      i += end;
    }
  }
  return attributes;
}
