// A published post as the Discord announcement channel shows it (the `discord` outlet), also shown in the
// preview, and the name of an incident's thread. Pure.

import type { DeliveryAction } from '../../bot/types.js';
import { neutraliseBidi } from '../bidi.js';
import type { RenderedPost } from '../post.js';
import { bodyOf, headOf, promiseOf, splitGraphemes } from '../social.js';
import { CONTENT_MAX, clip, escapeText } from './text.js';

const ELLIPSIS = '…';

/**
 * A post as the announcement channel shows it: the title in bold, the text, the permalink (in `<>`, so
 * Discord shows no preview card of the site under every update). People's words are escaped; mentions are
 * left as typed and silenced by `allowed_mentions`. At most 2000 characters: the text is cut with an
 * ellipsis, never the link.
 */
export function formatAnnouncement(post: RenderedPost, action: DeliveryAction): string {
  const head = `**${escapeText(clip(headOf(post, action), 300))}**`;
  // The promise of the next update is kept whole, like the link.
  const promise = promiseOf(post, action);
  const tail = `${promise ? `**${escapeText(promise)}**\n\n` : ''}<${post.permalink}>`;
  const body = bodyOf(post, action);
  const join = (b: string) => [head, b, tail].filter(Boolean).join('\n\n');
  const full = join(escapeText(body));
  if (full.length <= CONTENT_MAX) return full;
  const chars = splitGraphemes(body);
  let lo = 0;
  let hi = chars.length;
  const fits = (n: number) =>
    join(`${escapeText(chars.slice(0, n).join('').trimEnd())}${ELLIPSIS}`).length <= CONTENT_MAX;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  return join(`${escapeText(chars.slice(0, lo).join('').trimEnd())}${ELLIPSIS}`);
}

/** A thread's name: the incident's title, as Discord allows (1–100 characters). */
export function threadName(post: RenderedPost): string {
  return clip(neutraliseBidi(`#${post.incident.id} ${post.incident.title}`).replace(/\s+/g, ' ').trim(), 100);
}
