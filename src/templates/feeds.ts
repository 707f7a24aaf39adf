// RSS 2.0, Atom 1.0 and JSON Feed 1.1 from the neutral posts. Pure: the site and the instant are passed in.
//
// The XML comes from the `feed` library (through xml-js), whose escaping has three gaps we work around here:
// - titles, summaries and content go out as CDATA, and Atom marks them `type="html"`, so readers treat them as
//   HTML: we hand over HTML-escaped text, which also means `]]>` can never reach a CDATA section (xml-js splits
//   only the first `]]>` of a section, so a second one would end it early and break the document);
// - text nodes are "desanitized" first (`&amp;` → `&`), which would turn a literal `&amp;` into `&`;
// - attribute values get only `"` escaped, so a `<` there would be malformed XML.
// feed 6 writes JSON Feed version 1 only; version 1.1 differs in most item fields, so it is built here.

import { type Category, Feed, type Item } from 'feed';
import type { SiteConfig } from '../config.js';
import { escapeHtml } from './html/escape.js';
import type { RenderedPost, RenderedText } from './post.js';
import { publicSignature } from './site-view.js';
import { formatIsoUtc } from './time.js';

export interface RenderedFeeds {
  rss: string;
  atom: string;
  json: string;
}

export const FEED_FILES = { rss: 'rss.xml', atom: 'atom.xml', json: 'feed.json' } as const;

const GENERATOR = 'Herald';

// Characters XML 1.0 forbids: C0 controls other than tab, newline and carriage return, lone surrogates, and
// U+FFFE/U+FFFF. With the `u` flag a surrogate range matches only unpaired halves.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching the forbidden controls is the point
const XML_ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/gu;

/** Drops the characters XML 1.0 does not allow, which no escape can carry. */
export function stripInvalidXml(text: string): string {
  return text.replace(XML_ILLEGAL, '');
}

/** For xml-js text nodes, which turn every `&amp;` back into `&` before escaping. */
const protectAmp = (text: string): string => text.replace(/&amp;/g, '&amp;amp;');

/** One post as every format sees it: plain text and HTML side by side. */
interface Entry {
  post: RenderedPost;
  /** Plain text, with the retraction and correction marks. */
  title: string;
  html: string;
  text: string;
  /** The first paragraph, plain text. */
  summary: string;
  /** The last correction or the retraction, if any: the time the entry last changed. */
  modifiedAt: number | null;
}

function entryTitle(post: RenderedPost): string {
  const retracted = post.retracted ? 'Retracted: ' : '';
  const corrected = post.corrections.length ? ' (corrected)' : '';
  return `${retracted}${post.title}${corrected}`;
}

function correctionNote(post: RenderedPost): string {
  return `Corrected ${post.corrections.map((c) => c.stamp).join('; ')}.`;
}

function retractionNote(retracted: NonNullable<RenderedPost['retracted']>): string {
  return `Retracted ${retracted.stamp}${retracted.reason ? `: ${retracted.reason}` : '.'}`;
}

