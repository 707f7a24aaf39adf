// The reference blog as its WordPress would have served it: an RSS 2.0 or Atom feed written with the
// `feed` package, newest post first, each with a title, a link, a guid, its date, categories and its text as
// HTML (`<p>` paragraphs, `<ul>` lists, `&lt;` for a literal `<`).
import { Feed } from 'feed';
import { escapeHtml } from '../../src/templates/html/escape.js';
import { type ReferencePost, readReferenceBlog } from '../helpers/reference-blog.js';

export const BLOG_URL = 'https://status.ninernet.example/';

export interface BlogItem {
  title: string;
  /** The body as the blog's HTML. */
  html: string;
  date: Date;
  categories: string[];
  guid: string;
  link: string;
}

/** The blog's categories for each series (WordPress's, with capitals and spaces). */
const CATEGORIES: Array<[RegExp, string[]]> = [
  [/^SMTP/, ['SMTP', 'Spam']],
  [/^Server NC018 replacement/, ['Migration', 'Performance']],
  [/^Spam defences/, ['Spam', 'SpamAssassin']],
  [/^Email migration/, ['Email delivery', 'Migration']],
];

/** `29 October 2013 08:57:36 +0000` → the instant. */
export const stampInstant = (stamp: string): Date => new Date(stamp.replace(/ \+0000$/, ' UTC'));

/** A paragraph of `  • item` lines is a list; any other a paragraph. */
export function blogHtml(text: string): string {
  return text
    .split(/\n\n/)
    .map((p) => {
      const lines = p.split('\n');
      if (lines.every((l) => /^\s*•/.test(l))) {
        const items = lines.map((l) => `<li>${escapeHtml(l.replace(/^\s*•\s*/, ''))}</li>`);
        return `<ul>\n${items.join('\n')}\n</ul>`;
      }
      return `<p>${lines.map(escapeHtml).join('<br />\n')}</p>`;
    })
    .join('\n');
}

/** The text Herald should keep of a post: the blog's, with each bullet at the start of its line. */
export const importedText = (text: string): string => text.replace(/^[ \t]*•[ \t]*/gm, '• ');

export function referenceItems(): BlogItem[] {
  return readReferenceBlog()
    .map((post: ReferencePost, i) => {
      const date = stampInstant(post.stamp);
      const slug = post.title.toLowerCase().replace(/[^a-z0-9]+/g, '-');
      return {
        title: post.title,
        html: blogHtml(post.text),
        date,
        categories: CATEGORIES.find(([pattern]) => pattern.test(post.title))?.[1] ?? [],
        guid: `${BLOG_URL}?p=${101 + i}`,
        link: `${BLOG_URL}${date.toISOString().slice(0, 10).replace(/-/g, '/')}/${slug}/`,
      };
    })
    .reverse();
}

/** The feed's XML, as WordPress would serve it: newest first. */
export function blogFeed(items: readonly BlogItem[], format: 'rss' | 'atom'): string {
  const feed = new Feed({
    title: 'NinerNet Communications™ System Status',
    id: BLOG_URL,
    link: BLOG_URL,
    description: 'Server and System Status',
    updated: items[0]?.date,
    generator: 'WordPress',
    author: { name: 'NinerNet' },
  });
  for (const item of items) {
    feed.addItem({
      title: item.title,
      id: item.guid,
      link: item.link,
      date: item.date,
      published: item.date,
      content: item.html,
      category: item.categories.map((c) => ({ name: c, term: c })),
      author: [{ name: 'NinerNet' }],
    });
  }
  return format === 'rss' ? feed.rss2() : feed.atom1();
}
