import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sessionTimelineSvg, type SessionTimelineEntry } from '../../visualizations/index.js';
import { smsFallbackLog, start, timeoutLog } from './timelineEntries.js';
import { svgTexts, xmlProblem } from './xmlWellFormed.js';

const outputDir = await mkdtemp(path.join(tmpdir(), 'numberflow-timelines-'));
afterAll(() => rm(outputDir, { recursive: true, force: true }));

/** The visible text of each row of a timeline, in order (tooltips left out). */
function rows(svg: string): string[][] {
  return svg
    .split('<g class="entry">')
    .slice(1)
    .map((row) => svgTexts(row.slice(0, row.indexOf('</g>'))));
}

describe('sessionTimelineSvg', () => {
  const svg = sessionTimelineSvg(smsFallbackLog);

  it('is one well-formed SVG element with one row per log entry', async () => {
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.endsWith('</svg>')).toBe(true);
    expect(xmlProblem(svg)).toBeUndefined();
    expect(rows(svg)).toHaveLength(smsFallbackLog.length);
    expect(rows(sessionTimelineSvg(timeoutLog))).toHaveLength(timeoutLog.length);
    const height = Number(/height="(\d+)"/.exec(svg)![1]);
    expect(height).toBeGreaterThan(Number(/height="(\d+)"/.exec(sessionTimelineSvg(timeoutLog))![1]));
    expect(svg).toContain('width="900"');

    const file = path.join(outputDir, 'timeline.svg');
    await writeFile(file, svg);
    expect(xmlProblem(await readFile(file, 'utf8'))).toBeUndefined();
  });

  it('shows per row the version, the time since the first entry, the event and the state after it as a dotted path', () => {
    const shown = rows(svg);
    expect(shown.map((texts) => texts.slice(0, 3))).toEqual([
      ['+0 s', '#1', 'session opened'],
      ['+350 ms', '#2', 'ENDPOINT_RISK_RESULT'],
      ['+1.2 s', '#3', 'NUMBER_AUTH_TOKEN'],
      ['+2 s', '#4', 'CARRIER_RESULT'],
      ['+9 s', '#5', 'PHONE_NUMBER'],
      ['+9.3 s', '#6', 'PHONE_RISK_RESULT'],
      ['+10.1 s', '#7', 'SMS_SENT'],
      ['+40 s', '#8', 'SMS_CODE'],
      ['+1 min 5 s', '#9', 'SMS_CODE'],
      ['+1 min 5 s', '#10', 'VERIFY_TOKEN_ISSUED'],
      ['+1 min 6 s', '#11', 'effect: notifyApp'],
    ]);
    expect(shown.map((texts) => texts.at(-1))).toEqual([
      'endpointRisk',
      'proveNumber.numberAuth.awaitingToken',
      'proveNumber.numberAuth.exchanging',
      'proveNumber.enterPhone',
      'proveNumber.phoneRisk',
      'proveNumber.sms.sending',
      'proveNumber.sms.awaitingCode',
      'proveNumber.sms.awaitingCode',
      'issuingVerifyToken',
      'verified',
      'verified',
    ]);
    expect(svgTexts(svg)).toContain('started 2025-01-15 09:30:00 UTC · 11 entries · 1 min 6 s from first to last');
  });

  it('gives the telling fields of results, timers as "timer: <delay>", and markers by where an entry came from', () => {
    const shown = rows(svg);
    expect(shown[3]).toContain('outcome: error · providerCode: isv.<carrier> & "down"');
    expect(shown[6]).toContain('suppressed: deny list · bizId: biz-42');
    expect(shown[7]).toContain('result: WRONG · code: [redacted]');
    expect(shown[1]).toContain('score: 12 · ruleHit: no · reasons: new device');
    const timeouts = rows(sessionTimelineSvg(timeoutLog));
    expect(timeouts.map((texts) => texts[2])).toEqual(['session opened', 'timer: numberAuthFallback', 'timer: sessionTtl']);
    // Client events are blue circles, shell results green diamonds, timers hollow circles.
    const rowMarkup = svg.split('<g class="entry">').slice(1);
    expect(rowMarkup[2]).toMatch(/<circle [^>]*fill="#1e88e5"/);
    expect(rowMarkup[3]).toMatch(/<path d="M [^"]*Z" fill="#2e7d32"/);
    expect(sessionTimelineSvg(timeoutLog).split('<g class="entry">')[2]).toMatch(/<circle [^>]*fill="#ffffff" stroke="#ef6c00"/);
  });

  it('escapes text from the payload for XML', () => {
    expect(svg).toContain('isv.&lt;carrier&gt; &amp; &quot;down&quot;');
    expect(svg).not.toContain('<carrier>');
    const hostile: SessionTimelineEntry[] = [
      { version: 1, at: start, kind: 'event', payload: { type: '</text><script>&x', note: '<&>' }, state: { '<a>': '&b"' } },
    ];
    const hostileSvg = sessionTimelineSvg(hostile);
    expect(xmlProblem(hostileSvg)).toBeUndefined();
    expect(hostileSvg).not.toContain('<script');
    expect(rows(hostileSvg)[0]).toEqual(['+0 s', '#1', '</text><script>&x', 'note: <&>', '<a>.&b"']);
  });

  it('shows a redacted value as [redacted], never as anything else', () => {
    const shown = rows(svg).flat();
    expect(shown).toContain('accessToken: [redacted]');
    expect(shown).toContain('verifyToken: [redacted]');
    expect(shown.filter((text) => text.includes('code: [redacted]'))).toHaveLength(2);

    const redacted: SessionTimelineEntry[] = [
      // A phone number redacted by the log is not masked into something else.
      { version: 1, at: start, kind: 'event', payload: { type: 'PHONE_NUMBER', phoneNumber: '[redacted]' }, state: 'x' },
      // A long line is shortened by whole fields: a [redacted] is never cut.
      {
        version: 2,
        at: start + 1,
        kind: 'event',
        payload: { type: 'SOMETHING_NEW', a: 'x'.repeat(50), b: 'y'.repeat(50), token: '[redacted]', c: 'z'.repeat(50) },
        state: 'x',
      },
      {
        version: 3,
        at: start + 2,
        kind: 'event',
        payload: { type: 'SOMETHING_NEW', ...Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`secret${i}`, '[redacted]'])) },
        state: 'x',
      },
    ];
    const redactedSvg = sessionTimelineSvg(redacted);
    const texts = rows(redactedSvg).flat();
    expect(texts).toContain('phoneNumber: [redacted]');
    for (const text of svgTexts(redactedSvg)) {
      for (let i = text.indexOf('[re'); i >= 0; i = text.indexOf('[re', i + 1)) expect(text.slice(i, i + 10)).toBe('[redacted]');
      expect(text).not.toMatch(/\*cted|redac…|\[red…/);
    }
    expect(rows(redactedSvg)[2]!.join(' ')).toMatch(/\+\d+ more/);
  });

  it('masks phone numbers and never shows a secret the log kept', () => {
    const leaky: SessionTimelineEntry[] = [
      ...smsFallbackLog,
      { version: 12, at: start + 70_000, kind: 'event', payload: { type: 'SMS_CODE', result: 'PASS', code: '482913' }, state: 'verified' },
      {
        version: 13,
        at: start + 71_000,
        kind: 'event',
        payload: { type: 'UPLINK_SMS_READY', code: 'UP7731', receivingNumber: '1069000000001', expiresAt: 1 },
        state: 'verified',
      },
      { version: 14, at: start + 72_000, kind: 'event', payload: { type: 'UPLINK_SMS_RECEIVED', from: '13700002222', text: 'UP7731' }, state: 'verified' },
    ];
    const leakySvg = sessionTimelineSvg(leaky);
    expect(leakySvg).toContain('138****5678');
    expect(leakySvg).not.toContain('13812345678');
    expect(leakySvg).not.toContain('482913');
    expect(leakySvg).not.toContain('UP7731');
    expect(leakySvg).not.toContain('13700002222');
    expect(leakySvg).toContain('137****2222');
  });

  it('draws an empty log as a picture that says so', () => {
    const empty = sessionTimelineSvg([]);
    expect(xmlProblem(empty)).toBeUndefined();
    expect(rows(empty)).toEqual([]);
    expect(svgTexts(empty)).toContain('No entries.');
  });
});
