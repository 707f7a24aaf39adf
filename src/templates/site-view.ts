// View models of the status site's pages, built from plain data and `now`. Every decision about what a
// page says lives here (which incidents are open, what a state is called, which times to show); the HTML
// templates only lay it out and escape it. Text stays plain: html.ts escapes it.

import type { Catalog, CoreSettings, ZoneDef } from '../bot/catalog.js';
import { type LivePromise, livePromisePost } from '../bot/promises.js';
import { joinNames } from '../bot/titles.js';
import type {
  Component,
  ComponentKey,
  ComponentState,
  Incident,
  IncidentKind,
  IncidentStatus,
} from '../bot/types.js';
import type { SiteConfig } from '../config.js';
import { type DayHistory, systemHistory, uptimePercent, worseState } from './history.js';
import { incidentPath, incidentUrl, nextUpdateLine, type RenderedPost } from './post.js';
import { formatEventTime, formatIsoUtc, formatStamp } from './time.js';

/** How many days the uptime bar covers. */
export const HISTORY_DAYS = 90;

/** A state in words and a symbol, so that it never rests on colour alone. */
export interface StateLabel {
  state: ComponentState;
  word: string;
  symbol: string;
}

const STATE_LABELS: Record<ComponentState, StateLabel> = {
  operational: { state: 'operational', word: 'Operational', symbol: '✓' },
  degraded: { state: 'degraded', word: 'Degraded', symbol: '▲' },
  down: { state: 'down', word: 'Down', symbol: '✕' },
  maintenance: { state: 'maintenance', word: 'Maintenance', symbol: '⚙' },
};

export const describeState = (state: ComponentState): StateLabel => STATE_LABELS[state];

const KIND_WORDS: Record<IncidentKind, string> = {
  outage: 'Outage',
  maintenance: 'Maintenance',
  notice: 'Notice',
};

const STATUS_WORDS: Record<IncidentStatus, string> = {
  open: 'Open',
  resolved: 'Resolved',
  scheduled: 'Scheduled',
  in_progress: 'In progress',
  completed: 'Completed',
  cancelled: 'Cancelled',
};

/** An instant for `<time datetime>`: the machine form and the words shown. */
export interface TimeView {
  iso: string;
  text: string;
}

/** What every page's head and footer need. */
export interface SiteView {
  title: string;
  description: string;
  /** The absolute address of the page, for `<link rel="canonical">`. */
  canonical: string;
  /** When the page was built. */
  updated: TimeView;
}

export interface ComponentView {
  service: string;
  /** `SMTP` */
  name: string;
  state: StateLabel;
}

export interface SystemView {
  id: string;
  /** `NC018` */
  name: string;
  /** The worst state of its components. */
  state: StateLabel;
  components: ComponentView[];
  history: DayHistory[];
  /** `99.96`; null when no day of the bar has data. */
  uptimePercent: string | null;
  /** Days of the bar before Herald's first record. */
  noDataDays: number;
  /** The uptime bar's text alternative. */
  summary: string;
  /** The texts of the days with incidents, newest first. */
  incidentDays: string[];
}

export interface IncidentSummaryView {
  id: number;
  title: string;
  /** Relative to the site's root: `incidents/7.html`. */
  href: string;
  kind: string;
  status: string;
  /** `SMTP on NC018` each. */
  components: string[];
  tags: string[];
  since: TimeView;
  /** The expected end of a maintenance in progress. */
  until: TimeView | null;
  /** The live promise of its next update (`Next update by …`), from its latest post only. */
  nextUpdate: TimeView | null;
  /** Its latest post that stands (not retracted): what is known now, and when it was said. */
  latest: LatestPostView | null;
}

export interface LatestPostView {
  title: string;
  href: string;
  stamp: TimeView;
  /** The first paragraph of its text. */
  summary: string;
}

export interface MaintenanceView {
  id: number;
  title: string;
  href: string;
  status: string;
  components: string[];
  start: TimeView | null;
  end: TimeView | null;
  nextUpdate: TimeView | null;
}

export interface RecentPostView {
  title: string;
  /** The post's permalink, relative to the site's root: `incidents/7.html#post-2`. */
  href: string;
  stamp: TimeView;
  /** The first paragraph of its current text. */
  summary: string;
  tags: string[];
  corrected: boolean;
  retracted: boolean;
}

