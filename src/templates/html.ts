// The status site's pages as HTML5 strings: no JavaScript, no external resources, every link relative
// (incident pages reach the stylesheet as `../style.css`), so the site works from any path or a file://
// copy and under a strict Content-Security-Policy. The view models come from site-view.ts; the pieces of
// markup live in html/.

import type { SiteConfig } from '../config.js';
import { escapeHtml } from './html/escape.js';
import { FAVICON_SVG, renderPage } from './html/layout.js';
import { STYLESHEET } from './html/stylesheet.js';

export { escapeHtml, userLines, userText } from './html/escape.js';
export { renderIncidentHtml } from './html/incident-page.js';
export { renderIndexHtml } from './html/index-page.js';
export { FAVICON_SVG, FEEDS } from './html/layout.js';
export { STYLESHEET } from './html/stylesheet.js';

/** The files the pages link besides each other, by name: write each next to `index.html`. */
export const SITE_ASSETS: Readonly<Record<string, string>> = {
  'style.css': STYLESHEET,
  'favicon.svg': FAVICON_SVG,
};

/**
 * The page the server answers a missing address with. It can be shown at any depth, so its links start
 * from the path of the site's address (`/` or `/status/`), not from the page's own.
 */
export function renderNotFoundHtml(site: SiteConfig): string {
  const root = new URL(site.baseUrl).pathname.replace(/\/?$/, '/');
  return renderPage({
    title: `Page not found · ${site.title}`,
    root,
    siteTitle: site.title,
    description: site.description,
    header: `<p class="site-name"><a href="${escapeHtml(root)}index.html">${escapeHtml(site.title)}</a></p>`,
    main: `<h1>Page not found</h1>
<p>There is no page at this address. It may have been mistyped, or the incident it named may not exist.</p>
<p><a href="${escapeHtml(root)}index.html">Go to the status page</a> to see every system and the recent posts.</p>`,
  });
}
