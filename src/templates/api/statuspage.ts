// Statuspage's public API (v2) as static JSON: the shapes, field names and value sets of Atlassian
// Statuspage's `/api/v2/*.json`, so that aggregators, dashboards and Atlassian's own status widget can read
// Herald. Pure: the catalog, the zones, the site and the instants are passed in. What Herald knows and
// Statuspage has no field for goes under `herald`, never in place of a standard field (docs/api.md).

import { createHash } from 'node:crypto';
import type { Catalog, ZoneDef } from '../../bot/catalog.js';
import { livePromisePost } from '../../bot/promises.js';
import type { Component, ComponentState, Incident, IncidentStatus, Post } from '../../bot/types.js';
import type { SiteConfig } from '../../config.js';
import { worseState } from '../history.js';
import { incidentUrl, type RenderedPost } from '../post.js';
import { formatIsoUtc } from '../time.js';

/** The files, under the public folder. */
export const API_FILES = {
  summary: 'api/v2/summary.json',
  status: 'api/v2/status.json',
  components: 'api/v2/components.json',
  incidents: 'api/v2/incidents.json',
  unresolved: 'api/v2/incidents/unresolved.json',
  maintenances: 'api/v2/scheduled-maintenances.json',
  upcoming: 'api/v2/scheduled-maintenances/upcoming.json',
  active: 'api/v2/scheduled-maintenances/active.json',
} as const;

/** How many incidents and maintenances the full lists hold, as Statuspage's do. */
export const API_LIST_LIMIT = 50;

export type ApiComponentStatus =
  | 'operational'
  | 'degraded_performance'
  | 'partial_outage'
  | 'major_outage'
  | 'under_maintenance';
export type ApiIndicator = 'none' | 'minor' | 'major' | 'critical' | 'maintenance';
export type ApiImpact = 'none' | 'minor' | 'major' | 'critical' | 'maintenance';
export type ApiIncidentStatus =
  | 'investigating'
  | 'identified'
  | 'monitoring'
  | 'resolved'
  | 'postmortem'
  | 'scheduled'
  | 'in_progress'
  | 'verifying'
  | 'completed';

const COMPONENT_STATUS: Record<ComponentState, ApiComponentStatus> = {
  operational: 'operational',
  degraded: 'degraded_performance',
  down: 'major_outage',
  maintenance: 'under_maintenance',
};

export const apiComponentStatus = (state: ComponentState): ApiComponentStatus => COMPONENT_STATUS[state];

/**
 * A Statuspage-shaped id (12 characters, `[a-z0-9]`) derived from what names a thing in Herald (a system's
 * and a service's configured ids, an incident's number, a post's row id), never from its position: the same
 * thing has the same id across rebuilds, restarts and new incidents.
 */
export function stableId(kind: 'page' | 'component' | 'incident' | 'update', key: string): string {
  const digest = createHash('sha256').update(`herald/${kind}/${key}`).digest();
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let id = '';
  for (let i = 0; i < 12; i++) id += alphabet[(digest[i] ?? 0) % alphabet.length];
  return id;
}

export const componentId = (system: string, service?: string): string =>
  stableId('component', service === undefined ? system : `${system}/${service}`);
export const incidentApiId = (incidentId: number): string => stableId('incident', String(incidentId));
export const updateApiId = (postId: number): string => stableId('update', String(postId));

/**
 * JSON.stringify, with U+2028 and U+2029 escaped too: valid JSON either way, but a raw one ends a line for
 * some readers and broke JavaScript before ES2019 (a script embedding the JSON).
 */
export const toJson = (value: unknown): string =>
  JSON.stringify(value).replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);

export interface ApiPage {
  id: string;
  name: string;
  url: string;
  time_zone: string;
  updated_at: string;
}

export interface ApiComponent {
  id: string;
  name: string;
  status: ApiComponentStatus;
  created_at: string;
  updated_at: string;
  position: number;
  description: string | null;
  showcase: boolean;
  start_date: string | null;
  group_id: string | null;
  page_id: string;
  group: boolean;
  only_show_if_degraded: boolean;
  /** Group components only: the ids of their members. */
  components?: string[];
  herald: { system: string; service: string | null };
}

export interface ApiStatus {
  indicator: ApiIndicator;
  description: string;
}

/** An incident or maintenance, serialized once per version (the lists are assembled from these strings). */
export interface ApiIncidentEntry {
  incidentId: number;
  maintenance: boolean;
  status: IncidentStatus;
  openedAt: number;
  /** A maintenance's announced start. */
  startsAt: number | null;
  /** The latest instant anything in it changed (a post, a correction, a retraction, its close). */
  updatedAt: number;
  /** Its JSON, encoded once as UTF-8: the lists are assembled from these bytes, not re-encoded per write. */
  json: Buffer;
}

