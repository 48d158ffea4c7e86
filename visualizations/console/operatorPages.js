// The operator's pages of the console: schemes and access keys, policy settings with the policy
// diagram, versions, and the audit log with operators and erasure. Only documented routes of the
// operator API; every check is the API's (the page shows what it answers).

const identityFields = {
  packageName: 'scheme-package-name',
  packageSign: 'scheme-package-sign',
  bundleId: 'scheme-bundle-id',
  appId: 'scheme-app-id',
  origin: 'scheme-origin',
  url: 'scheme-url',
};

function errorText(error) {
  return error?.message ?? String(error);
}

// ---- schemes and access keys ---------------------------------------------------------------------

export async function schemesView(ui, params) {
  const { $, json, element } = ui;
  ui.show('schemes-view');
  const platformFields = () => {
    for (const label of document.querySelectorAll('#scheme-form [data-platform]'))
      label.hidden = !label.dataset.platform.split(' ').includes($('scheme-platform').value);
  };
  $('scheme-platform').onchange = platformFields;
  platformFields();

  const render = async () => {
    const { schemes } = await json('/v1/admin/schemes');
    const query = $('scheme-query').value.trim().toLowerCase();
    const shown = schemes.filter((s) => !query || JSON.stringify(s).toLowerCase().includes(query));
    $('schemes-table').tBodies[0].replaceChildren(
      ...shown.map((scheme) => {
        const copy = element('button', { type: 'button', className: 'copy', 'data-copy': scheme.code }, 'Copy');
        copy.onclick = async () => {
          await navigator.clipboard.writeText(scheme.code);
          copy.textContent = 'Copied';
        };
        const edit = element('button', { type: 'button' }, 'Edit');
        edit.onclick = () => fillSchemeForm(ui, scheme);
        // Disabled: no auth tokens, and its auth tokens are refused (403 SCHEME_DISABLED).
        const toggle = element('button', { type: 'button', 'data-toggle-scheme': scheme.code }, scheme.enabled ? 'Disable' : 'Enable');
        toggle.onclick = async () => {
          await ui.api(`/v1/admin/schemes/${scheme.code}/${scheme.enabled ? 'disable' : 'enable'}`, { method: 'POST' });
          await render();
        };
        const remove = element('button', { type: 'button' }, 'Delete');
        remove.onclick = async () => {
          if (!confirm(`Delete scheme ${scheme.code} (${scheme.name})?`)) return;
          await ui.api(`/v1/admin/schemes/${scheme.code}`, { method: 'DELETE' });
          await render();
        };
        const identity = Object.keys(identityFields)
          .filter((field) => scheme[field])
          .map((field) => `${field}: ${scheme[field]}`)
          .join(', ');
        return element(
          'tr',
          { 'data-scheme': scheme.code },
          element('td', {}, element('code', {}, scheme.code), ' ', copy),
          element('td', {}, scheme.name),
          element('td', {}, scheme.appName ?? ''),
          element('td', {}, scheme.platform),
          element('td', {}, identity),
          element('td', { className: scheme.enabled ? 'scheme-status' : 'scheme-status disabled' }, scheme.enabled ? 'enabled' : 'disabled'),
          element('td', { className: 'edit admin-only' }, edit, ' ', toggle, ' ', remove),
        );
      }),
    );
  };
  $('scheme-query').oninput = render;
  $('scheme-search').onsubmit = (event) => event.preventDefault();
  $('scheme-form').onsubmit = async (event) => {
    event.preventDefault();
    const code = $('scheme-code').value;
    const body = { name: $('scheme-name').value, platform: $('scheme-platform').value };
    if ($('scheme-app-name').value) body.appName = $('scheme-app-name').value;
    for (const [field, id] of Object.entries(identityFields)) if (!$(id).closest('label').hidden && $(id).value) body[field] = $(id).value;
    try {
      await json(code ? `/v1/admin/schemes/${code}` : '/v1/admin/schemes', { method: code ? 'PUT' : 'POST', body: JSON.stringify(body) });
      $('scheme-error').textContent = '';
      fillSchemeForm(ui, null);
      await render();
    } catch (error) {
      if (error instanceof ui.Unauthorized) throw error;
      $('scheme-error').textContent = errorText(error);
    }
  };
  await render();
  await renderAccessKeys(ui);
  return () => {};
}

