// The embeddable widget: `widget.html`, a small page for an <iframe> in someone else's sidebar (about
// 300 × 200 pixels) with the overall state and the open incidents (no "updated at" time: the page then
// changes only when what it says does, and is rewritten only then). No JavaScript, nothing fetched; its own
// few lines of CSS inline (the site's stylesheet is made for whole pages), light and dark. Its links open
// the status page in a new tab (target="_blank" rel="noopener"), never inside the frame, and keep working
// in an iframe sandboxed with only `allow-popups allow-popups-to-escape-sandbox`.
//
// The server sends this page its own Content-Security-Policy, WIDGET_POLICY: the inline stylesheet is
// allowed by its hash, and, unlike the other pages, any site may frame it.

import { createHash } from 'node:crypto';
import type { ComponentState } from '../../bot/types.js';
import type { IndexView } from '../site-view.js';
import { escapeHtml, userText } from './escape.js';
import { timeHtml } from './layout.js';

/** Where the widget is written, relative to the site's root. */
export const WIDGET_FILE = 'widget.html';

/** How many open incidents fit the frame; the rest are counted and linked. */
const MAX_INCIDENTS = 3;

const STYLE = `
:root{color-scheme:light dark;--fg:#1f2328;--muted:#59636e;--bg:#fff;--link:#0969da;--line:#d1d9e0;
--operational:#1a7f37;--degraded:#9a6700;--down:#cf222e;--maintenance:#0969da}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--bg:#0d1117;--link:#4493f8;
--line:#3d444d;--operational:#3fb950;--degraded:#d29922;--down:#f85149;--maintenance:#4493f8}}
*{box-sizing:border-box}
html,body{margin:0;background:var(--bg);color:var(--fg)}
body{font:14px/1.35 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;padding:10px 12px;
overflow-wrap:anywhere}
a{color:var(--link)}
.overall{margin:0 0 8px;padding:4px 0 4px 10px;border-left:5px solid var(--line);font-weight:600;font-size:15px}
.overall .symbol{display:inline-block;min-width:1.1em}
.state-operational{border-color:var(--operational)}.state-operational .symbol{color:var(--operational)}
.state-degraded{border-color:var(--degraded)}.state-degraded .symbol{color:var(--degraded)}
.state-down{border-color:var(--down)}.state-down .symbol{color:var(--down)}
.state-maintenance{border-color:var(--maintenance)}.state-maintenance .symbol{color:var(--maintenance)}
ul{list-style:none;margin:0 0 8px;padding:0}
li{margin:0 0 6px}
.meta,.foot{color:var(--muted);font-size:12px}
.meta{display:block}
.foot{margin:0;border-top:1px solid var(--line);padding-top:6px}
`;

/** The Content-Security-Policy of widget.html: its inline stylesheet by hash, no frame-ancestors limit. */
export const WIDGET_POLICY = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; img-src 'self' data:`;

/** A link out of the frame: a new tab, with no handle back to the page that framed the widget. */
const outLink = (href: string, inner: string): string =>
  `<a href="${escapeHtml(href)}" target="_blank" rel="noopener">${inner}</a>`;

const stateClass = (state: ComponentState): string => `state-${state}`;

/** `2012-07-27 21:30 UTC`: short enough for a sidebar (the status page gives the client zones). */
const shortUtc = (iso: string): string => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

export function renderWidgetHtml(view: IndexView): string {
  const { overall, openIncidents, site } = view;
  const shown = openIncidents.slice(0, MAX_INCIDENTS);
  const more = openIncidents.length - shown.length;
  const items = shown.map(
    (i) =>
      `<li>${outLink(i.href, userText(i.title))}<span class="meta">${escapeHtml(i.kind)} · ${escapeHtml(i.status)} · since ${timeHtml({ iso: i.since.iso, text: shortUtc(i.since.iso) })}</span></li>`,
  );
  const list = items.length ? `<ul aria-label="Open incidents">\n${items.join('\n')}\n</ul>\n` : '';
  const rest = more > 0 ? `<p class="meta">${outLink('index.html', `${more} more open`)}</p>\n` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="robots" content="noindex">
<title>${escapeHtml(`${site.title}: ${overall.text}`)}</title>
<style>${STYLE}</style>
</head>
<body>
<p class="overall ${stateClass(overall.state.state)}"><span class="symbol" aria-hidden="true">${overall.state.symbol}</span> ${escapeHtml(overall.text)}</p>
${list}${rest}<p class="foot">${outLink('index.html', escapeHtml(site.title))}</p>
</body>
</html>
`;
}
