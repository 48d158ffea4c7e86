import { NumberflowClient, NumberflowError } from '/client/numberflow-client.js';
import '/demo/assets/altcha.js';
import { followChart } from './liveChart.js';
import { SimulatedPhone } from './phone.js';

/**
 * The demo app's H5 page: its backend mints an auth token (the access key stays on the server),
 * the TypeScript client opens a session and follows `nextAction`, one screen per action, and the
 * backend redeems the verify token for the number at the end.
 */

// ALTCHA's widget without inline workers (strict CSP): its SHA worker comes from this server too.
globalThis.$altcha.algorithms.set('SHA-256', () => new Worker('/demo/assets/altcha-sha-worker.js'));

const $ = (id) => document.getElementById(id);
const scenesWithBoundNumber = new Set(['100002', '100003', '100005']);
const schemeCode = new URLSearchParams(location.search).get('scheme') ?? undefined;
let stopChart = () => {};
let stopInbox = () => {};

function show(view) {
  for (const element of document.querySelectorAll('.view')) element.hidden = element.id !== `view-${view}`;
}

/** Resolves with the id of the first of `ids` clicked (or submitted, for a form), once. */
function firstAction(...ids) {
  return new Promise((resolve) => {
    const controller = new AbortController();
    const done = (id) => (event) => {
      event.preventDefault();
      controller.abort();
      resolve(id);
    };
    for (const id of ids) {
      const element = $(id);
      element.addEventListener(element.tagName === 'FORM' ? 'submit' : 'click', done(id), { signal: controller.signal });
    }
  });
}

function settingsOf() {
  return {
    sceneCode: $('scene').value,
    number: $('sim-number').value.trim(),
    carrier: $('carrier').value,
    network: $('network-wifi').checked ? 'wifi' : 'cellular',
    carrierOutcome: $('carrier-outcome').value,
    risky: $('device').value === 'risky',
    boundNumber: $('bound-number').value.trim(),
  };
}

async function backend(path, body) {
  const response = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const answer = await response.json();
  if (!response.ok) throw new Error(answer.error?.message ?? `the demo backend answered ${response.status}`);
  return answer;
}

/** One screen per `nextAction`; each ends with one call on the session. */
function handlersFor(phone) {
  return {
    async numberAuth(_action, session) {
      $('one-click-note').textContent = phone.onCellular
        ? `The carrier (${$('carrier').selectedOptions[0].textContent}) can tell this phone's number over mobile data.`
        : 'This phone is on Wi-Fi: one-click logon needs mobile data.';
      $('one-click').disabled = !phone.onCellular;
      show('numberAuth');
      if ((await firstAction('one-click', 'use-sms')) === 'use-sms') return void (await session.switchToSms());
      show('wait');
      await session.numberAuthToken(await phone.carrierToken());
    },
    async middleDigits(action, session) {
      $('masked-number').textContent = action.maskedPhoneNumber;
      $('middle-digits-tries').textContent = `${action.triesLeft} ${action.triesLeft === 1 ? 'try' : 'tries'} left`;
      $('middle-digits').value = '';
      show('middleDigits');
      await firstAction('view-middleDigits');
      show('wait');
      await session.middleDigits($('middle-digits').value.trim());
    },
    async enterPhone(_action, session) {
      show('enterPhone');
      await firstAction('view-enterPhone');
      show('wait');
      await phone.watch($('phone-number').value.trim());
      await session.phoneNumber($('phone-number').value.trim());
    },
    async smsCode(action, session) {
      $('sms-number').textContent = action.phoneNumber;
      $('sms-result').textContent = action.lastResult ? `That code was not accepted (${action.lastResult}).` : '';
      $('sms-code').value = '';
      const resendAt = action.resendAvailableAt ? Date.parse(action.resendAvailableAt) : Infinity;
      $('resend').disabled = resendAt > Date.now();
      const enableResend = Number.isFinite(resendAt) ? setTimeout(() => ($('resend').disabled = false), Math.max(0, resendAt - Date.now())) : undefined;
      show('smsCode');
      const chosen = await firstAction('view-smsCode', 'resend');
      clearTimeout(enableResend);
      show('wait');
      if (chosen === 'resend') await session.resendSms();
      else await session.smsCode($('sms-code').value.trim());
    },
    async uplinkSms(action, session) {
      $('uplink-instructions').textContent =
        `Send the code below from this phone (${phone.number}) to ${action.receivingNumber}. It proves the number is yours.`;
      $('uplink-to').textContent = action.receivingNumber;
      $('uplink-text').textContent = action.code;
      show('uplinkSms');
      await firstAction('uplink-send');
      show('wait');
      // Said first, then sent: the session waits for the message the phone is about to send.
      await session.uplinkSmsSent();
      await phone.sendSms(action.receivingNumber, action.code);
    },
    async captcha(action, session) {
      const widget = document.createElement('altcha-widget');
      widget.setAttribute('challenge', JSON.stringify(action.challenge));
      widget.setAttribute('auto', 'off');
      widget.setAttribute('workers', '1');
      const solved = new Promise((resolve) => widget.addEventListener('verified', (event) => resolve(event.detail.payload), { once: true }));
      $('captcha-widget').replaceChildren(widget);
      show('captcha');
      const payload = await solved;
      show('wait');
      await session.captchaSolution(payload);
    },
  };
}