function fillSchemeForm(ui, scheme) {
  const { $ } = ui;
  $('scheme-editor').open = scheme !== null;
  $('scheme-editor-title').textContent = scheme ? `Edit scheme ${scheme.code}` : 'Add a scheme';
  $('scheme-code').value = scheme?.code ?? '';
  $('scheme-name').value = scheme?.name ?? '';
  $('scheme-app-name').value = scheme?.appName ?? '';
  $('scheme-platform').value = scheme?.platform ?? 'Android';
  for (const [field, id] of Object.entries(identityFields)) $(id).value = scheme?.[field] ?? '';
  $('scheme-platform').onchange();
}

async function renderAccessKeys(ui) {
  const { $, json, element } = ui;
  const { accessKeys } = await json('/v1/admin/access-keys');
  const action = (label, path, method = 'POST') => {
    const button = element('button', { type: 'button' }, label);
    button.onclick = async () => {
      await ui.api(path, { method });
      $('access-key-secret').hidden = true;
      await renderAccessKeys(ui);
    };
    return button;
  };
  $('access-keys-table').tBodies[0].replaceChildren(
    ...accessKeys.map((key) =>
      element(
        'tr',
        { 'data-access-key': key.id },
        element('td', {}, element('code', {}, key.id)),
        element('td', {}, key.description ?? ''),
        element('td', {}, key.enabled ? 'yes' : 'no'),
        element('td', {}, new Date(key.createdAt).toLocaleString()),
        element(
          'td',
          { className: 'edit admin-only' },
          key.enabled ? action('Disable', `/v1/admin/access-keys/${key.id}/disable`) : action('Enable', `/v1/admin/access-keys/${key.id}/enable`),
          ' ',
          action('Delete', `/v1/admin/access-keys/${key.id}`, 'DELETE'),
        ),
      ),
    ),
  );
  $('access-key-create').onclick = async () => {
    const created = await json('/v1/admin/access-keys', { method: 'POST', body: JSON.stringify({ description: 'created in the console' }) });
    await renderAccessKeys(ui);
    const secret = $('access-key-secret');
    secret.hidden = false;
    secret.replaceChildren(
      `Access key ${created.id}: its secret is `,
      element('code', { id: 'access-key-secret-value' }, created.secret),
      ' — shown this once, copy it now.',
    );
  };
}

// ---- policies -------------------------------------------------------------------------------------

let policySchemaCache;
/** The node settings' schema, from the API's own OpenAPI document. */
async function nodeSchemas() {
  if (!policySchemaCache) {
    const document = await (await fetch('/openapi.json')).json();
    policySchemaCache = document.components.schemas.PolicyInput.properties.nodes.properties;
  }
  return policySchemaCache;
}

