// The numberflow console: schemes, policies and the audit log for operators, state charts for
// product owners, sessions, live steps and replays for testers. Plain browser JavaScript over the
// operator API (Bearer operator token); no build step.
import { auditView, policiesView, schemesView } from './operatorPages.js';
import { smsView } from './smsPage.js';

const tokenKey = 'numberflow.adminToken';
const scenes = ['100001', '100002', '100003', '100004', '100005'];
const sceneNames = {
  100001: 'one-click logon',
  100002: 'change number',
  100003: 'reset password',
  100004: 'bind new number',
  100005: 'verify bound number',
};

const $ = (id) => document.getElementById(id);
let stopCurrentView = () => {};
/** Bumped by every route and sign-out, so a view that finishes loading after either stops at once. */
let routeGeneration = 0;

class Unauthorized extends Error {}

async function api(path, options = {}) {
  const token = sessionStorage.getItem(tokenKey);
  // A view that was still loading when its operator signed out must not call the API without a token.
  if (!token) throw new Unauthorized();
  const response = await fetch(path, {
    ...options,
    headers: { authorization: `Bearer ${token}`, ...(options.body ? { 'content-type': 'application/json' } : {}), ...options.headers },
  });
  if (response.status === 401) throw new Unauthorized();
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    throw new Error(body?.error?.message ?? `${response.status} ${response.statusText}`);
  }
  return response;
}
const json = async (path, options) => (await api(path, options)).json();
const text = async (path, options) => (await api(path, options)).text();

function show(sectionId) {
  for (const id of ['sign-in', 'schemes-view', 'policies-view', 'sms-view', 'audit-view', 'charts-view', 'sessions-view', 'session-view'])
    $(id).hidden = id !== sectionId;
  const nav = sectionId === 'session-view' ? 'sessions' : sectionId.replace('-view', '');
  for (const link of document.querySelectorAll('[data-nav]')) {
    if (link.dataset.nav === nav) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  $('sign-out').hidden = sectionId === 'sign-in';
}

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'className') node.className = value;
    else node.setAttribute(name, value);
  }
  for (const child of children) node.append(child);
  return node;
}

/** Our own server renders these SVGs and escapes every label in them. */
function putSvg(container, svg) {
  container.innerHTML = svg;
}

