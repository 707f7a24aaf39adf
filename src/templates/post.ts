// One neutral rendering of a post, made once per change; the site, the feeds and the social outlets each
// format it their own way. Pure: the zones and the site's address are passed in. Text stays plain (not
// escaped): each format escapes for itself.

import type { ZoneDef } from '../bot/catalog.js';
import type { ComponentState, Incident, IncidentKind, IncidentStatus, Post } from '../bot/types.js';
import {
  annotateTimes,
  formatDay,
  formatEventTime,
  formatIsoUtc,
  formatStamp,
  type TextTimeReference,
} from './time.js';

export interface RenderContext {
  /** The site's public address, ending in `/`. */
  baseUrl: string;
  zones: readonly ZoneDef[];
}

export interface RenderedText {
  /** The text with every `HH:MM UTC` followed by the client zones. */
  text: string;
  /** The same, split into paragraphs at blank lines. */
  paragraphs: string[];
}

export interface RenderedPost extends RenderedText {
  id: number;
  incidentId: number;
  number: number;
  title: string;
  /** `incidents/12.html#post-3` under the site's address: the post's stable id everywhere. */
  permalink: string;
  anchor: string;
  publishedAt: number;
  /** `29 October 2013 08:57:36 +0000` */
  stamp: string;
  /** `2013-10-29T08:57:36Z` */
  iso: string;
  /** `22:13 UTC (15:13 PDT Vancouver · 00:13 CAT Lusaka, 28 July)` when the post reports an event time. */
  eventTime: string | null;
  /** The next update the post promised (`--next`), as it said it. */
  nextUpdate: NextUpdateLine | null;
  author: string;
  tags: string[];
  state: ComponentState | null;
  /** The words as first published, when a correction replaced them. */
  original: RenderedText | null;
  corrections: Array<{ at: number; stamp: string; author: string }>;
  retracted: { at: number; stamp: string; reason: string } | null;
  incident: { id: number; title: string; kind: IncidentKind; status: IncidentStatus; url: string };
}

/** A promise of the next update as a post states it. */
export interface NextUpdateLine {
  at: number;
  /** `2012-07-27T20:00:00Z` */
  iso: string;
  /** `20:00 UTC (13:00 PDT Vancouver · 22:00 CAT Lusaka)`; with the date when not on the post's UTC day. */
  time: string;
  /** `Next update by 20:00 UTC (13:00 PDT Vancouver · 22:00 CAT Lusaka)` */
  text: string;
}

/** The promise made at `madeAt` of an update by `at`, in the post's words. */
export function nextUpdateLine(at: number, madeAt: number, zones: readonly ZoneDef[]): NextUpdateLine {
  const time = formatEventTime(at, zones, { date: formatDay(at) !== formatDay(madeAt) });
  return { at, iso: formatIsoUtc(at), time, text: `Next update by ${time}` };
}

export const incidentPath = (id: number): string => `incidents/${id}.html`;
export const postAnchor = (number: number): string => `post-${number}`;
export const incidentUrl = (baseUrl: string, id: number): string => new URL(incidentPath(id), baseUrl).href;

function renderText(text: string, reference: TextTimeReference, zones: readonly ZoneDef[]): RenderedText {
  const annotated = annotateTimes(text, reference, zones);
  return { text: annotated, paragraphs: paragraphsOf(annotated) };
}

/**
 * Paragraphs at blank lines. Most posts are one paragraph, and a regular-expression split costs more than
 * the rest of a post's rendering (V8 builds a sticky copy of the expression per call), so a text without a
 * line break is not split at all.
 */
function paragraphsOf(text: string): string[] {
  if (!text.includes('\n')) {
    const only = text.trim();
    return only === '' ? [] : [only];
  }
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
}

/**
 * What the times in a post's words are about: its event time (`--at`), else, in a maintenance, the
 * maintenance's start (an announcement written today of work next month means next month's clocks).
 */
export function textTimeReference(post: Post, incident: Incident): TextTimeReference {
  const event = post.eventAt ?? (incident.kind === 'maintenance' ? incident.startsAt : null);
  return { written: post.publishedAt, event };
}

export function renderPost(post: Post, incident: Incident, ctx: RenderContext): RenderedPost {
  const day = textTimeReference(post, incident);
  const latest = post.edits.at(-1);
  const current = renderText(latest?.text ?? post.text, day, ctx.zones);
  const url = incidentUrl(ctx.baseUrl, incident.id);
  return {
    text: current.text,
    paragraphs: current.paragraphs,
    id: post.id,
    incidentId: incident.id,
    number: post.number,
    title: post.title,
    permalink: `${url}#${postAnchor(post.number)}`,
    anchor: postAnchor(post.number),
    publishedAt: post.publishedAt,
    stamp: formatStamp(post.publishedAt),
    iso: formatIsoUtc(post.publishedAt),
    eventTime: post.eventAt === null ? null : formatEventTime(post.eventAt, ctx.zones, { date: true }),
    nextUpdate:
      post.nextUpdateAt === undefined ? null : nextUpdateLine(post.nextUpdateAt, post.publishedAt, ctx.zones),
    author: post.author,
    tags: post.tags,
    state: post.state,
    original: latest ? renderText(post.text, day, ctx.zones) : null,
    corrections: post.edits.map((e) => ({
      at: e.editedAt,
      stamp: formatStamp(e.editedAt),
      author: e.author,
    })),
    retracted:
      post.retractedAt === null
        ? null
        : { at: post.retractedAt, stamp: formatStamp(post.retractedAt), reason: post.retractReason ?? '' },
    incident: { id: incident.id, title: incident.title, kind: incident.kind, status: incident.status, url },
  };
}

/**
 * renderPost with a memory: a post is rendered once per version (its corrections, its retraction, its
 * incident's title and status) rather than once per outlet and again for every feed rewrite. Bounded: the
 * least recently used go first.
 */
export function createPostRenderer(
  ctx: RenderContext,
  capacity = 2000,
): (post: Post, incident: Incident) => RenderedPost {
  const cache = new Map<string, RenderedPost>();
  return (post, incident) => {
    // The maintenance's start is in the key: the times in its posts' words are read against it.
    const key = `${post.id}:${post.edits.length}:${post.retractedAt ?? ''}:${incident.status}:${incident.title}:${incident.startsAt ?? ''}`;
    const hit = cache.get(key);
    if (hit) {
      cache.delete(key);
      cache.set(key, hit);
      return hit;
    }
    const rendered = renderPost(post, incident, ctx);
    cache.set(key, rendered);
    if (cache.size > capacity) cache.delete(cache.keys().next().value as string);
    return rendered;
  };
}
