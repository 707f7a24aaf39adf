// An old status blog's RSS or Atom feed, from a file or a URL, read into posts Herald can store: the
// feed parsed by @rowanmanning/feed-parser (lenient, as real blogs' feeds need), each item's HTML turned into
// plain text by html-to-text (paragraphs apart by a blank line, list items one a line), its categories
// into tags. Items that cannot be read are skipped with the reason, never dropped silently.

import fs from 'node:fs';
import path from 'node:path';
import { parseFeed } from '@rowanmanning/feed-parser';
import { compile } from 'html-to-text';
import type { BlogPost } from './group-posts.js';

type FeedItem = ReturnType<typeof parseFeed>['items'][number];

/** A feed larger than this is refused rather than read into memory: no status blog's comes near it. */
export const MAX_FEED_BYTES = 64 * 1024 * 1024;

export type Read<T> = { ok: true; value: T } | { ok: false; reason: string };

const fail = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

const isUrl = (source: string) => /^https?:\/\//i.test(source);

/**
 * The feed's text: a URL fetched (an answer other than 2xx, no answer within `timeoutMs`, or a body over
 * MAX_FEED_BYTES is refused), or a file read, relative to `cwd`.
 */
export async function loadFeedText(
  source: string,
  options: { cwd: string; timeoutMs: number },
): Promise<Read<string>> {
  if (isUrl(source)) return fetchFeed(source, options.timeoutMs);
  const file = path.resolve(options.cwd, source);
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat) return fail(`${source}: no such file (give a feed's file or its http(s):// address)`);
  if (!stat.isFile()) return fail(`${source} is not a file`);
  if (stat.size > MAX_FEED_BYTES) return fail(`${source} is larger than ${MAX_FEED_BYTES / 1024 / 1024} MiB`);
  return { ok: true, value: decode(fs.readFileSync(file), null) };
}

async function fetchFeed(url: string, timeoutMs: number): Promise<Read<string>> {
  let response: Response;
  try {
    response = await fetch(url, {
      signal: AbortSignal.timeout(timeoutMs),
      headers: { accept: 'application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5' },
    });
  } catch (error) {
    return fail(`${url}: ${fetchError(error, timeoutMs)}`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    return fail(`${url} answered ${response.status} ${response.statusText}`.trim());
  }
  try {
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of response.body ?? []) {
      size += chunk.byteLength;
      if (size > MAX_FEED_BYTES) {
        await response.body?.cancel();
        return fail(`${url}: the feed is larger than ${MAX_FEED_BYTES / 1024 / 1024} MiB`);
      }
      chunks.push(chunk);
    }
    return { ok: true, value: decode(Buffer.concat(chunks), response.headers.get('content-type')) };
  } catch (error) {
    return fail(`${url}: ${fetchError(error, timeoutMs)}`);
  }
}

function fetchError(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; cause?: { code?: string; message?: string }; message?: string };
  if (e.name === 'TimeoutError') return `no answer within ${timeoutMs} ms (HERALD_REQUEST_TIMEOUT_MS)`;
  return `could not be fetched (${e.cause?.code ?? e.cause?.message ?? e.message ?? String(error)})`;
}

