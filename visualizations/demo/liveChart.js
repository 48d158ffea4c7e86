/**
 * The chart beside the phone: the session's state chart (its scheme's policy, the current state
 * highlighted), redrawn whenever the session's live stream (Server-Sent Events, read with fetch so
 * the auth token goes in a header) says it moved.
 */
export function followChart(sessionId, authToken, elements) {
  const controller = new AbortController();
  const headers = { authorization: `Bearer ${authToken}` };
  const base = `/demo/api/sessions/${encodeURIComponent(sessionId)}`;
  let drawn = -1;

  const draw = async (view) => {
    elements.state.textContent = view.state;
    elements.meta.textContent = `session ${view.id} · scheme ${view.schemeCode} · scene ${view.sceneCode} · ${view.status} · step ${view.version}`;
    if (view.version <= drawn) return;
    drawn = view.version;
    const response = await fetch(`${base}/chart`, { headers, signal: controller.signal });
    if (response.ok && view.version >= drawn) {
      elements.chart.innerHTML = await response.text();
      elements.chart.dataset.version = String(view.version);
      elements.chart.dataset.state = view.state;
    }
  };

  (async () => {
    const response = await fetch(`${base}/live`, { headers, signal: controller.signal });
    const lines = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let pending = '';
    for (;;) {
      const { value, done } = await lines.read();
      if (done) return;
      pending += value;
      const messages = pending.split('\n\n');
      pending = messages.pop() ?? '';
      for (const message of messages) {
        const event = /^event: (.*)$/m.exec(message)?.[1];
        const data = /^data: (.*)$/m.exec(message)?.[1];
        if (event === 'session' && data) await draw(JSON.parse(data));
      }
    }
  })().catch((error) => {
    if (!controller.signal.aborted) elements.meta.textContent = `live chart stopped: ${error.message}`;
  });

  return () => controller.abort();
}
