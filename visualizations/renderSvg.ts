import type { Graphviz } from '@hpcc-js/wasm-graphviz';

let graphviz: Promise<Graphviz> | undefined;

/** Graphviz compiled to WASM, loaded on first use and kept; a failed load is tried again next time. */
function loadGraphviz(): Promise<Graphviz> {
  graphviz ??= import('@hpcc-js/wasm-graphviz')
    .then(({ Graphviz }) => Graphviz.load())
    .catch((error: unknown) => {
      graphviz = undefined;
      throw error;
    });
  return graphviz;
}

/**
 * Lays out a DOT graph with Graphviz's `dot` engine and returns the SVG, starting at `<svg`
 * (without the XML declaration, doctype and generator comments) so it can be inlined in HTML.
 * Throws if Graphviz cannot read the DOT text.
 */
export async function renderSvg(dot: string): Promise<string> {
  const svg = (await loadGraphviz()).dot(dot, 'svg');
  const start = svg.indexOf('<svg');
  if (start < 0) throw new Error('Graphviz returned no SVG');
  return svg.slice(start).trimEnd();
}
