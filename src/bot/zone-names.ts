// Zone names: the common abbreviation of a zone at an instant (`PDT`, `CAT`) and the offset form for zones
// that have none. Part of the core because reading a typed time (`15:13 PDT`) needs the same names that the
// templates write: both take them from here.

import { IANAZone } from 'luxon';

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

/**
 * Cached per zone, offset and year: each miss builds one Intl formatter per locale tried. The year is in the
 * key because a zone's names change with its history (Vancouver at −8 in 1900 has no `PST` in ICU).
 */
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
  // Rounded as the site's local fields are: a zone's old local mean time has an offset in seconds.
  return abbreviationAt(zone, at, Math.round(IANAZone.create(zone).offset(at)));
}

/** The same, for a caller that already knows the zone's offset at the instant (the site's hot path). */
export function abbreviationAt(zone: string, at: number, offset: number): string {
  const key = `${zone}\u0000${offset}\u0000${new Date(at).getUTCFullYear()}`;
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
