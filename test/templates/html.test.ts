import { describe, expect, it } from 'vitest';
import type { Component, Incident, Post } from '../../src/bot/types.js';
import type { SiteConfig } from '../../src/config.js';
import {
  escapeHtml,
  renderIncidentHtml,
  renderIndexHtml,
  renderNotFoundHtml,
  SITE_ASSETS,
  STYLESHEET,
} from '../../src/templates/html.js';
import { type RenderedPost, renderPost } from '../../src/templates/post.js';
import { buildIncidentView, buildIndexView } from '../../src/templates/site-view.js';
import { testSettings } from '../helpers/settings.js';

// Fixed instants only: nothing here reads the clock. Zones: Vancouver and Lusaka (test/helpers/settings.ts).
const at = (iso: string): number => Date.parse(iso);
const settings = testSettings;
const site: SiteConfig = {
  title: 'NinerNet Communications System Status',
  baseUrl: 'https://status.example.com/',
  description: 'The status of NinerNet Communications systems.',
  feedItems: 50,
  signature: 'NinerNet staff',
};
const ctx = { baseUrl: site.baseUrl, zones: settings.zones };
const now = at('2012-07-28T10:00:00Z');

const HOSTILE = `<script>alert(1)</script> & ]]> "quotes" 'single' 😀 \u202Eevil ${'x'.repeat(2000)}`;
const HOSTILE_TITLE = `<img src=x onerror=alert(1)> "Title" \u202Eevil`;
const HOSTILE_TAG = `</bdi><script>tag</script>`;

const incident = (over: Partial<Incident> & Pick<Incident, 'id'>): Incident => ({
  kind: 'outage',
  status: 'resolved',
  title: 'SMTP on NC018 shut down',
  tags: ['smtp', 'spam'],
  components: [{ system: 'nc018', service: 'smtp' }],
  impact: 'down',
  openedAt: at('2012-07-27T21:39:27Z'),
  closedAt: at('2012-07-27T22:20:51Z'),
  startsAt: null,
  endsAt: null,
  lastNumber: 1,
  ...over,
});

const post = (over: Partial<Post> & Pick<Post, 'id' | 'incidentId' | 'number'>): Post => ({
  title: 'SMTP on NC018 shut down',
  text: 'We are once again dealing with a spam problem on NC018 and have shut down the SMTP server.',
  tags: ['smtp', 'spam'],
  author: 'Ann',
  publishedAt: at('2012-07-27T21:39:27Z'),
  eventAt: null,
  state: 'down',
  edits: [],
  retractedAt: null,
  retractReason: null,
  ...over,
});

// The blog's second SMTP shutdown, resolved, with a correction and a retraction along the way.
const shutdown = incident({ id: 1, lastNumber: 3 });
const shutdownPosts: Post[] = [
  post({ id: 1, incidentId: 1, number: 1 }),
  post({
    id: 2,
    incidentId: 1,
    number: 2,
    title: 'SMTP on server NC018 restarted',
    text: 'We’ve cleaned up the spam and restarted SMTP on server NC018 at 22:13 UTC. You can now send email again.\n\nOnce again we apologise\nfor the inconvenience.',
    publishedAt: at('2012-07-27T22:20:51Z'),
    eventAt: at('2012-07-27T22:13:00Z'),
    state: 'operational',
    edits: [
      {
        id: 1,
        text: 'We’ve cleaned up the spam and restarted SMTP on server NC018 at 22:13 UTC. You can send email again.',
        editedAt: at('2012-07-27T22:30:00Z'),
        author: 'Bob',
      },
    ],
  }),
  post({
    id: 3,
    incidentId: 1,
    number: 3,
    title: 'SMTP on NC018: Update 3',
    text: 'SMTP is down again.',
    publishedAt: at('2012-07-27T22:40:00Z'),
    state: null,
    retractedAt: at('2012-07-27T22:45:00Z'),
    retractReason: 'Posted to the wrong incident',
  }),
];