export interface IndexView {
  site: SiteView;
  /**
   * The worst state of all components, a sentence for it, and the open incidents and maintenance in
   * progress by name, so that the banner says what is wrong and links to it.
   */
  overall: { state: StateLabel; text: string; incidents: Array<{ title: string; href: string }> };
  systems: SystemView[];
  openIncidents: IncidentSummaryView[];
  maintenance: MaintenanceView[];
  recent: RecentPostView[];
  tags: string[];
  /** The "General Information" sentence about UTC and the client zones. */
  information: string;
}

export interface PostView {
  number: number;
  /** `post-3`: the anchor of the post's permalink. */
  anchor: string;
  title: string;
  stamp: TimeView;
  /** `27 July 2012 22:13 UTC (15:13 PDT Vancouver · 00:13 CAT Lusaka, 28 July)` */
  eventTime: string | null;
  /**
   * The next update it promised, as it said it; `live` for the incident's latest post only (an earlier
   * post's promise stays as what was said then).
   */
  nextUpdate: (TimeView & { live: boolean }) | null;
  state: StateLabel | null;
  /** The current text, in paragraphs; a newline inside a paragraph is a line break. */
  paragraphs: string[];
  tags: string[];
  author: string;
  corrections: Array<{ stamp: TimeView; author: string }>;
  /** The words as first published, when corrections replaced them. */
  original: string[] | null;
  retracted: { stamp: TimeView; reason: string } | null;
}

export interface IncidentPageView {
  site: SiteView;
  incident: {
    id: number;
    title: string;
    kind: string;
    status: string;
    components: string[];
    tags: string[];
    opened: TimeView;
    closed: TimeView | null;
    /** A maintenance's window. */
    starts: TimeView | null;
    ends: TimeView | null;
    /** The live promise of the next update: its latest post's, while it is open. */
    nextUpdate: TimeView | null;
  };
  posts: PostView[];
}

export interface IndexInput {
  site: SiteConfig;
  settings: CoreSettings;
  now: number;
  /** Components whose state is known; any component of the catalog not listed is operational. */
  components: readonly Component[];
  /** The active incidents, and any closed within the last 90 days (for the uptime bars). */
  incidents: readonly Incident[];
  /** The newest posts. */
  recent: readonly RenderedPost[];
  /** The live promises of next updates (src/bot/promises.ts); none when left out. */
  promises?: readonly LivePromise[];
  /** Each active incident's latest post that stands (not retracted), by incident id. */
  latest?: ReadonlyMap<number, RenderedPost>;
  /** When Herald's first record was made: the uptime bars show the days before it as "no data". */
  recordsFrom?: number | null;
}

export interface IncidentInput {
  site: SiteConfig;
  settings: CoreSettings;
  now: number;
  incident: Incident;
  posts: readonly RenderedPost[];
}

const timeView = (at: number, zones: readonly ZoneDef[]): TimeView => ({
  iso: formatIsoUtc(at),
  text: formatEventTime(at, zones, { date: true }),
});

const stampView = (at: number): TimeView => ({ iso: formatIsoUtc(at), text: formatStamp(at) });

/** Who the public pages and feeds say posted: the configured signature, never a person's login. */
export const publicSignature = (site: SiteConfig): string => site.signature ?? site.title;

function siteView(site: SiteConfig, canonical: string, now: number): SiteView {
  return { title: site.title, description: site.description, canonical, updated: stampView(now) };
}

/** `SMTP on NC018`, in the incident's order; ids stand in for anything the catalog no longer has. */
function componentNames(catalog: Catalog, components: readonly ComponentKey[]): string[] {
  return components.map((c) => {
    const system = catalog.systems.find((s) => s.id === c.system)?.name ?? c.system;
    const service = catalog.services.find((s) => s.id === c.service)?.name ?? c.service;
    return `${service} on ${system}`;
  });
}

