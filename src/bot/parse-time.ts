// Reads the times people type in chat (`22:13`, `yesterday 21:39`, `15:13 Vancouver`) as UTC instants.
// Every zone and daylight-saving computation is luxon's; the code here only picks between its answers.

import { DateTime, FixedOffsetZone, IANAZone, type Zone } from 'luxon';
import { suggest, type ZoneDef } from './catalog.js';
import { TIME_FORMS } from './command-spec.js';
import { accept, type Result, refuse, shorten } from './refusal.js';
// What Herald writes after a time (`15:13 PDT Vancouver`) is what it reads: one source of abbreviations.
import { zoneAbbreviation } from './zone-names.js';

export interface TimeContext {
  now: number;
  zones: readonly ZoneDef[];
  /** Whether a bare time of day or weekday means the last such moment or the next one. */
  direction: 'past' | 'future';
}

/**
 * A bare `22:14` typed at 22:13:40 means today, not yesterday (or tomorrow): clocks differ by a little, and
 * the same allowance is what parse-command gives an event time before calling it "in the future".
 */
const SLACK_MS = 60_000;

interface WallTime {
  hour: number;
  minute: number;
  second: number;
}

interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

interface NamedZone {
  zone: Zone;
  /** How to name it in messages: `Vancouver`, `UTC`, `Africa/Lusaka`. */
  label: string;
  /** The IANA name of a configured zone, which may then be written with its abbreviations. */
  configured?: string;
  /** Written as an abbreviation (`PDT`): only the instant at which the zone is on that time will do. */
  abbreviation?: string;
}

/** A bare time read on another day than today in its zone, for the reply's echo of it. */
export interface DayShift {
  to: 'yesterday' | 'tomorrow';
  /** The zone whose today it is: `UTC`, `Vancouver`. */
  zone: string;
}

/**
 * `; read as yesterday, because that time today in Vancouver is still to come`: what a reply adds to its
 * echo of a time (`read from "08:30 Vancouver"`) when the day was chosen for it. Empty otherwise.
 */
export function describeDayShift(time: { at: number; shifted?: DayShift }): string {
  const s = time.shifted;
  if (!s) return '';
  return s.to === 'yesterday'
    ? `; read as yesterday, because that time today in ${s.zone} is still to come`
    : `; read as tomorrow, because that time today in ${s.zone} has passed`;
}

/** How a time was read, for the reply's echo of it. */
export interface ParsedTime {
  at: number;
  /**
   * A bare time of day (no date, no day word) that is not today in its zone: `yesterday` when today's is
   * still to come (looking back, `--at`), `tomorrow` when today's has passed (looking ahead).
   */
  dayShift?: 'yesterday' | 'tomorrow';
  /** The zone the time was read in: `UTC`, `Vancouver`. */
  zoneLabel: string;
}

const UTC: NamedZone = { zone: FixedOffsetZone.utcInstance, label: 'UTC' };

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const MERIDIEMS = ['am', 'pm', 'a.m.', 'p.m.'];
const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/** 1–12 for `may`, `sep`, `sept`, `september`. */
function monthNumber(word: string): number | undefined {
  const w = word.replace(/\.$/, '');
  if (w.length < 3) return undefined;
  const i = MONTHS.findIndex((m) => m.startsWith(w));
  return i < 0 ? undefined : i + 1;
}

/** Luxon weekday (1 = Monday … 7 = Sunday) for `fri`, `thurs`, `friday`. */
function weekdayNumber(word: string): number | undefined {
  const w = word.replace(/\.$/, '');
  if (w.length < 3) return undefined;
  const i = WEEKDAYS.findIndex((d) => d.startsWith(w));
  return i < 0 ? undefined : i + 1;
}

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const pad = (n: number): string => String(n).padStart(2, '0');

