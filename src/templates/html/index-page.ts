// index.html: the site's front page. What is wrong comes first: the banner names and links the open
// incidents, then each open incident and maintenance in progress with its latest update and its time.
// Then the reference blog's parts: Systems at a Glance (a healthy system is one line, opened with <details>,
// no JavaScript), upcoming maintenance, Recent Posts, Tags, General Information, feeds.

import type {
  IncidentSummaryView,
  IndexView,
  MaintenanceView,
  RecentPostView,
  SystemView,
} from '../site-view.js';
import { escapeHtml, userLines, userText } from './escape.js';
import { renderPage, timeHtml, updatedHtml } from './layout.js';
import { nextUpdateHtml, stateHtml, tagsHtml, uptimeHtml } from './parts.js';

function section(id: string, heading: string, body: string): string {
  return `<section aria-labelledby="${id}">
<h2 id="${id}">${heading}</h2>
${body}
</section>`;
}

function systemHtml(system: SystemView): string {
  const id = `system-${escapeHtml(system.id)}`;
  const rows = system.components
    .map((c) => `<tr><th scope="row">${escapeHtml(c.name)}</th><td>${stateHtml(c.state)}</td></tr>`)
    .join('\n');
  const uptime = system.uptimePercent === null ? 'no data' : `${escapeHtml(system.uptimePercent)}% uptime`;
  // A system with a component not operational is shown open; a healthy one is one line until opened.
  const open = system.state.state === 'operational' ? '' : ' open';
  return `<details class="system" id="${id}"${open}>
<summary><span class="system-name">${escapeHtml(system.name)}</span> ${stateHtml(system.state)} <span class="meta">${uptime}</span></summary>
<table class="components" aria-label="${escapeHtml(system.name)}">
<tbody>
${rows}
</tbody>
</table>
${uptimeHtml(system)}
</details>`;
}

const componentsLine = (components: readonly string[]): string =>
  components.length ? `<p class="meta">Affects: ${components.map(escapeHtml).join(', ')}</p>` : '';

function latestHtml(i: IncidentSummaryView): string {
  const latest = i.latest;
  if (!latest) return '';
  return `<div class="latest">
<p class="stamp">Latest update <a href="${escapeHtml(latest.href)}">${timeHtml(latest.stamp)}</a></p>
${latest.summary ? `<p>${userLines(latest.summary)}</p>\n` : ''}</div>
`;
}

function openIncidentHtml(i: IncidentSummaryView): string {
  const until = i.until ? `<p>Expected to end ${timeHtml(i.until)}</p>\n` : '';
  return `<li class="open-incident">
<h3><a href="${escapeHtml(i.href)}">${userText(i.title)}</a></h3>
<p class="meta">${escapeHtml(i.kind)} · ${escapeHtml(i.status)}</p>
<p>Since ${timeHtml(i.since)}</p>
${latestHtml(i)}${until}${i.nextUpdate ? `${nextUpdateHtml(i.nextUpdate, true)}\n` : ''}${componentsLine(i.components)}
</li>`;
}

/** The banner: the overall state, and the open incidents it is about, each named and linked. */
function bannerHtml(view: IndexView): string {
  const { state, text, incidents } = view.overall;
  const names = incidents.map((i) => `<a href="${escapeHtml(i.href)}">${userText(i.title)}</a>`);
  const about = names.length ? `<br><span class="banner-incidents">${names.join(' · ')}</span>` : '';
  return `<p class="overall state-${state.state}" role="status"><span aria-hidden="true">${state.symbol}</span> ${escapeHtml(text)}${about}</p>`;
}

function maintenanceHtml(m: MaintenanceView): string {
  const start = m.start ? timeHtml(m.start) : 'to be announced';
  const end = m.end ? timeHtml(m.end) : 'when the work is done';
  return `<li>
<h3><a href="${escapeHtml(m.href)}">${userText(m.title)}</a></h3>
<p class="meta">${escapeHtml(m.status)}</p>
<dl class="facts">
<dt>Starts</dt><dd>${start}</dd>
<dt>Ends</dt><dd>${end}</dd>
</dl>
${m.nextUpdate ? `${nextUpdateHtml(m.nextUpdate, true)}\n` : ''}${componentsLine(m.components)}
</li>`;
}

function recentHtml(p: RecentPostView): string {
  const flags = [
    p.retracted ? ' <span class="flag state-down">Retracted</span>' : '',
    p.corrected ? ' <span class="flag">Corrected</span>' : '',
  ].join('');
  return `<li>
<h3><a href="${escapeHtml(p.href)}">${userText(p.title)}</a>${flags}</h3>
<p class="stamp">${timeHtml(p.stamp)}</p>
${p.summary ? `<p>${userLines(p.summary)}</p>\n` : ''}${tagsHtml(p.tags)}
</li>`;
}

function list(items: readonly string[], empty: string): string {
  return items.length ? `<ul class="items">\n${items.join('\n')}\n</ul>` : `<p>${empty}</p>`;
}

export function renderIndexHtml(view: IndexView): string {
  const { site } = view;
  const header = `<h1>${escapeHtml(site.title)}</h1>
${site.description ? `<p class="description">${escapeHtml(site.description)}</p>` : ''}`;
  const main = [
    bannerHtml(view),
    section(
      'open',
      'Open Incidents',
      list(view.openIncidents.map(openIncidentHtml), 'There are no open incidents.'),
    ),
    section('glance', 'Systems at a Glance', view.systems.map(systemHtml).join('\n')),
    section(
      'maintenance',
      'Upcoming Maintenance',
      list(view.maintenance.map(maintenanceHtml), 'No maintenance is scheduled.'),
    ),
    section('recent', 'Recent Posts', list(view.recent.map(recentHtml), 'Nothing has been posted yet.')),
    view.tags.length
      ? section(
          'tags',
          'Tags',
          `<ul class="tags plain">${view.tags.map((t) => `<li class="tag">${userText(t)}</li>`).join(' ')}</ul>`,
        )
      : '',
    section(
      'information',
      'General Information',
      `<p>${escapeHtml(view.information)}</p>\n${updatedHtml(site)}`,
    ),
  ].filter(Boolean);
  return renderPage({
    title: site.title,
    root: '',
    canonical: site.canonical,
    siteTitle: site.title,
    description: site.description,
    header,
    main: main.join('\n'),
  });
}