function every(ms, task) {
  let stopped = false;
  let timer;
  const run = async () => {
    if (stopped) return;
    try {
      await task();
    } catch (error) {
      if (error instanceof Unauthorized && !stopped) return signOut();
    }
    if (!stopped) timer = setTimeout(run, ms);
  };
  run();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

// ---- charts -------------------------------------------------------------------------------------

async function chartsView(params) {
  show('charts-view');
  const schemeSelect = $('chart-scheme');
  const sceneSelect = $('chart-scene');
  if (!sceneSelect.options.length) {
    for (const scene of scenes) sceneSelect.append(element('option', { value: scene }, `${scene} ${sceneNames[scene]}`));
  }
  const { schemes } = await json('/v1/admin/schemes');
  schemeSelect.replaceChildren(element('option', { value: '' }, 'global policy'));
  for (const scheme of schemes) schemeSelect.append(element('option', { value: scheme.code }, `${scheme.name} (${scheme.code}, ${scheme.platform})`));
  schemeSelect.value = params.get('scheme') ?? '';
  sceneSelect.value = params.get('scene') ?? '100001';
  $('chart-sessions').checked = params.get('sessions') !== 'off';
  const go = () => {
    const next = new URLSearchParams({ scheme: schemeSelect.value, scene: sceneSelect.value, sessions: $('chart-sessions').checked ? 'on' : 'off' });
    location.hash = `#/charts?${next}`;
  };
  schemeSelect.onchange = go;
  sceneSelect.onchange = go;
  $('chart-sessions').onchange = go;

  const scheme = schemeSelect.value;
  const scene = sceneSelect.value;
  const base = scheme ? `/v1/admin/schemes/${scheme}/policies/${scene}` : `/v1/admin/policies/${scene}`;
  const chartUrl = `${base}/chart${$('chart-sessions').checked ? '?sessions=recent' : ''}`;
  await fillImpactChoices(base);
  showTestPaths(base);
  $('impact-result').replaceChildren();
  $('impact-form').onsubmit = (event) => {
    event.preventDefault();
    measureImpact(base, $('impact-version').value, Number($('impact-limit').value));
  };
  // Live: the chart follows policy changes and where sessions are, every few seconds.
  return every(3000, async () => {
    const [policy, svg] = await Promise.all([json(base), text(chartUrl)]);
    putSvg($('chart'), svg);
    $('chart-meta').textContent =
      `${scheme ? `scheme ${scheme}` : 'global policy'}, scene ${scene}: version ${policy.version ?? 0}` +
      `${policy.inherit ? ' (inherits the global policy)' : ''}${policy.isDefault ? ', the built-in default' : ''}; policy ${policy.policyVersion}`;
  });
}

/** The paths the model-based tests would run on this policy: what a tester scripts. */
async function showTestPaths(base) {
  const list = $('test-paths');
  list.replaceChildren();
  $('test-paths-meta').textContent = 'working out the paths…';
  try {
    const result = await json(`${base}/test-paths`);
    const { states, transitions } = result.coverage;
    const missing = [...states.missing, ...transitions.missing];
    $('test-paths-meta').textContent =
      `${result.paths.length} paths on ${result.platform} reach ${states.covered} of ${states.total} states and take ${transitions.covered} of ${transitions.total} transitions` +
      (missing.length ? ` (not reachable on ${result.platform}: ${missing.join('; ')})` : '') +
      '. As data: GET ' +
      `${base}/test-paths`;
    list.replaceChildren(...result.paths.map((path) => element('li', {}, path.description)));
  } catch (error) {
    if (error instanceof Unauthorized) return signOut();
    $('test-paths-meta').textContent = error.message;
  }
}

async function fillImpactChoices(base) {
  const select = $('impact-version');
  select.replaceChildren();
  try {
    const { versions } = await json(`${base}/versions`);
    const offered = new Set();
    for (const version of [...versions].reverse()) {
      if (offered.has(version.policyVersion)) continue;
      offered.add(version.policyVersion);
      select.append(
        element('option', { value: version.policyVersion }, `v${version.version} by ${version.author}, ${version.change} (${version.policyVersion})`),
      );
    }
  } catch (error) {
    if (error instanceof Unauthorized) throw error;
  }
  const empty = select.options.length === 0;
  if (empty) select.append(element('option', { value: '' }, 'no saved versions yet'));
  $('impact-form').querySelector('button').disabled = empty;
}

async function measureImpact(base, policyVersion, limit) {
  const result = $('impact-result');
  result.replaceChildren(element('p', { className: 'meta' }, 'replaying…'));
  try {
    const impact = await json(`${base}/impact`, { method: 'POST', body: JSON.stringify({ policyVersion, limit }) });
    const summary = element(
      'p',
      { id: 'impact-summary' },
      `Of ${impact.sessions} finished sessions, ${impact.sameWay} would have gone the same way and ${impact.diverged} another way` +
        `${impact.unreadable ? ` (${impact.unreadable} could not be replayed)` : ''}.`,
    );
    const outcomes = table(
      ['ended', 'would have ended', 'sessions'],
      impact.outcomes.map((o) =>
        element(
          'tr',
          {},
          element('td', {}, element('span', { className: `status ${o.recorded}` }, o.recorded)),
          element('td', {}, element('span', { className: `status ${o.candidate}` }, o.candidate)),
          element('td', { className: o.recorded === o.candidate ? '' : 'mismatch' }, String(o.count)),
        ),
      ),
    );
    const examples = impact.examples.map((e) =>
      element(
        'li',
        {},
        element('a', { href: `#/sessions/${e.sessionId}` }, e.sessionId),
        ` ${e.recordedStatus} → ${e.candidateStatus}${e.firstDivergence ? `, from step ${e.firstDivergence.version} (${e.firstDivergence.eventType})` : ''}`,
      ),
    );
    result.replaceChildren(
      summary,
      outcomes,
      ...(examples.length ? [element('h3', {}, 'Sessions that would end otherwise'), element('ul', { id: 'impact-examples' }, ...examples)] : []),
    );
  } catch (error) {
    if (error instanceof Unauthorized) return signOut();
    result.replaceChildren(element('p', { className: 'error' }, error.message));
  }
}

// ---- sessions -----------------------------------------------------------------------------------

async function sessionsView() {
  show('sessions-view');
  return every(3000, async () => {
    const { sessions } = await json('/v1/admin/sessions?limit=50');
    const rows = sessions.map((s) => {
      const row = element(
        'tr',
        { 'data-session': s.id },
        element('td', {}, element('code', {}, s.id)),
        element('td', {}, s.schemeCode),
        element('td', {}, s.sceneCode),
        element('td', {}, element('span', { className: `status ${s.status}` }, s.status)),
        element('td', {}, s.state, ...(s.traced ? [] : [' ', element('span', { className: 'meta untraced' }, '(logging off: no trace)')])),
        element('td', {}, new Date(s.createdAt).toLocaleTimeString()),
      );
      row.onclick = () => (location.hash = `#/sessions/${s.id}`);
      return row;
    });
    $('sessions-table').tBodies[0].replaceChildren(...rows);
  });
}

async function sessionView(id) {
  show('session-view');
  $('session-id').textContent = id;
  $('replay-result').replaceChildren();
  // Nothing of the previous session may stay clickable while this one loads.
  $('replay-form').onsubmit = (event) => event.preventDefault();
  $('replay-against').replaceChildren();
  $('session-chart').replaceChildren();
  $('session-timeline').replaceChildren();
  const refresh = async () => {
    const [chart, timeline] = await Promise.all([text(`/v1/admin/sessions/${id}/chart`), text(`/v1/admin/sessions/${id}/timeline`)]);
    putSvg($('session-chart'), chart);
    putSvg($('session-timeline'), timeline);
  };
  const setStatus = (view) => {
    const status = $('session-status');
    status.textContent = view.status;
    status.className = `status ${view.status}`;
    $('session-meta').textContent =
      `scheme ${view.schemeCode}, scene ${view.sceneCode}, state ${view.state}, version ${view.version}; next: ${view.nextAction?.type}`;
  };
  // A click on the chart gives it the whole width (and back).
  $('session-chart').onclick = () => $('session-chart').closest('.panes').classList.toggle('wide');
  const detail = await json(`/v1/admin/sessions/${id}`);
  setStatus(detail);
  $('session-live').hidden = !detail.traced;
  if (detail.traced) await refresh();
  else {
    // The scene's Logging switch was off when it started: no trace to show; its replay still runs.
    const notice = `No trace: this session started while the Logging switch of scene ${detail.sceneCode} was off.`;
    $('session-chart').replaceChildren(element('p', { className: 'meta', id: 'session-untraced' }, notice));
  }
  await fillReplayChoices(detail);
  $('replay-form').onsubmit = (event) => {
    event.preventDefault();
    replay(id, $('replay-against').value);
  };
  return detail.traced ? follow(id, setStatus, refresh) : () => {};
}

/** Follows the session's live stream (Server-Sent Events read with fetch, so the token goes in a header). */
function follow(id, setStatus, refresh) {
  const controller = new AbortController();
  const live = $('session-live');
  live.classList.remove('off');
  live.textContent = 'live';
  (async () => {
    let after = 0;
    while (!controller.signal.aborted) {
      try {
        const response = await api(`/v1/admin/sessions/${id}/live?after=${after}`, { signal: controller.signal });
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        let ended = false;
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let split;
          while ((split = buffer.indexOf('\n\n')) >= 0) {
            const message = buffer.slice(0, split);
            buffer = buffer.slice(split + 2);
            const fields = Object.fromEntries(
              message
                .split('\n')
                .filter((line) => line && !line.startsWith(':'))
                .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]),
            );
            if (fields.id) after = Number(fields.id);
            if (fields.event === 'session') {
              setStatus(JSON.parse(fields.data));
              await refresh();
            }
            if (fields.event === 'end') ended = true;
          }
        }
        if (ended) break;
      } catch (error) {
        if (controller.signal.aborted) return;
        if (error instanceof Unauthorized) return signOut();
      }
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
    live.classList.add('off');
    live.textContent = 'finished';
  })();
  return () => controller.abort();
}