/** The page object every file starts with; `updated_at` is per file (see `renderApiFiles`). */
export function apiPageOf(site: SiteConfig): Omit<ApiPage, 'updated_at'> {
  return {
    id: stableId('page', new URL(site.baseUrl).href),
    name: site.title,
    url: new URL(site.baseUrl).href,
    // Herald posts in UTC; the client zones are in each update's `herald` fields.
    time_zone: 'Etc/UTC',
  };
}

export interface ComponentsInput {
  catalog: Catalog;
  /** Components whose state is known; the rest of the catalog is operational. */
  components: readonly Component[];
  pageId: string;
  /** When Herald's first record was made: the creation time of every component. */
  createdAt: number;
}

/**
 * Every system as a group component (its status the worst of its services', as the HTML page shows it),
 * followed by its services (`group_id` naming the group), in the catalog's order.
 */
export function buildApiComponents(input: ComponentsInput): { list: ApiComponent[]; updatedAt: number } {
  const { catalog, pageId, createdAt } = input;
  const known = new Map(input.components.map((c) => [`${c.system}\u0000${c.service}`, c]));
  const created = formatIsoUtc(createdAt);
  const list: ApiComponent[] = [];
  let position = 0;
  let latest = createdAt;
  for (const system of catalog.systems) {
    const groupId = componentId(system.id);
    let worst: ComponentState = 'operational';
    let groupUpdated = createdAt;
    const members = system.services.map((service): ApiComponent => {
      const row = known.get(`${system.id}\u0000${service}`);
      const state = row?.state ?? 'operational';
      const updated = Math.max(row?.since ?? 0, createdAt);
      worst = worseState(worst, state);
      groupUpdated = Math.max(groupUpdated, updated);
      return {
        id: componentId(system.id, service),
        name: catalog.services.find((s) => s.id === service)?.name ?? service,
        status: COMPONENT_STATUS[state],
        created_at: created,
        updated_at: formatIsoUtc(updated),
        position: 0,
        description: null,
        showcase: false,
        start_date: null,
        group_id: groupId,
        page_id: pageId,
        group: false,
        only_show_if_degraded: false,
        herald: { system: system.id, service },
      };
    });
    latest = Math.max(latest, groupUpdated);
    list.push({
      id: groupId,
      name: system.name,
      status: COMPONENT_STATUS[worst],
      created_at: created,
      updated_at: formatIsoUtc(groupUpdated),
      position: ++position,
      description: null,
      showcase: true,
      start_date: null,
      group_id: null,
      page_id: pageId,
      group: true,
      only_show_if_degraded: false,
      components: members.map((m) => m.id),
      herald: { system: system.id, service: null },
    });
    for (const member of members) list.push({ ...member, position: ++position });
  }
  return { list, updatedAt: latest };
}

/**
 * The overall indicator from the worst component state: a component down is `major` (every component down,
 * `critical`), degraded `minor`, in maintenance `maintenance`. The description is the sentence the HTML
 * page's banner shows (`describeOverall` in site-view.ts), so the JSON says what the page says.
 */
export function apiStatusOf(states: readonly ComponentState[], description: string): ApiStatus {
  let worst: ComponentState = 'operational';
  for (const s of states) worst = worseState(worst, s);
  const indicator: ApiIndicator =
    worst === 'down'
      ? states.every((s) => s === 'down')
        ? 'critical'
        : 'major'
      : worst === 'degraded'
        ? 'minor'
        : worst === 'maintenance'
          ? 'maintenance'
          : 'none';
  return { indicator, description };
}

function impactOf(incident: Incident): ApiImpact {
  if (incident.kind === 'maintenance') return 'maintenance';
  if (incident.kind === 'notice') return 'none';
  return incident.impact === 'down' ? 'major' : 'minor';
}

/**
 * Herald's status in Statuspage's words. A cancelled maintenance is `resolved`: Statuspage has no word for
 * called off, and `completed` would say the work was done (the page says "Cancelled"; `herald.status` too).
 */
function statusOf(incident: Incident): ApiIncidentStatus {
  switch (incident.status) {
    case 'open':
      return 'investigating';
    case 'resolved':
      return 'resolved';
    case 'scheduled':
      return 'scheduled';
    case 'in_progress':
      return 'in_progress';
    case 'completed':
      return 'completed';
    case 'cancelled':
      return 'resolved';
  }
}

