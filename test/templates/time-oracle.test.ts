// The time formatting reads ICU directly (no luxon DateTime per call, for speed); luxon is the oracle here:
// for any instant and any zone, the same stamp, the same local clock, day and abbreviation.
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { formatOffset, zoneAbbreviation } from '../../src/bot/zone-names.js';
import { formatDay, formatEventTime, formatIsoUtc, formatStamp } from '../../src/templates/time.js';

const ZONES = [
  'America/Vancouver',
  'Africa/Lusaka',
  'America/St_Johns', // −3:30 / −2:30
  'Asia/Kathmandu', // +5:45
  'Australia/Lord_Howe', // a 30-minute daylight-saving shift
  'Pacific/Chatham', // +12:45 / +13:45
  'Pacific/Kiritimati', // +14: always another day
  'Pacific/Pago_Pago', // −11
  'Europe/Dublin', // negative DST in the tz database
  'Asia/Tokyo',
  'UTC',
];

// 1900 to 2100, whole seconds: a status post's range and then some.
const instant = fc.integer({ min: -2_208_988_800, max: 4_102_444_800 }).map((s) => s * 1000);

const luxonLocal = (at: number, zone: string) => DateTime.fromMillis(at, { zone, locale: 'en-GB' });

describe('time formatting agrees with luxon', () => {
  it('UTC stamps, days and ISO forms', () => {
    fc.assert(
      fc.property(instant, (at) => {
        const t = DateTime.fromMillis(at, { zone: 'utc', locale: 'en-GB' });
        expect(formatStamp(at)).toBe(t.toFormat("d MMMM yyyy HH:mm:ss '+0000'"));
        expect(formatDay(at)).toBe(t.toFormat('d MMMM yyyy'));
        expect(formatIsoUtc(at)).toBe(t.toFormat("yyyy-MM-dd'T'HH:mm:ss'Z'"));
      }),
      { numRuns: 2000 },
    );
  });

  it('the local clock, day and offset in every zone, including across daylight-saving changes', () => {
    fc.assert(
      fc.property(instant, fc.constantFrom(...ZONES), (at, zone) => {
        const local = luxonLocal(at, zone);
        const utcDay = DateTime.fromMillis(at, { zone: 'utc' }).toISODate();
        const day = local.toISODate() === utcDay ? '' : `, ${local.toFormat('d MMMM')}`;
        const abbreviation = zoneAbbreviation(zone, at);
        // A zone ICU has no name for is written by its offset: that must be luxon's offset.
        if (abbreviation.startsWith('UTC')) expect(abbreviation).toBe(formatOffset(Math.round(local.offset)));
        const expected = `${local.toFormat('HH:mm')} ${abbreviation} Here${day}`;
        const line = formatEventTime(at, [{ zone, label: 'Here' }]);
        expect(line).toBe(`${DateTime.fromMillis(at, { zone: 'utc' }).toFormat('HH:mm')} UTC (${expected})`);
      }),
      { numRuns: 3000 },
    );
  });

  it('at the instants around a daylight-saving change', () => {
    // Vancouver sprang forward at 2024-03-10T10:00Z; Lord Howe fell back half an hour at 2024-04-06T15:00Z.
    for (const [zone, iso] of [
      ['America/Vancouver', '2024-03-10T10:00:00Z'],
      ['Australia/Lord_Howe', '2024-04-06T15:00:00Z'],
      ['Europe/Dublin', '2024-10-27T01:00:00Z'],
    ] as const) {
      const change = Date.parse(iso);
      for (const at of [change - 60_000, change - 1000, change, change + 1000, change + 60_000]) {
        const local = luxonLocal(at, zone);
        expect(formatEventTime(at, [{ zone, label: 'X' }])).toContain(`(${local.toFormat('HH:mm')} `);
      }
    }
    expect(
      formatEventTime(Date.parse('2024-03-10T09:59:00Z'), [{ zone: 'America/Vancouver', label: 'V' }]),
    ).toBe('09:59 UTC (01:59 PST V)');
    expect(
      formatEventTime(Date.parse('2024-03-10T10:00:00Z'), [{ zone: 'America/Vancouver', label: 'V' }]),
    ).toBe('10:00 UTC (03:00 PDT V)');
  });

  it('refuses what is not an instant or not a zone', () => {
    expect(() => formatStamp(Number.NaN)).toThrow(/not a valid instant/);
    expect(() => formatEventTime(0, [{ zone: 'Mars/Olympus_Mons', label: 'M' }])).toThrow(
      /unknown time zone/,
    );
  });
});
