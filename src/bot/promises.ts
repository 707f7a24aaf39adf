// Promised updates (`--next 20:00`): a post may promise the next update by a time. Only the incident's latest
// post speaks for it now, so only that post's promise is live: a later post clears it (by promising another
// time, or nothing), and so does closing the incident or retracting the post. Older posts keep their
// promise as what they said then. Pure: the same rule is the store's query (src/store/promises.ts), the
// site's header and index, and the reminder five minutes before (src/automation/promises.ts).

import type { Actor, Incident, IncidentStatus, Post } from './types.js';

/** How long before a promised update Herald reminds its author and the announcement channels. */
export const REMINDER_LEAD_MS = 5 * 60_000;

/** The statuses in which an incident still owes its readers updates. */
export const PROMISING_STATUSES: readonly IncidentStatus[] = ['open', 'scheduled', 'in_progress'];

/** A live promise: the latest post of an active incident promised the next update by `at`. */
export interface LivePromise {
  incidentId: number;
  postId: number;
  /** The post's number in its incident (`12.3`: 3). */
  number: number;
  /** When the post was published: when the promise was made. */
  madeAt: number;
  /** By when the next update was promised. */
  at: number;
  /** Who wrote the post (its audit row), whom the reminder goes to; null when not known. */
  author: Actor | null;
}

/** The step in automation_steps that records the reminder of post `postId`'s promise. */
export const reminderStep = (postId: number): string => `next-reminder:${postId}`;

/**
 * Of an incident's posts (in any order), the one whose promise is live: the latest, if the incident is
 * active and `stands(post)` (it promised an update and is not retracted).
 */
export function livePromisePost<T extends { number: number }>(
  status: IncidentStatus,
  posts: readonly T[],
  stands: (post: T) => boolean,
): T | undefined {
  if (!PROMISING_STATUSES.includes(status)) return undefined;
  let latest: T | undefined;
  for (const p of posts) if (!latest || p.number > latest.number) latest = p;
  return latest && stands(latest) ? latest : undefined;
}

/** The incident's live promise (by when); null when it has none. */
export function livePromiseAt(incident: Incident, posts: readonly Post[]): number | null {
  const post = livePromisePost(
    incident.status,
    posts,
    (p) => p.retractedAt === null && p.nextUpdateAt !== undefined,
  );
  return post?.nextUpdateAt ?? null;
}

/**
 * When the reminder of a promise is due: five minutes before it, or null when the promise was made less
 * than five minutes ahead (its author has just said it; a reminder at once would only be noise).
 */
export function reminderDueAt(promise: Pick<LivePromise, 'at' | 'madeAt'>): number | null {
  const due = promise.at - REMINDER_LEAD_MS;
  return due < promise.madeAt ? null : due;
}