/** Bytes as text, in the charset the HTTP header or the XML declaration names (UTF-8 by default). */
function decode(bytes: Buffer, contentType: string | null): string {
  const declared =
    /charset="?([\w-]+)/i.exec(contentType ?? '')?.[1] ??
    /^\s*<\?xml[^>]*encoding=["']([\w-]+)["']/i.exec(bytes.subarray(0, 200).toString('latin1'))?.[1];
  try {
    return new TextDecoder(declared ?? 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

export interface ReadFeed {
  title: string | null;
  /** Every item, in the feed's order. */
  itemCount: number;
  posts: BlogPost[];
  skipped: Array<{ position: number; name: string; reason: string }>;
}

// The root's closing tag, then at most comments and white space: a feed cut short in transfer lacks it.
const CLOSED = /<\/(?:[\w-]+:)?(?:rss|feed|rdf)\s*>(?:\s|<!--[\s\S]*?-->)*$/i;

/** The feed's posts, or why it is not a feed. `onItem` is told of each item read, and how many there are. */
export function readFeed(xml: string, onItem?: (done: number, total: number) => void): Read<ReadFeed> {
  let feed: ReturnType<typeof parseFeed>;
  try {
    feed = parseFeed(xml);
  } catch (error) {
    if ((error as { code?: string }).code === 'INVALID_FEED') return fail('it is not an RSS or Atom feed');
    // fast-xml-parser, underneath, gives up on some broken XML (an unclosed CDATA section, say).
    return fail(`it is not well-formed XML (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!CLOSED.test(xml)) {
    return fail(
      `the feed ends before its closing </${feed.meta.type === 'atom' ? 'feed' : 'rss'}>: it was cut short`,
    );
  }
  const toText = compile(HTML_TO_TEXT);
  const fallbackAuthor = feed.authors.find((a) => a.name)?.name ?? feed.title ?? 'imported';
  const posts: BlogPost[] = [];
  const skipped: ReadFeed['skipped'] = [];
  const seen = new Set<string>();
  feed.items.forEach((item, index) => {
    const position = index + 1;
    const read = readItem(item, toText, fallbackAuthor, position);
    if (!read.ok) {
      skipped.push({ position, name: itemName(item, position), reason: read.reason });
    } else if (seen.has(read.value.key)) {
      skipped.push({ position, name: itemName(item, position), reason: 'an earlier item has the same id' });
    } else {
      seen.add(read.value.key);
      posts.push(read.value);
    }
    onItem?.(position, feed.items.length);
  });
  return { ok: true, value: { title: feed.title, itemCount: feed.items.length, posts, skipped } };
}

function itemName(item: FeedItem, position: number): string {
  const title = item.title ? `"${oneLine(item.title)}"` : 'without a title';
  const id = item.id ?? item.url;
  return `item ${position} ${title}${id ? ` (${id})` : ''}`;
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

function readItem(
  item: FeedItem,
  toText: (html: string) => string,
  fallbackAuthor: string,
  position: number,
): Read<BlogPost> {
  const date = item.published ?? item.updated;
  if (!date) return fail('it has no date that can be read (pubDate, published or updated)');
  const text = itemText(item, toText);
  const title = item.title ? oneLine(item.title) : untitled(text);
  if (!title) return fail('it has neither a title nor any text');
  const publishedAt = date.getTime();
  return {
    ok: true,
    value: {
      key: item.id ?? item.url ?? `title+date:${new Date(publishedAt).toISOString()} ${title}`,
      title,
      text,
      tags: tagsOf(item.categories.map((c) => c.label ?? c.term)),
      author: item.authors.find((a) => a.name)?.name ?? fallbackAuthor,
      publishedAt,
      position,
    },
  };
}

/**
 * The item's body as plain text. Atom says whether its content is text, HTML or XHTML; RSS's is HTML. The
 * element's own text is read rather than feed-parser's `content` and `description`, which decode entities
 * a second time (rowanmanning/feed-parser#209): an escaped `&lt;senderdomain.local&gt;` in the old blog's
 * HTML would become a tag, and be lost in the conversion.
 */
function itemText(item: FeedItem, toText: (html: string) => string): string {
  const body = itemBody(item);
  const text = body === null ? '' : 'text' in body ? body.text : toText(body.html);
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function itemBody(item: FeedItem): { html: string } | { text: string } | null {
  const { element } = item;
  if (item.feed.meta.type !== 'atom') {
    const node =
      element.findElementsWithName('encoded').find((e) => e.namespace === 'content') ??
      element.findElementWithName('description');
    return node ? { html: node.textContent } : null;
  }
  const node = element.findElementWithName('content') ?? element.findElementWithName('summary');
  if (!node) return null;
  const type = (node.getAttribute('type') ?? 'text').toLowerCase();
  if (type === 'xhtml') return { html: node.findElementWithName('div')?.innerHtml ?? node.textContent };
  if (type === 'text' || type === 'text/plain') return { text: node.textContent };
  return { html: node.textContent };
}

/** An item without a title is named by its first line, as a reader would. */
function untitled(text: string): string {
  const first = text.split('\n')[0]?.trim() ?? '';
  return first.length > 80 ? `${first.slice(0, 79).trimEnd()}…` : first;
}

/** Herald's tags are lowercase words and hyphens: `Email delivery` → `email-delivery`. */
export function tagsOf(categories: readonly string[]): string[] {
  const tags = categories
    .map((c) =>
      c
        .normalize('NFKD')
        .replace(/[\u0300-\u036f]/g, '')
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, ''),
    )
    .filter(Boolean);
  return [...new Set(tags)];
}

/**
 * The old blog's HTML as Herald's plain text: paragraphs and blocks apart by a blank line, list items one
 * a line after a bullet, links as `text [address]`, images by their alternative text, no line wrapping.
 * Scripts, styles and embedded frames are dropped with what they hold.
 */
const HTML_TO_TEXT: Parameters<typeof compile>[0] = {
  wordwrap: false,
  formatters: {
    altText(elem, _walk, builder) {
      const alt = (elem as { attribs?: Record<string, string> }).attribs?.alt;
      if (alt) builder.addInline(alt);
    },
  },
  selectors: [
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    { selector: 'img', format: 'altText' },
    { selector: 'ul', options: { itemPrefix: '• ' } },
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({
      selector,
      options: { uppercase: false, leadingLineBreaks: 2, trailingLineBreaks: 2 },
    })),
    ...['script', 'style', 'noscript', 'template', 'iframe', 'object', 'embed', 'svg'].map((selector) => ({
      selector,
      format: 'skip',
    })),
  ],
};