export async function policiesView(ui, params) {
  const { $, json, element } = ui;
  ui.show('policies-view');
  const { schemes } = await json('/v1/admin/schemes');
  const schemeCode = params.get('scheme') ?? '';
  const scene = params.get('scene') ?? '100001';
  const scope = params.get('tab') ?? (schemeCode ? 'scheme' : 'global');
  const go = (next) => {
    const merged = new URLSearchParams({ tab: scope, scheme: $('policy-scheme').value, scene: $('policy-scene').value, ...next });
    location.hash = `#/policies?${merged}`;
  };
  $('tab-global').setAttribute('aria-selected', String(scope === 'global'));
  $('tab-scheme').setAttribute('aria-selected', String(scope === 'scheme'));
  $('tab-global').onclick = () => go({ tab: 'global' });
  $('tab-scheme').onclick = () => go({ tab: 'scheme' });
  $('policy-scheme').replaceChildren(...schemes.map((s) => element('option', { value: s.code }, `${s.name} (${s.code}, ${s.platform})`)));
  $('policy-scheme').value = schemeCode || schemes[0]?.code || '';
  $('policy-scene').replaceChildren(...ui.scenes.map((code) => element('option', { value: code }, `${code} ${ui.sceneNames[code]}`)));
  $('policy-scene').value = scene;
  $('policy-scheme').onchange = () => go({});
  $('policy-scene').onchange = () => go({});
  $('policy-scheme-label').hidden = scope !== 'scheme';
  $('inherit-switch-label').hidden = scope !== 'scheme';
  $('logging-line').hidden = scope !== 'global';

  const base = scope === 'scheme' ? `/v1/admin/schemes/${$('policy-scheme').value}/policies/${scene}` : `/v1/admin/policies/${scene}`;
  $('full-chart-link').href = `#/charts?scheme=${scope === 'scheme' ? $('policy-scheme').value : ''}&scene=${scene}&sessions=on`;
  const page = { ui, base, scene, scope, policy: null };
  const change = async (task) => {
    try {
      $('policy-error').textContent = '';
      await task();
    } catch (error) {
      if (error instanceof ui.Unauthorized) return ui.signOut();
      $('policy-error').textContent = errorText(error);
    }
    await refreshPolicy(page);
  };
  $('inherit-switch').onchange = () => change(() => json(base, { method: 'PUT', body: JSON.stringify({ inherit: $('inherit-switch').checked }) }));
  $('logging-switch').onchange = () =>
    change(() => json(`/v1/admin/policies/${scene}/logging`, { method: 'PUT', body: JSON.stringify({ enabled: $('logging-switch').checked }) }));
  $('restore-defaults').onclick = () => change(() => json(`${base}/restore-defaults`, { method: 'POST', body: '{}' }));
  $('compare-versions').onclick = () => compareVersions(page);
  $('compare-result').replaceChildren();
  page.change = change;
  await refreshPolicy(page);
  // Live: the counts on the diagram follow the sessions.
  return ui.every(3000, () => drawDiagram(page));
}

async function refreshPolicy(page) {
  const { ui, base } = page;
  const { $, json, element } = ui;
  const state = await json(base);
  page.policy = state;
  const basic = [
    ['Scenario', `${state.sceneCode} ${state.sceneName}`],
    ['Scenario ID', state.sceneCode],
    ['Document', state.scope === 'scheme' ? `scheme ${state.schemeCode}` : 'global policy'],
    ['Version', `${state.version}${state.isDefault ? ' (the built-in default)' : ''}${state.inherit ? ' (inherits the global policy)' : ''}`],
    ['Last change', state.updatedAt ? `${state.updatedBy}, ${new Date(state.updatedAt).toLocaleString()}` : 'never changed'],
    ['Policy version', state.policyVersion],
  ];
  $('policy-basic').replaceChildren(...basic.flatMap(([term, value]) => [element('dt', {}, term), element('dd', { 'data-basic': term }, value)]));
  $('inherit-switch').checked = Boolean(state.inherit);
  if (state.scope === 'global') $('logging-switch').checked = state.logging;
  $('restore-defaults').disabled = Boolean(state.inherit);
  await Promise.all([drawDiagram(page), renderVersions(page)]);
}

const boxWidth = 150;
const boxHeight = 46;
const svgNs = 'http://www.w3.org/2000/svg';