const formsHint = (): string =>
  `Times look like ${TIME_FORMS.map((f) => f.example)
    .slice(0, 8)
    .join(', ')}, optionally followed by a zone (\`15:13 Vancouver\`); see \`help times\`.`;

/** A refusal that says itself what to write instead, without the list of every form. */
const refuseTime = (input: string, why: string): Result<never> =>
  refuse('bad_time', `cannot read "${shorten(input)}" as a time: ${why}`);

const badTime = (input: string, why: string): Result<never> =>
  refuse('bad_time', `cannot read "${shorten(input)}" as a time: ${why} ${formsHint()}`);

/** `27 July 2012 22:13 UTC` (with seconds when there are any): how a time was read, for replies. */
export function formatUtc(ms: number): string {
  const dt = DateTime.fromMillis(ms, { zone: 'utc' });
  return dt.toFormat(dt.second === 0 ? "d LLLL yyyy HH:mm 'UTC'" : "d LLLL yyyy HH:mm:ss 'UTC'");
}

export function parseTime(input: string, ctx: TimeContext): Result<number> {
  const r = readTime(input, ctx);
  return r.ok ? accept(r.value.at) : r;
}

/** parseTime, saying also in which zone the time was read and whether a bare time moved to another day. */
export function readTime(input: string, ctx: TimeContext): Result<ParsedTime> {
  let zoneLabel = 'UTC';
  let dayShift: ParsedTime['dayShift'];
  const r = readInstant(input, ctx, (label, shift) => {
    zoneLabel = label;
    dayShift = shift;
  });
  if (!r.ok) return r;
  return accept(dayShift ? { at: r.value, dayShift, zoneLabel } : { at: r.value, zoneLabel });
}

