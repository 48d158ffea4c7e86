// SMS signatures and templates in the console: the operator API `/v1/admin/sms/…`; editors change
// them, viewers read. The complimentary ones are listed but cannot be edited or deleted.

/** The SMS page; returns the function that stops it (it polls nothing). */
export async function smsView(ui) {
  const { $ } = ui;
  ui.show('sms-view');
  $('sms-error').textContent = '';

  const render = () => Promise.all([renderSignatures(ui, render), renderTemplates(ui, render)]);
  $('sms-signature-form').onsubmit = (event) =>
    saved(ui, event, async () => {
      const body = { name: $('sms-signature-name').value.trim() };
      if ($('sms-signature-description').value.trim()) body.description = $('sms-signature-description').value.trim();
      await ui.json('/v1/admin/sms/signatures', { method: 'POST', body: JSON.stringify(body) });
      $('sms-signature-form').reset();
      await render();
    });
  $('sms-template-form').onsubmit = (event) =>
    saved(ui, event, async () => {
      const code = $('sms-template-code').value;
      const body = { name: $('sms-template-name').value.trim(), content: $('sms-template-content').value.trim() };
      if ($('sms-template-description').value.trim()) body.description = $('sms-template-description').value.trim();
      await ui.json(code ? `/v1/admin/sms/templates/${code}` : '/v1/admin/sms/templates', { method: code ? 'PUT' : 'POST', body: JSON.stringify(body) });
      fillTemplateForm(ui, null);
      await render();
    });
  fillTemplateForm(ui, null);
  await render();
  return () => {};
}

/** Runs a change of the page, showing the API's refusal (a 4xx) instead of a page error. */
async function saved(ui, event, change) {
  event?.preventDefault();
  try {
    await change();
    ui.$('sms-error').textContent = '';
  } catch (error) {
    if (error instanceof ui.Unauthorized) return ui.signOut();
    ui.$('sms-error').textContent = error.message;
  }
}

async function renderSignatures(ui, render) {
  const { $, element } = ui;
  const { signatures } = await ui.json('/v1/admin/sms/signatures');
  $('sms-signatures-table').tBodies[0].replaceChildren(
    ...signatures.map((signature) => {
      const actions = element('td', { className: 'edit' });
      if (!signature.complimentary) {
        const remove = element('button', { type: 'button' }, 'Delete');
        remove.onclick = () =>
          confirm(`Delete the signature ${signature.name}?`) &&
          saved(ui, null, async () => {
            await ui.api(`/v1/admin/sms/signatures/${encodeURIComponent(signature.name)}`, { method: 'DELETE' });
            await render();
          });
        actions.append(remove);
      }
      return element(
        'tr',
        { 'data-sms-signature': signature.name },
        element('td', {}, signature.name),
        element('td', {}, signature.description ?? ''),
        element('td', {}, signature.complimentary ? 'complimentary' : 'own'),
        actions,
      );
    }),
  );
}

async function renderTemplates(ui, render) {
  const { $, element } = ui;
  const { templates } = await ui.json('/v1/admin/sms/templates');
  $('sms-templates-table').tBodies[0].replaceChildren(
    ...templates.map((template) => {
      const actions = element('td', { className: 'edit' });
      if (!template.complimentary) {
        const edit = element('button', { type: 'button' }, 'Edit');
        edit.onclick = () => fillTemplateForm(ui, template);
        const remove = element('button', { type: 'button' }, 'Delete');
        remove.onclick = () =>
          confirm(`Delete the template ${template.code}?`) &&
          saved(ui, null, async () => {
            await ui.api(`/v1/admin/sms/templates/${template.code}`, { method: 'DELETE' });
            await render();
          });
        actions.append(edit, ' ', remove);
      }
      return element(
        'tr',
        { 'data-sms-template': template.code },
        element('td', {}, element('code', {}, template.code), template.complimentary ? ' (complimentary)' : ''),
        element('td', {}, template.name),
        element('td', {}, template.content),
        element('td', { className: 'preview' }, template.preview),
        actions,
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
