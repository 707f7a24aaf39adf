// The JSON says what the pages and the feeds say, after every step of the story (the reference blog, then a
// promise, a correction, a retraction, a maintenance that starts and one called off): the banner and the
// states of Systems at a Glance, the open incidents and upcoming maintenance of the index, each incident page
// (its status, every post's title, words, retraction and promise), and every feed item.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_FILES } from '../../src/templates/api/statuspage.js';
import {
  createTestHerald,
  type Json,
  readApi,
  readPublic,
  STORY,
  type TestHerald,
  takeStep,
} from './api-world.js';

/** The text a reader sees in a piece of our HTML: tags dropped, entities decoded, spaces collapsed. */
const textOf = (html: string): string =>
  html
    .replace(/<br>/g, ' ')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
const words = (text: string) => text.replace(/\s+/g, ' ').trim();

const HERALD_STATE: Record<string, string> = {
  operational: 'operational',
  degraded: 'degraded_performance',
  down: 'major_outage',
  maintenance: 'under_maintenance',
};
const STATUS_WORD: Record<string, string> = {
  open: 'Open',
  resolved: 'Resolved',
  scheduled: 'Scheduled',
  in_progress: 'In progress',
  completed: 'Completed',
  cancelled: 'Cancelled',
};

function section(index: string, id: string): string {
  const start = index.indexOf(`<h2 id="${id}">`);
  return index.slice(start, index.indexOf('</section>', start));
}
const titlesIn = (html: string): string[] =>
  [...html.matchAll(/<h3><a href="[^"]*">(.*?)<\/a>/g)].map((m) => textOf(m[1] ?? ''));

function checkIndex(index: string, api: Record<string, Json>): void {
  const summary = api[API_FILES.summary];
  // The banner: its state and its sentence.
  const banner =
    /<p class="overall state-(\w+)" role="status"><span aria-hidden="true">[^<]*<\/span> ([^<]*)/.exec(index);
  expect(summary.status.description).toBe(textOf(banner?.[2] ?? ''));
  expect(api[API_FILES.status].status).toEqual(summary.status);
  const indicator = { operational: ['none'], degraded: ['minor'], down: ['major', 'critical'] }[
    banner?.[1] as 'operational'
  ] ?? ['maintenance'];
  expect(indicator).toContain(summary.status.indicator);
  // Systems at a Glance: every system and service, in the same state.
  const components = api[API_FILES.components].components;
  expect(summary.components).toEqual(components);
  for (const system of index.matchAll(
    /<details class="system" id="system-([^"]+)"[^>]*>([\s\S]*?)<\/details>/g,
  )) {
    const [, id, body = ''] = system;
    const group = components.find((c: Json) => c.group && c.herald.system === id);
    const systemState = /<span class="state state-(\w+)">/.exec(body)?.[1] ?? '';
    expect(group.status, `system ${id}`).toBe(HERALD_STATE[systemState]);
    const rows = [...body.matchAll(/<tr><th scope="row">([^<]*)<\/th><td><span class="state state-(\w+)">/g)];
    const members = components.filter((c: Json) => c.group_id === group.id);
    expect(members.map((c: Json) => [c.name, c.status])).toEqual(
      rows.map(([, name = '', state = '']) => [textOf(name), HERALD_STATE[state]]),
    );
    expect(group.components).toEqual(members.map((c: Json) => c.id));
  }
  // The open incidents (outages, notices, maintenance in progress) and the upcoming maintenance.
  const open = titlesIn(section(index, 'open'));
  const active = api[API_FILES.active].scheduled_maintenances;
  const unresolved = api[API_FILES.unresolved].incidents;
  expect(new Set([...unresolved, ...active].map((i: Json) => i.name))).toEqual(new Set(open));
  expect(open).toHaveLength(unresolved.length + active.length);
  expect(summary.incidents).toEqual(unresolved);
  const upcoming = api[API_FILES.upcoming].scheduled_maintenances;
  expect(upcoming.map((m: Json) => m.name)).toEqual(titlesIn(section(index, 'maintenance')));
  expect(summary.scheduled_maintenances).toEqual([...active, ...upcoming]);
}