function svgElement(tag, attributes = {}, ...children) {
  const node = document.createElementNS(svgNs, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  for (const child of children) node.append(child);
  return node;
}

/** Boxes in columns by their distance from the start; switched-off nodes in a last column, greyed. */
function layout(diagram) {
  const depth = new Map([['start', 0]]);
  const queue = ['start'];
  while (queue.length) {
    const from = queue.shift();
    for (const edge of diagram.edges) {
      if (edge.from === from && !depth.has(edge.to)) {
        depth.set(edge.to, depth.get(from) + 1);
        queue.push(edge.to);
      }
    }
  }
  const last = Math.max(...depth.values()) + 1;
  const columns = new Map();
  const place = new Map();
  for (const node of diagram.nodes) {
    const column = depth.get(node.id) ?? last;
    const row = columns.get(column) ?? 0;
    columns.set(column, row + 1);
    place.set(node.id, { x: 20 + column * (boxWidth + 60), y: 20 + row * (boxHeight + 30) });
  }
  const width = 40 + (last + 1) * (boxWidth + 60);
  const height = 40 + Math.max(...columns.values()) * (boxHeight + 30);
  return { place, width, height };
}

/**
 * The diagram as SVG: boxes and arrows; `mark` gives a box or an arrow extra classes (a comparison's
 * added, removed, changed), `label` the second line of a box, `onNode` what a click on a policy node does.
 */
function diagramSvg(diagram, { mark = () => '', label = (node) => String(node.sessions), title = () => '', onNode } = {}) {
  const { place, width, height } = layout(diagram);
  const svg = svgElement('svg', { width, height, viewBox: `0 0 ${width} ${height}`, role: 'img' });
  svg.append(
    svgElement(
      'defs',
      {},
      svgElement(
        'marker',
        { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 8, markerHeight: 8, orient: 'auto' },
        svgElement('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#556' }),
      ),
    ),
  );
  for (const edge of diagram.edges) {
    const from = place.get(edge.from);
    const to = place.get(edge.to);
    if (!from || !to) continue;
    const line = svgElement('line', {
      x1: from.x + boxWidth,
      y1: from.y + boxHeight / 2,
      x2: to.x,
      y2: to.y + boxHeight / 2,
      stroke: '#556',
      'marker-end': 'url(#arrow)',
      'data-edge': `${edge.from}->${edge.to}`,
      class: mark(edge),
    });
    line.append(svgElement('title', {}, title(edge) || edge.events.join(', ') || 'start'));
    svg.append(line);
  }
  for (const node of diagram.nodes) {
    const { x, y } = place.get(node.id);
    const isPolicyNode = node.policyNode !== 'policy';
    const box = svgElement(
      'g',
      { 'data-node': node.id, class: `${isPolicyNode ? 'box' : 'step'}${node.enabled ? '' : ' off'} ${mark(node)}`.trim() },
      svgElement('rect', { x, y, width: boxWidth, height: boxHeight, rx: 6, fill: isPolicyNode ? '#e8f0fe' : '#fff', stroke: '#1d2430' }),
      svgElement('text', { x: x + 8, y: y + 18, 'font-size': 13 }, node.id + (node.enabled ? '' : ' (off)')),
      svgElement('text', { x: x + 8, y: y + 36, 'font-size': 11, class: 'count', fill: '#445' }, label(node)),
    );
    if (title(node)) box.append(svgElement('title', {}, title(node)));
    if (isPolicyNode && onNode) box.addEventListener('click', () => onNode(node));
    svg.append(box);
  }
  return svg;
}

async function drawDiagram(page) {
  const { ui, base } = page;
  const diagram = await ui.json(`${base}/diagram`);
  ui.$('policy-diagram').replaceChildren(diagramSvg(diagram, { onNode: (node) => openNodeDialog(page, node.policyNode) }));
  ui.$('diagram-meta').textContent =
    'Boxes are the policy nodes and the steps of the policy; arrows are the routes its settings make; greyed nodes are switched off. The number in each box: how many of the newest 200 sessions of this scene passed through it.';
}

async function openNodeDialog(page, nodeName) {
  const { ui, base } = page;
  const { $, element, json } = ui;
  const schema = (await nodeSchemas())[nodeName];
  const settings = structuredClone(page.policy.policy.nodes[nodeName]);
  const choices = nodeName === 'smsCode' ? await smsChoices(page) : {};
  $('node-title').textContent = nodeName;
  const inputs = {};
  $('node-fields').replaceChildren(
    ...Object.entries(schema.properties).map(([setting, rule]) => {
      let input;
      if (choices[setting]) {
        // One of the console's SMS signatures or templates (SMS templates page); unset means the complimentary one.
        input = element('select', { 'data-setting': setting }, ...choices[setting].options.map(([value, label]) => element('option', { value }, label)));
        input.value = settings[setting] ?? choices[setting].unset;
        rule = { ...rule, enum: choices[setting].options.map(([value]) => value) };
      } else if (rule.type === 'boolean') {
        input = element('input', { type: 'checkbox', 'data-setting': setting });
        input.checked = Boolean(settings[setting]);
      } else if (rule.enum) {
        input = element('select', { 'data-setting': setting }, ...rule.enum.map((value) => element('option', { value }, value)));
        input.value = settings[setting];
      } else if (rule.type === 'integer' || rule.type === 'number') {
        input = element('input', {
          type: 'number',
          'data-setting': setting,
          ...(rule.minimum !== undefined ? { min: rule.minimum } : {}),
          ...(rule.maximum !== undefined ? { max: rule.maximum } : {}),
        });
        input.value = settings[setting];
      } else {
        input = element('textarea', { 'data-setting': setting, rows: 3 });
        input.value = JSON.stringify(settings[setting]);
      }
      if (document.body.classList.contains('viewer')) input.disabled = true;
      input.onchange = () => checkDraft(page, nodeName, inputs);
      if (input.tagName !== 'SELECT' && input.type !== 'checkbox') input.oninput = input.onchange;
      inputs[setting] = { input, rule };
      const label = rule.type === 'boolean' && setting === 'enabled' ? 'Feature switch (enabled)' : setting;
      return element('label', {}, label, input);
    }),
  );
  $('node-checks').replaceChildren();
  $('node-impact').textContent = '';
  $('node-cancel').onclick = () => $('node-dialog').close();
  $('node-restore').onclick = async () => {
    await page.change(() => json(`${base}/restore-defaults`, { method: 'POST', body: JSON.stringify({ node: nodeName }) }));
    $('node-dialog').close();
  };
  $('node-save').onclick = async () => {
    const draft = draftSettings(inputs);
    if (!draft) return;
    try {
      await json(base, { method: 'PATCH', body: JSON.stringify({ nodes: { [nodeName]: draft } }), headers: { 'if-match': `"${page.policy.version}"` } });
      $('node-dialog').close();
      await refreshPolicy(page);
    } catch (error) {
      if (error instanceof ui.Unauthorized) return ui.signOut();
      $('node-checks').replaceChildren(element('p', { className: 'checks-error' }, errorText(error)));
    }
  };
  $('node-dialog').showModal();
  await checkDraft(page, nodeName, inputs);
}