/**
 * Each post's status at the time it was posted: an outage or notice is `investigating` until the post that
 * closed it (`resolved`); a maintenance `scheduled` until a post put its components in maintenance
 * (`in_progress`), then the post that closed it says how it ended.
 */
function updateStatuses(incident: Incident, posts: readonly RenderedPost[]): ApiIncidentStatus[] {
  const closed = incident.closedAt !== null;
  let running: ApiIncidentStatus = incident.kind === 'maintenance' ? 'scheduled' : 'investigating';
  return posts.map((p, i) => {
    if (closed && i === posts.length - 1) return statusOf(incident);
    if (incident.kind === 'maintenance' && p.state === 'maintenance') running = 'in_progress';
    return running;
  });
}

export interface IncidentApiInput {
  site: SiteConfig;
  catalog: Catalog;
  zones: readonly ZoneDef[];
  pageId: string;
  incident: Incident;
  /** Its posts as stored (their words without the client zones) and rendered (src/templates/post.ts). */
  posts: ReadonlyArray<{ raw: Post; rendered: RenderedPost }>;
}

/** What a post's update body says: its current words, or for a retracted post what the page says of it. */
function bodyOf(post: RenderedPost, raw: string): string {
  if (!post.retracted) return raw;
  return `Retracted ${post.retracted.stamp}${post.retracted.reason ? `: ${post.retracted.reason}` : '.'}`;
}

/** One incident or maintenance with its updates (newest first, as Statuspage lists them), serialized. */
export function buildApiIncident(input: IncidentApiInput): ApiIncidentEntry {
  const { incident, site, catalog, pageId } = input;
  const id = incidentApiId(incident.id);
  const sorted = [...input.posts].sort((a, b) => a.raw.number - b.raw.number || a.raw.id - b.raw.id);
  const posts = sorted.map((p) => p.rendered);
  const statuses = updateStatuses(incident, posts);
  const live = livePromisePost(incident.status, posts, (p) => p.retracted === null && p.nextUpdate !== null);
  let updatedAt = Math.max(incident.openedAt, incident.closedAt ?? 0);
  const updates = posts.map((p, i) => {
    const changed = Math.max(p.publishedAt, p.retracted?.at ?? 0, ...p.corrections.map((c) => c.at));
    updatedAt = Math.max(updatedAt, changed);
    // The words without the client zones' times: those are Herald's rendering, in `herald.body_with_zones`.
    const stored = sorted[i]?.raw;
    const raw = stored?.edits.at(-1)?.text ?? stored?.text ?? p.text;
    return {
      id: updateApiId(p.id),
      status: statuses[i] ?? 'investigating',
      body: bodyOf(p, raw),
      incident_id: id,
      created_at: p.iso,
      updated_at: formatIsoUtc(changed),
      display_at: p.iso,
      herald: {
        number: p.number,
        title: p.title,
        url: p.permalink,
        body_with_zones: p.text,
        event_at: stored?.eventAt == null ? null : formatIsoUtc(stored.eventAt),
        event_time: p.eventTime,
        state: p.state,
        tags: p.tags,
        next_update: p.nextUpdate && { at: p.nextUpdate.iso, text: p.nextUpdate.text },
        corrected_at: p.corrections.map((c) => formatIsoUtc(c.at)),
        original_body: p.original ? (stored?.text ?? p.original.text) : null,
        retracted: p.retracted && {
          at: formatIsoUtc(p.retracted.at),
          reason: p.retracted.reason,
          body: raw,
        },
      },
    };
  });
  const maintenance = incident.kind === 'maintenance';
  const url = incidentUrl(site.baseUrl, incident.id);
  const names = incident.components.map((c) => {
    const system = catalog.systems.find((s) => s.id === c.system)?.name ?? c.system;
    const service = catalog.services.find((s) => s.id === c.service)?.name ?? c.service;
    return { id: componentId(c.system, c.service), name: `${service} on ${system}` };
  });
  const closedStatus = ['resolved', 'completed', 'cancelled'].includes(incident.status);
  const body = {
    id,
    name: incident.title,
    status: statusOf(incident),
    created_at: formatIsoUtc(incident.openedAt),
    updated_at: formatIsoUtc(updatedAt),
    monitoring_at: null,
    resolved_at: closedStatus && incident.closedAt !== null ? formatIsoUtc(incident.closedAt) : null,
    impact: impactOf(incident),
    shortlink: url,
    started_at: formatIsoUtc(maintenance ? (incident.startsAt ?? incident.openedAt) : incident.openedAt),
    page_id: pageId,
    incident_updates: updates.reverse(),
    ...(maintenance
      ? {
          scheduled_for: incident.startsAt === null ? null : formatIsoUtc(incident.startsAt),
          scheduled_until: incident.endsAt === null ? null : formatIsoUtc(incident.endsAt),
        }
      : {}),
    herald: {
      number: incident.id,
      kind: incident.kind,
      status: incident.status,
      url,
      tags: incident.tags,
      components: names,
      next_update: live?.nextUpdate ? { at: live.nextUpdate.iso, text: live.nextUpdate.text } : null,
    },
  };
  return {
    incidentId: incident.id,
    maintenance,
    status: incident.status,
    openedAt: incident.openedAt,
    startsAt: incident.startsAt,
    updatedAt,
    json: Buffer.from(toJson(body)),
  };
}