// Open now: a second SMTP shutdown and a degraded web server on NC026; maintenance on Email in progress,
// and maintenance on NC018's web server scheduled for 3 August.
const smtpAgain = incident({
  id: 2,
  status: 'open',
  openedAt: at('2012-07-28T09:30:00Z'),
  closedAt: null,
});
const web = incident({
  id: 3,
  status: 'open',
  title: 'Web server on NC026 degraded',
  tags: ['web server'],
  components: [{ system: 'nc026', service: 'web' }],
  impact: 'degraded',
  openedAt: at('2012-07-27T23:00:00Z'),
  closedAt: null,
});
const emailWork = incident({
  id: 4,
  kind: 'maintenance',
  status: 'in_progress',
  title: 'Scheduled maintenance: SMTP on Email',
  tags: ['maintenance'],
  components: [{ system: 'email', service: 'smtp' }],
  impact: 'maintenance',
  openedAt: at('2012-07-26T08:00:00Z'),
  startsAt: at('2012-07-28T09:00:00Z'),
  endsAt: at('2012-07-28T11:00:00Z'),
  closedAt: null,
});
const upcoming = incident({
  id: 5,
  kind: 'maintenance',
  status: 'scheduled',
  title: 'Scheduled maintenance: Web server on server NC018',
  tags: ['migration'],
  components: [{ system: 'nc018', service: 'web' }],
  impact: 'maintenance',
  openedAt: at('2012-07-27T08:00:00Z'),
  startsAt: at('2012-08-03T19:00:00Z'),
  endsAt: at('2012-08-03T21:00:00Z'),
  closedAt: null,
});
const components: Component[] = [
  { system: 'nc018', service: 'smtp', state: 'down', since: at('2012-07-28T09:30:00Z') },
  { system: 'nc026', service: 'web', state: 'degraded', since: at('2012-07-27T23:00:00Z') },
  { system: 'email', service: 'smtp', state: 'maintenance', since: at('2012-07-28T09:00:00Z') },
];
const incidents = [shutdown, smtpAgain, web, emailWork, upcoming];

const rendered = (posts: Post[], of: Incident): RenderedPost[] => posts.map((p) => renderPost(p, of, ctx));
const recent = [
  ...rendered(shutdownPosts, shutdown),
  ...rendered(
    [post({ id: 4, incidentId: 2, number: 1, publishedAt: at('2012-07-28T09:31:00Z') })],
    smtpAgain,
  ),
];

const indexHtml = renderIndexHtml(buildIndexView({ site, settings, now, components, incidents, recent }));
const incidentHtml = renderIncidentHtml(
  buildIncidentView({ site, settings, now, incident: shutdown, posts: rendered(shutdownPosts, shutdown) }),
);

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };

/** Roughly what a person reads: tags dropped, entities decoded, white space collapsed. */
function visibleText(html: string): string {
  return html
    .replace(/<title>[^<]*<\/title>/g, ' ')
    .replace(/<br>/g, '\n')
    .replace(/<\/?(?:a|span|bdi|time|strong|del)\b[^>]*>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ENTITIES[e] ?? '')
    .replace(/[ \t]*\n[ \t]*/g, '\n')
    .replace(/[ \t]+/g, ' ');
}

/** A section's HTML, from its heading to the end of the section. */
function sectionOf(html: string, heading: string): string {
  const start = html.indexOf(`>${heading}</h2>`);
  if (start < 0) throw new Error(`no section ${heading}`);
  const end = html.indexOf('<h2 ', start);
  return html.slice(start, end < 0 ? undefined : end);
}

const VOID = new Set(['meta', 'link', 'br', 'img', 'input', 'hr', 'wbr', 'source']);

/** Every element closed in order: what escaping mistakes break first. */
function unbalancedTags(html: string): string[] {
  const stack: string[] = [];
  const problems: string[] = [];
  for (const m of html.replace(/<!DOCTYPE html>/, '').matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*>/g)) {
    const [, closing, name = ''] = m;
    const tag = name.toLowerCase();
    if (VOID.has(tag)) continue;
    if (!closing) stack.push(tag);
    else if (stack.pop() !== tag) problems.push(`</${tag}> at ${m.index}`);
  }
  return [...problems, ...stack.map((t) => `<${t}> never closed`)];
}

