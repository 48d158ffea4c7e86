import { describeLogEntry, type LogEntryCategory } from './describeLogEntry.js';
import { escapeXml } from './escapeXml.js';
import { formatDuration } from './formatDuration.js';
import type { SessionTimelineEntry } from './sessionTimelineEntry.js';
import { dottedStatePath } from './stateValuePaths.js';

export type { SessionTimelineEntry } from './sessionTimelineEntry.js';

const width = 900;
const headerHeight = 80;
const rowHeight = 38;
const bottomMargin = 12;
const offsetRight = 92;
const lineX = 108;
const textX = 126;
const stateX = 560;
/** Characters that fit: the detail line spans the row, the state column its right part. */
const maxDetailChars = 115;
const maxStateChars = 44;
const sans = 'Helvetica, Arial, sans-serif';
const mono = 'ui-monospace, Menlo, Consolas, monospace';

const categoryStyles: Record<LogEntryCategory, { color: string; legend: string }> = {
  start: { color: '#546e7a', legend: 'session opened' },
  client: { color: '#1e88e5', legend: 'client event' },
  result: { color: '#2e7d32', legend: 'result from the shell' },
  timer: { color: '#ef6c00', legend: 'timer' },
  effect: { color: '#8e24aa', legend: 'effect done' },
};

/** Colours of the states that end a session. */
const endStateColors: Record<string, string> = { verified: '#2e7d32', failed: '#c62828', expired: '#ef6c00' };

/**
 * A session's event log as a vertical timeline, one row per entry: the time since the first
 * entry, a marker by where the entry came from (client, results of the shell's work, timers,
 * effects), the event, its telling fields (phone numbers masked, secrets never shown, a
 * `[redacted]` value as `[redacted]`), and the state after it. A self-contained SVG, 900 px wide,
 * that can be served as a file or inlined in HTML (attributes only, no stylesheet).
 */
export function sessionTimelineSvg(entries: readonly SessionTimelineEntry[]): string {
  const height = headerHeight + Math.max(entries.length, 1) * rowHeight + bottomMargin;
  const first = entries[0];
  const last = entries[entries.length - 1];
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${sans}" role="img">`,
    `<title>Session timeline</title>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    text(16, 24, 'Session timeline', { size: 15, weight: 'bold', color: '#263238' }),
    text(16, 43, summary(entries, first, last), { size: 11, color: '#607d8b' }),
    ...legend(),
    text(offsetRight, headerHeight - 8, 'TIME', { size: 9, color: '#90a4ae', anchor: 'end' }),
    text(textX, headerHeight - 8, 'EVENT', { size: 9, color: '#90a4ae' }),
    text(stateX, headerHeight - 8, 'STATE AFTER', { size: 9, color: '#90a4ae' }),
    `<line x1="16" y1="${headerHeight - 3}" x2="${width - 16}" y2="${headerHeight - 3}" stroke="#eceff1" stroke-width="1"/>`,
  ];

  if (!first) {
    parts.push(text(textX, headerHeight + 22, 'No entries.', { size: 12, color: '#90a4ae' }));
  } else {
    const firstCenter = headerHeight + 13;
    const lastCenter = headerHeight + (entries.length - 1) * rowHeight + 13;
    for (let index = 1; index < entries.length; index += 2) {
      parts.push(`<rect x="8" y="${headerHeight + index * rowHeight}" width="${width - 16}" height="${rowHeight}" fill="#f7f9fa"/>`);
    }
    parts.push(`<line x1="${lineX}" y1="${firstCenter}" x2="${lineX}" y2="${lastCenter}" stroke="#cfd8dc" stroke-width="2"/>`);
    let previousState: string | undefined;
    entries.forEach((entry, index) => {
      const statePath = dottedStatePath(entry.state);
      parts.push(row(entry, index, entry.at - first.at, statePath, statePath === previousState));
      previousState = statePath;
    });
  }
  parts.push('</svg>');
  return parts.join('\n');
}

function row(entry: SessionTimelineEntry, index: number, offsetMs: number, statePath: string, stateUnchanged: boolean): string {
  const top = headerHeight + index * rowHeight;
  const { category, title, details } = describeLogEntry(entry);
  const { color } = categoryStyles[category];
  const detail = details.map(({ name, value }) => `${name}: ${value}`).join(' · ');
  const endColor = endStateColors[statePath.split('.')[0] ?? ''];
  const stateColor = stateUnchanged ? '#90a4ae' : (endColor ?? '#263238');
  const tooltip = [`#${entry.version} ${title}`, detail, `at ${isoTime(entry.at)}`, `state after: ${statePath || '?'}`].filter(Boolean).join('\n');
  return [
    `<g class="entry">`,
    `<title>${escapeXml(tooltip)}</title>`,
    text(offsetRight, top + 17, formatOffset(offsetMs), { size: 12, color: '#37474f', anchor: 'end', family: mono }),
    text(offsetRight, top + 31, `#${entry.version}`, { size: 9, color: '#90a4ae', anchor: 'end', family: mono }),
    marker(category, lineX, top + 13, color),
    text(textX, top + 17, title, { size: 12.5, weight: 'bold', color }),
    detail ? text(textX, top + 31, detailLine(details, maxDetailChars), { size: 11, color: '#546e7a' }) : '',
    text(stateX, top + 17, truncateStart(statePath || '?', maxStateChars), {
      size: 12,
      color: stateColor,
      family: mono,
      ...(endColor && !stateUnchanged ? { weight: 'bold' } : {}),
    }),
    `</g>`,
  ]
    .filter(Boolean)
    .join('');
}