async function fillReplayChoices(detail) {
  const select = $('replay-against');
  select.replaceChildren(element('option', { value: '' }, `the policy it ran (${detail.policyVersion})`));
  const documents = [
    [`/v1/admin/schemes/${detail.schemeCode}/policies/${detail.sceneCode}/versions`, `scheme ${detail.schemeCode}`],
    [`/v1/admin/policies/${detail.sceneCode}/versions`, 'global'],
  ];
  const offered = new Set([detail.policyVersion]);
  for (const [path, label] of documents) {
    try {
      const { versions } = await json(path);
      for (const version of [...versions].reverse()) {
        // A policy that came back (a rollback, an override copying the global one) is offered once, at its newest version.
        if (offered.has(version.policyVersion)) continue;
        offered.add(version.policyVersion);
        select.append(
          element(
            'option',
            { value: version.policyVersion },
            `${label} v${version.version} by ${version.author}, ${version.change} (${version.policyVersion})`,
          ),
        );
      }
    } catch {
      // a scheme deleted since: no versions to offer
    }
  }
}

async function replay(id, policyVersion) {
  const result = $('replay-result');
  result.replaceChildren(element('p', { className: 'meta' }, 'replaying…'));
  try {
    const report = await json(`/v1/admin/sessions/${id}/replay`, { method: 'POST', body: JSON.stringify(policyVersion ? { policyVersion } : {}) });
    result.replaceChildren(...replayReport(report));
  } catch (error) {
    if (error instanceof Unauthorized) return signOut();
    result.replaceChildren(element('p', { className: 'error' }, error.message));
  }
}

