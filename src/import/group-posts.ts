// How an old blog's posts become incidents. Pure: the posts, the series earlier imports made and the gap
// are arguments.
//
// The rule (docs/import.md): a post's series title is its title without a trailing ": Update 14",
// " - Update 14" (or an en or em dash) or "(Update)". Posts whose series titles are equal (ignoring case
// and spacing) and that follow each other within GAP_DAYS join one incident, in date order; a post after a
// longer silence opens a new incident. A post keeps the number its title gives ("Update 14" is post 14,
// as `--number` keeps a series begun before Herald), when that number is higher than the one before it;
// otherwise it is numbered after the one before it (1, 2, 3… for a series without numbers). Every imported incident is a notice (the
// blog's posts announced things; they never set a component's state), resolved at its latest post.

import type { ImportedSeries, ImportGroup, NewIncident, NewPost } from '../bot/ports.js';

/** A series goes on while its posts are at most this far apart. */
export const GAP_DAYS = 60;
const DAY = 86_400_000;

/** One post of the old blog, read from its feed. */
export interface BlogPost {
  /** The feed's id for the item: guid or Atom id, else its link, else its title and date. */
  key: string;
  title: string;
  text: string;
  tags: string[];
  author: string;
  publishedAt: number;
  /** Its place in the feed (1 = first): orders posts of the same instant, and names a post in messages. */
  position: number;
}

const UPDATE_SUFFIX = /\s*(?:[:\-–—]\s*update\s+\d+|\(\s*update\s*\d*\s*\))\s*$/i;

/** `Email migration: Update 14` → `Email migration`; a title without such an ending stays as it is. */
export function seriesTitle(title: string): string {
  let current = title.trim();
  for (let next = current.replace(UPDATE_SUFFIX, ''); next !== current && next !== ''; ) {
    current = next;
    next = current.replace(UPDATE_SUFFIX, '');
  }
  return current;
}

const UPDATE_NUMBER = /(?:[:\-–—]\s*update\s+(\d+)|\(\s*update\s*(\d+)\s*\))\s*$/i;

/** `Email migration: Update 14` → 14; null when the title does not end with an update number. */
export function updateNumber(title: string): number | null {
  const m = UPDATE_NUMBER.exec(title.trim());
  const digits = m?.[1] ?? m?.[2];
  const n = digits === undefined ? Number.NaN : Number(digits);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

const sameKey = (title: string) => title.replace(/\s+/g, ' ').trim().toLowerCase();

interface OpenSeries {
  group: ImportGroup;
  tags: string[];
  lastAt: number;
  lastNumber: number;
}

/**
 * The groups to write: `posts` (in any order) as new incidents or continuing `earlier` series. A post only
 * continues an earlier import's incident when it is newer than that incident's latest post, so that
 * numbers keep following dates.
 */
export function groupPosts(
  posts: readonly BlogPost[],
  earlier: readonly ImportedSeries[],
  gapDays = GAP_DAYS,
): ImportGroup[] {
  const gap = gapDays * DAY;
  // Every series of a title, the earlier imports' and this one's: a post continues the one whose latest
  // post is the most recent before it, within the gap.
  const series = new Map<string, OpenSeries[]>();
  const add = (key: string, s: OpenSeries) => series.set(key, [...(series.get(key) ?? []), s]);
  for (const s of earlier) {
    add(sameKey(s.title), {
      group: { incident: { id: s.incidentId, patch: {} }, posts: [] },
      tags: s.tags,
      lastAt: s.lastAt,
      lastNumber: s.lastNumber,
    });
  }
  const groups: ImportGroup[] = [];
  const inOrder = [...posts].sort((a, b) => a.publishedAt - b.publishedAt || b.position - a.position);
  for (const post of inOrder) {
    const title = seriesTitle(post.title);
    const key = sameKey(title);
    let current = (series.get(key) ?? [])
      .filter((s) => s.lastAt <= post.publishedAt && post.publishedAt - s.lastAt <= gap)
      .sort((a, b) => b.lastAt - a.lastAt)[0];
    if (!current) {
      current = {
        group: { incident: { create: newIncident(title, post) }, posts: [] },
        tags: [],
        lastAt: 0,
        lastNumber: 0,
      };
      add(key, current);
    }
    if (current.group.posts.length === 0) groups.push(current.group);
    const given = updateNumber(post.title);
    current.lastNumber = given !== null && given > current.lastNumber ? given : current.lastNumber + 1;
    current.lastAt = post.publishedAt;
    current.tags = [...new Set([...current.tags, ...post.tags])];
    current.group.posts.push({ key: post.key, post: newPost(post, current.lastNumber) });
    closeAt(current);
  }
  return groups;
}

function newIncident(title: string, first: BlogPost): NewIncident {
  return {
    kind: 'notice',
    status: 'resolved',
    title,
    tags: [],
    components: [],
    impact: null,
    openedAt: first.publishedAt,
    closedAt: first.publishedAt,
    startsAt: null,
    endsAt: null,
    lastNumber: 0,
  };
}

function newPost(post: BlogPost, number: number): NewPost {
  return {
    number,
    title: post.title,
    text: post.text,
    tags: post.tags,
    author: post.author,
    publishedAt: post.publishedAt,
    eventAt: null,
    state: null,
  };
}

/** The incident as its latest post leaves it: resolved then, with every post's tags. */
function closeAt(series: OpenSeries): void {
  const { incident } = series.group;
  const fields = {
    status: 'resolved' as const,
    closedAt: series.lastAt,
    lastNumber: series.lastNumber,
    tags: series.tags,
  };
  if ('create' in incident) Object.assign(incident.create, fields);
  else Object.assign(incident.patch, fields);
}
