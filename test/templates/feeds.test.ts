import { describe, expect, it } from 'vitest';
import type { ZoneDef } from '../../src/bot/catalog.js';
import type { Incident, Post } from '../../src/bot/types.js';
import type { SiteConfig } from '../../src/config.js';
import { renderFeeds, stripInvalidXml } from '../../src/templates/feeds.js';
import { escapeHtml } from '../../src/templates/html/escape.js';
import { type RenderedPost, renderPost } from '../../src/templates/post.js';
import { type ParsedFeed, type ParsedText, parseFeed } from '../helpers/feedparser.js';

// Fixed instants only: nothing here reads the clock.
const zones: ZoneDef[] = [
  { zone: 'America/Vancouver', label: 'Vancouver' },
  { zone: 'Africa/Lusaka', label: 'Lusaka' },
];
const baseUrl = 'https://status.example.net/';
const site: SiteConfig = {
  title: 'Example Hosting status',
  baseUrl,
  description: 'Outages and maintenance at Example Hosting',
  feedItems: 50,
  signature: 'Example staff',
};
const at = (iso: string): number => Date.parse(iso);
const now = at('2012-07-30T12:00:00Z');

const incident = (over: Partial<Incident> = {}): Incident => ({
  id: 12,
  kind: 'outage',
  status: 'open',
  title: 'NC018 SMTP down',
  tags: ['smtp'],
  components: [{ system: 'nc018', service: 'smtp' }],
  impact: 'down',
  openedAt: at('2012-07-27T22:20:51Z'),
  closedAt: null,
  startsAt: null,
  endsAt: null,
  lastNumber: 3,
  ...over,
});

const post = (over: Partial<Post>): Post => ({
  id: 1,
  incidentId: 12,
  number: 1,
  title: 'NC018 SMTP down',
  text: 'SMTP on NC018 is down.',
  tags: ['smtp'],
  author: 'ops',
  publishedAt: at('2012-07-27T22:20:51Z'),
  eventAt: null,
  state: 'down',
  edits: [],
  retractedAt: null,
  retractReason: null,
  ...over,
});

const render = (p: Post, i = incident()): RenderedPost => renderPost(p, i, { baseUrl, zones });

/** Three posts, newest first: a retracted one, a corrected one, and the first with an event time. */
const story: RenderedPost[] = [
  render(
    post({
      id: 3,
      number: 3,
      title: 'NC018 SMTP: Update 3',
      text: 'All mail delivered.',
      tags: [],
      author: 'alice',
      publishedAt: at('2012-07-28T09:00:00Z'),
      retractedAt: at('2012-07-28T09:30:00Z'),
      retractReason: 'posted to the wrong incident',
    }),
  ),
  render(
    post({
      id: 2,
      number: 2,
      title: 'NC018 SMTP: Update 2',
      text: 'Queue drained.',
      tags: ['smtp', 'queue'],
      publishedAt: at('2012-07-27T23:05:00Z'),
      edits: [
        { id: 1, text: 'Queue drained at 23:00 UTC.', editedAt: at('2012-07-28T08:00:00Z'), author: 'alice' },
      ],
    }),
  ),
  render(
    post({
      text: 'We restarted SMTP on NC018 at 22:13 UTC.\n\nMail queued meanwhile will be delivered.',
      tags: ['smtp', 'nc018'],
      eventAt: at('2012-07-27T22:13:00Z'),
    }),
  ),
];

const permalink = (n: number): string => `${baseUrl}incidents/12.html#post-${n}`;

const storyExpect = [
  {
    id: permalink(3),
    title: 'Retracted: NC018 SMTP: Update 3',
    published: '2012-07-28T09:00:00Z',
    tags: [],
    author: 'Example staff',
    summary: 'All mail delivered.',
  },
  {
    id: permalink(2),
    title: 'NC018 SMTP: Update 2 (corrected)',
    published: '2012-07-27T23:05:00Z',
    tags: ['smtp', 'queue'],
    author: 'Example staff',
    summary: 'Queue drained at 23:00 UTC (16:00 PDT Vancouver · 01:00 CAT Lusaka, 28 July).',
  },
  {
    id: permalink(1),
    title: 'NC018 SMTP down',
    published: '2012-07-27T22:20:51Z',
    tags: ['smtp', 'nc018'],
    author: 'Example staff',
    summary: 'We restarted SMTP on NC018 at 22:13 UTC (15:13 PDT Vancouver · 00:13 CAT Lusaka, 28 July).',
  },
];

