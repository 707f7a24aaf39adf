// The words Herald writes by itself about a scheduled maintenance (src/automation/maintenance.ts): the
// reminders, "starting now", the completion, and the question to its author. In the voice of the status
// blog it replaces ("We will start with websites on Friday, 3 May at 19:00 UTC."), every time in UTC with
// the client zones after it, written out here because a reminder's time is on another day than its post.
// Pure: the time and the settings are arguments.

import type { CoreSettings } from '../bot/catalog.js';
import { componentPhrase } from '../bot/titles.js';
import type { Incident } from '../bot/types.js';
import { formatDay, formatEventTime } from './time.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

type Settings = Pick<CoreSettings, 'catalog' | 'zones'>;

const plural = (n: number, unit: string): string => `${n} ${unit}${n === 1 ? '' : 's'}`;

/** How long until something: `24 hours`, `1 hour`, `40 minutes`, `about 3 hours`, `2 days`. */
export function formatLead(ms: number): string {
  const minutes = Math.max(1, Math.round(ms / MINUTE));
  if (minutes < 120) return minutes % 60 === 0 ? plural(minutes / 60, 'hour') : plural(minutes, 'minute');
  if (minutes < (2 * DAY) / MINUTE) {
    const hours = minutes / 60;
    return Number.isInteger(hours) ? plural(hours, 'hour') : `about ${plural(Math.round(hours), 'hour')}`;
  }
  const days = minutes / (DAY / MINUTE);
  return Number.isInteger(days) ? plural(days, 'day') : `about ${plural(Math.round(days), 'day')}`;
}

const sameUtcDay = (a: number, b: number): boolean => Math.floor(a / DAY) === Math.floor(b / DAY);

/** `Friday, 3 May 2013 at 19:00 UTC (12:00 PDT Vancouver · 21:00 CAT Lusaka)`. */
function onDay(at: number, s: Settings): string {
  return `${WEEKDAYS[new Date(at).getUTCDay()]}, ${formatDay(at)} at ${formatEventTime(at, s.zones)}`;
}

/** `at 19:00 UTC (…)` on the same UTC day as `from`, else `on Friday, 3 May 2013 at 19:00 UTC (…)`. */
function when(at: number, from: number, s: Settings): string {
  return sameUtcDay(at, from) ? `at ${formatEventTime(at, s.zones)}` : `on ${onDay(at, s)}`;
}

/** `our scheduled maintenance (Web server on server NC018)` */
const what = (incident: Incident, s: Settings): string =>
  `our scheduled maintenance (${componentPhrase(s.catalog, incident.components)})`;

const capitalised = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/** `We expect it to be finished by 23:00 UTC (…).`, when the maintenance has an expected end to come. */
function expectedEnd(incident: Incident, now: number, s: Settings): string {
  const end = incident.endsAt;
  if (end === null || end <= now) return '';
  const by = sameUtcDay(end, incident.startsAt ?? now) ? formatEventTime(end, s.zones) : onDay(end, s);
  return ` We expect it to be finished by ${by}.`;
}

/** A reminder at `now`: how long until the start, and when it is. */
export function reminderText(incident: Incident, now: number, s: Settings): string {
  const start = incident.startsAt ?? now;
  return (
    `A reminder: ${what(incident, s)} begins in ${formatLead(start - now)}, on ${onDay(start, s)}.` +
    expectedEnd(incident, now, s)
  );
}

/**
 * "Starting now", or "has begun" when Herald was down at its start. The start time itself is the post's
 * event time, which the site, the feeds and the social posts show before the text.
 */
export function startText(incident: Incident, now: number, s: Settings): string {
  const late = now - (incident.startsAt ?? now) >= MINUTE;
  const opening = `${capitalised(what(incident, s))} ${late ? 'has begun' : 'is starting now'}.`;
  return `${opening}${expectedEnd(incident, now, s)} We apologise for the inconvenience.`;
}

/** The completion post, when its author answers "Complete". */
export function completionText(incident: Incident, s: Settings): string {
  return `${capitalised(what(incident, s))} is complete, and everything is running normally again. Thank you for your patience.`;
}

/** The question to a maintenance's author at its expected end. */
export interface EndQuestion {
  /** The question: `Is maintenance #4 complete? …`. */
  text: string;
  /** What the answers do. */
  detail: string;
  /** The command that completes it, for a surface without buttons (the shell). */
  command: string;
}

export function endQuestion(incident: Incident, s: Settings): EndQuestion {
  const end = incident.endsAt ?? incident.startsAt ?? incident.openedAt;
  const components = componentPhrase(s.catalog, incident.components);
  return {
    text: `Is maintenance #${incident.id} complete? “${incident.title}” was expected to end ${when(end, incident.startsAt ?? end, s)}.`,
    detail: `Complete posts that it is finished and sets ${components} back to operational; Not yet leaves it in progress.`,
    command: `resolve ${incident.id} "${completionText(incident, s)}"`,
  };
}
