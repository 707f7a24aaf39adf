// Time as the reference blog writes it: post stamps in UTC (`29 October 2013 08:57:36 +0000`) and event
// times in UTC followed by the configured client zones
// (`22:13 UTC (15:13 PDT Vancouver · 00:13 CAT Lusaka, 28 July)`).
//
// Everything here is pure: the instant (epoch milliseconds) and the zones are arguments, the clock is never
// read. luxon does all zone and daylight-saving work; Intl (through luxon) supplies zone abbreviations.
import { DateTime, IANAZone } from 'luxon';
import type { ZoneDef } from '../bot/catalog.js';

/** Month names and digits are English whatever the process locale is. */
const LOCALE = 'en-GB';

/** Between client zones in a conversion list. */
const ZONE_SEPARATOR = ' · ';

function utc(at: number): DateTime {
  const dt = DateTime.fromMillis(at, { zone: 'utc', locale: LOCALE });
  if (!dt.isValid) throw new Error(`not a valid instant: ${String(at)}`);
  return dt;
}

function inZone(at: number, zone: string): DateTime {
  const dt = DateTime.fromMillis(at, { zone, locale: LOCALE });
  if (!dt.isValid) throw new Error(`unknown time zone ${zone}: ${dt.invalidExplanation ?? 'invalid'}`);
  return dt;
}

/** The post's own stamp, always UTC: `29 October 2013 08:57:36 +0000`. */
export function formatStamp(at: number): string {
  return utc(at).toFormat("d MMMM yyyy HH:mm:ss '+0000'");
}

/** The UTC calendar day: `27 July 2012`. */
export function formatDay(at: number): string {
  return utc(at).toFormat('d MMMM yyyy');
}

/** For `<time datetime>`: `2012-07-27T22:13:00Z` (whole seconds, UTC). */
export function formatIsoUtc(at: number): string {
  return utc(at).toFormat("yyyy-MM-dd'T'HH:mm:ss'Z'");
}

// Zone abbreviations.
//
// Intl's short zone name depends on the locale: en-US knows `PDT` but writes Lusaka as `GMT+2`, en-ZA knows
// `CAT`, en-GB `CEST`, en-NZ `AEST`, and so on. Asked of Node 20's ICU (78) over every IANA zone, in
// January and July, these locales never disagree on a name; together they name every zone that has a
// common English abbreviation. The first answer that is not a `GMT±…`/`UTC±…` form wins; a zone none of
// them names is written by its offset (`UTC+3`, `UTC−3:30`).
const ABBREVIATION_LOCALES = [
  'en-US',
  'en-CA', // NST/NDT (Newfoundland), HAST/HADT, PMST/PMDT
  'en-GB', // CET/CEST, EET/EEST, WET/WEST, BST, GST
  'en-IE', // IST (Irish Standard Time) for Dublin in summer
  'en-ZA', // CAT, EAT, SAST, WAT
  'en-AU', // AEST/AEDT, ACST/ACDT, AWST, LHST/LHDT
  'en-NZ', // NZST/NZDT, CHAST/CHADT
  'en-IN', // IST (India)
  'en-SG', // SGT, MYT
  'en-HK', // HKT
  'en-GU', // ChST
  'en-GY', // GYT
] as const;

const OFFSET_FORM = /^(?:GMT|UTC)[+\-\u2212]/;

/** Cached per zone and offset: each miss builds one Intl formatter per locale tried. */
const abbreviationCache = new Map<string, string>();

/** `UTC+2`, `UTC−3:30` (with a true minus sign), `UTC` for a zero offset. */
export function formatOffset(offsetMinutes: number): string {
  if (offsetMinutes === 0) return 'UTC';
  const sign = offsetMinutes < 0 ? '\u2212' : '+';
  const abs = Math.abs(offsetMinutes);
  const hours = Math.floor(abs / 60);
  const minutes = abs % 60;
  return `UTC${sign}${hours}${minutes === 0 ? '' : `:${String(minutes).padStart(2, '0')}`}`;
}

/** The common abbreviation of `zone` at the instant: `PDT`, `CAT`, `CEST`, `AEDT`; `UTC+9` if it has none. */
export function zoneAbbreviation(zone: string, at: number): string {
  const offset = inZone(at, zone).offset;
  const key = `${zone}\u0000${offset}`;
  const cached = abbreviationCache.get(key);
  if (cached !== undefined) return cached;
  const iana = IANAZone.create(zone);
  let found: string | undefined;
  for (const locale of ABBREVIATION_LOCALES) {
    const name = iana.offsetName(at, { format: 'short', locale });
    if (name && !OFFSET_FORM.test(name)) {
      found = name;
      break;
    }
  }
  const abbreviation = found ?? formatOffset(offset);
  abbreviationCache.set(key, abbreviation);
  return abbreviation;
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
const ZONE_LINES_KEPT = 20_000;

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
  const utcDay = utc(at).toISODate();
  return zones
    .map(({ zone, label }) => {
      const local = inZone(at, zone);
      const day = local.toISODate() === utcDay ? '' : `, ${local.toFormat('d MMMM')}`;
      return `${local.toFormat('HH:mm')} ${zoneAbbreviation(zone, at)} ${label}${day}`;
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
  const head = `${options.date ? `${t.toFormat('d MMMM yyyy')} ` : ''}${t.toFormat('HH:mm')} UTC`;
  const line = formatZoneLine(at, zones);
  return line === '' ? head : `${head} (${line})`;
}

// Times written in a message.

// `22:13 UTC`, `3:05 GMT`, `22:13:45 UTC` (space or no-break space before the zone), not `25:99 UTC`, not a
// piece of `1:22:13` or `12.22:13`, not `UTC+2`. An existing conversion right after it (parentheses holding a
// time) is captured so the match can be left alone and its contents are not scanned again.
const WRITTEN_TIME =
  /(?<![\d:.])([01]?\d|2[0-3]):([0-5]\d)(?::[0-5]\d)?[ \u00A0](?:UTC|GMT)(?![\w+\-\u2212])([ \u00A0]*\((?=[^()]*\d:\d\d)[^()]*\))?/g;

/**
 * Follow every `HH:MM UTC` (or `GMT`) in `text` with its conversions, taken on the UTC calendar day of
 * `day`: `at 22:13 UTC.` → `at 22:13 UTC (15:13 PDT Vancouver · 00:13 CAT Lusaka, 28 July).`
 * A time already followed by a conversion is left as it is, so annotating twice changes nothing.
 * Plain text in, plain text out: callers escape for their medium.
 */
export function annotateTimes(text: string, day: number, zones: readonly ZoneDef[]): string {
  if (zones.length === 0) return text;
  const base = utc(day).startOf('day');
  return text.replace(WRITTEN_TIME, (match: string, hh: string, mm: string, existing?: string) => {
    if (existing !== undefined) return match;
    const at = base.set({ hour: Number(hh), minute: Number(mm) }).toMillis();
    return `${match} (${formatZoneLine(at, zones)})`;
  });
}
