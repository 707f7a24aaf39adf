import { describe, expect, it } from 'vitest';
import type { ZoneDef } from '../../src/bot/catalog.js';
import { formatOffset, zoneAbbreviation } from '../../src/bot/zone-names.js';
import {
  annotateTimes,
  formatDay,
  formatEventTime,
  formatIsoUtc,
  formatStamp,
  formatZoneLine,
} from '../../src/templates/time.js';

// Fixed instants only: nothing here reads the clock.
const zones: ZoneDef[] = [
  { zone: 'America/Vancouver', label: 'Vancouver' },
  { zone: 'Africa/Lusaka', label: 'Lusaka' },
];
const utc = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0): number =>
  Date.UTC(y, mo - 1, d, h, mi, s);

/** The blog's post "27 July 2012 22:20:51 +0000" and the SMTP restart it reports. */
const smtpPost = utc(2012, 7, 27, 22, 20, 51);
const smtpRestart = utc(2012, 7, 27, 22, 13);

describe('formatStamp', () => {
  it('writes the blog stamp in UTC', () => {
    expect(formatStamp(smtpPost)).toBe('27 July 2012 22:20:51 +0000');
    expect(formatStamp(utc(2013, 10, 29, 8, 57, 36))).toBe('29 October 2013 08:57:36 +0000');
  });

  it('pads the hour and keeps the day unpadded', () => {
    expect(formatStamp(utc(2013, 5, 3, 7, 11, 33))).toBe('3 May 2013 07:11:33 +0000');
  });
});

describe('formatDay and formatIsoUtc', () => {
  it('give the UTC day and the ISO instant', () => {
    expect(formatDay(smtpRestart)).toBe('27 July 2012');
    expect(formatIsoUtc(smtpRestart)).toBe('2012-07-27T22:13:00Z');
    expect(formatIsoUtc(smtpPost + 999)).toBe('2012-07-27T22:20:51Z');
  });
});

describe('formatEventTime', () => {
  it('follows UTC with each client zone, dating a zone that is on another day', () => {
    expect(formatEventTime(smtpRestart, zones)).toBe(
      '22:13 UTC (15:13 PDT Vancouver · 00:13 CAT Lusaka, 28 July)',
    );
  });

  it('puts the UTC date first when asked', () => {
    expect(formatEventTime(smtpRestart, zones, { date: true })).toBe(
      '27 July 2012 22:13 UTC (15:13 PDT Vancouver · 00:13 CAT Lusaka, 28 July)',
    );
  });

  it('is just the UTC time without zones', () => {
    expect(formatEventTime(smtpRestart, [])).toBe('22:13 UTC');
    expect(formatEventTime(smtpRestart, [], { date: true })).toBe('27 July 2012 22:13 UTC');
  });

  it('shows hours and minutes only', () => {
    expect(formatEventTime(utc(2012, 7, 27, 22, 13, 59), zones)).toBe(
      '22:13 UTC (15:13 PDT Vancouver · 00:13 CAT Lusaka, 28 July)',
    );
  });

  it('switches Vancouver to PDT when daylight saving time starts (10 March 2024, 10:00 UTC)', () => {
    expect(formatEventTime(utc(2024, 3, 10, 9, 59), zones)).toBe(
      '09:59 UTC (01:59 PST Vancouver · 11:59 CAT Lusaka)',
    );
    expect(formatEventTime(utc(2024, 3, 10, 10, 0), zones)).toBe(
      '10:00 UTC (03:00 PDT Vancouver · 12:00 CAT Lusaka)',
    );
  });

  it('switches Vancouver back to PST when it ends (3 November 2024, 09:00 UTC)', () => {
    expect(formatEventTime(utc(2024, 11, 3, 8, 59), zones)).toBe(
      '08:59 UTC (01:59 PDT Vancouver · 10:59 CAT Lusaka)',
    );
    expect(formatEventTime(utc(2024, 11, 3, 9, 0), zones)).toBe(
      '09:00 UTC (01:00 PST Vancouver · 11:00 CAT Lusaka)',
    );
  });

  it('dates Vancouver when it is still the previous day there', () => {
    expect(formatEventTime(utc(2024, 7, 15, 2, 0), zones, { date: true })).toBe(
      '15 July 2024 02:00 UTC (19:00 PDT Vancouver, 14 July · 04:00 CAT Lusaka)',
    );
    expect(formatEventTime(utc(2025, 1, 1, 2, 30), zones)).toBe(
      '02:30 UTC (18:30 PST Vancouver, 31 December · 04:30 CAT Lusaka)',
    );
  });

  it('rejects an unknown zone', () => {
    expect(() => formatEventTime(smtpRestart, [{ zone: 'Mars/Olympus', label: 'Olympus' }])).toThrow(
      /unknown time zone Mars\/Olympus/,
    );
  });
});

