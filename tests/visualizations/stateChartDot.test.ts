import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import { describe, expect, it } from 'vitest';
import { createSessionMachine, defaultPolicy, sceneCodes, type SessionEvent, type SessionInput } from '../../machines/index.js';
import { chartColors, renderSvg, stateChartDot } from '../../visualizations/index.js';
import { parseDot, type DotEdge, type DotGraph } from './dotGraph.js';
import { expectedEdgesOf, stateNodesOf, stateValueOf, type ExpectedEdge } from './machineWalk.js';
import { svgTexts } from './xmlWellFormed.js';

const machines = sceneCodes.map((sceneCode) => ({ sceneCode, machine: createSessionMachine(defaultPolicy(sceneCode)) }));

/** The dotted path of the state a node or cluster of the chart stands for (`''`: the machine's root). */
function pathOfId(id: string): string {
  if (id === 'anyState') return '';
  return id.slice(id.indexOf(':') + 1);
}

/** Where an edge really starts and ends: at the cluster it is clipped to (`ltail`/`lhead`), else at its node. */
function endsOf(edge: DotEdge): { source: string; target: string } {
  return {
    source: pathOfId(edge.attributes.ltail ?? edge.tail),
    target: pathOfId(edge.attributes.lhead ?? edge.head),
  };
}

function labelOf(edge: DotEdge): string {
  return (edge.attributes.label ?? '').trim();
}

function matches(edge: DotEdge, expected: ExpectedEdge): boolean {
  const { source, target } = endsOf(edge);
  if (source !== expected.source || target !== expected.target) return false;
  const label = labelOf(edge);
  if (expected.initial) return edge.tail.startsWith('initial:') && label === '' && !edge.attributes.ltail;
  if (expected.always !== (edge.attributes.style === 'dashed')) return false;
  if (expected.trigger && !(label === expected.trigger || label.startsWith(`${expected.trigger} `))) return false;
  return expected.guard ? label.endsWith(`[${expected.guard}]`) : !/\[(?!else\])/.test(label);
}

function nodeIdsFilledAsCurrent(graph: DotGraph): string[] {
  return graph.nodes.filter((node) => node.attributes.fillcolor === chartColors.current).map((node) => node.id);
}

describe.each(machines)('the state chart of scene $sceneCode', ({ sceneCode, machine }) => {
  const dot = stateChartDot(machine);
  const graph = parseDot(dot);
  const states = stateNodesOf(machine);

  it('names every state of the machine: a node per simple state, a cluster per compound state, nothing else', () => {
    const expectedNodes = states.filter((s) => s.type !== 'compound' && s.type !== 'parallel').map((s) => `state:${s.path.join('.')}`);
    const expectedClusters = states.filter((s) => s.type === 'compound' || s.type === 'parallel').map((s) => `cluster:${s.path.join('.')}`);
    expect(graph.nodes.filter((n) => n.id.startsWith('state:')).map((n) => n.id)).toEqual(expectedNodes);
    expect(graph.clusters).toEqual(expectedClusters);
    // Every compound state marks the child it starts in.
    for (const cluster of expectedClusters) expect(graph.nodes.map((n) => n.id)).toContain(`initial:${pathOfId(cluster)}`);
    expect(graph.nodes.map((n) => n.id)).toContain('initial:');
  });

  it('draws every transition of the machine as one edge, and no other edge', () => {
    const pool = [...graph.edges];
    const expected = expectedEdgesOf(machine);
    for (const transition of expected) {
      const index = pool.findIndex((edge) => matches(edge, transition));
      expect(index, `edge for ${JSON.stringify(transition)}`).toBeGreaterThanOrEqual(0);
      pool.splice(index, 1);
    }
    expect(pool).toEqual([]);
    expect(graph.edges.length).toBe(expected.length);
  });

  it('gives final states a double border and colours verified green and failed red', () => {
    for (const state of states.filter((s) => s.type !== 'compound' && s.type !== 'parallel')) {
      const node = graph.nodes.find((n) => n.id === `state:${state.path.join('.')}`)!;
      expect(node.attributes.peripheries === '2', state.path.join('.')).toBe(state.type === 'final');
    }
    const fill = (id: string) => graph.nodes.find((n) => n.id === id)?.attributes.fillcolor;
    expect(fill('state:verified')).toBe(chartColors.verified);
    expect(fill('state:failed')).toBe(chartColors.failed);
  });

  it('labels timers with the delay and its length from the machine, and eventless transitions dashed', () => {
    const labels = graph.edges.map(labelOf);
    expect(labels).toContain('after sessionTtl (10 min)');
    expect(graph.edges.filter((e) => e.attributes.style === 'dashed').length).toBe(expectedEdgesOf(machine).filter((e) => e.always).length);
  });

  it('is the same text for the same policy, and fills no state without a highlight', () => {
    expect(stateChartDot(createSessionMachine(defaultPolicy(sceneCode)))).toBe(dot);
    expect(nodeIdsFilledAsCurrent(graph)).toEqual([]);
    expect(graph.edges.some((e) => e.attributes.penwidth)).toBe(false);
  });

  it('fills exactly the current state, whichever it is', () => {
    for (const state of states.filter((s) => s.type !== 'compound' && s.type !== 'parallel')) {
      const highlighted = parseDot(stateChartDot(machine, { current: stateValueOf(state.path) }));
      expect(nodeIdsFilledAsCurrent(highlighted)).toEqual([`state:${state.path.join('.')}`]);
    }
  });
});