function notify(message) {
  $('notification-from').textContent = new Date(message.sentAt).toLocaleTimeString();
  $('notification-text').textContent = message.text;
  $('notification').hidden = false;
}

async function run(settings) {
  $('error').textContent = '';
  const phone = new SimulatedPhone(settings);
  $('status-carrier').textContent = $('carrier').selectedOptions[0].textContent;
  $('status-network').textContent = phone.onCellular ? '5G' : 'Wi-Fi';
  stopInbox = await phone.watchInbox(notify);
  if (scenesWithBoundNumber.has(settings.sceneCode)) await phone.watch(settings.boundNumber);
  show('wait');
  const { authToken } = await backend('/demo/api/auth-token', {
    ...(schemeCode ? { schemeCode } : {}),
    ...(scenesWithBoundNumber.has(settings.sceneCode) ? { phoneNumber: settings.boundNumber } : {}),
  });
  const client = new NumberflowClient({ authToken });
  const device = { platform: 'H5', cellularAvailable: phone.onCellular, ...(settings.risky ? { emulator: true, hooked: true } : {}) };
  const session = await client.openSession(settings.sceneCode, device);
  stopChart = followChart(session.id, authToken, { chart: $('chart'), state: $('chart-state'), meta: $('chart-meta') });
  const final = await session.follow(handlersFor(phone));
  $('result-title').textContent = final.status === 'verified' ? 'Logged in' : `Not logged in (${final.status})`;
  if (final.status === 'verified') {
    const verified = await backend('/demo/api/verify', { verifyToken: final.verifyToken });
    $('result').textContent = `The app's backend learned ${verified.phoneNumber} (by ${verified.method}, scene ${verified.sceneCode}).`;
  } else {
    $('result').textContent = final.failureReason ? `Reason: ${final.failureReason}.` : '';
  }
  show('done');
}

$('notification').addEventListener('click', () => {
  const code = /\b(\d{4,8})\b/.exec($('notification-text').textContent)?.[1];
  if (code && !$('view-smsCode').hidden) $('sms-code').value = code;
  $('notification').hidden = true;
});

$('scene').addEventListener('change', () => {
  $('bound-number-label').hidden = !scenesWithBoundNumber.has($('scene').value);
});
$('bound-number-label').hidden = !scenesWithBoundNumber.has($('scene').value);

$('view-setup').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    await run(settingsOf());
  } catch (error) {
    $('error').textContent = error instanceof NumberflowError ? `${error.code}: ${error.message}` : error.message;
    show('setup');
  } finally {
    stopInbox();
  }
});

$('again').addEventListener('click', () => {
  stopChart();
  $('notification').hidden = true;
  show('setup');
});