describe('formatZoneLine', () => {
  it('is the parenthesised part alone', () => {
    expect(formatZoneLine(smtpRestart, zones)).toBe('15:13 PDT Vancouver · 00:13 CAT Lusaka, 28 July');
    expect(formatZoneLine(smtpRestart, [])).toBe('');
  });
});

describe('zoneAbbreviation', () => {
  const winter = utc(2024, 1, 15, 12);
  const summer = utc(2024, 7, 15, 12);
  const cases: [string, string, string][] = [
    ['America/Vancouver', 'PST', 'PDT'],
    ['America/New_York', 'EST', 'EDT'],
    ['America/St_Johns', 'NST', 'NDT'],
    ['Africa/Lusaka', 'CAT', 'CAT'],
    ['Africa/Nairobi', 'EAT', 'EAT'],
    ['Africa/Johannesburg', 'SAST', 'SAST'],
    ['Africa/Lagos', 'WAT', 'WAT'],
    ['Europe/Paris', 'CET', 'CEST'],
    ['Europe/London', 'GMT', 'BST'],
    ['Europe/Lisbon', 'WET', 'WEST'],
    ['Europe/Dublin', 'GMT', 'IST'],
    ['Asia/Kolkata', 'IST', 'IST'],
    ['Asia/Singapore', 'SGT', 'SGT'],
    ['Australia/Sydney', 'AEDT', 'AEST'],
    ['Pacific/Auckland', 'NZDT', 'NZST'],
    ['Asia/Tokyo', 'UTC+9', 'UTC+9'],
    ['Asia/Kathmandu', 'UTC+5:45', 'UTC+5:45'],
    ['America/Sao_Paulo', 'UTC\u22123', 'UTC\u22123'],
    ['Pacific/Marquesas', 'UTC\u22129:30', 'UTC\u22129:30'],
  ];
  it.each(cases)('names %s %s in January and %s in July', (zone, jan, jul) => {
    expect(zoneAbbreviation(zone, winter)).toBe(jan);
    expect(zoneAbbreviation(zone, summer)).toBe(jul);
  });

  it('gives the same answer from the cache', () => {
    expect(zoneAbbreviation('Africa/Lusaka', smtpRestart)).toBe('CAT');
    expect(zoneAbbreviation('Africa/Lusaka', smtpRestart)).toBe('CAT');
  });
});

describe('formatOffset', () => {
  it('writes whole and partial hours with a true minus sign', () => {
    expect(formatOffset(120)).toBe('UTC+2');
    expect(formatOffset(-210)).toBe('UTC\u22123:30');
    expect(formatOffset(345)).toBe('UTC+5:45');
    expect(formatOffset(0)).toBe('UTC');
  });
});