describe('delays', () => {
  it('shows the length the policy gives a delay', () => {
    const policy = defaultPolicy('100001');
    policy.nodes.numberAuth.fallbackAfterSeconds = 45;
    const labels = parseDot(stateChartDot(createSessionMachine(policy))).edges.map(labelOf);
    expect(labels).toContain('after numberAuthFallback (45 s)');
    expect(labels).toContain('after smsCodeValidity (5 min)');
  });
});

describe('a session drawn on its chart', () => {
  const machine = createSessionMachine(defaultPolicy('100001'));
  const input: SessionInput = { sessionId: 's1', schemeCode: 'FA000001', sceneCode: '100001', platform: 'Android', device: {} };

  /** The state values a session is seen in after each step, as its log keeps them. */
  function run(events: SessionEvent[], platform: SessionInput['platform'] = 'Android'): unknown[] {
    let [snapshot] = initialTransition(machine, { ...input, platform }) as [AnyMachineSnapshot, unknown];
    const values: unknown[] = [snapshot.value];
    for (const event of events) {
      [snapshot] = transition(machine, snapshot, event) as [AnyMachineSnapshot, unknown];
      values.push(snapshot.value);
    }
    return values;
  }

  function takenEdges(graph: DotGraph): string[] {
    return graph.edges
      .filter((e) => e.attributes.color === chartColors.taken)
      .map((e) => {
        const { source, target } = endsOf(e);
        return `${source || '(root)'} -> ${target}${labelOf(e) ? ` : ${labelOf(e)}` : ''}`;
      });
  }

  it('marks where it went, through the states it only passed, and where it is', () => {
    const at = 1_700_000_000_000;
    const visited = run([
      { type: 'ENDPOINT_RISK_RESULT', score: 5, reasons: [], ruleHit: false, at },
      { type: 'NUMBER_AUTH_TOKEN', accessToken: 'token', at },
      { type: 'CARRIER_RESULT', outcome: 'ok', phoneNumber: '13812345678', at },
      { type: 'PHONE_RISK_RESULT', score: 5, reasons: [], ruleHit: false, at },
      { type: 'VERIFY_TOKEN_ISSUED', verifyToken: 'v', expiresAt: at + 60_000, at },
    ]);
    expect(visited.at(-1)).toBe('verified');
    // The log repeats a state when an effect is done; that changes nothing.
    const graph = parseDot(stateChartDot(machine, { current: visited.at(-1), visited: [...visited, 'verified'] }));

    expect(takenEdges(graph)).toEqual([
      '(root) -> endpointRisk',
      'endpointRisk -> proveNumber : ENDPOINT_RISK_RESULT [else]',
      'proveNumber -> proveNumber.numberAuth',
      'proveNumber -> issuingVerifyToken : done',
      'proveNumber.numberAuth -> proveNumber.numberAuth.awaitingToken',
      'proveNumber.numberAuth.awaitingToken -> proveNumber.numberAuth.exchanging : NUMBER_AUTH_TOKEN',
      'proveNumber.numberAuth.exchanging -> proveNumber.numberAuth.confirmingNumber : CARRIER_RESULT [carrierReturnedNumber]',
      'proveNumber.numberAuth.confirmingNumber -> proveNumber.phoneRisk : [else]',
      'proveNumber.phoneRisk -> proveNumber.phoneRiskCleared : PHONE_RISK_RESULT [else]',
      'proveNumber.phoneRiskCleared -> proveNumber.proved : [provedByCarrier]',
      'issuingVerifyToken -> verified : VERIFY_TOKEN_ISSUED',
    ]);
    for (const edge of graph.edges.filter((e) => e.attributes.color === chartColors.taken)) expect(Number(edge.attributes.penwidth)).toBeGreaterThan(1);

    expect(nodeIdsFilledAsCurrent(graph)).toEqual(['state:verified']);
    const visitedNodes = graph.nodes.filter((n) => n.attributes.fillcolor === chartColors.visited).map((n) => n.id);
    expect(visitedNodes).toEqual([
      'state:endpointRisk',
      'state:proveNumber.numberAuth.awaitingToken',
      'state:proveNumber.numberAuth.exchanging',
      'state:proveNumber.phoneRisk',
      'state:issuingVerifyToken',
    ]);
  });

  it('finds a transition of an enclosing state: the session timing out', () => {
    const awaitingToken = { proveNumber: { numberAuth: 'awaitingToken' } };
    const graph = parseDot(stateChartDot(machine, { current: 'expired', visited: [awaitingToken, 'expired'] }));
    expect(takenEdges(graph)).toEqual(['(root) -> expired : after sessionTtl (10 min)']);
  });

  it('tells apart two events leading to the same state by the events the log gives', () => {
    const at = 1_700_000_000_000;
    const events: SessionEvent[] = [
      { type: 'ENDPOINT_RISK_RESULT', score: 5, reasons: [], ruleHit: false, at },
      { type: 'NUMBER_AUTH_TOKEN', accessToken: 'token', at },
      { type: 'CARRIER_RESULT', outcome: 'ok', phoneNumber: '13812345678', at },
      { type: 'MIDDLE_DIGITS', digits: '0000', at },
      { type: 'SWITCH_TO_SMS', at },
    ];
    const visited = run(events, 'H5');
    expect(visited.slice(-3)).toEqual([
      { proveNumber: { numberAuth: 'middleDigits' } },
      { proveNumber: { numberAuth: 'middleDigits' } },
      { proveNumber: 'enterPhone' },
    ]);
    const intoEnterPhone = (graph: DotGraph) => takenEdges(graph).filter((edge) => edge.includes('-> proveNumber.enterPhone'));

    const guessed = intoEnterPhone(parseDot(stateChartDot(machine, { visited })));
    expect(guessed).toHaveLength(1);
    const told = parseDot(stateChartDot(machine, { visited, visitedEvents: [undefined, ...events.map((e) => e.type)] }));
    expect(intoEnterPhone(told)).toEqual(['proveNumber.numberAuth.middleDigits -> proveNumber.enterPhone : SWITCH_TO_SMS']);
    expect(takenEdges(told)).toContain('proveNumber.numberAuth.confirmingNumber -> proveNumber.numberAuth.middleDigits : [needsMiddleDigits]');
  });

  it('ignores states the machine does not have', () => {
    const graph = parseDot(stateChartDot(machine, { current: { nowhere: 'atAll' }, visited: ['gone', { nowhere: 'atAll' }] }));
    expect(nodeIdsFilledAsCurrent(graph)).toEqual([]);
    expect(takenEdges(graph)).toEqual([]);
  });

  it('shows how many sessions are in a state', () => {
    const graph = parseDot(
      stateChartDot(machine, {
        counts: [
          { state: { proveNumber: { sms: 'awaitingCode' } }, count: 3 },
          { state: 'verified', count: 1 },
        ],
      }),
    );
    const label = (id: string) => graph.nodes.find((n) => n.id === id)!.attributes.label!;
    expect(label('state:proveNumber.sms.awaitingCode')).toContain('3 sessions here');
    expect(label('state:verified')).toContain('1 session here');
    expect(label('state:failed')).not.toContain('here');
  });
});

describe('labels that are not plain words', () => {
  it('are escaped: Graphviz reads the chart and draws the names as they are', async () => {
    const odd = 'a <b> & "c"';
    const slashed = 'back\\slash\\';
    const event = 'GO"<&>\\';
    const guard = 'it\'s <ok> & "fine"';
    const { createMachine } = await import('xstate');
    const machine = createMachine({
      id: 'odd "machine" \\',
      initial: odd,
      states: {
        [odd]: { tags: ['<tag> & "x"'], on: { [event]: { target: '#slashed', guard } } },
        [slashed]: { id: 'slashed', type: 'final' },
      },
    });
    const dot = stateChartDot(machine);
    const graph = parseDot(dot);
    expect(graph.nodes.map((n) => n.id)).toEqual(['initial:', `state:${odd}`, `state:${slashed}`]);
    expect(graph.edges.map(labelOf)).toContain(`${event} [${guard}]`);

    const texts = svgTexts(await renderSvg(dot)).map((text) => text.trim());
    expect(texts).toContain(odd);
    expect(texts).toContain(slashed);
    expect(texts).toContain('<tag> & "x"');
    expect(texts).toContain(`${event} [${guard}]`);
  });
});
