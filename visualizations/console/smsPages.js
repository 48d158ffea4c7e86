// The console's SMS verification parameters: signatures and templates (`/v1/admin/sms`), with the
// complimentary ones listed first and read-only. Editors change them; every check is the API's.

import { errorText } from './operatorPages.js';

/** A form's submit: run the task, show the API's refusal next to the form, re-render after success. */
function submitting(ui, errorId, task) {
  return async (event) => {
    event.preventDefault();
    try {
      await task();
      ui.$(errorId).textContent = '';
    } catch (error) {
      if (error instanceof ui.Unauthorized) return ui.signOut();
      ui.$(errorId).textContent = errorText(error);
    }
  };
}

export async function smsView(ui) {
  const { $ } = ui;
  ui.show('sms-view');
  const render = () => Promise.all([renderSignatures(ui), renderTemplates(ui, render)]);
  $('sms-signature-form').onsubmit = submitting(ui, 'sms-signature-error', async () => {
    const body = { name: $('sms-signature-name').value };
    if ($('sms-signature-description').value) body.description = $('sms-signature-description').value;
    await ui.json('/v1/admin/sms/signatures', { method: 'POST', body: JSON.stringify(body) });
    $('sms-signature-name').value = '';
    $('sms-signature-description').value = '';
    await render();
  });
  $('sms-template-form').onsubmit = submitting(ui, 'sms-template-error', async () => {
    const code = $('sms-template-code').value;
    const body = { name: $('sms-template-name').value, content: $('sms-template-content').value };
    if ($('sms-template-description').value) body.description = $('sms-template-description').value;
    await ui.json(code ? `/v1/admin/sms/templates/${code}` : '/v1/admin/sms/templates', { method: code ? 'PUT' : 'POST', body: JSON.stringify(body) });
    fillTemplateForm(ui, null);
    await render();
  });
  fillTemplateForm(ui, null);
  await render();
  return () => {};
}

function deleteButton(ui, path, what, errorId, render) {
  const button = ui.element('button', { type: 'button' }, 'Delete');
  button.onclick = async () => {
    if (!confirm(`Delete ${what}?`)) return;
    try {
      await ui.api(path, { method: 'DELETE' });
      ui.$(errorId).textContent = '';
    } catch (error) {
      if (error instanceof ui.Unauthorized) return ui.signOut();
      ui.$(errorId).textContent = errorText(error);
    }
    await render();
  };
  return button;
}

async function renderSignatures(ui) {
  const { $, element } = ui;
  const { signatures } = await ui.json('/v1/admin/sms/signatures');
  const render = () => renderSignatures(ui);
  $('sms-signatures-table').tBodies[0].replaceChildren(
    ...signatures.map((signature) =>
      element(
        'tr',
        { 'data-sms-signature': signature.name },
        element('td', {}, `【${signature.name}】`),
        element('td', {}, signature.description ?? ''),
        element('td', {}, signature.complimentary ? 'complimentary' : 'own'),
        element(
          'td',
          { className: 'edit' },
          signature.complimentary
            ? ''
            : deleteButton(ui, `/v1/admin/sms/signatures/${encodeURIComponent(signature.name)}`, `signature ${signature.name}`, 'sms-signature-error', render),
        ),
      ),
    ),
  );
}

async function renderTemplates(ui, renderAll) {
  const { $, element } = ui;
  const { templates } = await ui.json('/v1/admin/sms/templates');
  $('sms-templates-table').tBodies[0].replaceChildren(
    ...templates.map((template) => {
      const edit = element('button', { type: 'button' }, 'Edit');
      edit.onclick = () => fillTemplateForm(ui, template);
      const controls = template.complimentary
        ? ['complimentary']
        : [edit, ' ', deleteButton(ui, `/v1/admin/sms/templates/${template.code}`, `template ${template.code}`, 'sms-template-error', renderAll)];
      return element(
        'tr',
        { 'data-sms-template': template.code },
        element('td', {}, element('code', {}, template.code)),
        element('td', {}, template.name),
        element('td', {}, template.content),
        element('td', { className: 'preview' }, template.preview),
        element('td', { className: 'edit' }, ...controls),
      );
    }),
  );
}

function fillTemplateForm(ui, template) {
  const { $ } = ui;
  $('sms-template-editor').open = template !== null;
  $('sms-template-editor-title').textContent = template ? `Edit template ${template.code}` : 'Add a template';
  $('sms-template-code').value = template?.code ?? '';
  $('sms-template-name').value = template?.name ?? '';
  $('sms-template-content').value = template?.content ?? '';
  $('sms-template-description').value = template?.description ?? '';
}
