// Time as the reference blog writes it: post stamps in UTC (`29 October 2013 08:57:36 +0000`) and event
// times in UTC followed by the configured client zones
// (`22:13 UTC (15:13 PDT Vancouver · 00:13 CAT Lusaka, 28 July)`).
//
// Everything here is pure: the instant (epoch milliseconds) and the zones are arguments, the clock is never
// read. The zone and daylight-saving work is ICU's (Intl.DateTimeFormat, one formatter per zone, kept);
// luxon checks zone names and supplies abbreviations; chrono reads the dates written in a message's text. A site rebuild formats hundreds of thousands of
// instants, so the hot paths build no DateTime per call: UTC fields come from Date, local fields from a
// kept formatter (measured: 7x faster than a luxon DateTime per call; see docs/benchmarks.md).
import { createRequire } from 'node:module';
import type * as ChronoEnglish from 'chrono-node/en';
import { IANAZone } from 'luxon';
import type { ZoneDef } from '../bot/catalog.js';
import { abbreviationAt } from '../bot/zone-names.js';

/** Month names are English whatever the process locale is. */

/** Between client zones in a conversion list. */
const ZONE_SEPARATOR = ' · ';

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

const DAY_MS = 86_400_000;

/** The calendar and clock fields of an instant somewhere; `offset` in minutes east of UTC. */
interface Fields {
  year: number;
  month: number; // 1–12
  day: number;
  hour: number;
  minute: number;
  second: number;
  offset: number;
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));
const pad4 = (n: number): string => String(n).padStart(4, '0');

/** Refuses what is not an instant Date can hold (±8.64e15 ms). */
function checkInstant(at: number): void {
  if (!(Math.abs(at) <= 8.64e15)) throw new Error(`not a valid instant: ${String(at)}`);
}

function utc(at: number): Fields {
  checkInstant(at);
  const date = new Date(at);
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    second: date.getUTCSeconds(),
    offset: 0,
  };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    if (!IANAZone.isValidZone(zone)) throw new Error(`unknown time zone ${zone}: unsupported zone`);
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

const US_NUMERIC = /^(\d{1,2})\/(\d{1,2})\/(\d{1,4}),? (\d{1,2}):(\d{2}):(\d{2})$/;

function fieldsFromParts(parts: Intl.DateTimeFormatPart[]): Fields {
  const fields: Fields = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, offset: 0 };
  for (const part of parts) {
    const value = Number(part.value);
    if (part.type !== 'era' && part.type in fields && !Number.isNaN(value)) {
      fields[part.type as keyof Fields] = value;
    }
  }
  return fields;
}

/** The local fields of `at` in `zone`, and the zone's offset then. */
function inZone(at: number, zone: string): Fields {
  checkInstant(at);
  const formatter = formatterFor(zone);
  // format() is six times faster than formatToParts(); its en-US numeric form is `12/31/2019, 16:00:00`.
  // Should an ICU ever write it otherwise, the parts are asked for instead.
  const m = US_NUMERIC.exec(formatter.format(at));
  const fields: Fields = m
    ? {
        month: Number(m[1]),
        day: Number(m[2]),
        year: Number(m[3]),
        hour: Number(m[4]),
        minute: Number(m[5]),
        second: Number(m[6]),
        offset: 0,
      }
    : fieldsFromParts(formatter.formatToParts(at));
  const wholeSeconds = Math.floor(at / 1000) * 1000;
  const asUtc = Date.UTC(
    fields.year,
    fields.month - 1,
    fields.day,
    fields.hour,
    fields.minute,
    fields.second,
  );
  fields.offset = Math.round((asUtc - wholeSeconds) / 60_000);
  return fields;
}

const sameDay = (a: Fields, b: Fields): boolean =>
  a.year === b.year && a.month === b.month && a.day === b.day;
const clock = (f: Fields): string => `${pad2(f.hour)}:${pad2(f.minute)}`;
const dayMonth = (f: Fields): string => `${f.day} ${MONTHS[f.month - 1]}`;
const dayMonthYear = (f: Fields): string => `${dayMonth(f)} ${pad4(f.year)}`;

/** The post's own stamp, always UTC: `29 October 2013 08:57:36 +0000`. */
export function formatStamp(at: number): string {
  const t = utc(at);
  return `${dayMonthYear(t)} ${clock(t)}:${pad2(t.second)} +0000`;
}