/** The signatures and templates the SMS code node may name, and what an unset one means (the complimentary ones). */
async function smsChoices(page) {
  const [{ signatures }, { templates }] = await Promise.all([page.ui.json('/v1/admin/sms/signatures'), page.ui.json('/v1/admin/sms/templates')]);
  const complimentaryTemplate = templates.find((t) => t.complimentary && t.code === page.scene) ?? templates[0];
  return {
    signName: { options: signatures.map((s) => [s.name, `【${s.name}】`]), unset: signatures[0].name },
    templateCode: { options: templates.map((t) => [t.code, `${t.code} ${t.name}`]), unset: complimentaryTemplate.code },
  };
}

function draftSettings(inputs) {
  const draft = {};
  for (const [setting, { input, rule }] of Object.entries(inputs)) {
    if (rule.type === 'boolean') draft[setting] = input.checked;
    else if (rule.enum) draft[setting] = input.value;
    else if (rule.type === 'integer' || rule.type === 'number') draft[setting] = Number(input.value);
    else {
      try {
        draft[setting] = JSON.parse(input.value);
      } catch {
        return null;
      }
    }
  }
  return draft;
}

/** The static checks and the impact preview of the draft, before it is saved. */
let draftsChecked = 0;
async function checkDraft(page, nodeName, inputs) {
  const { ui, base } = page;
  const { $, element, json } = ui;
  // Only the newest draft's answers are shown.
  const run = ++draftsChecked;
  const draft = draftSettings(inputs);
  if (!draft) {
    $('node-checks').replaceChildren(element('p', { className: 'checks-error' }, 'a setting is not valid JSON'));
    return;
  }
  const policy = { ...page.policy.policy, nodes: { ...page.policy.policy.nodes, [nodeName]: draft } };
  const checks = await json(`${base}/check`, { method: 'POST', body: JSON.stringify({ policy }) });
  if (run !== draftsChecked) return;
  const findings = [
    ...checks.errors.map((e) => element('li', { className: 'checks-error' }, `error: ${e.message}`)),
    ...checks.warnings.map((w) => element('li', { className: 'checks-warning' }, `warning: ${w.message}`)),
  ];
  $('node-checks').replaceChildren(
    element(
      'p',
      { id: 'node-checks-summary' },
      `Static checks: ${checks.errors.length} errors, ${checks.warnings.length} warnings${checks.ok ? '; it can be saved' : '; it cannot be saved'}.`,
    ),
    element('ul', {}, ...findings),
  );
  if (!checks.ok) return;
  try {
    $('node-impact').textContent = 'measuring the impact…';
    const impact = await json(`${base}/impact`, { method: 'POST', body: JSON.stringify({ policy, limit: 200 }) });
    if (run !== draftsChecked) return;
    $('node-impact').textContent = `Impact: of the last ${impact.sessions} finished sessions, ${impact.diverged} would have gone another way.`;
  } catch (error) {
    $('node-impact').textContent = `Impact not measured: ${errorText(error)}`;
  }
}