function replayReport(report) {
  if (report.mode === 'replay') {
    const summary = report.matches
      ? element('p', { className: 'match', id: 'replay-summary' }, `✓ every one of ${report.steps.length} steps gives the recorded state again`)
      : element('p', { className: 'mismatch', id: 'replay-summary' }, '✗ the replay does not give the recorded states');
    const rows = report.steps.map((step) =>
      element(
        'tr',
        {},
        element('td', {}, String(step.version)),
        element('td', {}, step.eventType ?? step.kind),
        element('td', {}, stateText(step.recordedState)),
        element('td', { className: step.match ? 'match' : 'mismatch' }, `${step.match ? '✓' : '✗'} ${stateText(step.replayedState)}`),
      ),
    );
    return [summary, table(['#', 'event', 'recorded state', 'replayed state'], rows)];
  }
  const divergence = report.firstDivergence;
  const summary = element(
    'p',
    { id: 'replay-summary', className: divergence ? 'mismatch' : 'match' },
    divergence
      ? `Under policy ${report.candidateVersion} the session goes another way from step ${divergence.version} (${divergence.eventType}: ${divergence.cause}); ` +
          `it would end ${report.candidateFinalStatus}${report.candidateFailureReason ? ` (${report.candidateFailureReason})` : ''} in ${stateText(report.candidateFinalState)}, ` +
          `where it ended ${stateText(report.recordedFinalState)}.`
      : `Under policy ${report.candidateVersion} the session goes the same way (${report.candidateFinalStatus}).`,
  );
  const rows = report.steps.map((step) =>
    element(
      'tr',
      {},
      element('td', {}, String(step.version)),
      element('td', {}, step.eventType),
      element('td', {}, stateText(step.recordedState)),
      element(
        'td',
        { className: !step.accepted ? 'skipped' : step.match ? 'match' : 'mismatch' },
        `${step.accepted ? stateText(step.candidateState) : 'not taken'}${step.note ? ` (${step.note})` : ''}`,
      ),
    ),
  );
  return [summary, table(['#', 'event', 'recorded state', 'state under the other policy'], rows)];
}

function table(headings, rows) {
  return element('table', {}, element('thead', {}, element('tr', {}, ...headings.map((h) => element('th', {}, h)))), element('tbody', {}, ...rows));
}

function stateText(value) {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  const [key, child] = Object.entries(value)[0] ?? [];
  return key === undefined ? '' : child && typeof child === 'object' ? `${key}.${stateText(child)}` : `${key}.${child}`;
}

// ---- routing ------------------------------------------------------------------------------------

function signOut() {
  routeGeneration += 1;
  sessionStorage.removeItem(tokenKey);
  document.body.className = '';
  $('signed-in-as').textContent = '';
  stopCurrentView();
  show('sign-in');
}

/** Opens the view the hash names and returns the function that stops it. */
function openView(ui, path, params) {
  const sessionMatch = /^\/sessions\/([\w-]+)$/.exec(path ?? '');
  if (sessionMatch) return sessionView(sessionMatch[1]);
  if (path === '/schemes') return schemesView(ui, params);
  if (path === '/policies') return policiesView(ui, params);
  if (path === '/sms') return smsView(ui);
  if (path === '/audit') return auditView(ui);
  if (path === '/sessions') return sessionsView();
  return chartsView(params);
}

async function route() {
  const generation = ++routeGeneration;
  stopCurrentView();
  stopCurrentView = () => {};
  if (!sessionStorage.getItem(tokenKey)) return show('sign-in');
  const [path, query] = location.hash.slice(1).split('?');
  const params = new URLSearchParams(query ?? '');
  try {
    const ui = { $, api, json, element, show, every, Unauthorized, signOut, table, scenes, sceneNames };
    if (!document.body.className) await whoAmI();
    const stopView = await openView(ui, path, params);
    if (generation === routeGeneration) stopCurrentView = stopView;
    else stopView();
  } catch (error) {
    if (generation !== routeGeneration) return;
    if (error instanceof Unauthorized) return signOut();
    throw error;
  }
}

/** Who signed in: the page hides what the role may not change (the API refuses it anyway). */
async function whoAmI() {
  const me = await json('/v1/admin/me');
  document.body.className = me.role;
  $('signed-in-as').textContent = `${me.name} (${me.role})`;
}

$('sign-in-form').onsubmit = async (event) => {
  event.preventDefault();
  sessionStorage.setItem(tokenKey, $('admin-token').value.trim());
  try {
    await whoAmI();
    $('sign-in-error').textContent = '';
    $('admin-token').value = '';
    route();
  } catch (error) {
    sessionStorage.removeItem(tokenKey);
    $('sign-in-error').textContent = error instanceof Unauthorized ? 'That is not the admin token, nor an operator token.' : error.message;
  }
};
$('sign-out').onclick = signOut;
window.addEventListener('hashchange', route);
route();