function readInstant(
  input: string,
  ctx: TimeContext,
  tell: (zoneLabel: string, shift?: 'yesterday' | 'tomorrow') => void,
): Result<number> {
  const shown = input.trim().replace(/\s+/g, ' ');
  if (shown === '') return badTime(input, 'no time was given.');
  const words = shown
    .toLowerCase()
    .replace(/,/g, ' ')
    .split(' ')
    .filter((w) => w !== '');
  const original = shown
    .replace(/,/g, ' ')
    .split(' ')
    .filter((w) => w !== '');

  if (words[0] === 'now') {
    if (words.length === 1) return accept(ctx.now);
    const zone = resolveZone(original.slice(1), ctx.zones, shown);
    return zone.ok ? accept(ctx.now) : zone;
  }

  const iso =
    /^(\d{4})-(\d{1,2})-(\d{1,2})t(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?(?:\.\d+)?(z|[+-]\d{2}(?::?\d{2})?)?$/.exec(
      words[0] ?? '',
    );
  if (iso) {
    const date = checkDate(shown, Number(iso[1]), Number(iso[2]), Number(iso[3]));
    if (!date.ok) return date;
    const time = checkTime(shown, Number(iso[4]), Number(iso[5]), Number(iso[6] ?? 0));
    if (!time.ok) return time;
    const offset = iso[7];
    if (offset) {
      if (words.length > 1) return badTime(shown, 'it has both an offset and a zone; give one of them.');
      const zone = offset === 'z' ? UTC : offsetZone(offset);
      return atWallTime(shown, date.value, time.value, zone);
    }
    const zone = resolveZone(original.slice(1), ctx.zones, shown);
    if (!zone.ok) return zone;
    return atWallTime(shown, date.value, time.value, zone.value);
  }

  let i = 0;
  let date: CalendarDate | undefined;
  /** A day and month without a year: the year is chosen by direction. */
  let dayMonth: { month: number; day: number } | undefined;
  let relativeDays: number | undefined;
  let weekday: number | undefined;

  const w0 = words[0] ?? '';
  const ymd = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(w0);
  if (ymd) {
    const d = checkDate(shown, Number(ymd[1]), Number(ymd[2]), Number(ymd[3]));
    if (!d.ok) return d;
    date = d.value;
    i = 1;
  } else if (w0 === 'yesterday' || w0 === 'today' || w0 === 'tomorrow') {
    relativeDays = w0 === 'yesterday' ? -1 : w0 === 'today' ? 0 : 1;
    i = 1;
  } else {
    weekday = weekdayNumber(w0);
    if (weekday !== undefined) i = 1;
    const named = readNamedDate(words, i);
    if (named) {
      if (named.month === undefined) return badTime(shown, `"${shorten(named.bad)}" is not a month.`);
      if (named.year !== undefined) {
        const d = checkDate(shown, named.year, named.month, named.day);
        if (!d.ok) return d;
        date = d.value;
      } else {
        const d = checkDate(shown, 2000, named.month, named.day); // a leap year: 29 February is a day
        if (!d.ok) return d;
        dayMonth = { month: named.month, day: named.day };
      }
      i = named.next;
    }
  }
  if (words[i] === 'at') i++;

  const clock = readClock(words, i, shown);
  if (!clock) {
    if (i === 0) return badTime(shown, 'it does not start with a time of day, a date or a day.');
    if (i >= words.length) return badTime(shown, 'say the time of day too, e.g. `19:00`.');
    return badTime(shown, `"${shorten(original[i] ?? '')}" is not a time of day.`);
  }
  if (!clock.ok) return clock;
  const time = clock.value.time;
  i = clock.value.next;

  const zoneResult = resolveZone(original.slice(i), ctx.zones, shown);
  if (!zoneResult.ok) return zoneResult;
  const zone = zoneResult.value;
  tell(zone.label);
  const today = DateTime.fromMillis(ctx.now, { zone: zone.zone });

  if (date) {
    if (weekday !== undefined) {
      const actual = DateTime.fromObject(date, { zone: zone.zone }).weekday;
      if (actual !== weekday) {
        return badTime(
          shown,
          `${date.day} ${capitalize(MONTHS[date.month - 1] ?? '')} ${date.year} is a ${capitalize(WEEKDAYS[actual - 1] ?? '')}, not a ${capitalize(WEEKDAYS[weekday - 1] ?? '')}.`,
        );
      }
    }
    return atWallTime(shown, date, time, zone);
  }
  if (dayMonth) {
    const dm = dayMonth;
    const picked = nearest(ctx, (k) => atWallTime(shown, { year: today.year + k, ...dm }, time, zone));
    if (!picked.ok || weekday === undefined) return picked;
    const actual = DateTime.fromMillis(picked.value, { zone: zone.zone });
    if (actual.weekday === weekday) return picked;
    return badTime(
      shown,
      `${actual.day} ${capitalize(MONTHS[actual.month - 1] ?? '')} ${actual.year} is a ${capitalize(WEEKDAYS[actual.weekday - 1] ?? '')}, not a ${capitalize(WEEKDAYS[weekday - 1] ?? '')}.`,
    );
  }
  if (relativeDays !== undefined) {
    return atWallTime(shown, dateOf(today.plus({ days: relativeDays })), time, zone);
  }
  if (weekday !== undefined) {
    // The nearest such day on the chosen side of today (today itself included), then a week further if the
    // time on it falls on the wrong side of now.
    const base =
      ctx.direction === 'past' ? -((today.weekday - weekday + 7) % 7) : (weekday - today.weekday + 7) % 7;
    return nearest(ctx, (k) => atWallTime(shown, dateOf(today.plus({ days: base + 7 * k })), time, zone));
  }
  const bare = nearest(ctx, (k) => atWallTime(shown, dateOf(today.plus({ days: k })), time, zone));
  if (bare.ok) {
    const day = DateTime.fromMillis(bare.value, { zone: zone.zone }).startOf('day');
    const shift = Math.round(day.diff(today.startOf('day'), 'days').days);
    if (shift !== 0) tell(zone.label, shift < 0 ? 'yesterday' : 'tomorrow');
  }
  return bare;
}

/**
 * Picks the candidate (k = 0, then one step back or forward) that is the last one not after now (past) or the
 * next one not before now (future), allowing a minute either way.
 */
function nearest(ctx: TimeContext, candidate: (k: number) => Result<number>): Result<number> {
  const first = candidate(0);
  if (!first.ok) return first;
  if (ctx.direction === 'past') return first.value <= ctx.now + SLACK_MS ? first : candidate(-1);
  return first.value >= ctx.now - SLACK_MS ? first : candidate(1);
}

const dateOf = (dt: DateTime): CalendarDate => ({ year: dt.year, month: dt.month, day: dt.day });

/** `3 May [2013]`, `3rd May`, `May 3 [2013]` starting at words[i]; month undefined when it is not one. */
function readNamedDate(
  words: readonly string[],
  i: number,
):
  | { day: number; month: number | undefined; bad: string; year: number | undefined; next: number }
  | undefined {
  const a = words[i];
  const b = words[i + 1];
  if (a === undefined || b === undefined) return undefined;
  const dayFirst = /^(\d{1,2})(?:st|nd|rd|th)?$/.exec(a);
  const daySecond = /^(\d{1,2})(?:st|nd|rd|th)?$/.exec(b);
  let day: number;
  let monthWord: string;
  if (dayFirst && !b.includes(':') && !MERIDIEMS.includes(b)) {
    day = Number(dayFirst[1]);
    monthWord = b;
  } else if (daySecond && /^[a-z]/.test(a) && monthNumber(a) !== undefined) {
    day = Number(daySecond[1]);
    monthWord = a;
  } else {
    return undefined;
  }
  const yearWord = words[i + 2];
  const year = yearWord !== undefined && /^\d{4}$/.test(yearWord) ? Number(yearWord) : undefined;
  return { day, month: monthNumber(monthWord), bad: monthWord, year, next: i + (year === undefined ? 2 : 3) };
}

/** `22:13`, `22:13:05`, `7pm`, `7:30 pm` at words[i]. */
function readClock(
  words: readonly string[],
  i: number,
  shown: string,
): Result<{ time: WallTime; next: number }> | undefined {
  const w = words[i];
  if (w === undefined) return undefined;
  const m = /^(\d{1,2})(?::(\d{1,2}))?(?::(\d{1,2}))?(am|pm|a\.m\.|p\.m\.)?$/.exec(w);
  if (!m) return undefined;
  let meridiem = m[4];
  let next = i + 1;
  const following = words[i + 1];
  if (!meridiem && following !== undefined && MERIDIEMS.includes(following)) {
    meridiem = following;
    next++;
  }
  // A lone number is a time only with am/pm (`7pm`); otherwise `3` could be anything.
  if (m[2] === undefined && !meridiem) return undefined;
  let hour = Number(m[1]);
  const minute = Number(m[2] ?? 0);
  const second = Number(m[3] ?? 0);
  if (meridiem) {
    if (hour < 1 || hour > 12)
      return badTime(shown, `with am or pm the hour goes from 1 to 12, not ${hour}.`);
    hour = (hour % 12) + (meridiem.startsWith('p') ? 12 : 0);
  }
  const t = checkTime(shown, hour, minute, second);
  return t.ok ? accept({ time: t.value, next }) : t;
}

function checkTime(shown: string, hour: number, minute: number, second: number): Result<WallTime> {
  if (hour > 23) return badTime(shown, `there is no hour ${hour}: hours go from 00 to 23.`);
  if (minute > 59) return badTime(shown, `there is no minute ${minute}: minutes go from 00 to 59.`);
  if (second > 59) return badTime(shown, `there is no second ${second}: seconds go from 00 to 59.`);
  return accept({ hour, minute, second });
}

function checkDate(shown: string, year: number, month: number, day: number): Result<CalendarDate> {
  if (month < 1 || month > 12) return badTime(shown, `there is no month ${month}: months go from 1 to 12.`);
  const days = DateTime.fromObject({ year, month }, { zone: 'utc' }).daysInMonth ?? 31;
  if (day < 1 || day > days) {
    return badTime(
      shown,
      `there is no day ${day} in ${capitalize(MONTHS[month - 1] ?? '')} ${year}: it has ${days} days.`,
    );
  }
  return accept({ year, month, day });
}

/** `+02:00`, `-0530`, `+02` → a fixed-offset zone, as the user wrote it. */
function offsetZone(offset: string): NamedZone {
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(offset);
  const spec = m ? `UTC${m[1]}${m[2]}:${m[3] ?? '00'}` : 'UTC';
  return { zone: FixedOffsetZone.parseSpecifier(spec), label: `UTC${offset}` };
}

/** `+02:00`, `-0530`, `+2`, `UTC+2`, `GMT-7`, `UTC−3:30` (a true minus too) after a time. */
const OFFSET_WORD = /^(?:utc|gmt)?([+\-\u2212])(\d{1,2})(?::?(\d{2}))?$/i;

/**
 * An abbreviation-shaped word (`BST`, `cest`, `PST`): read only as a configured zone's, never as ICU's guess.
 * Mixed case (`Japan`) is a name, checked as one.
 */
const ABBREVIATION_WORD = /^(?:[A-Z]{2,5}|[a-z]{2,5})$/;

/**
 * The abbreviations each configured zone is written with (standard and daylight time, as the site writes
 * them), in January and July from 1970 to 2050: `PST`, `PDT` for Vancouver; `CAT` for Lusaka. An offset form (`UTC+3`) is not
 * an abbreviation.
 */
const abbreviationTables = new WeakMap<readonly ZoneDef[], Map<string, ZoneDef[]>>();

function abbreviationTable(zones: readonly ZoneDef[]): Map<string, ZoneDef[]> {
  let table = abbreviationTables.get(zones);
  if (table) return table;
  table = new Map();
  for (const def of zones) {
    if (!IANAZone.isValidZone(def.zone)) continue;
    const names = new Set<string>();
    // Every fifth year is enough to learn a zone's names, and each new year costs a dozen Intl formatters.
    for (let year = 1970; year <= 2050; year += 5) {
      for (const month of [0, 6]) names.add(zoneAbbreviation(def.zone, Date.UTC(year, month, 15)));
    }
    for (const name of names) {
      if (/^(?:UTC|GMT)/.test(name)) continue;
      table.set(name, [...(table.get(name) ?? []), def]);
    }
  }
  abbreviationTables.set(zones, table);
  return table;
}

/** `PST/PDT (Vancouver), CAT (Lusaka)`: the abbreviations that are read, for refusals and help. */
export function describeAbbreviations(zones: readonly ZoneDef[]): string {
  const byZone = new Map<string, string[]>();
  for (const [name, defs] of abbreviationTable(zones)) {
    if (defs.length !== 1 || !defs[0]) continue;
    byZone.set(defs[0].label, [...(byZone.get(defs[0].label) ?? []), name]);
  }
  return [...byZone].map(([label, names]) => `${names.join('/')} (${label})`).join(', ');
}

function abbreviationRefusal(word: string, zones: readonly ZoneDef[], shown: string): Result<never> {
  const configured = describeAbbreviations(zones);
  return refuse(
    'bad_time',
    `cannot read "${shorten(shown)}" as a time: "${shorten(word)}" is not an abbreviation I read, because the same ` +
      `letters name different zones around the world (BST is British Summer Time and Bangladesh). ` +
      `I read UTC, GMT, Z${configured ? `, ${configured}` : ''}; for any other zone write its offset ` +
      `(\`15:13 +01:00\`) or its IANA name (\`15:13 Europe/London\`).`,
  );
}

/**
 * The zone named by the words after the time: none (UTC), UTC/GMT/Z, a configured label or zone, an
 * abbreviation of a configured zone (`PDT`), an offset (`+01:00`, `UTC-7`), an IANA name (`Europe/London`).
 */
function resolveZone(words: readonly string[], zones: readonly ZoneDef[], shown: string): Result<NamedZone> {
  if (words.length === 0) return accept(UTC);
  const word = words.join(' ');
  const w = word.toLowerCase();
  if (w === 'utc' || w === 'gmt' || w === 'z') return accept(UTC);
  const configured = zones.find((z) => z.label.toLowerCase() === w || z.zone.toLowerCase() === w);
  if (configured) {
    return accept({
      zone: IANAZone.create(configured.zone),
      label: configured.label,
      configured: configured.zone,
    });
  }
  const offset = OFFSET_WORD.exec(word);
  if (offset) {
    const hours = Number(offset[2]);
    const minutes = Number(offset[3] ?? 0);
    if (hours > 14 || minutes > 59) return badTime(shown, `"${shorten(word)}" is not an offset from UTC.`);
    const sign = offset[1] === '+' ? 1 : -1;
    return accept({
      zone: FixedOffsetZone.instance(sign * (hours * 60 + minutes)),
      label: word.toUpperCase(),
    });
  }
  if (ABBREVIATION_WORD.test(word)) {
    const abbreviation = word.toUpperCase();
    const owners = abbreviationTable(zones).get(abbreviation) ?? [];
    const [owner] = owners;
    if (owners.length === 1 && owner) {
      return accept({
        zone: IANAZone.create(owner.zone),
        label: owner.label,
        configured: owner.zone,
        abbreviation,
      });
    }
    if (owners.length > 1) {
      return refuse(
        'bad_time',
        `cannot read "${shorten(shown)}" as a time: ${abbreviation} is the time of more than one of our zones ` +
          `(${owners.map((o) => o.label).join(', ')}); write the zone instead: \`15:13 ${owners[0]?.label}\`.`,
      );
    }
    return abbreviationRefusal(word, zones, shown);
  }
  // Only Area/Location names: ICU also takes legacy ids (`BST` is Dhaka, `IST` Kolkata, `PST` Los Angeles).
  if (word.includes('/') && IANAZone.isValidZone(word))
    return accept({ zone: IANAZone.create(word), label: word });
  const labels = zones.map((z) => z.label);
  const guess = suggest(word, [...labels, 'UTC']);
  const known = ['UTC', ...labels].join(', ');
  return refuse(
    'bad_time',
    `cannot read "${shorten(shown)}" as a time: "${shorten(word)}" is not a time zone I know.` +
      (guess ? ` Did you mean "${guess}"?` : '') +
      ` Zones are ${known}, an offset such as \`+01:00\`, or an IANA name such as \`Africa/Lusaka\`.`,
  );
}

const dayName = (date: CalendarDate): string =>
  `${date.day} ${capitalize(MONTHS[date.month - 1] ?? '')} ${date.year}`;
const isoDate = (date: CalendarDate): string => `${date.year}-${pad(date.month)}-${pad(date.day)}`;
const wallOf = (time: WallTime): string =>
  `${pad(time.hour)}:${pad(time.minute)}${time.second ? `:${pad(time.second)}` : ''}`;

/** The abbreviation the site writes for `zone` at `at`, when it is one Herald reads back (else undefined). */
function readableAbbreviation(zone: NamedZone, at: number): string | undefined {
  if (!zone.configured) return undefined;
  const name = zoneAbbreviation(zone.configured, at);
  return /^(?:UTC|GMT)/.test(name) ? undefined : name;
}

/**
 * The instant of a wall time in a zone. Refused when the wall time never happens (the spring gap), when it
 * happens twice (the autumn hour) and nothing says which, and when an abbreviation is not the zone's time
 * on that day (`PST` in July).
 */
function atWallTime(shown: string, date: CalendarDate, time: WallTime, zone: NamedZone): Result<number> {
  const dt = DateTime.fromObject({ ...date, ...time }, { zone: zone.zone });
  if (!dt.isValid) return badTime(shown, dt.invalidExplanation ?? 'it is not a valid date and time.');
  if (dt.hour !== time.hour || dt.minute !== time.minute || dt.day !== date.day) {
    return refuse('bad_time', skippedMessage(shown, date, time, zone, dt));
  }
  const instants = [...new Set([dt.toMillis(), ...dt.getPossibleOffsets().map((p) => p.toMillis())])].sort(
    (a, b) => a - b,
  );
  if (zone.abbreviation) {
    const wanted = zone.abbreviation;
    const matching = instants.filter((at) => readableAbbreviation(zone, at) === wanted);
    const [only] = matching;
    if (matching.length === 1 && only !== undefined) return accept(only);
    const actual = instants.map((at) => readableAbbreviation(zone, at) ?? formatOffsetName(zone, at));
    return refuseTime(
      shown,
      `${wanted} is not ${zone.label}’s time at ${wallOf(time)} on ${dayName(date)}: it is ${actual.join(' or ')} then. ` +
        `Write \`${wallOf(time)} ${actual[0]}\` or \`${wallOf(time)} ${zone.label}\`.`,
    );
  }
  const [first, second] = instants;
  if (first === undefined) return badTime(shown, 'it is not a valid date and time.');
  if (second === undefined) return accept(first);
  // The autumn hour: the same wall time twice, an hour apart. Which one is meant must be said.
  const ways = [first, second].map((at) => {
    const abbreviation = readableAbbreviation(zone, at);
    const form = abbreviation
      ? `${isoDate(date)} ${wallOf(time)} ${abbreviation}`
      : `${isoDate(date)}T${wallOf(time)}${DateTime.fromMillis(at, { zone: zone.zone }).toFormat('ZZ')}`;
    return `\`${form}\` (${DateTime.fromMillis(at, { zone: 'utc' }).toFormat('HH:mm')} UTC)`;
  });
  return refuseTime(
    shown,
    `${wallOf(time)} on ${dayName(date)} happens twice in ${zone.label}, because clocks went back an hour that night ` +
      `(daylight saving time ended). Say which: ${ways[0]} or ${ways[1]}.`,
  );
}

/** `UTC−7` for a zone at an instant, when it has no abbreviation Herald reads. */
function formatOffsetName(zone: NamedZone, at: number): string {
  return `UTC${DateTime.fromMillis(at, { zone: zone.zone }).toFormat('ZZ')}`;
}

function skippedMessage(
  shown: string,
  date: CalendarDate,
  time: WallTime,
  zone: NamedZone,
  shifted: DateTime,
): string {
  // Luxon moves a wall time in a gap forward past it; the change of offset is somewhere in the hours before.
  let lo = shifted.toMillis() - 12 * 3_600_000;
  let hi = shifted.toMillis();
  const before = zone.zone.offset(lo);
  while (hi - lo > 60_000) {
    const mid = Math.floor((lo + hi) / 2);
    if (zone.zone.offset(mid) === before) lo = mid;
    else hi = mid;
  }
  const from = DateTime.fromMillis(hi, { zone: FixedOffsetZone.instance(before) }).toFormat('HH:mm');
  const to = DateTime.fromMillis(hi, { zone: zone.zone }).toFormat('HH:mm');
  const day = `${date.day} ${capitalize(MONTHS[date.month - 1] ?? '')} ${date.year}`;
  const wall = `${pad(time.hour)}:${pad(time.minute)}`;
  return (
    `cannot read "${shorten(shown)}" as a time: ${wall} on ${day} does not exist in ${zone.label}, because clocks jumped ` +
    `forward from ${from} to ${to} that night (daylight saving time began). Did you mean ${shifted.toFormat('HH:mm')}?`
  );
}
