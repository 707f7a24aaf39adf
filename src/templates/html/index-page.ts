// index.html: the site's front page, in the reference blog's parts: Systems at a Glance, open incidents,
// upcoming maintenance, Recent Posts, Tags, General Information, feeds.

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
  return `<section class="system" aria-labelledby="${id}">
<h3 id="${id}"><span>${escapeHtml(system.name)}</span> ${stateHtml(system.state)}</h3>
<table class="components" aria-labelledby="${id}">
<tbody>
${rows}
</tbody>
</table>
${uptimeHtml(system)}
</section>`;
}

const componentsLine = (components: readonly string[]): string =>
  components.length ? `<p class="meta">Affects: ${components.map(escapeHtml).join(', ')}</p>` : '';

function openIncidentHtml(i: IncidentSummaryView): string {
  const until = i.until ? `<p>Expected to end ${timeHtml(i.until)}</p>` : '';
  return `<li>
<h3><a href="${escapeHtml(i.href)}">${userText(i.title)}</a></h3>
<p class="meta">${escapeHtml(i.kind)} · ${escapeHtml(i.status)}</p>
<p>Since ${timeHtml(i.since)}</p>
${until}${i.nextUpdate ? `${nextUpdateHtml(i.nextUpdate, true)}\n` : ''}${componentsLine(i.components)}
</li>`;
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
    `<p class="overall state-${view.overall.state.state}"><span aria-hidden="true">${view.overall.state.symbol}</span> ${escapeHtml(view.overall.text)}</p>`,
    section('glance', 'Systems at a Glance', view.systems.map(systemHtml).join('\n')),
    section(
      'open',
      'Open Incidents',
      list(view.openIncidents.map(openIncidentHtml), 'There are no open incidents.'),
    ),
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