function sortedTags(tags: Iterable<string>): string[] {
  return [...new Set(tags)].sort(
    (a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' }) || (a < b ? -1 : 1),
  );
}

function overallText(counts: Record<ComponentState, number>): string {
  const total = counts.operational + counts.degraded + counts.down + counts.maintenance;
  if (counts.operational === total) return 'All systems operational';
  const parts = [
    counts.down ? `${counts.down} down` : '',
    counts.degraded ? `${counts.degraded} degraded` : '',
    counts.maintenance ? `${counts.maintenance} under maintenance` : '',
  ].filter(Boolean);
  const affected = total - counts.operational;
  return `${affected} ${affected === 1 ? 'component' : 'components'} affected: ${joinNames(parts)}`;
}

/**
 * The state of every component of the catalog (those not listed are operational) and the banner's sentence
 * for them: what the index page says, for the JSON API's `status.description`.
 */
export function describeOverall(
  catalog: Catalog,
  components: readonly Component[],
): { states: ComponentState[]; text: string } {
  const known = new Map(components.map((c) => [`${c.system}\u0000${c.service}`, c.state]));
  const counts: Record<ComponentState, number> = { operational: 0, degraded: 0, down: 0, maintenance: 0 };
  const states = catalog.systems.flatMap((system) =>
    system.services.map((service) => known.get(`${system.id}\u0000${service}`) ?? 'operational'),
  );
  for (const state of states) counts[state] += 1;
  return { states, text: overallText(counts) };
}

function historySummary(name: string, history: readonly DayHistory[], percent: string | null): string {
  if (percent === null) return `${name}, last ${history.length} days: no data`;
  const bad = history.filter((d) => d.state !== 'operational').length;
  const days = bad === 0 ? 'no incidents' : `${bad} ${bad === 1 ? 'day' : 'days'} with incidents`;
  const missing = history.filter((d) => d.noData).length;
  const noData = missing ? `, ${missing} ${missing === 1 ? 'day' : 'days'} without data` : '';
  return `${name}, last ${history.length} days: ${days}${noData}, ${percent}% uptime`;
}

function informationSentence(zones: readonly ZoneDef[]): string {
  const base =
    'Dates and times of posts on this site are in the UTC time zone, and dates and times given for events are also in UTC';
  if (zones.length === 0) return `${base}.`;
  const names = zones.map((z) => `${z.label} (${z.zone})`);
  return `${base}, followed by conversions into the time zones common to our clients: ${joinNames(names)}.`;
}

const isActive = (i: Incident): boolean => i.status === 'open' || i.status === 'in_progress';

function latestView(post: RenderedPost | undefined): LatestPostView | null {
  if (!post) return null;
  return {
    title: post.title,
    href: `${incidentPath(post.incidentId)}#${post.anchor}`,
    stamp: { iso: post.iso, text: post.stamp },
    summary: post.paragraphs[0] ?? '',
  };
}

export function buildIndexView(input: IndexInput): IndexView {
  const { site, settings, now } = input;
  const { catalog, zones } = settings;
  const known = new Map(input.components.map((c) => [`${c.system}\u0000${c.service}`, c.state]));
  const counts: Record<ComponentState, number> = { operational: 0, degraded: 0, down: 0, maintenance: 0 };
  let overall: ComponentState = 'operational';

  const systems = catalog.systems.map((system): SystemView => {
    let worst: ComponentState = 'operational';
    const components = system.services.map((service): ComponentView => {
      const state = known.get(`${system.id}\u0000${service}`) ?? 'operational';
      counts[state] += 1;
      worst = worseState(worst, state);
      const name = catalog.services.find((s) => s.id === service)?.name ?? service;
      return { service, name, state: describeState(state) };
    });
    overall = worseState(overall, worst);
    const history = systemHistory(
      system,
      input.incidents,
      now,
      HISTORY_DAYS,
      catalog.services,
      input.recordsFrom ?? null,
    );
    const percent = uptimePercent(history);
    return {
      id: system.id,
      name: system.name,
      state: describeState(worst),
      components,
      history,
      uptimePercent: percent,
      noDataDays: history.filter((d) => d.noData).length,
      summary: historySummary(system.name, history, percent),
      incidentDays: history
        .filter((d) => d.state !== 'operational')
        .map((d) => d.text)
        .reverse(),
    };
  });

  const promised = new Map(
    (input.promises ?? []).map((p) => {
      const line = nextUpdateLine(p.at, p.madeAt, zones);
      return [p.incidentId, { iso: line.iso, text: line.time }] as const;
    }),
  );
  const byOpening = [...input.incidents].sort((a, b) => b.openedAt - a.openedAt || b.id - a.id);
  const openIncidents = byOpening.filter(isActive).map(
    (i): IncidentSummaryView => ({
      id: i.id,
      title: i.title,
      href: incidentPath(i.id),
      kind: KIND_WORDS[i.kind],
      status: STATUS_WORDS[i.status],
      components: componentNames(catalog, i.components),
      tags: i.tags,
      since: timeView(i.kind === 'maintenance' ? (i.startsAt ?? i.openedAt) : i.openedAt, zones),
      until: i.kind === 'maintenance' && i.endsAt !== null ? timeView(i.endsAt, zones) : null,
      nextUpdate: promised.get(i.id) ?? null,
      latest: latestView(input.latest?.get(i.id)),
    }),
  );
  const maintenance = input.incidents
    .filter((i) => i.kind === 'maintenance' && i.status === 'scheduled')
    .sort((a, b) => (a.startsAt ?? a.openedAt) - (b.startsAt ?? b.openedAt) || a.id - b.id)
    .map(
      (i): MaintenanceView => ({
        id: i.id,
        title: i.title,
        href: incidentPath(i.id),
        status: STATUS_WORDS[i.status],
        components: componentNames(catalog, i.components),
        start: i.startsAt === null ? null : timeView(i.startsAt, zones),
        end: i.endsAt === null ? null : timeView(i.endsAt, zones),
        nextUpdate: promised.get(i.id) ?? null,
      }),
    );

  const recent = [...input.recent]
    .sort((a, b) => b.publishedAt - a.publishedAt || b.id - a.id)
    .map(
      (p): RecentPostView => ({
        title: p.title,
        href: `${incidentPath(p.incidentId)}#${p.anchor}`,
        stamp: { iso: p.iso, text: p.stamp },
        summary: p.paragraphs[0] ?? '',
        tags: p.tags,
        corrected: p.corrections.length > 0,
        retracted: p.retracted !== null,
      }),
    );

  return {
    site: siteView(site, new URL(site.baseUrl).href, now),
    overall: {
      state: describeState(overall),
      text: overallText(counts),
      incidents: openIncidents.map((i) => ({ title: i.title, href: i.href })),
    },
    systems,
    openIncidents,
    maintenance,
    recent,
    tags: sortedTags([...input.recent.flatMap((p) => p.tags), ...input.incidents.flatMap((i) => i.tags)]),
    information: informationSentence(zones),
  };
}

export function buildIncidentView(input: IncidentInput): IncidentPageView {
  const { site, settings, now, incident } = input;
  const { catalog, zones } = settings;
  const live = livePromisePost(
    incident.status,
    input.posts,
    (p) => p.retracted === null && p.nextUpdate !== null,
  )?.nextUpdate;
  const posts = [...input.posts]
    .sort((a, b) => a.number - b.number || a.id - b.id)
    .map(
      (p): PostView => ({
        number: p.number,
        anchor: p.anchor,
        title: p.title,
        stamp: { iso: p.iso, text: p.stamp },
        eventTime: p.eventTime,
        nextUpdate: p.nextUpdate && {
          iso: p.nextUpdate.iso,
          text: p.nextUpdate.time,
          live: p.nextUpdate === live,
        },
        state: p.state === null ? null : describeState(p.state),
        paragraphs: p.paragraphs,
        tags: p.tags,
        // The public page signs as the provider, never with the login of whoever typed the command.
        author: publicSignature(site),
        corrections: p.corrections.map((c) => ({ stamp: stampView(c.at), author: publicSignature(site) })),
        original: p.original?.paragraphs ?? null,
        retracted:
          p.retracted === null ? null : { stamp: stampView(p.retracted.at), reason: p.retracted.reason },
      }),
    );
  return {
    site: siteView(site, incidentUrl(site.baseUrl, incident.id), now),
    incident: {
      id: incident.id,
      title: incident.title,
      kind: KIND_WORDS[incident.kind],
      status: STATUS_WORDS[incident.status],
      components: componentNames(catalog, incident.components),
      tags: incident.tags,
      opened: timeView(incident.openedAt, zones),
      closed: incident.closedAt === null ? null : timeView(incident.closedAt, zones),
      starts: incident.startsAt === null ? null : timeView(incident.startsAt, zones),
      ends: incident.endsAt === null ? null : timeView(incident.endsAt, zones),
      nextUpdate: live ? { iso: live.iso, text: live.time } : null,
    },
    posts,
  };
}
