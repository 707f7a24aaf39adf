// A post as a social network shows it: plain text, title first, the permalink last, fitted to the network's
// limit by its own way of counting (twitter-text's weighted length, Mastodon's URLs-count-23, Bluesky's
// graphemes). People's words lose any bidirectional control (./bidi.ts). Pure.

import twitterText from 'twitter-text';
import type { DeliveryAction } from '../bot/types.js';
import { neutraliseBidi } from './bidi.js';
import type { RenderedPost } from './post.js';

export interface Measure {
  /** The network's length of `text` (which ends with the permalink). */
  length(text: string): number;
  max: number;
}

const ELLIPSIS = '…';
const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });
export const splitGraphemes = (text: string): string[] => [...graphemes.segment(text)].map((s) => s.segment);

/** Length in graphemes, as Bluesky counts. */
export const graphemeLength = (text: string): number => splitGraphemes(text).length;

/** X counts by twitter-text's weights: most characters 1, CJK and emoji 2, every URL 23. */
export const TWITTER_MEASURE: Measure = { length: (t) => twitterText.parseTweet(t).weightedLength, max: 280 };

/** Bluesky: 300 graphemes, URLs in full. */
export const BLUESKY_MEASURE: Measure = { length: graphemeLength, max: 300 };

/**
 * Mastodon: code points, every URL it would link counted as the instance says (23), up to the instance's
 * limit. Mastodon finds URLs as twitter-text does: only with a known top-level domain
 * (`https://status.example.com/` yes, `https://status.example/` no: that one counts in full).
 */
export function mastodonMeasure(max = 500, urlLength = 23): Measure {
  return {
    max,
    length(text) {
      const urls = twitterText.extractUrlsWithIndices(text, { extractUrlsWithoutProtocol: false });
      let length = 0;
      let last = 0;
      for (const { indices } of urls) {
        length += [...text.slice(last, indices[0])].length + urlLength;
        last = indices[1];
      }
      return length + [...text.slice(last)].length;
    },
  };
}

/**
 * A typed `@name` must not notify anyone: a word joiner after the `@` keeps the text as people read it but
 * stops every network from turning it into a mention.
 */
export const defuseMentions = (text: string): string => text.replace(/@(?=[\p{L}\p{N}_])/gu, '@\u2060');

/** The head of a message (its title, and for a correction or retraction what it is). */
export function headOf(post: RenderedPost, action: DeliveryAction): string {
  if (action === 'edit') return `Correction: ${post.title}`;
  if (action === 'retract') return `Retracted: ${post.title}`;
  return post.title;
}

/** The words of a message: the event time and the text, or a retraction's reason. */
export function bodyOf(post: RenderedPost, action: DeliveryAction): string {
  if (action === 'retract') return post.retracted?.reason ?? '';
  const event = post.eventTime ? `${post.eventTime}: ` : '';
  return `${event}${post.paragraphs.join('\n\n')}`;
}

/**
 * The promise of the next update, when the post is first published: a correction or a retraction, sent
 * later, does not repeat a promise that may no longer be the live one.
 */
export const promiseOf = (post: RenderedPost, action: DeliveryAction): string =>
  action === 'publish' && post.nextUpdate ? post.nextUpdate.text : '';

/** The longest prefix of `text`, cut at a word where there is one, that `fits` with an ellipsis after it. */
function cut(text: string, fits: (candidate: string) => boolean): string {
  const parts = splitGraphemes(text);
  let lo = 0;
  let hi = parts.length;
  const candidate = (n: number) => `${parts.slice(0, n).join('').trimEnd()}${ELLIPSIS}`;
  if (!fits(candidate(0))) return '';
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(candidate(mid))) lo = mid;
    else hi = mid - 1;
  }
  const kept = parts.slice(0, lo).join('');
  // Back off to the last space, unless that throws most of it away (one very long word).
  const space = kept.search(/\s\S*$/);
  const atWord = space > kept.length / 2 ? kept.slice(0, space) : kept;
  return `${atWord.trimEnd()}${ELLIPSIS}`;
}

/**
 * The text to send: `head`, the body, the promise of the next update, the permalink, each separated by a
 * blank line. When it is too long the body is cut at a word (then the head) with an ellipsis; the promise
 * and the permalink are kept whole.
 */
export function formatSocialText(post: RenderedPost, action: DeliveryAction, measure: Measure): string {
  const head = defuseMentions(neutraliseBidi(headOf(post, action)));
  const body = defuseMentions(neutraliseBidi(bodyOf(post, action)));
  const promise = promiseOf(post, action);
  const tail = post.permalink;
  const join = (h: string, b: string) => [h, b, promise, tail].filter(Boolean).join('\n\n');
  const fits = (text: string) => measure.length(text) <= measure.max;
  if (fits(join(head, body))) return join(head, body);
  const cutBody = cut(body, (b) => fits(join(head, b)));
  if (cutBody) return join(head, cutBody);
  const cutHead = cut(head, (h) => fits(join(h, '')));
  if (cutHead) return join(cutHead, '');
  return fits(join('', '')) ? join('', '') : tail;
}
