// The page shell every page shares: head (charset, viewport, title, stylesheet, feeds), skip link, site
// header, main, footer. Links are relative to `root` (`''` for the index, `'../'` for an incident page)
// so that the site works from any path and from a file:// copy.

import type { SiteView } from '../site-view.js';
import { escapeHtml } from './escape.js';

/**
 * The site's icon, written next to the pages as `favicon.svg`. Linking it stops browsers asking for a
 * missing `/favicon.ico` (a console error); a `data:` icon instead would break a strict CSP.
 */
export const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#1a7f37"/><path d="M8 17l5 5 11-12" fill="none" stroke="#fff" stroke-width="4" stroke-linecap="round" stroke-linejoin="round"/></svg>\n';

export const FEEDS = [
  { href: 'rss.xml', type: 'application/rss+xml', name: 'RSS' },
  { href: 'atom.xml', type: 'application/atom+xml', name: 'Atom' },
  { href: 'feed.json', type: 'application/feed+json', name: 'JSON Feed' },
] as const;

export interface PageParts {
  /** The `<title>`: plain text. */
  title: string;
  /** Where the site's root is, relative to this page: `''`, `'../'`, or an absolute path such as `'/'`. */
  root: string;
  /** The page's absolute address, if it has a stable one. */
  canonical?: string;
  /** The site's name and description (plain text), for the head and the header. */
  siteTitle: string;
  description: string;
  /** Inner HTML of the site header, of `<main>`, and extra lines for the footer. */
  header: string;
  main: string;
  footer?: string;
}

export const timeHtml = (t: { iso: string; text: string }): string =>
  `<time datetime="${escapeHtml(t.iso)}">${escapeHtml(t.text)}</time>`;

export function feedLinksHtml(root: string): string {
  const links = FEEDS.map((f) => `<a href="${escapeHtml(root + f.href)}" type="${f.type}">${f.name}</a>`);
  return `<p class="feeds"><span class="label">Feeds:</span> ${links.join('\n')}</p>`;
}

/**
 * A `<title>` is plain text that tab strips and bookmarks show as is: bidirectional controls typed into a
 * title (embeddings, overrides, isolates) are dropped there rather than shown as boxes; the page body
 * isolates the same text with <bdi>.
 */
const plainTitle = (title: string): string => title.replace(/[\u200E\u200F\u202A-\u202E\u2066-\u2069]/g, '');

export function renderPage(parts: PageParts): string {
  const root = escapeHtml(parts.root);
  const alternates = FEEDS.map(
    (f) =>
      `<link rel="alternate" type="${f.type}" href="${root}${f.href}" title="${escapeHtml(`${parts.siteTitle} (${f.name})`)}">`,
  );
  const head = [
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(plainTitle(parts.title))}</title>`,
    parts.description ? `<meta name="description" content="${escapeHtml(parts.description)}">` : '',
    '<meta name="color-scheme" content="light dark">',
    `<link rel="stylesheet" href="${root}style.css">`,
    `<link rel="icon" href="${root}favicon.svg" type="image/svg+xml">`,
    ...alternates,
    parts.canonical ? `<link rel="canonical" href="${escapeHtml(parts.canonical)}">` : '',
  ].filter(Boolean);
  return `<!DOCTYPE html>
<html lang="en">
<head>
${head.join('\n')}
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site-header"><div class="page">
${parts.header}
</div></header>
<main id="main" class="page">
${parts.main}
</main>
<footer class="site-footer"><div class="page">
${feedLinksHtml(parts.root)}
<p class="subscribe-link"><a href="${root}subscribe.html">Subscribe to updates</a> by e-mail or webhook</p>${parts.footer ? `\n${parts.footer}` : ''}
</div></footer>
</body>
</html>
`;
}

export function updatedHtml(site: SiteView): string {
  return `<p class="updated">Updated ${timeHtml(site.updated)}</p>`;
}
