// The words of Herald's reminder that a promised update is due (src/automation/promises.ts): to the post's
// author and in the announcement channels, "Update on #12 promised by 20:00 UTC — in 5 minutes". Chat
// messages for staff, never a public post. Pure: the promise, the incident, the time and the zones are
// arguments; the time left is counted at the moment the message is sent (later than five minutes before
// it when Herald was down then).

import type { ZoneDef } from '../bot/catalog.js';
import type { LivePromise } from '../bot/promises.js';
import type { Incident } from '../bot/types.js';
import { formatDay, formatEventTime } from './time.js';

const MINUTE = 60_000;

const minutes = (n: number): string => `${n} minute${n === 1 ? '' : 's'}`;

/** `in 5 minutes`, `due now`, `overdue by 3 minutes`: from `now` to the promised time. */
export function timeLeft(at: number, now: number): string {
  const left = Math.round((at - now) / MINUTE);
  if (left > 0) return `in ${minutes(left)}`;
  return left === 0 ? 'due now' : `overdue by ${minutes(-left)}`;
}

/** `20:00 UTC`, with the date when it is not on the UTC day of `now`. */
function utcTime(at: number, now: number): string {
  return formatEventTime(at, [], { date: formatDay(at) !== formatDay(now) });
}

export interface ReminderText {
  /** The message itself. */
  text: string;
  /** The line under it: the incident, the post that promised, the time in the client zones. */
  detail: string;
  /** For the shell: the reminder with the command to type. */
  line: string;
}

/** The announcement channel's: `Update on #12 promised by 20:00 UTC — in 5 minutes`. */
export function channelReminder(
  promise: LivePromise,
  incident: Incident,
  now: number,
  zones: readonly ZoneDef[],
): ReminderText {
  const text = `Update on #${incident.id} promised by ${utcTime(promise.at, now)} — ${timeLeft(promise.at, now)}`;
  const by = promise.author ? ` by ${promise.author.name}` : '';
  const detail =
    `“${incident.title}”: promised in post ${incident.id}.${promise.number}${by} for ` +
    `${formatEventTime(promise.at, zones, { date: formatDay(promise.at) !== formatDay(now) })}.`;
  return { text, detail, line: `${text}. ${detail}` };
}

/** The author's: the same, in the second person, with how to keep the promise. */
export function authorReminder(
  promise: LivePromise,
  incident: Incident,
  now: number,
  zones: readonly ZoneDef[],
): ReminderText {
  const when = `${utcTime(promise.at, now)} — ${timeLeft(promise.at, now)}`;
  const text = `You promised the next update on #${incident.id} by ${when}.`;
  const command = `/status update ${incident.id} "…"`;
  const detail =
    `“${incident.title}” (post ${incident.id}.${promise.number}; ` +
    `${formatEventTime(promise.at, zones, { date: formatDay(promise.at) !== formatDay(now) })}). ` +
    `Post it with ${command}; add --next TIME to promise the one after.`;
  const name = promise.author?.name ?? 'you';
  return {
    text,
    detail,
    line: `Herald reminds ${name}: update on #${incident.id} promised by ${when}. Type:  update ${incident.id} "…"`,
  };
}