/** The UTC calendar day: `27 July 2012`. */
export function formatDay(at: number): string {
  return dayMonthYear(utc(at));
}

/** For `<time datetime>`: `2012-07-27T22:13:00Z` (whole seconds, UTC). */
export function formatIsoUtc(at: number): string {
  const t = utc(at);
  return `${pad4(t.year)}-${pad2(t.month)}-${pad2(t.day)}T${clock(t)}:${pad2(t.second)}Z`;
}

// Conversions.

/**
 * The conversions alone, without the parentheses: `15:13 PDT Vancouver · 00:13 CAT Lusaka, 28 July`.
 * A zone whose calendar day differs from the UTC day gets `, D Month`. Empty when there are no zones.
 */
/**
 * The zone line is a pure function of the instant and the zone list, and a site rebuild asks for the same
 * ones over and over (every `HH:MM UTC` in every post): remembered per zone list, a bounded number each.
 */
const zoneLines = new WeakMap<readonly ZoneDef[], Map<number, string>>();
const ZONE_LINES_KEPT = 2_000;

export function formatZoneLine(at: number, zones: readonly ZoneDef[]): string {
  let lines = zoneLines.get(zones);
  if (!lines) {
    lines = new Map();
    zoneLines.set(zones, lines);
  }
  const known = lines.get(at);
  if (known !== undefined) return known;
  const line = computeZoneLine(at, zones);
  if (lines.size >= ZONE_LINES_KEPT) lines.clear();
  lines.set(at, line);
  return line;
}

function computeZoneLine(at: number, zones: readonly ZoneDef[]): string {
  const t = utc(at);
  return zones
    .map(({ zone, label }) => {
      const local = inZone(at, zone);
      const day = sameDay(local, t) ? '' : `, ${dayMonth(local)}`;
      return `${clock(local)} ${abbreviationAt(zone, at, local.offset)} ${label}${day}`;
    })
    .join(ZONE_SEPARATOR);
}

export interface EventTimeOptions {
  /** Put the UTC date before the time: `27 July 2012 22:13 UTC (…)`. */
  date?: boolean;
}

/**
 * An event time: `22:13 UTC (15:13 PDT Vancouver · 00:13 CAT Lusaka, 28 July)`; with `date: true`,
 * `27 July 2012 22:13 UTC (…)`; with no zones, just `22:13 UTC`.
 */
export function formatEventTime(
  at: number,
  zones: readonly ZoneDef[],
  options: EventTimeOptions = {},
): string {
  const t = utc(at);
  const head = `${options.date ? `${dayMonthYear(t)} ` : ''}${clock(t)} UTC`;
  const line = formatZoneLine(at, zones);
  return line === '' ? head : `${head} (${line})`;
}

// Times written in a message.

// `22:13 UTC`, `3:05 GMT`, `22:13:45 UTC` (space or no-break space before the zone), not `25:99 UTC`, not a
// piece of `1:22:13` or `12.22:13`, not `UTC+2`. An existing conversion right after it (parentheses holding a
// time) is captured so the match can be left alone and its contents are not scanned again.
const WRITTEN_TIME =
  /(?<![\d:.])([01]?\d|2[0-3]):([0-5]\d)(?::[0-5]\d)?[ \u00A0](?:UTC|GMT)(?![\w+\-\u2212])([ \u00A0]*\((?=[^()]*\d:\d\d)[^()]*\))?/g;

/** What the times written in a text are read against. */
export interface TextTimeReference {
  /**
   * When the text was written (a post's publication): a time with neither a date nor an event is taken on
   * this UTC day, and words such as `tomorrow` or `Friday` in the text count from it.
   */
  written: number;
  /** The moment the text is about (an `--at`, a maintenance's start): a time with no date is taken nearest it. */
  event?: number | null;
}

const HALF_DAY_MS = DAY_MS / 2;

/**
 * Follow every `HH:MM UTC` (or `GMT`) in `text` with its conversions:
 * `at 22:13 UTC.` → `at 22:13 UTC (15:13 PDT Vancouver · 00:13 CAT Lusaka, 28 July).`
 *
 * Daylight saving depends on the day, so each time is placed on one: the date the text gives it (one
 * written with it or before it in its paragraph: `15 July 2027 at 20:00 UTC`, `on Friday, 3 May … 19:00 UTC`), else the
 * occurrence nearest the event (so `back by 00:30 UTC` after an event at 23:50 UTC is the next day's),
 * else the UTC day the text was written. A bare number for `reference` is the time it was written.
 * A time already followed by a conversion is left as it is, so annotating twice changes nothing.
 * Plain text in, plain text out: callers escape for their medium.
 */
