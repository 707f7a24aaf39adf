import { describe, expect, it } from 'vitest';
import { formatUtc, parseTime, readTime } from '../../src/bot/parse-time.js';
import { testSettings } from '../helpers/settings.js';

/** 27 July 2012 21:39:27 UTC, a Friday: when "SMTP on NC018 shut down" was posted. */
const SHUT_DOWN = Date.UTC(2012, 6, 27, 21, 39, 27);
/** 27 July 2012 22:20:51 UTC: when "SMTP on server NC018 restarted" was posted (00:20 on the 28th in Lusaka). */
const RESTARTED = Date.UTC(2012, 6, 27, 22, 20, 51);

type Direction = 'past' | 'future';

const read = (input: string, now: number, direction: Direction = 'past'): string => {
  const r = parseTime(input, { now, zones: testSettings.zones, direction });
  if (!r.ok) throw new Error(`refused: ${r.code}: ${r.message}`);
  return new Date(r.value).toISOString();
};

const refusal = (input: string, now = SHUT_DOWN, direction: Direction = 'past') => {
  const r = parseTime(input, { now, zones: testSettings.zones, direction });
  if (r.ok) throw new Error(`accepted as ${new Date(r.value).toISOString()}`);
  return r;
};

describe('parseTime: forms', () => {
  it('reads a time of day as UTC, with or without seconds', () => {
    expect(read('21:39', SHUT_DOWN)).toBe('2012-07-27T21:39:00.000Z');
    expect(read('21:39:05', SHUT_DOWN)).toBe('2012-07-27T21:39:05.000Z');
    expect(read('7:05', SHUT_DOWN)).toBe('2012-07-27T07:05:00.000Z');
  });

  it('reads dates and times, ISO with Z or an offset, and day-month-year', () => {
    expect(read('2013-05-03 19:00', SHUT_DOWN)).toBe('2013-05-03T19:00:00.000Z');
    expect(read('2013-05-03T19:00Z', SHUT_DOWN)).toBe('2013-05-03T19:00:00.000Z');
    expect(read('2013-05-03T21:00:00+02:00', SHUT_DOWN)).toBe('2013-05-03T19:00:00.000Z');
    expect(read('2013-05-03T12:00-0700', SHUT_DOWN)).toBe('2013-05-03T19:00:00.000Z');
    expect(read('2013-05-03T12:00 Vancouver', SHUT_DOWN)).toBe('2013-05-03T19:00:00.000Z');
    expect(read('3 May 2013 19:00', SHUT_DOWN)).toBe('2013-05-03T19:00:00.000Z');
    expect(read('May 3, 2013 19:00', SHUT_DOWN)).toBe('2013-05-03T19:00:00.000Z');
  });

  it('reads a day and month without a year as the last one (past) or the next one (future)', () => {
    expect(read('3 May 19:00', SHUT_DOWN)).toBe('2012-05-03T19:00:00.000Z');
    expect(read('3 May 19:00', SHUT_DOWN, 'future')).toBe('2013-05-03T19:00:00.000Z');
    expect(read('28 Jul 19:00', SHUT_DOWN)).toBe('2011-07-28T19:00:00.000Z');
  });

  it('reads the blog’s own “Friday, 3 May at 19:00 UTC”, checking the weekday', () => {
    const posted = Date.UTC(2013, 4, 3, 7, 11, 33);
    expect(read('Friday, 3 May at 19:00 UTC', posted, 'future')).toBe('2013-05-03T19:00:00.000Z');
    const r = refusal('Thursday 3 May 2013 19:00');
    expect(r.code).toBe('bad_time');
    expect(r.message).toContain('3 May 2013 is a Friday, not a Thursday');
  });

  it('reads yesterday, today and tomorrow', () => {
    expect(read('yesterday 21:39', SHUT_DOWN)).toBe('2012-07-26T21:39:00.000Z');
    expect(read('today 08:00', SHUT_DOWN)).toBe('2012-07-27T08:00:00.000Z');
    expect(read('tomorrow 06:00', SHUT_DOWN, 'future')).toBe('2012-07-28T06:00:00.000Z');
  });

  it('takes the day in the zone given: yesterday in Lusaka is already the 27th', () => {
    expect(read('yesterday 23:00 Lusaka', RESTARTED)).toBe('2012-07-27T21:00:00.000Z');
  });

  it('reads now, and am/pm', () => {
    expect(read('now', SHUT_DOWN)).toBe('2012-07-27T21:39:27.000Z');
    expect(read('7pm', SHUT_DOWN)).toBe('2012-07-27T19:00:00.000Z');
    expect(read('7:30 pm', SHUT_DOWN)).toBe('2012-07-27T19:30:00.000Z');
    expect(read('12:15am', SHUT_DOWN)).toBe('2012-07-27T00:15:00.000Z');
  });

  it('does not refuse a future time in the past direction: that is the caller’s call', () => {
    expect(read('tomorrow 06:00', SHUT_DOWN, 'past')).toBe('2012-07-28T06:00:00.000Z');
    expect(read('2030-01-01 00:00', SHUT_DOWN, 'past')).toBe('2030-01-01T00:00:00.000Z');
  });
});