/** A marker on the time line; shapes differ too, not only colours. */
function marker(category: LogEntryCategory, x: number, y: number, color: string): string {
  switch (category) {
    case 'client':
      return `<circle cx="${x}" cy="${y}" r="6" fill="${color}" stroke="#ffffff" stroke-width="1.5"/>`;
    case 'result':
      return `<path d="M ${x} ${y - 7} L ${x + 7} ${y} L ${x} ${y + 7} L ${x - 7} ${y} Z" fill="${color}" stroke="#ffffff" stroke-width="1.5"/>`;
    case 'timer':
      return `<circle cx="${x}" cy="${y}" r="6" fill="#ffffff" stroke="${color}" stroke-width="2.5"/><path d="M ${x} ${y - 3.5} L ${x} ${y} L ${x + 3} ${y}" fill="none" stroke="${color}" stroke-width="1.5"/>`;
    case 'effect':
      return `<path d="M ${x} ${y - 7} L ${x + 7} ${y + 5} L ${x - 7} ${y + 5} Z" fill="${color}" stroke="#ffffff" stroke-width="1.5"/>`;
    case 'start':
      return `<rect x="${x - 6}" y="${y - 6}" width="12" height="12" rx="2" fill="${color}" stroke="#ffffff" stroke-width="1.5"/>`;
  }
}

function legend(): string[] {
  const items: string[] = [];
  let x = width - 16;
  const entries = (Object.keys(categoryStyles) as LogEntryCategory[]).reverse();
  for (const category of entries) {
    const { color, legend: label } = categoryStyles[category];
    const labelWidth = label.length * 5.2;
    x -= labelWidth;
    items.push(text(x, 28, label, { size: 10, color: '#546e7a' }));
    items.push(marker(category, x - 12, 24.5, color));
    x -= 30;
  }
  return items;
}

function summary(entries: readonly SessionTimelineEntry[], first: SessionTimelineEntry | undefined, last: SessionTimelineEntry | undefined): string {
  if (!first || !last) return 'no entries';
  const count = `${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}`;
  return `started ${isoTime(first.at)} · ${count} · ${formatDuration(last.at - first.at)} from first to last`;
}

function formatOffset(ms: number): string {
  return ms < 0 ? `−${formatDuration(-ms)}` : `+${formatDuration(ms)}`;
}

function isoTime(at: number): string {
  const date = new Date(at);
  return Number.isNaN(date.getTime())
    ? String(at)
    : date
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d{3}Z$/, ' UTC');
}

/** Whole fields while they fit, then how many were left out: a value is never cut here (a `[redacted]` stays whole). */
function detailLine(details: readonly { name: string; value: string }[], max: number): string {
  const shown: string[] = [];
  let length = 0;
  for (const [index, { name, value }] of details.entries()) {
    const field = `${name}: ${value}`;
    const left = details.length - index - 1;
    const reserve = left > 0 ? ` · +${left} more`.length : 0;
    if (shown.length > 0 && length + 3 + field.length + reserve > max) {
      shown.push(`+${details.length - index} more`);
      break;
    }
    shown.push(field);
    length += (shown.length > 1 ? 3 : 0) + field.length;
  }
  return shown.join(' · ');
}

/** The end of a state path says most: `…numberAuth.awaitingToken`. */
function truncateStart(value: string, max: number): string {
  return value.length > max ? `…${value.slice(value.length - max + 1)}` : value;
}

interface TextStyle {
  size: number;
  color: string;
  weight?: 'bold';
  anchor?: 'start' | 'end';
  family?: string;
}

function text(x: number, y: number, content: string, style: TextStyle): string {
  const attributes = [
    `x="${x}"`,
    `y="${y}"`,
    `font-size="${style.size}"`,
    `fill="${style.color}"`,
    style.weight ? `font-weight="${style.weight}"` : '',
    style.anchor && style.anchor !== 'start' ? `text-anchor="${style.anchor}"` : '',
    style.family ? `font-family="${style.family}"` : '',
  ].filter(Boolean);
  return `<text ${attributes.join(' ')}>${escapeXml(content)}</text>`;
}