async function renderVersions(page) {
  const { ui, base } = page;
  const { $, element, json } = ui;
  const { versions } = await json(`${base}/versions`);
  $('versions-table').tBodies[0].replaceChildren(
    ...[...versions].reverse().map((version) => {
      const rollback = element('button', { type: 'button', 'data-rollback': version.version }, `Roll back to v${version.version}`);
      rollback.onclick = () => page.change(() => json(`${base}/rollback`, { method: 'POST', body: JSON.stringify({ version: version.version }) }));
      const changed = version.diff.map((d) => `${d.path}: ${JSON.stringify(d.from)} → ${JSON.stringify(d.to)}`).join('; ');
      return element(
        'tr',
        { 'data-version': version.version },
        element('td', {}, element('input', { type: 'checkbox', className: 'compare', value: version.version })),
        element('td', {}, `v${version.version}`),
        element('td', {}, version.change + (version.node ? ` ${version.node}` : '') + (version.rolledBackTo ? ` to v${version.rolledBackTo}` : '')),
        element('td', {}, version.author),
        element('td', {}, new Date(version.at).toLocaleString()),
        element('td', {}, changed),
        element('td', { className: 'edit' }, version.version === page.policy.version ? '' : rollback),
      );
    }),
  );
}

/**
 * Two versions compared on the diagram: one drawing of both, the older one's boxes and arrows that the
 * newer lacks marked removed, the newer one's that the older lacks added, and the boxes whose settings or
 * switch differ and the arrows taken by other events marked changed; the differing settings listed below.
 */
async function compareVersions(page) {
  const { ui, base } = page;
  const { $, element, json } = ui;
  const chosen = [...document.querySelectorAll('#versions-table input.compare:checked')].map((box) => Number(box.value)).sort((x, y) => x - y);
  if (chosen.length !== 2) {
    $('compare-result').replaceChildren(element('p', { className: 'error' }, 'Choose two versions.'));
    return;
  }
  const [[a, b], [diagramA, diagramB]] = await Promise.all([
    Promise.all(chosen.map((n) => json(`${base}/versions/${n}`))),
    Promise.all(chosen.map((n) => json(`${base}/diagram?version=${n}`))),
  ]);
  const settingDifferences = (name) =>
    Object.keys({ ...a.policy.nodes[name], ...b.policy.nodes[name] })
      .filter((setting) => JSON.stringify(a.policy.nodes[name]?.[setting]) !== JSON.stringify(b.policy.nodes[name]?.[setting]))
      .map(
        (setting) =>
          `${name}.${setting}: v${a.version} ${JSON.stringify(a.policy.nodes[name]?.[setting])}, v${b.version} ${JSON.stringify(b.policy.nodes[name]?.[setting])}`,
      );
  const differences = Object.keys(a.policy.nodes).flatMap(settingDifferences);

  const edgeKey = (edge) => `${edge.from}->${edge.to}`;
  const nodesA = new Map(diagramA.nodes.map((node) => [node.id, node]));
  const nodesB = new Map(diagramB.nodes.map((node) => [node.id, node]));
  const edgesA = new Map(diagramA.edges.map((edge) => [edgeKey(edge), edge]));
  const edgesB = new Map(diagramB.edges.map((edge) => [edgeKey(edge), edge]));
  const merged = {
    nodes: [...diagramB.nodes, ...diagramA.nodes.filter((node) => !nodesB.has(node.id))],
    edges: [...diagramB.edges, ...diagramA.edges.filter((edge) => !edgesB.has(edgeKey(edge)))],
  };
  const markOf = (item) => {
    const isEdge = 'from' in item;
    const [before, after] = isEdge ? [edgesA.get(edgeKey(item)), edgesB.get(edgeKey(item))] : [nodesA.get(item.id), nodesB.get(item.id)];
    if (!before) return 'diff-added';
    if (!after) return 'diff-removed';
    const changed = isEdge
      ? before.events.join() !== after.events.join()
      : before.enabled !== after.enabled || (item.policyNode !== 'policy' && settingDifferences(item.policyNode).length > 0);
    return changed ? 'diff-changed' : '';
  };
  const titleOf = (item) => {
    if ('from' in item) {
      const [before, after] = [edgesA.get(edgeKey(item)), edgesB.get(edgeKey(item))];
      return `v${a.version}: ${before ? before.events.join(', ') || 'start' : '—'}; v${b.version}: ${after ? after.events.join(', ') || 'start' : '—'}`;
    }
    return item.policyNode === 'policy' ? '' : settingDifferences(item.policyNode).join('\n');
  };
  const countOf = (node) => `v${a.version}: ${nodesA.get(node.id)?.sessions ?? '—'} · v${b.version}: ${nodesB.get(node.id)?.sessions ?? '—'}`;
  const drawing = element('div', { className: 'diagram', id: 'compare-diagram' });
  drawing.append(diagramSvg(merged, { mark: markOf, title: titleOf, label: countOf }));
  $('compare-result').replaceChildren(
    element('h3', {}, `v${a.version} (${a.change} by ${a.author}) compared with v${b.version} (${b.change} by ${b.author})`),
    element(
      'p',
      { className: 'meta legend' },
      element('span', { className: 'diff-added' }, `green: only in v${b.version}`),
      ' · ',
      element('span', { className: 'diff-removed' }, `red, dashed: only in v${a.version}`),
      ' · ',
      element('span', { className: 'diff-changed' }, 'orange: settings, switch or events differ (hover for what)'),
      ' · in each box, the sessions that ran each version and passed through it.',
    ),
    drawing,
    element('div', {}, element('h3', {}, 'Differences'), element('ul', { id: 'compare-differences' }, ...differences.map((d) => element('li', {}, d)))),
  );
}