describe('parseTime: zones', () => {
  it('reads 15:13 Vancouver on 27 July 2012 as 22:13 UTC', () => {
    expect(read('15:13 Vancouver', RESTARTED)).toBe('2012-07-27T22:13:00.000Z');
  });

  it('reads 00:13 Lusaka on 28 July 2012 as 22:13 UTC on the 27th', () => {
    expect(read('00:13 Lusaka', RESTARTED)).toBe('2012-07-27T22:13:00.000Z');
    expect(read('2012-07-28 00:13 Lusaka', RESTARTED)).toBe('2012-07-27T22:13:00.000Z');
  });

  it('takes labels and IANA names in any case, and UTC, GMT and Z', () => {
    expect(read('00:13 lusaka', RESTARTED)).toBe('2012-07-27T22:13:00.000Z');
    expect(read('15:13 VANCOUVER', RESTARTED)).toBe('2012-07-27T22:13:00.000Z');
    expect(read('15:13 America/Vancouver', RESTARTED)).toBe('2012-07-27T22:13:00.000Z');
    expect(read('00:13 Africa/Lusaka', RESTARTED)).toBe('2012-07-27T22:13:00.000Z');
    expect(read('18:13 America/Toronto', RESTARTED)).toBe('2012-07-27T22:13:00.000Z');
    for (const z of ['UTC', 'utc', 'GMT', 'Z'])
      expect(read(`22:13 ${z}`, RESTARTED)).toBe('2012-07-27T22:13:00.000Z');
  });

  it('refuses an unknown zone, with a did-you-mean among the configured cities', () => {
    const r = refusal('15:13 Vancover', RESTARTED);
    expect(r.code).toBe('bad_time');
    expect(r.message).toContain('"Vancover" is not a time zone');
    expect(r.message).toContain('Did you mean "Vancouver"?');
    const far = refusal('15:13 Mars', RESTARTED);
    expect(far.message).toContain('Zones are UTC, Vancouver, Lusaka');
    expect(far.message).not.toContain('Did you mean');
  });
});