describe('annotateTimes', () => {
  it('annotates the blog SMTP post', () => {
    expect(annotateTimes('restarted SMTP on server NC018 at 22:13 UTC.', smtpPost, zones)).toBe(
      'restarted SMTP on server NC018 at 22:13 UTC (15:13 PDT Vancouver · 00:13 CAT Lusaka, 28 July).',
    );
  });

  it('annotates the blog migration notice on the day of the event', () => {
    const text = 'We will start with websites on Friday, 3 May at 19:00 UTC.';
    expect(annotateTimes(text, utc(2013, 5, 3, 7, 11, 33), zones)).toBe(
      'We will start with websites on Friday, 3 May at 19:00 UTC (12:00 PDT Vancouver · 21:00 CAT Lusaka).',
    );
  });

  it('takes the UTC calendar day of the given instant, whatever its time', () => {
    const text = 'Back at 02:00 UTC.';
    const expected = 'Back at 02:00 UTC (19:00 PDT Vancouver, 14 July · 04:00 CAT Lusaka).';
    expect(annotateTimes(text, utc(2024, 7, 15, 0, 0), zones)).toBe(expected);
    expect(annotateTimes(text, utc(2024, 7, 15, 23, 59, 59), zones)).toBe(expected);
  });

  it('is idempotent', () => {
    const once = annotateTimes('Down at 9:05 UTC, back at 22:13 UTC.', smtpPost, zones);
    expect(once).toBe(
      'Down at 9:05 UTC (02:05 PDT Vancouver · 11:05 CAT Lusaka), back at 22:13 UTC ' +
        '(15:13 PDT Vancouver · 00:13 CAT Lusaka, 28 July).',
    );
    expect(annotateTimes(once, smtpPost, zones)).toBe(once);
  });

  it('is idempotent when a client zone is itself written GMT', () => {
    const withLondon: ZoneDef[] = [{ zone: 'Europe/London', label: 'London' }, ...zones];
    const once = annotateTimes('at 10:00 UTC', utc(2024, 1, 15), withLondon);
    expect(once).toBe('at 10:00 UTC (10:00 GMT London · 02:00 PST Vancouver · 12:00 CAT Lusaka)');
    expect(annotateTimes(once, utc(2024, 1, 15), withLondon)).toBe(once);
  });

  it('leaves a time that already carries a conversion', () => {
    const text = 'at 19:00 UTC (noon in Vancouver, 12:00 PDT) as planned';
    expect(annotateTimes(text, utc(2013, 5, 3), zones)).toBe(text);
  });

  it('treats GMT, a no-break space and seconds alike', () => {
    expect(annotateTimes('at 19:00 GMT and 19:30\u00a0UTC and 19:45:30 UTC', utc(2013, 5, 3), zones)).toBe(
      'at 19:00 GMT (12:00 PDT Vancouver · 21:00 CAT Lusaka) and ' +
        '19:30\u00a0UTC (12:30 PDT Vancouver · 21:30 CAT Lusaka) and ' +
        '19:45:30 UTC (12:45 PDT Vancouver · 21:45 CAT Lusaka)',
    );
  });

  it('leaves invalid times, glued zones and other offsets alone', () => {
    const text = 'not 25:99 UTC, 24:00 UTC, 12:60 UTC, 19:00UTC, 19:00 UTC+2, 19:00 GMT-5 or 19:00 UTCish';
    expect(annotateTimes(text, utc(2013, 5, 3), zones)).toBe(text);
  });

  it('does not change text without times', () => {
    const text = 'We have cleaned up the spam. You can now send email again.';
    expect(annotateTimes(text, smtpPost, zones)).toBe(text);
  });

  it('does not change anything without client zones', () => {
    const text = 'restarted SMTP on server NC018 at 22:13 UTC.';
    expect(annotateTimes(text, smtpPost, [])).toBe(text);
  });

  it('returns plain text, leaving markup characters to the caller', () => {
    expect(annotateTimes('<b>22:13 UTC</b> & more', smtpPost, zones)).toBe(
      '<b>22:13 UTC (15:13 PDT Vancouver · 00:13 CAT Lusaka, 28 July)</b> & more',
    );
  });
});