const paragraphsHtml = (t: RenderedText): string[] => t.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`);

function entryHtml(post: RenderedPost): string {
  const parts: string[] = [];
  if (post.eventTime) parts.push(`<p><strong>Event time:</strong> ${escapeHtml(post.eventTime)}</p>`);
  if (post.retracted) parts.push(`<p><strong>${escapeHtml(retractionNote(post.retracted))}</strong></p>`);
  parts.push(...paragraphsHtml(post));
  if (post.nextUpdate) parts.push(`<p><strong>${escapeHtml(post.nextUpdate.text)}</strong></p>`);
  if (post.corrections.length) {
    parts.push(`<p><em>${escapeHtml(correctionNote(post))}</em></p>`);
    if (post.original) {
      parts.push(
        '<p>As first published:</p>',
        `<blockquote>${paragraphsHtml(post.original).join('')}</blockquote>`,
      );
    }
  }
  return parts.join('\n');
}

function entryText(post: RenderedPost): string {
  const parts: string[] = [];
  if (post.eventTime) parts.push(`Event time: ${post.eventTime}`);
  if (post.retracted) parts.push(retractionNote(post.retracted));
  parts.push(...post.paragraphs);
  if (post.nextUpdate) parts.push(post.nextUpdate.text);
  if (post.corrections.length) {
    parts.push(correctionNote(post));
    if (post.original) parts.push('As first published:', ...post.original.paragraphs.map((p) => `> ${p}`));
  }
  return parts.join('\n\n');
}

function toEntry(post: RenderedPost): Entry {
  const changes = [...post.corrections.map((c) => c.at), ...(post.retracted ? [post.retracted.at] : [])];
  return {
    post,
    title: entryTitle(post),
    html: entryHtml(post),
    text: entryText(post),
    summary: post.paragraphs[0] ?? '',
    modifiedAt: changes.length ? Math.max(...changes) : null,
  };
}

const feedUrl = (site: SiteConfig, file: string): string => new URL(file, site.baseUrl).href;

/** The feed's `updated`: the latest publication or change among the entries; `now` when there are none. */
function feedUpdated(entries: readonly Entry[], now: number): number {
  return entries.length ? Math.max(...entries.map((e) => e.modifiedAt ?? e.post.publishedAt)) : now;
}

function xmlFeed(entries: readonly Entry[], site: SiteConfig, now: number, format: 'rss' | 'atom'): string {
  const signature = publicSignature(site);
  const feed = new Feed({
    title: protectAmp(site.title),
    id: site.baseUrl,
    link: site.baseUrl,
    description: site.description ? protectAmp(site.description) : undefined,
    updated: new Date(feedUpdated(entries, now)),
    generator: GENERATOR,
    // Atom wants an author for the feed unless every entry has one.
    author: { name: protectAmp(site.title) },
    feedLinks: {
      rss: feedUrl(site, FEED_FILES.rss),
      atom: feedUrl(site, FEED_FILES.atom),
      json: feedUrl(site, FEED_FILES.json),
    },
  });
  for (const e of entries) {
    // RSS writes a category's name as text; Atom writes its term as an attribute, where `&` is escaped by
    // feed but `<` is not (tags are `[a-z0-9-]` words, so this never drops anything real).
    const category: Category[] = e.post.tags.map((t) =>
      format === 'rss' ? { name: protectAmp(t) } : { term: t.replace(/</g, '') },
    );
    const item: Item = {
      title: escapeHtml(e.title),
      // No `id`/`guid`: then feed writes the link as the RSS guid with isPermaLink="true", and Atom's id.
      link: e.post.permalink,
      date: new Date(e.modifiedAt ?? e.post.publishedAt),
      published: new Date(e.post.publishedAt),
      description: e.summary ? escapeHtml(e.summary) : undefined,
      content: e.html,
      category,
      // The provider's signature, never the login of whoever typed the command. RSS's <author> must be an
      // e-mail address, which a signature is not: RSS gets <dc:creator> (feed declares the dc namespace
      // whenever items carry content, as ours always do); Atom gets <author><name>.
      ...(format === 'rss'
        ? { extensions: [{ name: 'dc:creator', objects: { _text: protectAmp(signature) } }] }
        : { author: [{ name: protectAmp(signature) }] }),
    };
    feed.addItem(item);
  }
  return stripInvalidXml(format === 'rss' ? feed.rss2() : feed.atom1());
}

interface JsonFeedAuthor {
  name: string;
}

interface JsonFeedItem {
  id: string;
  url: string;
  title: string;
  content_html: string;
  content_text: string;
  summary?: string;
  date_published: string;
  date_modified?: string;
  authors: JsonFeedAuthor[];
  tags?: string[];
}

/** https://www.jsonfeed.org/version/1.1/ */
interface JsonFeed {
  version: 'https://jsonfeed.org/version/1.1';
  title: string;
  home_page_url: string;
  feed_url: string;
  description?: string;
  authors: JsonFeedAuthor[];
  items: JsonFeedItem[];
}

function jsonFeed(entries: readonly Entry[], site: SiteConfig): string {
  const feed: JsonFeed = {
    version: 'https://jsonfeed.org/version/1.1',
    title: site.title,
    home_page_url: site.baseUrl,
    feed_url: feedUrl(site, FEED_FILES.json),
    ...(site.description ? { description: site.description } : {}),
    authors: [{ name: site.title }],
    items: entries.map((e) => ({
      id: e.post.permalink,
      url: e.post.permalink,
      title: e.title,
      content_html: e.html,
      content_text: e.text,
      ...(e.summary ? { summary: e.summary } : {}),
      date_published: e.post.iso,
      ...(e.modifiedAt === null ? {} : { date_modified: formatIsoUtc(e.modifiedAt) }),
      authors: [{ name: publicSignature(site) }],
      ...(e.post.tags.length ? { tags: e.post.tags } : {}),
    })),
  };
  return `${JSON.stringify(feed, null, 2)}\n`;
}

/**
 * The three feeds of the site. `posts` come newest first, already cut to `site.feedItems`; `now` stands in
 * for the feed's `updated` when there are no posts.
 */
export function renderFeeds(posts: RenderedPost[], site: SiteConfig, now: number): RenderedFeeds {
  const entries = posts.map(toEntry);
  return {
    rss: xmlFeed(entries, site, now, 'rss'),
    atom: xmlFeed(entries, site, now, 'atom'),
    json: jsonFeed(entries, site),
  };
}