describe('parseTime: daylight saving in Vancouver', () => {
  it('uses PST before and PDT after the change of 10 March 2024', () => {
    const now = Date.UTC(2024, 2, 20);
    expect(read('2024-03-10 01:30 Vancouver', now)).toBe('2024-03-10T09:30:00.000Z');
    expect(read('2024-03-10 03:30 Vancouver', now)).toBe('2024-03-10T10:30:00.000Z');
    expect(read('2024-03-09 15:13 Vancouver', now)).toBe('2024-03-09T23:13:00.000Z');
    expect(read('2024-03-11 15:13 Vancouver', now)).toBe('2024-03-11T22:13:00.000Z');
  });

  it('refuses 02:30 on 10 March 2024: clocks jumped from 02:00 to 03:00', () => {
    const r = refusal('2024-03-10 02:30 Vancouver', Date.UTC(2024, 2, 20));
    expect(r.code).toBe('bad_time');
    expect(r.message).toContain('02:30 on 10 March 2024 does not exist in Vancouver');
    expect(r.message).toContain('jumped forward from 02:00 to 03:00');
  });

  it('refuses a bare time that falls in the gap on the day it is read for', () => {
    const r = refusal('02:30 Vancouver', Date.UTC(2024, 2, 10, 12, 0));
    expect(r.code).toBe('bad_time');
    expect(r.message).toContain('does not exist');
  });

  it('uses PDT before and PST after the change of 3 November 2024', () => {
    const now = Date.UTC(2024, 10, 20);
    expect(read('2024-11-03 00:30 Vancouver', now)).toBe('2024-11-03T07:30:00.000Z');
    expect(read('2024-11-03 02:30 Vancouver', now)).toBe('2024-11-03T10:30:00.000Z');
  });

  it('refuses the doubled hour unless an abbreviation or an offset says which, offering both', () => {
    const now = Date.UTC(2024, 10, 20);
    for (const direction of ['past', 'future'] as const) {
      const r = refusal('2024-11-03 01:30 Vancouver', now, direction);
      expect(r.code).toBe('bad_time');
      expect(r.message).toContain('01:30 on 3 November 2024 happens twice in Vancouver');
      expect(r.message).toContain('`2024-11-03 01:30 PDT` (08:30 UTC) or `2024-11-03 01:30 PST` (09:30 UTC)');
    }
    expect(read('2024-11-03 01:30 PDT', now)).toBe('2024-11-03T08:30:00.000Z');
    expect(read('2024-11-03 01:30 PST', now)).toBe('2024-11-03T09:30:00.000Z');
    expect(read('2024-11-03 01:30 pst', now)).toBe('2024-11-03T09:30:00.000Z');
    expect(read('2024-11-03T01:30-07:00', now)).toBe('2024-11-03T08:30:00.000Z');
    expect(read('2024-11-03 01:30 -08:00', now)).toBe('2024-11-03T09:30:00.000Z');
    // A zone that is not configured has no abbreviations Herald reads: the refusal offers offsets.
    expect(refusal('2024-11-03 01:30 America/Los_Angeles', now).message).toContain(
      '`2024-11-03T01:30-07:00` (08:30 UTC) or `2024-11-03T01:30-08:00` (09:30 UTC)',
    );
  });

  it('reads relative words across the change by the calendar, not by 24-hour steps', () => {
    // 12:00 UTC on 10 March 2024 is 05:00 PDT; yesterday noon was still PST.
    const now = Date.UTC(2024, 2, 10, 12, 0);
    expect(read('yesterday 12:00 Vancouver', now)).toBe('2024-03-09T20:00:00.000Z');
    expect(read('today 12:00 Vancouver', now)).toBe('2024-03-10T19:00:00.000Z');
    expect(read('01:00 Vancouver', now)).toBe('2024-03-10T09:00:00.000Z');
    // 12:00 UTC on 3 November 2024 is 04:00 PST; the day before was PDT.
    const fall = Date.UTC(2024, 10, 3, 12, 0);
    expect(read('yesterday 12:00 Vancouver', fall)).toBe('2024-11-02T19:00:00.000Z');
    expect(read('tomorrow 12:00 Vancouver', fall, 'future')).toBe('2024-11-04T20:00:00.000Z');
  });
});