export interface ApiView {
  page: Omit<ApiPage, 'updated_at'>;
  components: { list: ApiComponent[]; updatedAt: number };
  status: ApiStatus;
  /** The most recent outages and notices, newest first (at most API_LIST_LIMIT). */
  incidents: readonly ApiIncidentEntry[];
  /** Every outage and notice still open, newest first. */
  unresolved: readonly ApiIncidentEntry[];
  /** The most recent maintenances, newest first (at most API_LIST_LIMIT). */
  maintenances: readonly ApiIncidentEntry[];
  /** Maintenances announced and not started, soonest first. */
  upcoming: readonly ApiIncidentEntry[];
  /** Maintenances in progress. */
  active: readonly ApiIncidentEntry[];
}

const latestOf = (entries: readonly ApiIncidentEntry[], floor: number): number =>
  entries.reduce((m, e) => Math.max(m, e.updatedAt), floor);

const OPEN = Buffer.from('[');
const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']');

/** A JSON array of these entries' bytes. */
const list = (entries: readonly ApiIncidentEntry[]): Buffer[] => {
  const parts: Buffer[] = [OPEN];
  entries.forEach((e, i) => {
    if (i > 0) parts.push(COMMA);
    parts.push(e.json);
  });
  parts.push(CLOSE);
  return parts;
};

/** A file from its pieces: text is encoded, the entries' bytes are copied once. */
const file = (...pieces: Array<string | Buffer[]>): Buffer =>
  Buffer.concat(pieces.flatMap((p) => (typeof p === 'string' ? [Buffer.from(p)] : p)));

/**
 * The eight files, by path under the public folder. Each file's `page.updated_at` is the latest change to
 * what that file lists (not the time of writing), so a file is rewritten only when what it says changed.
 */
export function renderApiFiles(view: ApiView): Record<string, Buffer> {
  const pageAt = (at: number) => toJson({ ...view.page, updated_at: formatIsoUtc(at) });
  const components = toJson(view.components.list);
  const status = toJson(view.status);
  const floor = view.components.updatedAt;
  const summaryAt = latestOf(view.upcoming, latestOf(view.active, latestOf(view.unresolved, floor)));
  return {
    [API_FILES.summary]: file(
      `{"page":${pageAt(summaryAt)},"components":${components},"incidents":`,
      list(view.unresolved),
      ',"scheduled_maintenances":',
      list([...view.active, ...view.upcoming]),
      `,"status":${status}}\n`,
    ),
    // The indicator and its sentence come from the components alone, and so does this file's time.
    [API_FILES.status]: file(`{"page":${pageAt(floor)},"status":${status}}\n`),
    [API_FILES.components]: file(`{"page":${pageAt(floor)},"components":${components}}\n`),
    [API_FILES.incidents]: file(
      `{"page":${pageAt(latestOf(view.incidents, 0))},"incidents":`,
      list(view.incidents),
      '}\n',
    ),
    [API_FILES.unresolved]: file(
      `{"page":${pageAt(latestOf(view.unresolved, 0))},"incidents":`,
      list(view.unresolved),
      '}\n',
    ),
    [API_FILES.maintenances]: file(
      `{"page":${pageAt(latestOf(view.maintenances, 0))},"scheduled_maintenances":`,
      list(view.maintenances),
      '}\n',
    ),
    [API_FILES.upcoming]: file(
      `{"page":${pageAt(latestOf(view.upcoming, 0))},"scheduled_maintenances":`,
      list(view.upcoming),
      '}\n',
    ),
    [API_FILES.active]: file(
      `{"page":${pageAt(latestOf(view.active, 0))},"scheduled_maintenances":`,
      list(view.active),
      '}\n',
    ),
  };
}