function expectValidPage(html: string, root: string): void {
  expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
  expect(html).toContain('<meta charset="utf-8">');
  expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
  expect(html).toMatch(/<title>[^<]+<\/title>/);
  expect(html).toContain(`<link rel="stylesheet" href="${root}style.css">`);
  expect(html).toContain(`<link rel="icon" href="${root}favicon.svg" type="image/svg+xml">`);
  for (const [type, file] of [
    ['application/rss+xml', 'rss.xml'],
    ['application/atom+xml', 'atom.xml'],
    ['application/feed+json', 'feed.json'],
  ] as const) {
    expect(html).toMatch(
      new RegExp(`<link rel="alternate" type="${type.replace('+', '\\+')}" href="${root}${file}"`),
    );
  }
  expect(unbalancedTags(html)).toEqual([]);
  // No JavaScript at all, and nothing fetched from elsewhere.
  expect(html).not.toMatch(/<script|javascript:|\son[a-z]+=/i);
  expect(html).not.toMatch(/\ssrc=/);
  expect(html).not.toMatch(/\sstyle=/);
}

describe('renderIndexHtml', () => {
  const text = visibleText(indexHtml);

  it('is a complete page with the feeds, the stylesheet and no script', () => {
    expectValidPage(indexHtml, '');
    expect(indexHtml).toContain('<h1>NinerNet Communications System Status</h1>');
    expect(text).toContain('The status of NinerNet Communications systems.');
    expect(text).toMatch(/Feeds: RSS\s+Atom\s+JSON Feed/);
  });

  it('shows every component of the catalog at a glance, its state in a word and a symbol', () => {
    const glance = sectionOf(indexHtml, 'Systems at a Glance');
    for (const system of settings.catalog.systems) {
      // One line each (<details>): open when something in it is not operational, closed when all is well.
      const healthy = !components.some((c) => c.system === system.id && c.state !== 'operational');
      expect(glance).toContain(
        `<details class="system" id="system-${system.id}"${healthy ? '' : ' open'}>\n<summary><span class="system-name">${system.name}</span>`,
      );
      for (const id of system.services) {
        const name = settings.catalog.services.find((s) => s.id === id)!.name;
        const state =
          components.find((c) => c.system === system.id && c.service === id)?.state ?? 'operational';
        const word = {
          operational: '✓ Operational',
          degraded: '▲ Degraded',
          down: '✕ Down',
          maintenance: '⚙ Maintenance',
        }[state];
        const [symbol, label] = word.split(' ');
        expect(glance).toContain(
          `<tr><th scope="row">${escapeHtml(name)}</th><td><span class="state state-${state}"><span aria-hidden="true">${symbol}</span> ${label}</span></td></tr>`,
        );
      }
    }
    expect(glance.match(/<tr>/g)).toHaveLength(9 + 9 + 4);
  });

  it('pins one component row exactly', () => {
    expect(indexHtml).toContain(
      '<tr><th scope="row">SMTP</th><td><span class="state state-down"><span aria-hidden="true">✕</span> Down</span></td></tr>',
    );
  });

  it('sums up all systems in a sentence', () => {
    expect(text).toContain('3 components affected: 1 down, 1 degraded and 1 under maintenance');
  });

  it('draws a 90-day uptime bar per system with a text alternative and the percentage in text', () => {
    const glance = sectionOf(indexHtml, 'Systems at a Glance');
    expect(glance.match(/<svg class="bar" role="img"/g)).toHaveLength(3);
    expect(glance).toContain('aria-label="NC018, last 90 days: 2 days with incidents, 99.94% uptime"');
    expect(glance).toContain('aria-label="Email, last 90 days: 1 day with incidents, 100.00% uptime"');
    const nc018 = glance.slice(glance.indexOf('id="system-nc018"'), glance.indexOf('id="system-nc026"'));
    expect(nc018.match(/<rect /g)).toHaveLength(90);
    expect(nc018).toContain('<title>27 July 2012: SMTP down for 41 minutes</title>');
    expect(nc018).toContain('<title>28 July 2012: SMTP down for 30 minutes</title>');
    expect(nc018).toContain('class="day-down"><title>28 July 2012');
    expect(nc018).toContain('<title>26 July 2012: No incidents</title>');
    expect(visibleText(nc018)).toContain('99.94% uptime over the last 90 days');
    expect(visibleText(nc018)).toMatch(
      /2 days with incidents\n?\s*28 July 2012: SMTP down for 30 minutes\s+27 July 2012: SMTP down for 41 minutes/,
    );
  });

  it('lists the open incidents with their kind and since when, in UTC and each client zone', () => {
    const open = sectionOf(indexHtml, 'Open Incidents');
    expect(open).toContain('<a href="incidents/2.html"><bdi>SMTP on NC018 shut down</bdi></a>');
    expect(open).toContain('<a href="incidents/3.html"><bdi>Web server on NC026 degraded</bdi></a>');
    expect(open).toContain('<a href="incidents/4.html"><bdi>Scheduled maintenance: SMTP on Email</bdi></a>');
    expect(open).not.toContain('incidents/1.html');
    expect(open).not.toContain('incidents/5.html');
    const words = visibleText(open);
    expect(words).toContain('Outage · Open');
    expect(words).toContain('Since 28 July 2012 09:30 UTC (02:30 PDT Vancouver · 11:30 CAT Lusaka)');
    expect(words).toContain('Since 27 July 2012 23:00 UTC (16:00 PDT Vancouver · 01:00 CAT Lusaka, 28 July)');
    expect(words).toContain('Maintenance · In progress');
    expect(words).toContain(
      'Expected to end 28 July 2012 11:00 UTC (04:00 PDT Vancouver · 13:00 CAT Lusaka)',
    );
    expect(words).toContain('Affects: Web server on NC026');
    expect(open).toContain('<time datetime="2012-07-28T09:30:00Z">');
  });

  it('lists upcoming maintenance with its start and end in UTC and each client zone', () => {
    const words = visibleText(sectionOf(indexHtml, 'Upcoming Maintenance'));
    expect(words).toContain('Scheduled maintenance: Web server on server NC018');
    expect(words).toContain('Starts 3 August 2012 19:00 UTC (12:00 PDT Vancouver · 21:00 CAT Lusaka)');
    expect(words).toContain('Ends 3 August 2012 21:00 UTC (14:00 PDT Vancouver · 23:00 CAT Lusaka)');
    expect(words).toContain('Affects: Web server on NC018');
  });

  it('lists recent posts, newest first, linking to their permalinks with stamp and first paragraph', () => {
    const posts = sectionOf(indexHtml, 'Recent Posts');
    const links = [...posts.matchAll(/<h3><a href="([^"]+)">/g)].map((m) => m[1]);
    expect(links).toEqual([
      'incidents/2.html#post-1',
      'incidents/1.html#post-3',
      'incidents/1.html#post-2',
      'incidents/1.html#post-1',
    ]);
    const words = visibleText(posts);
    expect(posts).toContain('<time datetime="2012-07-27T22:20:51Z">27 July 2012 22:20:51 +0000</time>');
    expect(words).toContain(
      'We’ve cleaned up the spam and restarted SMTP on server NC018 at 22:13 UTC (15:13 PDT Vancouver · 00:13 CAT Lusaka, 28 July). You can send email again.',
    );
    expect(words).toMatch(/SMTP on NC018: Update 3 Retracted/);
    expect(words).toMatch(/SMTP on server NC018 restarted Corrected/);
    expect(words).toContain('Tags: smtp spam');
  });

  it('has the tags and the General Information about UTC and the client zones', () => {
    expect(visibleText(sectionOf(indexHtml, 'Tags'))).toMatch(
      /maintenance\s+migration\s+smtp\s+spam\s+web server/,
    );
    const info = visibleText(sectionOf(indexHtml, 'General Information'));
    expect(info).toContain('Dates and times of posts on this site are in the UTC time zone');
    expect(info).toContain('Vancouver (America/Vancouver) and Lusaka (Africa/Lusaka)');
    expect(info).toContain('Updated 28 July 2012 10:00:00 +0000');
  });

  it('puts what is wrong first: the banner names and links the open incidents, each card its latest update', () => {
    const latestPost = renderPost(
      post({
        id: 90,
        incidentId: web.id,
        number: 2,
        publishedAt: at('2012-07-28T09:45:00Z'),
        text: 'Load is back to normal on most sites; two are still slow.',
      }),
      web,
      ctx,
    );
    const html = renderIndexHtml(
      buildIndexView({
        site,
        settings,
        now,
        components,
        incidents,
        recent,
        latest: new Map([[web.id, latestPost]]),
      }),
    );
    const banner = html.slice(
      html.indexOf('<p class="overall'),
      html.indexOf('</p>', html.indexOf('<p class="overall')),
    );
    expect(banner).toContain('<a href="incidents/2.html"><bdi>SMTP on NC018 shut down</bdi></a>');
    expect(banner).toContain('<a href="incidents/3.html"><bdi>Web server on NC026 degraded</bdi></a>');
    // Open incidents come before the systems, and the card carries the latest update and its time.
    expect(html.indexOf('id="open"')).toBeLessThan(html.indexOf('id="glance"'));
    const open = visibleText(sectionOf(html, 'Open Incidents'));
    expect(open.replace(/\s+/g, ' ')).toContain(
      'Latest update 28 July 2012 09:45:00 +0000 Load is back to normal on most sites; two are still slow.',
    );
    expect(html).toContain('<a href="incidents/3.html#post-2"><time datetime="2012-07-28T09:45:00Z">');
  });

  it('shows the days before the first record as no data, not as days of full uptime', () => {
    const html = renderIndexHtml(
      buildIndexView({
        site,
        settings,
        now,
        components: [],
        incidents: [],
        recent: [],
        recordsFrom: at('2012-07-26T18:58:12Z'),
      }),
    );
    const glance = sectionOf(html, 'Systems at a Glance');
    const nc018 = glance.slice(glance.indexOf('id="system-nc018"'), glance.indexOf('id="system-nc026"'));
    // 25 July and the 87 days before it: no data; 26 July (from the first record), 27 and 28 July: data.
    expect(nc018.match(/class="day-no-data"/g)).toHaveLength(87);
    expect(nc018).toContain('<title>25 July 2012: No data (before the first record)</title>');
    expect(nc018).toContain('class="day-operational"><title>26 July 2012: No incidents</title>');
    expect(visibleText(nc018)).toContain(
      '100.00% uptime over the last 90 days (no data for the 87 days before the first record)',
    );
    expect(nc018).toContain(
      'aria-label="NC018, last 90 days: no incidents, 87 days without data, 100.00% uptime"',
    );
    const none = renderIndexHtml(
      buildIndexView({ site, settings, now, components: [], incidents: [], recent: [], recordsFrom: null }),
    );
    expect(visibleText(none)).not.toContain('no data');
    const future = renderIndexHtml(
      buildIndexView({
        site,
        settings,
        now,
        components: [],
        incidents: [],
        recent: [],
        recordsFrom: now + 2 * 86_400_000,
      }),
    );
    expect(visibleText(future)).toContain('No data yet for the last 90 days');
  });

  it('says so when all is well and nothing is open', () => {
    const quiet = renderIndexHtml(
      buildIndexView({ site, settings, now, components: [], incidents: [], recent: [] }),
    );
    const words = visibleText(quiet);
    expect(words).toContain('✓ All systems operational');
    expect(words).toContain('There are no open incidents.');
    expect(words).toContain('No maintenance is scheduled.');
    expect(words).toContain('Nothing has been posted yet.');
    expect(quiet).toContain('aria-label="NC018, last 90 days: no incidents, 100.00% uptime"');
    expect(quiet).not.toContain('<details>');
    expect(quiet.match(/✓<\/span> Operational/g)).toHaveLength(22 + 3);
    expectValidPage(quiet, '');
  });
});