/** What a reader shows for a parsed title, summary or content. */
const shown = (t: ParsedText | null | undefined): string => t?.text ?? '';

function expectReadable(parsed: ParsedFeed, version: string, entries: number): void {
  expect({ version: parsed.version, bozo: parsed.bozo, bozoException: parsed.bozoException }).toEqual({
    version,
    bozo: false,
    bozoException: null,
  });
  expect(parsed.entries).toHaveLength(entries);
}

function expectStory(parsed: ParsedFeed): void {
  expect(shown(parsed.feed.title)).toBe(site.title);
  expect(parsed.feed.link).toBe(baseUrl);
  expect(parsed.feed.updated).toBe('2012-07-28T09:30:00Z');
  expect(
    parsed.entries.map((e) => ({
      id: e.id,
      title: shown(e.title),
      published: e.published,
      tags: e.tags,
      author: e.author,
      summary: shown(e.summary),
    })),
  ).toEqual(storyExpect);
  expect(parsed.entries.map((e) => e.link)).toEqual(storyExpect.map((e) => e.id));
}

// JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/), the rules a reader relies on.
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

function jsonFeedProblems(text: string): string[] {
  const problems: string[] = [];
  const doc = JSON.parse(text) as Record<string, unknown>;
  if (doc.version !== 'https://jsonfeed.org/version/1.1') problems.push(`version ${String(doc.version)}`);
  if (typeof doc.title !== 'string' || !doc.title) problems.push('title missing');
  for (const key of ['home_page_url', 'feed_url'] as const) {
    if (doc[key] !== undefined && typeof doc[key] !== 'string') problems.push(`${key} not a string`);
  }
  if ('author' in doc) problems.push('1.0 `author` at the top (1.1 has `authors`)');
  if (!Array.isArray(doc.items)) return [...problems, 'items not an array'];
  const ids = new Set<string>();
  (doc.items as Array<Record<string, unknown>>).forEach((item, i) => {
    const where = `items[${i}]`;
    if (typeof item.id !== 'string' || !item.id) problems.push(`${where}.id not a non-empty string`);
    else if (ids.has(item.id)) problems.push(`${where}.id ${item.id} repeated`);
    else ids.add(item.id);
    if (typeof item.content_html !== 'string' && typeof item.content_text !== 'string') {
      problems.push(`${where} has neither content_html nor content_text`);
    }
    for (const key of ['date_published', 'date_modified'] as const) {
      const v = item[key];
      if (v !== undefined && (typeof v !== 'string' || !RFC3339.test(v) || Number.isNaN(Date.parse(v)))) {
        problems.push(`${where}.${key} ${String(v)} not RFC 3339`);
      }
    }
    if ('author' in item) problems.push(`${where} has the 1.0 \`author\``);
    const authors = item.authors;
    if (
      authors !== undefined &&
      (!Array.isArray(authors) ||
        authors.length === 0 ||
        !authors.every(
          (a) => typeof a === 'object' && a && typeof (a as { name?: unknown }).name === 'string',
        ))
    ) {
      problems.push(`${where}.authors not an array of named authors`);
    }
    if (
      item.tags !== undefined &&
      !(Array.isArray(item.tags) && item.tags.every((t) => typeof t === 'string'))
    ) {
      problems.push(`${where}.tags not an array of strings`);
    }
  });
  return problems;
}

interface JsonItem {
  id: string;
  url: string;
  title: string;
  content_html: string;
  content_text: string;
  summary?: string;
  date_published: string;
  date_modified?: string;
  authors: Array<{ name: string }>;
  tags?: string[];
}

const jsonItems = (json: string): JsonItem[] => (JSON.parse(json) as { items: JsonItem[] }).items;

