// Reading an old blog's feed: the reference blog served as WordPress would (RSS 2.0 and Atom, written by the
// `feed` package) must come back with its titles, dates, tags and text; what cannot be read is said.
import { describe, expect, it } from 'vitest';
import { readFeed } from '../../src/import/read-feed.js';
import { formatStamp } from '../../src/templates/time.js';
import { readReferenceBlog } from '../helpers/reference-blog.js';
import { BLOG_URL, type BlogItem, blogFeed, importedText, referenceItems } from './blog-feed.js';

function read(xml: string) {
  const r = readFeed(xml);
  if (!r.ok) throw new Error(`refused: ${r.reason}`);
  return r.value;
}

const item = (over: Partial<BlogItem>): BlogItem => ({
  title: 'A post',
  html: '<p>Text.</p>',
  date: new Date('2014-01-02T03:04:05Z'),
  categories: [],
  guid: `${BLOG_URL}?p=1`,
  link: `${BLOG_URL}a-post/`,
  ...over,
});

describe.each(['rss', 'atom'] as const)('the reference blog as %s', (format) => {
  it('gives back every post: title, stamp, text (paragraphs and list lines), tags, author and guid', () => {
    const blog = readReferenceBlog();
    const feed = read(blogFeed(referenceItems(), format));
    expect(feed.skipped).toEqual([]);
    expect(feed.itemCount).toBe(blog.length);
    // The feed lists the newest first; the blog file is read oldest first.
    const posts = [...feed.posts].reverse();
    expect(posts.map((p) => p.title)).toEqual(blog.map((p) => p.title));
    expect(posts.map((p) => formatStamp(p.publishedAt))).toEqual(blog.map((p) => p.stamp));
    expect(posts.map((p) => p.text)).toEqual(blog.map((p) => importedText(p.text)));
    expect(posts.map((p) => p.key)).toEqual(blog.map((_, i) => `${BLOG_URL}?p=${101 + i}`));
    expect(new Set(posts.map((p) => p.author))).toEqual(new Set(['NinerNet']));
    const migration = posts.find((p) => p.title === 'Email migration: Update 14');
    expect(migration?.tags).toEqual(['email-delivery', 'migration']);
    expect(migration?.text).toContain(
      'It addresses three issues:\n\n• Outlook 2003,\n• Anti-spam blacklists, and\n• Mail box quotas.\n\nOutlook 2003:',
    );
    // An escaped `<` in the blog's HTML is text, not a tag to drop.
    expect(posts.find((p) => p.title === 'Email migration: Update 13')?.text).toContain(
      '#554 5.7.1 <senderdomain.local>: Helo command rejected',
    );
  });
});

describe('an item of the old blog', () => {
  it('is text, whatever its HTML: scripts and styles dropped, escaped markup kept as words', () => {
    const [post] = read(
      blogFeed(
        [
          item({
            title: 'Maintenance <b>tonight</b> @everyone',
            html:
              '<p>Hello <script>alert("pwned")</script>@everyone <style>p{}</style><strong>now</strong>.</p>' +
              '<p>&lt;script&gt;alert(1)&lt;/script&gt; <a href="https://example.org/x">details</a> ' +
              '<img src="https://example.org/smile.png" alt=":)" /></p>',
          }),
        ],
        'rss',
      ),
    ).posts;
    expect(post?.title).toBe('Maintenance <b>tonight</b> @everyone');
    expect(post?.text).toBe(
      'Hello @everyone now.\n\n<script>alert(1)</script> details [https://example.org/x] :)',
    );
  });

  it('without a date is skipped and named; one without a title is named by its first line', () => {
    const xml = blogFeed(
      [
        item({ title: 'Dated', guid: `${BLOG_URL}?p=1` }),
        item({ title: 'Undated', guid: `${BLOG_URL}?p=2` }),
        item({ title: 'Untitled', guid: `${BLOG_URL}?p=3`, html: '<p>First line of a post.</p>' }),
      ],
      'rss',
    )
      .replace(/(<title><!\[CDATA\[Undated\]\]><\/title>[\s\S]*?)<pubDate>[^<]*<\/pubDate>/, '$1')
      .replace('<title><![CDATA[Untitled]]></title>', '');
    const feed = read(xml);
    expect(feed.posts.map((p) => p.title)).toEqual(['Dated', 'First line of a post.']);
    expect(feed.skipped).toEqual([
      {
        position: 2,
        name: `item 2 "Undated" (${BLOG_URL}?p=2)`,
        reason: 'it has no date that can be read (pubDate, published or updated)',
      },
    ]);
  });

  it('with the id of an earlier item is skipped; one without a guid is known by its link', () => {
    const xml = blogFeed(
      [
        item({ title: 'One' }),
        item({ title: 'Copy' }),
        item({ title: 'No guid', guid: '', link: `${BLOG_URL}no-guid/` }),
      ],
      'rss',
    ).replace(/<guid isPermaLink="true">[^<]*<\/guid>/, '');
    expect(xml).not.toContain(`<guid isPermaLink="true">`);
    const feed = read(xml);
    expect(feed.posts.map((p) => [p.title, p.key])).toEqual([
      ['One', `${BLOG_URL}?p=1`],
      ['No guid', `${BLOG_URL}no-guid/`],
    ]);
    expect(feed.skipped.map((s) => [s.position, s.reason])).toEqual([[2, 'an earlier item has the same id']]);
  });
});

/** `xml` up to the end of the nth `tag`, as a download cut short there would leave it. */
function cutAfter(xml: string, tag: string, n: number): string {
  let end = 0;
  for (let i = 0; i < n; i++) end = xml.indexOf(tag, end) + tag.length;
  return xml.slice(0, end);
}

describe('a document that is not a whole feed', () => {
  it.each([
    [
      'an HTML page',
      '<!doctype html><html><body><p>Status</p></body></html>',
      'it is not an RSS or Atom feed',
    ],
    ['plain text', 'Email migration: Update 14', 'it is not an RSS or Atom feed'],
    ['JSON', '{"version":"https://jsonfeed.org/version/1.1","items":[]}', 'it is not an RSS or Atom feed'],
    [
      'a feed cut short',
      cutAfter(blogFeed(referenceItems(), 'rss'), '</item>', 3),
      'the feed ends before its closing </rss>: it was cut short',
    ],
    [
      'an Atom feed cut short',
      cutAfter(blogFeed(referenceItems(), 'atom'), '</entry>', 3),
      'the feed ends before its closing </feed>: it was cut short',
    ],
    [
      'a feed cut inside its HTML',
      blogFeed(referenceItems(), 'rss').slice(0, 3000),
      'it is not well-formed XML (CDATA is not closed.)',
    ],
  ])('is refused: %s', (_, xml, reason) => {
    expect(readFeed(xml)).toEqual({ ok: false, reason });
  });
});