describe('parseTime: direction', () => {
  it('reads a bare time as the last one (past) or the next one (future)', () => {
    // 22:13 typed at 21:39 means yesterday's when looking back.
    expect(read('22:13', SHUT_DOWN)).toBe('2012-07-26T22:13:00.000Z');
    expect(read('22:13', SHUT_DOWN, 'future')).toBe('2012-07-27T22:13:00.000Z');
    expect(read('21:00', SHUT_DOWN, 'future')).toBe('2012-07-28T21:00:00.000Z');
  });

  it('reads 22:13 typed at 00:05 UTC as yesterday', () => {
    expect(read('22:13', Date.UTC(2012, 6, 28, 0, 5))).toBe('2012-07-27T22:13:00.000Z');
  });

  it('allows a minute of clock difference before turning a bare time into another day', () => {
    expect(read('21:40', SHUT_DOWN)).toBe('2012-07-27T21:40:00.000Z');
    expect(read('21:39', SHUT_DOWN, 'future')).toBe('2012-07-27T21:39:00.000Z');
    expect(read('21:41', SHUT_DOWN)).toBe('2012-07-26T21:41:00.000Z');
  });

  it('reads a weekday as the last one (past) or the next one (future); today counts', () => {
    // SHUT_DOWN is Friday 27 July 2012, 21:39.
    expect(read('Friday 19:00', SHUT_DOWN)).toBe('2012-07-27T19:00:00.000Z');
    expect(read('fri 19:00', SHUT_DOWN, 'future')).toBe('2012-08-03T19:00:00.000Z');
    expect(read('fri 22:00', SHUT_DOWN)).toBe('2012-07-20T22:00:00.000Z');
    expect(read('fri 22:00', SHUT_DOWN, 'future')).toBe('2012-07-27T22:00:00.000Z');
    expect(read('Thursday 19:00', SHUT_DOWN)).toBe('2012-07-26T19:00:00.000Z');
    expect(read('thu 19:00', SHUT_DOWN, 'future')).toBe('2012-08-02T19:00:00.000Z');
    expect(read('Saturday 19:00', SHUT_DOWN)).toBe('2012-07-21T19:00:00.000Z');
    expect(read('sat 19:00', SHUT_DOWN, 'future')).toBe('2012-07-28T19:00:00.000Z');
  });

  it('takes the weekday in the zone given', () => {
    // At RESTARTED it is already Saturday in Lusaka, and still Friday in Vancouver.
    expect(read('saturday 00:10 Lusaka', RESTARTED)).toBe('2012-07-27T22:10:00.000Z');
    expect(read('saturday 00:10 Vancouver', RESTARTED)).toBe('2012-07-21T07:10:00.000Z');
  });
});

describe('parseTime: refusals', () => {
  it.each([
    ['25:00', 'there is no hour 25'],
    ['12:61', 'there is no minute 61'],
    ['12:30:75', 'there is no second 75'],
    ['2013-02-30 10:00', 'there is no day 30 in February 2013'],
    ['2013-13-01 10:00', 'there is no month 13'],
    ['31 April 2013 10:00', 'there is no day 31 in April 2013'],
    ['13pm', 'the hour goes from 1 to 12'],
    ['3 Mai 2013 19:00', '"mai" is not a month'],
    ['2013-05-03', 'say the time of day too'],
    ['friday', 'say the time of day too'],
    ['yesterday at noon', '"noon" is not a time of day'],
    ['soon', 'does not start with a time of day'],
    ['', 'no time was given'],
    ['2013-05-03T19:00Z Vancouver', 'both an offset and a zone'],
  ])('refuses %j: %s', (input, why) => {
    const r = refusal(input);
    expect(r.code).toBe('bad_time');
    expect(r.message).toContain(why);
  });

  it('says which forms are accepted', () => {
    const r = refusal('soon');
    expect(r.message).toContain('22:13');
    expect(r.message).toContain('yesterday 21:39');
    expect(r.message).toContain('15:13 Vancouver');
  });
});

describe('formatUtc', () => {
  it('shows how an instant was read, in UTC, with seconds when there are any', () => {
    expect(formatUtc(Date.UTC(2012, 6, 27, 22, 13))).toBe('27 July 2012 22:13 UTC');
    expect(formatUtc(SHUT_DOWN)).toBe('27 July 2012 21:39:27 UTC');
  });
});

