// Text between Herald and Slack. Slack encodes `&`, `<` and `>` in what people type, marks mentions and
// links up as `<…>`, and reads the same syntax in what apps send. Coming in, the markup goes back to the
// words people typed (so the site and the feeds get plain text); going out, every user's word is escaped
// and a broadcast (`@channel`, `@here`, `@everyone`) is broken, so that no status post can ping a channel.

import { neutraliseBidi } from '../bidi.js';

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>' };
const BROADCASTS = new Set(['here', 'channel', 'everyone']);
/** U+2060 WORD JOINER: invisible, and keeps `@here` from being read as a broadcast. */
const WORD_JOINER = '\u2060';

/** `<…>` markup as the words it stands for: `<!here>` → `@here`, `<@U1|ann>` → `@ann`, a link → its URL. */
function plainOf(inner: string): string {
  const bar = inner.indexOf('|');
  const target = bar < 0 ? inner : inner.slice(0, bar);
  const label = bar < 0 ? '' : inner.slice(bar + 1);
  if (target.startsWith('!')) {
    const word = target.slice(1).split('^')[0] ?? '';
    if (BROADCASTS.has(word)) return `@${word}`;
    if (word === 'subteam') return label ? `@${label.replace(/^@/, '')}` : '@group';
    return label || word;
  }
  if (target.startsWith('@') || target.startsWith('#')) {
    return label ? `${target[0]}${label.replace(/^[@#]/, '')}` : target;
  }
  const bare = (u: string) => u.replace(/^(?:https?:\/\/|mailto:)/, '').replace(/\/$/, '');
  const url = target.replace(/^mailto:/, '');
  return !label || bare(label) === bare(target) ? url : `${label} (${url})`;
}

/** A slash command's text (or any text from Slack) as the person typed it. */
export function fromSlackText(text: string): string {
  return text
    .replace(/<([^<>]*)>/g, (_match, inner: string) => plainOf(inner))
    .replace(/&(?:amp|lt|gt);/g, (entity) => ENTITIES[entity] ?? entity);
}

/** `&`, `<` and `>` as Slack wants them in mrkdwn, so that no typed text can become markup. */
export const escapeMrkdwn = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** `@channel`, `@here`, `@everyone` with a word joiner after the `@`: read the same, ping nobody. */
export const breakBroadcasts = (text: string): string =>
  text.replace(/(?<![\p{L}\p{N}_.])@(?=(?:channel|here|everyone)(?![\p{L}\p{N}_]))/giu, `@${WORD_JOINER}`);

/** User text for a mrkdwn field: escaped, no broadcast, no bidirectional control (../bidi.ts). */
export const mrkdwn = (text: string): string => breakBroadcasts(escapeMrkdwn(neutraliseBidi(text)));

/** User text for a plain_text field (not parsed for markup, but still no broadcast nor bidi control). */
export const plain = (text: string): string => breakBroadcasts(neutraliseBidi(text));

/** A link in mrkdwn: `<url|label>`, both escaped (a `|` or `>` in the label cannot end it early). */
export const link = (url: string, label: string): string =>
  `<${escapeMrkdwn(url)}|${mrkdwn(label).replace(/\|/g, '\u2223')}>`;

/** Each line of escaped mrkdwn quoted (`>` at the start of a line is Slack's quote). */
export const quote = (escaped: string): string =>
  escaped
    .split('\n')
    .map((line) => `>${line}`)
    .join('\n');

/** At most `max` characters (UTF-16 units, as Slack counts), cut with an ellipsis. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1);
  // Never leave half an escape (`&am`) or half a surrogate pair at the end.
  cut = cut.replace(/&[a-z]{0,4}$/, '').replace(/[\uD800-\uDBFF]$/, '');
  return `${cut}…`;
}

/**
 * Escaped mrkdwn in pieces of at most `max` characters (a section's text may hold 3000), cut at a line
 * break, else a space, else anywhere but inside an escape.
 */
export function chunk(escaped: string, max = 3000): string[] {
  const pieces: string[] = [];
  let rest = escaped;
  while (rest.length > max) {
    const window = rest.slice(0, max);
    let at = window.lastIndexOf('\n');
    if (at < max / 2) at = window.lastIndexOf(' ');
    if (at < max / 2) {
      at = max;
      const amp = window.lastIndexOf('&');
      if (amp > max - 6 && !window.slice(amp).includes(';')) at = amp;
    }
    pieces.push(rest.slice(0, at));
    rest = rest.slice(at).replace(/^[\n ]/, '');
  }
  if (rest) pieces.push(rest);
  return pieces;
}
