// The site's one stylesheet, written next to the pages as `style.css`. Readable at 375px with no
// horizontal scroll, light and dark, and no colour without a word or a symbol beside it. The pages carry
// no `style` attributes and no scripts, so a strict Content-Security-Policy (`default-src 'self'`) holds.

export const STYLESHEET = `:root {
  color-scheme: light dark;
  --bg: #ffffff;
  --fg: #1f2328;
  --muted: #57606a;
  --border: #d0d7de;
  --surface: #f6f8fa;
  --link: #0550ae;
  --operational: #1a7f37;
  --degraded: #9a6700;
  --down: #cf222e;
  --maintenance: #0969da;
}

@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117;
    --fg: #e6edf3;
    --muted: #9da7b3;
    --border: #3d444d;
    --surface: #161b22;
    --link: #6cb6ff;
    --operational: #3fb950;
    --degraded: #d29922;
    --down: #ff7b72;
    --maintenance: #6cb6ff;
  }
}

*,
*::before,
*::after {
  box-sizing: border-box;
}

html {
  -webkit-text-size-adjust: 100%;
  text-size-adjust: 100%;
}

body {
  margin: 0;
  background: var(--bg);
  color: var(--fg);
  font: 1rem/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  /* A 2000-character word must wrap, not widen the page. */
  overflow-wrap: anywhere;
}

.page {
  max-width: 50rem;
  margin: 0 auto;
  padding: 0 1rem;
}

a {
  color: var(--link);
  text-underline-offset: 0.15em;
}

a:focus-visible,
summary:focus-visible {
  outline: 2px solid var(--link);
  outline-offset: 2px;
}

h1,
h2,
h3 {
  line-height: 1.25;
}

h1 {
  font-size: 1.6rem;
  margin: 0.5rem 0;
}

h2 {
  font-size: 1.3rem;
  margin: 2rem 0 0.75rem;
  padding-bottom: 0.25rem;
  border-bottom: 1px solid var(--border);
}

h3 {
  font-size: 1.05rem;
  margin: 1rem 0 0.25rem;
}

.skip {
  position: absolute;
  left: -10000px;
}

.skip:focus {
  position: static;
  display: inline-block;
  margin: 0.5rem 0;
}

.site-header {
  padding: 1rem 0 0.5rem;
  border-bottom: 1px solid var(--border);
}

.site-name {
  margin: 0.5rem 0;
  font-weight: 600;
}

.description,
.meta,
.stamp,
.updated {
  color: var(--muted);
}

.meta,
.stamp,
.author,
.tags {
  font-size: 0.9rem;
}

.state {
  font-weight: 600;
  white-space: nowrap;
}

.state-operational {
  color: var(--operational);
}

.state-degraded {
  color: var(--degraded);
}

.state-down {
  color: var(--down);
}

.state-maintenance {
  color: var(--maintenance);
}

.overall {
  margin: 1rem 0;
  padding: 0.75rem 1rem;
  border: 1px solid var(--border);
  border-left-width: 0.4rem;
  border-radius: 0.375rem;
  background: var(--surface);
  font-size: 1.1rem;
}

.overall.state-operational {
  border-left-color: var(--operational);
}

.overall.state-degraded {
  border-left-color: var(--degraded);
}

.overall.state-down {
  border-left-color: var(--down);
}

.overall.state-maintenance {
  border-left-color: var(--maintenance);
}

.banner-incidents {
  font-size: 1rem;
}

.open-incident {
  margin: 0 0 1rem;
  padding: 0.5rem 0.75rem;
  border: 1px solid var(--border);
  border-radius: 0.375rem;
}

.open-incident h3 {
  margin: 0.25rem 0;
}

.open-incident p {
  margin: 0.25rem 0;
}

.latest {
  margin: 0.5rem 0;
  padding-left: 0.75rem;
  border-left: 0.2rem solid var(--border);
}

/* A system is one line (its summary) until opened; the marker and the line stay on one row at 375px. */
.system {
  margin: 0;
  border-bottom: 1px solid var(--border);
}

.system > summary {
  display: flex;
  flex-wrap: wrap;
  align-items: baseline;
  gap: 0 0.75rem;
  padding: 0.4rem 0;
  list-style: none;
}

/* A flex summary loses the browser's marker: draw one, so that the line reads as something to open. */
.system > summary::-webkit-details-marker {
  display: none;
}

.system > summary::before {
  content: "▸";
  color: var(--muted);
}

.system[open] > summary::before {
  content: "▾";
}

.system-name {
  font-weight: 600;
  min-width: 5rem;
}

.system > summary .meta {
  margin-left: auto;
}

.system[open] {
  padding-bottom: 1rem;
}

.plain,
.items,
.posts {
  list-style: none;
  margin: 0;
  padding: 0;
}

.components {
  width: 100%;
  border-collapse: collapse;
}

.components th,
.components td {
  padding: 0.3rem 0;
  border-bottom: 1px solid var(--border);
  vertical-align: top;
}

.components th {
  font-weight: normal;
  text-align: left;
  padding-right: 1rem;
}

.components td {
  text-align: right;
}

.uptime {
  margin: 0.75rem 0 0;
}

.bar {
  display: block;
  width: 100%;
  height: 2rem;
}

.day-operational {
  fill: var(--operational);
}

.day-degraded {
  fill: var(--degraded);
}

.day-down {
  fill: var(--down);
}

.day-maintenance {
  fill: var(--maintenance);
}

/* Before Herald's first record: nothing known, drawn as an outline, not as a good day. */
.day-no-data {
  fill: none;
  stroke: var(--border);
  stroke-width: 1;
}

.bar-ends {
  display: flex;
  justify-content: space-between;
  color: var(--muted);
  font-size: 0.8rem;
}

.uptime figcaption {
  font-size: 0.9rem;
}

.items > li,
.posts > li {
  padding: 0.25rem 0 0.75rem;
  border-bottom: 1px solid var(--border);
}

.items p {
  margin: 0.35rem 0;
}

.items > li:last-child,
.posts > li:last-child {
  border-bottom: 0;
}

.facts {
  display: grid;
  grid-template-columns: max-content minmax(0, 1fr);
  gap: 0.25rem 1rem;
  margin: 1rem 0;
}

.facts dt {
  font-weight: 600;
}

.facts dd {
  margin: 0;
}

.post {
  padding: 0.5rem 0 1rem;
}

.post h2 {
  border-bottom: 0;
  margin-bottom: 0.25rem;
}

.post h2 a {
  color: inherit;
  text-decoration: none;
}

.post h2 a:hover,
.post h2 a:focus-visible {
  text-decoration: underline;
}

.event,
.next-update.live {
  font-weight: 600;
}

.tags .tag {
  display: inline-block;
  margin: 0 0.25rem 0.25rem 0;
  padding: 0 0.4rem;
  border: 1px solid var(--border);
  border-radius: 0.75rem;
  background: var(--surface);
}

.label {
  color: var(--muted);
}

.flag {
  font-size: 0.8rem;
  font-weight: 600;
  padding: 0 0.35rem;
  border: 1px solid currentColor;
  border-radius: 0.25rem;
}

.correction,
.retraction {
  padding: 0.5rem 0.75rem;
  border-radius: 0.375rem;
  background: var(--surface);
  border: 1px solid var(--border);
}

.retraction {
  border-left: 0.4rem solid var(--down);
}

.retracted .post-body,
.retracted h2 {
  color: var(--muted);
}

.retracted .post-body del,
.retracted h2 del {
  text-decoration: line-through;
}

details {
  margin: 0.5rem 0;
}

summary {
  cursor: pointer;
}

.original {
  color: var(--muted);
}

.site-footer {
  margin-top: 2rem;
  padding: 1rem 0 2rem;
  border-top: 1px solid var(--border);
  font-size: 0.9rem;
}

.feeds {
  display: flex;
  flex-wrap: wrap;
  gap: 0.25rem 1rem;
}

/* The subscribe and manage forms (subscribe-page.ts). The honeypot field is off-screen, not display:none,
   which some bots skip; people never reach it (tabindex -1, aria-hidden). */
.hp {
  position: absolute;
  left: -10000px;
}

form fieldset {
  margin: 1rem 0;
  border: 1px solid var(--border);
}

form input[type="email"],
form input[type="url"] {
  max-width: 100%;
  font: inherit;
}

.components-choice,
.components-choice .services {
  list-style: none;
  padding-left: 1rem;
}

.components-choice .services {
  display: flex;
  flex-wrap: wrap;
  gap: 0 1rem;
}

.secret {
  font-family: ui-monospace, monospace;
  overflow-wrap: anywhere;
}
`;