describe('renderFeeds: RSS 2.0 as feedparser reads it', () => {
  const { rss } = renderFeeds(story, site, now);
  const parsed = parseFeed(rss);

  it('is a valid rss20 feed with one entry per post, newest first', () => {
    expectReadable(parsed, 'rss20', 3);
    expectStory(parsed);
  });

  it('signs items with the site signature as <dc:creator>, never a login, and has no <author> that is not an address', () => {
    expect(rss).toContain('<dc:creator>Example staff</dc:creator>');
    expect(rss).toContain('xmlns:dc="http://purl.org/dc/elements/1.1/"');
    expect(rss).not.toContain('<author>');
    expect(rss).not.toMatch(/alice|>ops</);
  });

  it('uses the permalink as a permalink guid', () => {
    expect(rss).toContain(`<guid isPermaLink="true">${permalink(1)}</guid>`);
    expect(rss).toContain('<generator>Herald</generator>');
    expect(rss).toContain(`<atom:link href="${baseUrl}rss.xml" rel="self" type="application/rss+xml"/>`);
  });

  it('carries the post as HTML: event time first, then the paragraphs and the notes', () => {
    const first = parsed.entries[2]?.content[0];
    expect(first?.type).toBe('text/html');
    expect(first?.value).toMatch(/^<p><strong>Event time:<\/strong> 27 July 2012 22:13 UTC \(15:13 PDT/);
    expect(shown(parsed.entries[0]?.content[0])).toContain(
      'Retracted 28 July 2012 09:30:00 +0000: posted to',
    );
    expect(shown(parsed.entries[1]?.content[0])).toContain('Corrected 28 July 2012 08:00:00 +0000.');
  });
});

describe('renderFeeds: Atom 1.0 as feedparser reads it', () => {
  const { atom } = renderFeeds(story, site, now);
  const parsed = parseFeed(atom);

  it('is a valid atom10 feed with one entry per post, newest first', () => {
    expectReadable(parsed, 'atom10', 3);
    expectStory(parsed);
  });

  it('dates a corrected or retracted entry by its last change', () => {
    expect(parsed.entries.map((e) => e.updated)).toEqual([
      '2012-07-28T09:30:00Z',
      '2012-07-28T08:00:00Z',
      '2012-07-27T22:20:51Z',
    ]);
    expect(atom).toContain(`<id>${baseUrl}</id>`);
    expect(atom).toContain(`<link rel="self" href="${baseUrl}atom.xml"/>`);
  });
});

describe('renderFeeds: JSON Feed 1.1', () => {
  const { json } = renderFeeds(story, site, now);

  it('follows the 1.1 rules', () => {
    expect(jsonFeedProblems(json)).toEqual([]);
    const doc = JSON.parse(json) as Record<string, unknown>;
    expect(doc).toMatchObject({
      title: site.title,
      home_page_url: baseUrl,
      feed_url: `${baseUrl}feed.json`,
      description: site.description,
    });
    expect(json).toContain('\n  "version"');
  });

  it('has one item per post with the permalink as id and url', () => {
    const items = jsonItems(json);
    expect(
      items.map((i) => ({
        id: i.id,
        title: i.title,
        published: i.date_published,
        tags: i.tags ?? [],
        author: i.authors[0]?.name,
        summary: i.summary,
      })),
    ).toEqual(storyExpect);
    expect(items.map((i) => i.url)).toEqual(storyExpect.map((e) => e.id));
    expect(items.map((i) => i.date_modified)).toEqual([
      '2012-07-28T09:30:00Z',
      '2012-07-28T08:00:00Z',
      undefined,
    ]);
  });

  it('pins the HTML and the plain text of a corrected post', () => {
    const corrected = jsonItems(json)[1];
    expect(corrected?.content_html).toMatchInlineSnapshot(`
      "<p>Queue drained at 23:00 UTC (16:00 PDT Vancouver · 01:00 CAT Lusaka, 28 July).</p>
      <p><em>Corrected 28 July 2012 08:00:00 +0000.</em></p>
      <p>As first published:</p>
      <blockquote><p>Queue drained.</p></blockquote>"
    `);
    expect(corrected?.content_text).toMatchInlineSnapshot(`
      "Queue drained at 23:00 UTC (16:00 PDT Vancouver · 01:00 CAT Lusaka, 28 July).

      Corrected 28 July 2012 08:00:00 +0000.

      As first published:

      > Queue drained."
    `);
  });
});

describe('renderFeeds: hostile text', () => {
  const longWord = 'x'.repeat(2000);
  const hostile = `<script>alert(1)</script> Tom & Jerry ]]> "quoted" 'single' ]]> 🚀🔥 \u202Eevil\u202C ${longWord}`;
  const item = render(
    post({ title: hostile, text: `${hostile}\n\nSecond & last <b>paragraph</b>.`, author: `O'Brien & <Co>` }),
    incident({ title: hostile }),
  );
  // The signature is configuration, so it is hostile text too; the post's author (a login) never shows.
  const feeds = renderFeeds([item], { ...site, signature: `O'Brien & <Co>` }, now);

  for (const [format, version] of [
    ['rss', 'rss20'],
    ['atom', 'atom10'],
  ] as const) {
    it(`${format}: reaches feedparser intact, as text`, () => {
      const xml = feeds[format];
      expect(xml).not.toMatch(/<script/i);
      const parsed = parseFeed(xml);
      expectReadable(parsed, version, 1);
      const entry = parsed.entries[0];
      expect(shown(entry?.title)).toBe(hostile);
      expect(shown(entry?.summary)).toBe(hostile);
      expect(shown(entry?.content[0])).toContain(hostile);
      expect(shown(entry?.content[0])).toContain('Second & last <b>paragraph</b>.');
      expect(entry?.author).toBe(`O'Brien & <Co>`);
      expect(xml).not.toContain('ops');
      for (const t of [entry?.title, entry?.summary, ...(entry?.content ?? [])]) {
        expect(t?.value).not.toMatch(/<script|<b>/i);
      }
    });
  }

  it('json: every string round-trips', () => {
    const [only] = jsonItems(feeds.json);
    expect(only?.title).toBe(hostile);
    expect(only?.summary).toBe(hostile);
    expect(only?.content_text).toBe(`${hostile}\n\nSecond & last <b>paragraph</b>.`);
    expect(only?.content_html).toContain(escapeHtml(hostile));
    expect(only?.content_html).not.toMatch(/<script/i);
    expect(only?.authors).toEqual([{ name: `O'Brien & <Co>` }]);
  });

  it('marks controls and lone surrogates as U+FFFD, as the pages do, and drops what XML 1.0 forbids', () => {
    const title = 'Bell\u0007 and \uD800lone and \uFFFF end 👍';
    const bad = render(post({ title, text: title }));
    const out = renderFeeds([bad], site, now);
    for (const [format, version] of [
      ['rss', 'rss20'],
      ['atom', 'atom10'],
    ] as const) {
      const parsed = parseFeed(out[format]);
      expectReadable(parsed, version, 1);
      expect(shown(parsed.entries[0]?.title)).toBe('Bell\uFFFD and \uFFFDlone and  end 👍');
    }
    expect(jsonItems(out.json)[0]?.title).toBe(title);
    expect(stripInvalidXml('a\tb\nc\rd\u0000e\u001Ff😀')).toBe('a\tb\nc\rdef😀');
  });

  it('keeps a site title with a literal entity and angle brackets', () => {
    const odd = { ...site, title: 'Tom &amp; Jerry <Hosting>', description: 'Rock & <roll>' };
    const out = renderFeeds([], odd, now);
    for (const format of ['rss', 'atom'] as const) {
      expect(shown(parseFeed(out[format]).feed.title)).toBe(odd.title);
    }
    expect(JSON.parse(out.json)).toMatchObject({ title: odd.title, description: odd.description });
  });
});

describe('renderFeeds: no posts', () => {
  const feeds = renderFeeds([], site, now);

  it('gives valid, empty RSS and Atom dated now', () => {
    for (const [format, version] of [
      ['rss', 'rss20'],
      ['atom', 'atom10'],
    ] as const) {
      const parsed = parseFeed(feeds[format]);
      expectReadable(parsed, version, 0);
      expect(shown(parsed.feed.title)).toBe(site.title);
      expect(parsed.feed.updated).toBe('2012-07-30T12:00:00Z');
    }
  });

  it('gives a valid, empty JSON Feed', () => {
    expect(jsonFeedProblems(feeds.json)).toEqual([]);
    expect(jsonItems(feeds.json)).toEqual([]);
  });
});

describe('escapeHtml', () => {
  it('escapes the five characters and nothing else', () => {
    expect(escapeHtml(`<a href="x">Tom & Jerry's</a> 🚀`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt; 🚀',
    );
  });
});
