// Fragments both pages use: a state in words and a symbol, tags, paragraphs, the 90-day uptime bar.

import type { DayHistory } from '../history.js';
import type { StateLabel, SystemView } from '../site-view.js';
import { escapeHtml, userLines, userText } from './escape.js';
import { timeHtml } from './layout.js';

/** `✕ Down`: the symbol is decoration (hidden from screen readers), the word is the meaning. */
export function stateHtml(state: StateLabel): string {
  return `<span class="state state-${state.state}"><span aria-hidden="true">${state.symbol}</span> ${state.word}</span>`;
}

/** `Next update by 20:00 UTC (…)`: `live` marks the incident's promise now (its latest post's). */
export function nextUpdateHtml(time: { iso: string; text: string }, live: boolean): string {
  return `<p class="next-update${live ? ' live' : ''}">Next update by ${timeHtml(time)}</p>`;
}

export function tagsHtml(tags: readonly string[]): string {
  if (tags.length === 0) return '';
  const items = tags.map((t) => `<span class="tag">${userText(t)}</span>`).join(' ');
  return `<p class="tags"><span class="label">Tags:</span> ${items}</p>`;
}

export function paragraphsHtml(paragraphs: readonly string[]): string {
  return paragraphs.map((p) => `<p>${userLines(p)}</p>`).join('\n');
}

const DAY_WIDTH = 10;
const BAR_HEIGHT = 32;

function dayRect(day: DayHistory, index: number): string {
  const kind = day.noData ? 'no-data' : day.state;
  return `<rect x="${index * DAY_WIDTH}" y="0" width="${DAY_WIDTH - 2}" height="${BAR_HEIGHT}" class="day-${kind}"><title>${escapeHtml(day.text)}</title></rect>`;
}

/** `99.96% uptime over the last 90 days`, saying how many days had no data, or that none had any. */
function uptimeCaption(system: SystemView, days: number): string {
  if (system.uptimePercent === null) return `No data yet for the last ${days} days`;
  const missing =
    system.noDataDays > 0
      ? ` (no data for the ${system.noDataDays === 1 ? 'day' : `${system.noDataDays} days`} before the first record)`
      : '';
  return `<strong>${escapeHtml(system.uptimePercent)}%</strong> uptime over the last ${days} days${missing}`;
}

/**
 * One rect per day, oldest on the left, each with its day's text as a tooltip. For a screen reader the
 * whole bar is one image whose label sums it up; the uptime figure and the days with incidents are text.
 */
export function uptimeHtml(system: SystemView): string {
  const days = system.history;
  const width = Math.max(1, days.length * DAY_WIDTH - 2);
  const rects = days.map(dayRect).join('\n');
  const list = system.incidentDays.length
    ? `\n<details><summary>${system.incidentDays.length === 1 ? '1 day' : `${system.incidentDays.length} days`} with incidents</summary>
<ul>
${system.incidentDays.map((d) => `<li>${escapeHtml(d)}</li>`).join('\n')}
</ul>
</details>`
    : '';
  return `<figure class="uptime">
<svg class="bar" role="img" aria-label="${escapeHtml(system.summary)}" viewBox="0 0 ${width} ${BAR_HEIGHT}" preserveAspectRatio="none" focusable="false" xmlns="http://www.w3.org/2000/svg">
${rects}
</svg>
<div class="bar-ends" aria-hidden="true"><span>${days.length} days ago</span><span>Today</span></div>
<figcaption>${uptimeCaption(system, days.length)}</figcaption>
</figure>${list}`;
}