// ---- the audit log, operators and erasure -------------------------------------------------------

export async function auditView(ui) {
  const { $, json, element } = ui;
  ui.show('audit-view');
  const short = (value) => (value === null || value === undefined ? '' : JSON.stringify(value).slice(0, 300));
  const render = async () => {
    const { entries } = await json('/v1/admin/audit?limit=200');
    $('audit-table').tBodies[0].replaceChildren(
      ...entries.map((entry) =>
        element(
          'tr',
          { 'data-action': entry.action },
          element('td', {}, new Date(entry.at).toLocaleString()),
          element('td', {}, `${entry.actor} (${entry.role})`),
          element('td', {}, entry.action),
          element('td', {}, entry.target),
          element('td', {}, element('code', {}, short(entry.before))),
          element('td', {}, element('code', {}, short(entry.after))),
        ),
      ),
    );
  };
  const renderOperators = async () => {
    if (!document.body.classList.contains('admin')) return;
    const { operators } = await json('/v1/admin/operators');
    $('operators-list').replaceChildren(
      ...operators.map((o) => element('li', { 'data-operator': o.name }, `${o.name}: ${o.role}${o.enabled ? '' : ' (disabled)'}`)),
    );
  };
  $('operator-form').onsubmit = async (event) => {
    event.preventDefault();
    const created = await json('/v1/admin/operators', {
      method: 'POST',
      body: JSON.stringify({ name: $('operator-name').value, role: $('operator-role').value }),
    });
    $('operator-token').hidden = false;
    $('operator-token').replaceChildren(
      `Operator ${created.name} (${created.role}): token `,
      element('code', { id: 'operator-token-value' }, created.token),
      ' — shown this once.',
    );
    await Promise.all([render(), renderOperators()]);
  };
  $('erasure-form').onsubmit = async (event) => {
    event.preventDefault();
    if (!confirm(`Erase everything kept about ${$('erasure-number').value}? This cannot be undone.`)) return;
    try {
      const answer = await json('/v1/admin/erasures', { method: 'POST', body: JSON.stringify({ phoneNumber: $('erasure-number').value }) });
      $('erasure-result').textContent =
        `Erased for ${answer.phoneNumber}: ${answer.erased.sessions} sessions, ${answer.erased.keys} stored keys, ${answer.erased.listEntries} list entries.`;
    } catch (error) {
      $('erasure-result').textContent = errorText(error);
    }
    await render();
  };
  await Promise.all([render(), renderOperators()]);
  return () => {};
}
