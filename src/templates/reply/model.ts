// The neutral reply model: what every surface (the shell, Slack, Discord) says about the core's Outcome,
// before any surface's markup. State words, an incident's facts, the echo of a time as read, and one model
// of a delivery's progress (kept up to date from the publisher's notices). Each surface formats these in
// src/templates/{text,slack,discord}/, so a fact is worded once. Pure: zones come in with the settings.

import { type Catalog, type CoreSettings, serviceOf, systemOf } from '../../bot/catalog.js';
import { type DayShift, describeDayShift } from '../../bot/parse-time.js';
import type { Component, Delivery, DeliveryAction, Incident, Post } from '../../bot/types.js';
import { formatEventTime } from '../time.js';

/** The remote id of a delivery an outlet without credentials only logged (src/adapters/outlets/dry-run.ts). */
export const DRY_RUN = 'dry-run';

/** What became of one delivery, as the publisher tells it, with the post it carries. */
export interface DeliveryNotice {
  delivery: Delivery;
  /** What became of it: sent, retrying (with the next try) or failed. */
  status: 'sent' | 'retrying' | 'failed';
  remoteUrl: string | null;
  error: string | null;
  nextAttemptAt: number | null;
  post: Post;
}

export const STATE_WORDS: Record<Component['state'], string> = {
  operational: 'operational',
  degraded: 'degraded',
  down: 'down',
  maintenance: 'in maintenance',
};

export function componentName(catalog: Catalog, c: { system: string; service: string }): string {
  return `${systemOf(catalog, c.system).name} ${serviceOf(catalog, c.service).name}`;
}

/** `27 July 2012 21:13 UTC (14:13 PDT Vancouver · 23:13 CAT Lusaka)`: a time with its date, in every zone. */
export const dated = (at: number, settings: CoreSettings): string =>
  formatEventTime(at, settings.zones, { date: true });

export const capitalized = (s: string): string => `${s[0]?.toUpperCase() ?? ''}${s.slice(1)}`;

/** An incident as lists show it: its number, kind and status, title, when it started and its expected end. */
export interface IncidentFacts {
  ref: string;
  /** `outage, open` */
  kindAndStatus: string;
  title: string;
  /** `starts 27 July …` for scheduled maintenance, else `since 27 July …`; `; expected end …` when known. */
  when: string;
}

export function incidentFacts(i: Incident, settings: CoreSettings): IncidentFacts {
  const start =
    i.status === 'scheduled' && i.startsAt !== null
      ? `starts ${dated(i.startsAt, settings)}`
      : `since ${dated(i.openedAt, settings)}`;
  const end = i.endsAt === null ? '' : `; expected end ${dated(i.endsAt, settings)}`;
  return {
    ref: `#${i.id}`,
    kindAndStatus: `${i.kind}, ${i.status.replace('_', ' ')}`,
    title: i.title,
    when: `${start}${end}`,
  };
}

/** A time the command gave, as Herald read it: its label (`Event time`), the time, and the words typed. */
export interface TimeEcho {
  label: string;
  when: string;
  input: string;
  /** What the reply adds when a bare time was read as yesterday or tomorrow (describeDayShift); or ''. */
  note: string;
}

export function timeEchoes(
  times: ReadonlyArray<{ label: string; at: number; input: string; shifted?: DayShift }>,
  settings: CoreSettings,
): TimeEcho[] {
  return times.map((t) => ({
    label: capitalized(t.label),
    when: dated(t.at, settings),
    input: t.input,
    note: describeDayShift(t),
  }));
}

/**
 * What a recorded change did: `Recorded post 1.1` and where (` in incident #1`), or `Corrected post 1.2`,
 * `Retracted post 1.2` (no `where`: the post is named).
 */
export function recordedHead(
  command: { kind: string },
  incident: Incident,
  post: { number: number } | null,
): { what: string; where: string } {
  const ref = `${incident.id}.${post?.number ?? '?'}`;
  if (command.kind === 'edit') return { what: `Corrected post ${ref}`, where: '' };
  if (command.kind === 'retract') return { what: `Retracted post ${ref}`, where: '' };
  return { what: `Recorded post ${ref}`, where: ` in incident #${incident.id}` };
}

