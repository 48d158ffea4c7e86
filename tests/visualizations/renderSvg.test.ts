import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createSessionMachine, defaultPolicy, sceneCodes } from '../../machines/index.js';
import { renderSvg, stateChartDot } from '../../visualizations/index.js';
import { stateNodesOf } from './machineWalk.js';
import { svgTexts, xmlProblem } from './xmlWellFormed.js';

const outputDir = await mkdtemp(path.join(tmpdir(), 'numberflow-charts-'));
afterAll(() => rm(outputDir, { recursive: true, force: true }));

describe('renderSvg', () => {
  // First in this file, so the module's Graphviz is not loaded yet.
  it('loads Graphviz once, however many charts are drawn at the same time', async () => {
    const { Graphviz } = await import('@hpcc-js/wasm-graphviz');
    const load = vi.spyOn(Graphviz, 'load');
    const svgs = await Promise.all([renderSvg('digraph { a -> b }'), renderSvg('digraph { c }'), renderSvg('digraph { d -> e -> f }')]);
    await renderSvg('digraph { g }');
    expect(load).toHaveBeenCalledTimes(1);
    expect(svgs.map((svg) => svgTexts(svg))).toEqual([['a', 'b'], ['c'], ['d', 'e', 'f']]);
    load.mockRestore();
  });

  it('returns the SVG element alone, ready to inline in HTML', async () => {
    const svg = await renderSvg('digraph { a -> b }');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.endsWith('</svg>')).toBe(true);
    expect(svg).not.toContain('<?xml');
    expect(svg).not.toContain('<!DOCTYPE');
  });

  it('rejects DOT that Graphviz cannot read', async () => {
    await expect(renderSvg('digraph { a -> }')).rejects.toThrow(/syntax error/);
    // …and still works after that.
    expect(svgTexts(await renderSvg('digraph { ok }'))).toEqual(['ok']);
  });

  it.each(sceneCodes)('draws the chart of the default policy of scene %s: well-formed, every state named', async (sceneCode) => {
    const machine = createSessionMachine(defaultPolicy(sceneCode));
    const started = performance.now();
    const svg = await renderSvg(stateChartDot(machine, { current: 'verified' }));
    const elapsedMs = performance.now() - started;

    const file = path.join(outputDir, `chart-${sceneCode}.svg`);
    await writeFile(file, svg);
    const written = await readFile(file, 'utf8');
    expect(written.startsWith('<svg')).toBe(true);
    expect(written.endsWith('</svg>')).toBe(true);
    expect(xmlProblem(written)).toBeUndefined();

    const texts = new Set(svgTexts(written).map((text) => text.trim()));
    for (const state of stateNodesOf(machine)) expect(texts, state.path.join('.')).toContain(state.key);
    // Loose figures for the reader of the test output; not asserted.
    console.info(`scene ${sceneCode}: ${stateNodesOf(machine).length} states, SVG ${Math.round(svg.length / 1024)} KB in ${elapsedMs.toFixed(0)} ms`);
  });
});