function checkIncidentPage(page: string, incident: Json): void {
  expect(textOf(/<h1>(.*?)<\/h1>/.exec(page)?.[1] ?? '')).toBe(incident.name);
  expect(/<dt>Status<\/dt><dd>([^<]*)<\/dd>/.exec(page)?.[1]).toBe(STATUS_WORD[incident.herald.status]);
  const posts = [
    ...page.matchAll(/<article class="post( retracted)?" id="post-(\d+)">([\s\S]*?)<\/article>/g),
  ];
  // Statuspage lists updates newest first; the page oldest first.
  const updates = [...incident.incident_updates].reverse();
  expect(updates.map((u: Json) => u.herald.number)).toEqual(posts.map((p) => Number(p[2])));
  posts.forEach(([, retracted, , body = ''], i) => {
    const update = updates[i];
    expect(textOf(/<h2>(.*?)<\/h2>/.exec(body)?.[1] ?? '')).toBe(update.herald.title);
    expect(/<time datetime="([^"]+)"/.exec(body)?.[1]).toBe(update.created_at);
    const text = textOf(/<div class="post-body">([\s\S]*?)<\/div>/.exec(body)?.[1] ?? '');
    expect(text).toBe(words(update.herald.body_with_zones));
    if (retracted) {
      const note = textOf(/<p class="retraction">([\s\S]*?)<\/p>/.exec(body)?.[1] ?? '');
      expect(note).toBe(update.body);
      expect(update.herald.retracted.reason).toBe(note.slice(note.indexOf(': ') + 2));
    } else {
      expect(update.herald.retracted).toBeNull();
      // The words as stored; the page shows them with each `HH:MM UTC` followed by the client zones.
      expect(words(update.body).replace(/ \([^)]*(Vancouver|Lusaka)[^)]*\)/g, '')).toBe(
        text.replace(/ \([^)]*(Vancouver|Lusaka)[^)]*\)/g, ''),
      );
    }
    const corrected = [...body.matchAll(/<p class="correction">/g)].length;
    expect(update.herald.corrected_at).toHaveLength(corrected);
    const next = /<p class="next-update( live)?">Next update by <time datetime="([^"]+)"/.exec(body);
    expect(update.herald.next_update?.at ?? null).toBe(next?.[2] ?? null);
    if (next?.[1]) expect(incident.herald.next_update.at).toBe(next[2]);
  });
  if (!page.includes('class="next-update live"')) expect(incident.herald.next_update).toBeNull();
}

describe('the JSON, the HTML pages and the feeds agree', () => {
  let app: TestHerald;
  const checked: string[] = [];
  beforeAll(() => {
    app = createTestHerald();
  });
  afterAll(() => app?.close());

  it('after every step of the story', async () => {
    for (const step of STORY) {
      await takeStep(app, step);
      const api = readApi(app);
      const where = `after "${step.command.slice(0, 50)}"`;
      try {
        checkIndex(readPublic(app, 'index.html'), api);
        const listed = [
          ...api[API_FILES.incidents].incidents,
          ...api[API_FILES.maintenances].scheduled_maintenances,
        ];
        // Fewer than 50 of each: every incident is listed, once, and its page says the same.
        const pages = fs.readdirSync(path.join(app.config.paths.publicDir, 'incidents'));
        expect(listed.map((i: Json) => `${i.herald.number}.html`).sort()).toEqual(
          pages.filter((p) => p.endsWith('.html')).sort(),
        );
        for (const incident of listed) {
          expect(incident.shortlink).toBe(`http://127.0.0.1:8080/incidents/${incident.herald.number}.html`);
          checkIncidentPage(readPublic(app, `incidents/${incident.herald.number}.html`), incident);
        }
        // Every feed item is an update, with the same time, title and marks.
        const updates = new Map<string, Json>(
          listed.flatMap((i: Json) => i.incident_updates.map((u: Json) => [u.herald.url, u] as const)),
        );
        for (const item of JSON.parse(readPublic(app, 'feed.json')).items) {
          const update = updates.get(item.id);
          expect(update, item.id).toBeDefined();
          expect(item.date_published).toBe(update.created_at);
          const marked = `${update.herald.retracted ? 'Retracted: ' : ''}${update.herald.title}${update.herald.corrected_at.length ? ' (corrected)' : ''}`;
          expect(item.title).toBe(marked);
        }
        // And every RSS and Atom entry (RSS's guid and Atom's id are the post's permalink).
        const xml = readPublic(app, 'rss.xml') + readPublic(app, 'atom.xml');
        const ids = [...xml.matchAll(/<(?:guid[^>]*|id)>(http[^<]*#post-\d+)<\/(?:guid|id)>/g)].map(
          (m) => m[1],
        );
        expect(ids.length).toBeGreaterThan(0);
        for (const id of ids) expect(updates.has(id ?? ''), id).toBe(true);
        checked.push(...(ids as string[]));
      } catch (error) {
        throw new Error(`${where}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    // The checks saw the seams: a correction, a retraction, a promise, a cancellation.
    const last = readApi(app);
    const all = [
      ...last[API_FILES.incidents].incidents,
      ...last[API_FILES.maintenances].scheduled_maintenances,
    ];
    const updates = all.flatMap((i: Json) => i.incident_updates);
    expect(updates.some((u: Json) => u.herald.retracted)).toBe(true);
    expect(updates.some((u: Json) => u.herald.corrected_at.length > 0)).toBe(true);
    expect(updates.some((u: Json) => u.herald.next_update)).toBe(true);
    expect(all.find((i: Json) => i.herald.status === 'cancelled')?.status).toBe('resolved');
    expect(checked.length).toBeGreaterThan(0);
  });
});