export function annotateTimes(
  text: string,
  reference: number | TextTimeReference,
  zones: readonly ZoneDef[],
): string {
  if (zones.length === 0) return text;
  const ref = typeof reference === 'number' ? { written: reference } : reference;
  checkInstant(ref.written);
  if (ref.event != null) checkInstant(ref.event);
  // Reading dates is the costly part; most texts have no time in them to place.
  let dates: readonly TextDate[] | undefined;
  return text.replace(
    WRITTEN_TIME,
    (match: string, hh: string, mm: string, existing: string | undefined, offset: number) => {
      if (existing !== undefined) return match;
      dates ??= readDates(text, ref.written);
      const clockMs = Number(hh) * 3_600_000 + Number(mm) * 60_000;
      const at = placeTime(clockMs, dateFor(text, dates, offset), ref);
      return `${match} (${formatZoneLine(at, zones)})`;
    },
  );
}

/** A calendar date written in a text (`15 July 2027`, `Friday, 3 May`, `tomorrow`), where it is written. */
interface TextDate {
  start: number;
  end: number;
  /** Midnight UTC of that date. */
  midnight: number;
}

/**
 * The dates in `text`, read by chrono (British English: `03/05/2013` is 3 May). A date without a year is
 * the one nearest the time written, as chrono chooses; words counted from now (`now`, `in 5 minutes`) and a
 * time with no day are not dates.
 */
function readDates(text: string, written: number): readonly TextDate[] {
  // chrono takes about a millisecond a post; most posts name no day at all, and that is cheap to see.
  if (!DATE_HINT.test(text)) return [];
  const found: TextDate[] = [];
  for (const r of chronoEnglish().GB.parse(text, { instant: new Date(written), timezone: 0 })) {
    const c = r.start;
    const tags = [...c.tags()];
    if (tags.includes('casualReference/now') || tags.some((t) => t.startsWith('result/relative'))) continue;
    const dated = (c.isCertain('day') && c.isCertain('month')) || c.isCertain('weekday');
    const year = c.get('year');
    const month = c.get('month');
    const day = c.get('day');
    if (!dated || year === null || month === null || day === null) continue;
    found.push({ start: r.index, end: r.index + r.text.length, midnight: Date.UTC(year, month - 1, day) });
  }
  return found;
}

let chronoModule: typeof ChronoEnglish | undefined;

/**
 * chrono's English parsers, loaded on the first text that needs them: importing chrono-node whole takes
 * 0.4–0.8 s (every locale), its English part about 0.1 s, and most commands never read a date in a text.
 */
function chronoEnglish(): typeof ChronoEnglish {
  chronoModule ??= createRequire(import.meta.url)('chrono-node/en') as typeof ChronoEnglish;
  return chronoModule;
}

/** Every date chrono reads has a month or weekday name, a relative day, or digits around `-`, `/` or `.`. */
const DATE_HINT =
  /\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun|today|tomorrow|yesterday|tonight)|\d[-/.]\d/i;

const PARAGRAPH_BREAK = /\n\s*\n/;

/**
 * The date written with the time at `offset` (around it), else the last one written before it in the same
 * paragraph: a new paragraph is a new subject, and its times fall back to the event or the post's day.
 */
function dateFor(text: string, dates: readonly TextDate[], offset: number): TextDate | undefined {
  let before: TextDate | undefined;
  for (const d of dates) {
    if (d.start <= offset && offset < d.end) return d;
    if (d.end <= offset) before = d;
  }
  return before && !PARAGRAPH_BREAK.test(text.slice(before.end, offset)) ? before : undefined;
}

function placeTime(clockMs: number, date: TextDate | undefined, ref: TextTimeReference): number {
  if (date) return date.midnight + clockMs;
  if (ref.event != null) {
    const candidate = Math.floor(ref.event / DAY_MS) * DAY_MS + clockMs;
    // Within half a day of the event either way; exactly twelve hours apart counts as after it.
    if (candidate - ref.event > HALF_DAY_MS) return candidate - DAY_MS;
    if (ref.event - candidate >= HALF_DAY_MS) return candidate + DAY_MS;
    return candidate;
  }
  return Math.floor(ref.written / DAY_MS) * DAY_MS + clockMs;
}