describe('renderIncidentHtml', () => {
  const text = visibleText(incidentHtml);

  it('is a complete page that reaches the stylesheet, the feeds and the index relatively', () => {
    expectValidPage(incidentHtml, '../');
    expect(incidentHtml).toContain(
      '<title>SMTP on NC018 shut down · NinerNet Communications System Status</title>',
    );
    expect(incidentHtml).toContain('<a href="../index.html">');
    expect(incidentHtml).toContain(
      '<link rel="canonical" href="https://status.example.com/incidents/1.html">',
    );
  });

  it('states the incident: title, kind, status, components, opened and closed', () => {
    expect(incidentHtml).toContain('<h1><bdi>SMTP on NC018 shut down</bdi></h1>');
    expect(text).toContain('Kind Outage');
    expect(text).toContain('Status Resolved');
    expect(text).toContain('Components SMTP on NC018');
    expect(text).toContain('Opened 27 July 2012 21:39 UTC (14:39 PDT Vancouver · 23:39 CAT Lusaka)');
    expect(text).toContain('Closed 27 July 2012 22:20 UTC (15:20 PDT Vancouver · 00:20 CAT Lusaka, 28 July)');
  });

  it('shows every post in order at its anchor, with stamp, event time, paragraphs, tags and author', () => {
    const anchors = [...incidentHtml.matchAll(/<article class="post[^"]*" id="([^"]+)">/g)].map((m) => m[1]);
    expect(anchors).toEqual(['post-1', 'post-2', 'post-3']);
    expect(incidentHtml).toContain('<h2><a href="#post-1"><bdi>SMTP on NC018 shut down</bdi></a></h2>');
    expect(incidentHtml).toContain(
      '<p class="stamp"><time datetime="2012-07-27T21:39:27Z">27 July 2012 21:39:27 +0000</time></p>',
    );
    expect(text).toContain(
      'Event time: 27 July 2012 22:13 UTC (15:13 PDT Vancouver · 00:13 CAT Lusaka, 28 July)',
    );
    expect(text).toContain('Reported state: ✕ Down');
    // The configured signature, never the login or chat name of whoever typed the command.
    expect(text).toContain('Posted by NinerNet staff');
    expect(text).not.toContain('Ann');
    expect(text).toContain('Tags: smtp spam');
  });

  it('shows a corrected post’s current words, when and by whom, and the original in details', () => {
    const post2 = incidentHtml.slice(
      incidentHtml.indexOf('id="post-2"'),
      incidentHtml.indexOf('id="post-3"'),
    );
    expect(visibleText(post2)).toContain('You can send email again.');
    expect(post2).toContain(
      '<p class="correction">Corrected <time datetime="2012-07-27T22:30:00Z">27 July 2012 22:30:00 +0000</time> by <bdi>NinerNet staff</bdi></p>',
    );
    const original = post2.slice(post2.indexOf('<details class="original">'), post2.indexOf('</details>'));
    expect(original).toContain('<summary>Original text</summary>');
    expect(original).toContain('You can now send email again.');
    // A newline inside a paragraph is a line break; a blank line starts a new paragraph.
    expect(original).toContain('<p><bdi>Once again we apologise<br>for the inconvenience.</bdi></p>');
  });

  it('keeps a retracted post visible, marked with when and why, its words struck through', () => {
    const post3 = incidentHtml.slice(incidentHtml.indexOf('id="post-3"'));
    expect(incidentHtml).toContain('<article class="post retracted" id="post-3">');
    expect(post3).toContain(
      '<p class="retraction"><strong>Retracted <time datetime="2012-07-27T22:45:00Z">27 July 2012 22:45:00 +0000</time>:</strong> <bdi>Posted to the wrong incident</bdi></p>',
    );
    expect(post3).toMatch(/<del>\s*<p><bdi>SMTP is down again.<\/bdi><\/p>\s*<\/del>/);
    expect(visibleText(post3)).toContain(
      'Retracted 27 July 2012 22:45:00 +0000: Posted to the wrong incident',
    );
  });

  it('shows a maintenance window and an incident still open', () => {
    const html = renderIncidentHtml(
      buildIncidentView({ site, settings, now, incident: upcoming, posts: [] }),
    );
    const words = visibleText(html);
    expect(words).toContain('Kind Maintenance');
    expect(words).toContain('Status Scheduled');
    expect(words).toContain('Starts 3 August 2012 19:00 UTC (12:00 PDT Vancouver · 21:00 CAT Lusaka)');
    expect(words).toContain('Ends 3 August 2012 21:00 UTC (14:00 PDT Vancouver · 23:00 CAT Lusaka)');
    expect(words).toContain('Closed Not yet');
    expect(words).toContain('Nothing has been posted yet.');
    expectValidPage(html, '../');
  });
});

describe('hostile text', () => {
  const evil = incident({ id: 9, status: 'open', closedAt: null, title: HOSTILE_TITLE, tags: [HOSTILE_TAG] });
  const evilPosts = [
    post({
      id: 20,
      incidentId: 9,
      number: 1,
      title: HOSTILE_TITLE,
      text: HOSTILE,
      tags: [HOSTILE_TAG],
      author: HOSTILE_TITLE,
    }),
    post({
      id: 21,
      incidentId: 9,
      number: 2,
      title: HOSTILE_TITLE,
      text: HOSTILE,
      publishedAt: at('2012-07-28T09:00:00Z'),
      retractedAt: at('2012-07-28T09:05:00Z'),
      retractReason: HOSTILE,
      edits: [
        { id: 5, text: `${HOSTILE}\u0000\u0007`, editedAt: at('2012-07-28T09:01:00Z'), author: HOSTILE_TAG },
      ],
    }),
  ];
  const posts = rendered(evilPosts, evil);
  const pages = {
    index: renderIndexHtml(
      buildIndexView({ site, settings, now, components, incidents: [evil], recent: posts }),
    ),
    incident: renderIncidentHtml(buildIncidentView({ site, settings, now, incident: evil, posts })),
  };

  for (const [name, html] of Object.entries(pages)) {
    it(`is escaped and isolated on the ${name} page`, () => {
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toMatch(/<img/i);
      expect(html).not.toContain('</bdi><script>');
      expect(html).toContain(
        '&lt;script&gt;alert(1)&lt;/script&gt; &amp; ]]&gt; &quot;quotes&quot; &#39;single&#39;',
      );
      expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; &quot;Title&quot;');
      expect(html).toContain('&lt;/bdi&gt;&lt;script&gt;tag&lt;/script&gt;');
      expect(html).toContain('x'.repeat(2000));
      // The emoji and the right-to-left override arrive intact, but only inside an isolating <bdi>.
      expect(html).toMatch(/<bdi>[^<]*😀[^<]*<\/bdi>/);
      const body = html.slice(html.indexOf('<body>'));
      for (const m of body.matchAll(/\u202E/g)) {
        const before = body.slice(0, m.index);
        expect(before.lastIndexOf('<bdi>')).toBeGreaterThan(before.lastIndexOf('</bdi>'));
      }
      expect(body.match(/\u202E/g)?.length).toBeGreaterThan(1);
      expect(unbalancedTags(html)).toEqual([]);
    });
  }

  it('escapes the document title and keeps control characters out of the page', () => {
    expect(pages.incident).toContain(
      // No bidi controls in <title> (shown raw in tab strips): neither isolates added nor the override typed.
      `<title>&lt;img src=x onerror=alert(1)&gt; &quot;Title&quot; evil · NinerNet Communications System Status</title>`,
    );
    expect(pages.incident).not.toContain('\u0000');
    expect(pages.incident).not.toContain('\u0007');
    expect(pages.incident).toContain('\uFFFD\uFFFD');
  });

  it('escapes every special character for HTML', () => {
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });
});

describe('renderNotFoundHtml', () => {
  it('links from the site address’s path, since it is served at any depth', () => {
    const html = renderNotFoundHtml(site);
    expectValidPage(html, '/');
    expect(html).toContain('<h1>Page not found</h1>');
    expect(html).toContain('<a href="/index.html">Go to the status page</a>');
    const nested = renderNotFoundHtml({ ...site, baseUrl: 'https://example.com/status/' });
    expect(nested).toContain('<link rel="stylesheet" href="/status/style.css">');
  });
});

describe('STYLESHEET', () => {
  it('wraps long words, follows the dark scheme and styles every state', () => {
    expect(STYLESHEET).toContain('overflow-wrap: anywhere');
    expect(STYLESHEET).toContain('@media (prefers-color-scheme: dark)');
    for (const state of ['operational', 'degraded', 'down', 'maintenance']) {
      expect(STYLESHEET).toContain(`.state-${state} {`);
      expect(STYLESHEET).toContain(`.day-${state} {`);
    }
    expect(STYLESHEET).not.toMatch(/url\(|@import/);
  });

  it('is one of the assets the pages link, with the icon', () => {
    expect(Object.keys(SITE_ASSETS)).toEqual(['style.css', 'favicon.svg']);
    expect(SITE_ASSETS['style.css']).toBe(STYLESHEET);
    expect(SITE_ASSETS['favicon.svg']).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  });
});