describe('parseTime: zone abbreviations', () => {
  const JULY = Date.UTC(2019, 6, 30);
  it('reads the configured zones’ own abbreviations, in the season they are used', () => {
    expect(read('2019-07-28 15:13 PDT', JULY)).toBe('2019-07-28T22:13:00.000Z');
    expect(read('2019-01-28 15:13 PST', JULY)).toBe('2019-01-28T23:13:00.000Z');
    expect(read('2019-07-28 15:13 CAT', JULY)).toBe('2019-07-28T13:13:00.000Z');
    expect(read('2019-07-28 00:13 cat', JULY)).toBe('2019-07-27T22:13:00.000Z');
    expect(read('2019-07-28 15:13 GMT', JULY)).toBe('2019-07-28T15:13:00.000Z');
  });

  it('refuses a PST whose day is in summer (and a PDT in winter), naming what the zone is on then', () => {
    const summer = refusal('2019-07-28 15:13 PST', JULY);
    expect(summer.message).toContain('PST is not Vancouver’s time at 15:13 on 28 July 2019: it is PDT then');
    expect(summer.message).toContain('`15:13 PDT` or `15:13 Vancouver`');
    expect(refusal('2019-01-28 15:13 PDT', JULY).message).toContain('it is PST then');
  });

  it.each([
    ['BST', 'British Summer Time and Bangladesh'],
    ['IST', ''],
    ['CEST', ''],
    ['SAST', ''],
    ['EST', ''],
    ['bst', ''],
  ])('refuses %s, which no configured zone uses, with the forms that work', (abbreviation, extra) => {
    const r = refusal(`2019-07-28 15:13 ${abbreviation}`, JULY);
    expect(r.code).toBe('bad_time');
    expect(r.message).toContain(`"${abbreviation}" is not an abbreviation I read`);
    expect(r.message).toContain('I read UTC, GMT, Z, PST/PDT (Vancouver), CAT (Lusaka)');
    expect(r.message).toContain('`15:13 +01:00`');
    expect(r.message).toContain('`15:13 Europe/London`');
    expect(r.message).toContain(extra);
  });

  it('refuses an abbreviation two configured zones share, naming them', () => {
    const zones = [...testSettings.zones, { zone: 'America/Los_Angeles', label: 'Los Angeles' }];
    const r = parseTime('2019-07-28 15:13 PDT', { now: JULY, zones, direction: 'past' });
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.message).toContain('PDT is the time of more than one of our zones (Vancouver, Los Angeles)');
  });

  it('reads offsets after a time, and IANA names only in their Area/Location form', () => {
    expect(read('2019-07-28 15:13 +01:00', JULY)).toBe('2019-07-28T14:13:00.000Z');
    expect(read('2019-07-28 15:13 UTC+2', JULY)).toBe('2019-07-28T13:13:00.000Z');
    expect(read('2019-07-28 15:13 GMT-7', JULY)).toBe('2019-07-28T22:13:00.000Z');
    expect(read('2019-07-28 15:13 Europe/London', JULY)).toBe('2019-07-28T14:13:00.000Z');
    expect(refusal('2019-07-28 15:13 UTC+15', JULY).message).toContain('is not an offset from UTC');
    expect(refusal('2019-07-28 15:13 Japan', JULY).message).toContain('is not a time zone I know');
  });
});

describe('readTime: a bare time moved to another day', () => {
  // 08:07 in Vancouver on 3 December 2026 (PST).
  const MORNING = Date.UTC(2026, 11, 3, 16, 7);
  it('says a bare time still to come today was read as yesterday (looking back)', () => {
    const r = readTime('08:30 Vancouver', { now: MORNING, zones: testSettings.zones, direction: 'past' });
    expect(r.ok && r.value).toEqual({
      at: Date.UTC(2026, 11, 2, 16, 30),
      dayShift: 'yesterday',
      zoneLabel: 'Vancouver',
    });
  });

  it('says a bare time already past today was read as tomorrow (looking ahead)', () => {
    const r = readTime('08:00 Vancouver', { now: MORNING, zones: testSettings.zones, direction: 'future' });
    expect(r.ok && r.value).toEqual({
      at: Date.UTC(2026, 11, 4, 16, 0),
      dayShift: 'tomorrow',
      zoneLabel: 'Vancouver',
    });
  });

  it('says nothing for today, nor for a time with a day word or a date', () => {
    const ctx = { now: MORNING, zones: testSettings.zones, direction: 'past' as const };
    expect(readTime('08:00 Vancouver', ctx)).toEqual({
      ok: true,
      value: { at: Date.UTC(2026, 11, 3, 16, 0), zoneLabel: 'Vancouver' },
    });
    for (const input of ['yesterday 08:30 Vancouver', '2026-12-02 08:30 Vancouver']) {
      const r = readTime(input, ctx);
      expect(r.ok && r.value.dayShift).toBeUndefined();
    }
  });
});