/** Whether a change lists its components (a correction or a retraction changes none). */
export const showsComponents = (command: { kind: string }, incident: Incident): boolean =>
  incident.components.length > 0 && command.kind !== 'edit' && command.kind !== 'retract';

// ------------------------------------------------------------------------------------ delivery progress

/**
 * Where a delivery stands, for people. `dry-*`: the outlet has no credentials, so it is logged and not
 * sent. `retrying`: an attempt failed and another is due.
 */
export type Progress = 'pending' | 'dry-pending' | 'retrying' | 'sent' | 'dry-sent' | 'failed';

export function progressOf(d: Delivery, dryOutlets: ReadonlySet<string>): Progress {
  const dry = dryOutlets.has(d.outlet);
  if (d.status === 'sent') return d.remoteId === DRY_RUN || (dry && !d.remoteUrl) ? 'dry-sent' : 'sent';
  if (d.status === 'failed') return 'failed';
  if (d.attempts > 0 || d.lastError !== null) return 'retrying';
  return dry ? 'dry-pending' : 'pending';
}

/** The words of a dry run, the same on every surface (and in the preview, before anything is recorded). */
export const DRY_WORDS = {
  /** Before: what will happen to it. */
  pending: 'dry run, no credentials: will be logged, not sent',
  /** After. */
  sent: 'dry run: logged, not sent',
} as const;

/** `(correction)` or `(retraction)` after the outlet, for what is not a first publication. */
export const actionNote = (action: DeliveryAction): string =>
  action === 'publish' ? '' : action === 'edit' ? ' (correction)' : ' (retraction)';

/** A delivery as a notice says it is now: the one progress model every surface updates its answer from. */
export function applyNotice(
  d: Delivery,
  notice: DeliveryNotice,
  at: number,
  dryOutlets: ReadonlySet<string>,
): Delivery {
  if (d.id !== notice.delivery.id) return d;
  const attempts = Math.max(d.attempts, notice.delivery.attempts);
  switch (notice.status) {
    case 'sent':
      return {
        ...d,
        attempts,
        status: 'sent',
        remoteUrl: notice.remoteUrl,
        remoteId:
          notice.delivery.remoteId ??
          d.remoteId ??
          (dryOutlets.has(d.outlet) && !notice.remoteUrl ? DRY_RUN : null),
        sentAt: at,
        lastError: null,
        nextAttemptAt: null,
      };
    case 'retrying':
      return {
        ...d,
        attempts: Math.max(attempts, 1),
        status: 'pending',
        lastError: notice.error,
        nextAttemptAt: notice.nextAttemptAt,
      };
    case 'failed':
      return {
        ...d,
        attempts: Math.max(attempts, 1),
        status: 'failed',
        lastError: notice.error,
        nextAttemptAt: null,
      };
  }
}

/** The surfaces' retry command for a post: `retry 1.2` in the shell, `/status retry 1.2` in chat. */
export const retryCommand = (prefix: '' | '/status ', ref: string | null): string =>
  `\`${prefix}retry ${ref ?? 'all'}\``;

/** How each surface escapes people's words (an error may quote them) and writes a time. */
export interface Escape {
  words(text: string): string;
  time(text: string): string;
}

/** A delivery an attempt failed for, with another due: `not sent yet after 1 attempt(s): …; next try …`. */
export function retryingWords(d: Delivery, settings: CoreSettings, esc: Escape): string {
  const why = d.lastError ? `: ${esc.words(d.lastError)}` : '';
  const next = d.nextAttemptAt === null ? '' : `; next try ${esc.time(dated(d.nextAttemptAt, settings))}`;
  return `not sent yet after ${d.attempts} attempt(s)${why}${next}`;
}

/** What follows `failed`: ` after 3 attempt(s): …. Fix the cause, then `retry 1.2`.` */
export function failedWords(d: Delivery, retry: string, esc: Escape): string {
  return ` after ${d.attempts} attempt(s): ${esc.words(d.lastError ?? 'unknown error')}. Fix the cause, then ${retry}.`;
}
