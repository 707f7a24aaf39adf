// Times written in a message are converted on the day they are on: the date the text gives them, else the
// occurrence nearest the event the post is about, else the day the post was written.
import { describe, expect, it } from 'vitest';
import type { ZoneDef } from '../../src/bot/catalog.js';
import { annotateTimes } from '../../src/templates/time.js';

const zones: ZoneDef[] = [
  { zone: 'America/Vancouver', label: 'Vancouver' },
  { zone: 'Africa/Lusaka', label: 'Lusaka' },
];
const at = (iso: string): number => Date.parse(iso);
/** Written in winter (Vancouver on PST), so a summer date in the text must change the reading. */
const december = at('2026-12-03T18:00:00Z');

describe('a date written in the text', () => {
  it('places a time written after it on that date', () => {
    expect(annotateTimes('We will move webmail on 15 July 2027 at 20:00 UTC', december, zones)).toBe(
      'We will move webmail on 15 July 2027 at 20:00 UTC (13:00 PDT Vancouver · 22:00 CAT Lusaka)',
    );
  });

  it('reads the forms the reference blog and people use', () => {
    const cases: Array<[string, string]> = [
      ['on Friday, 3 May 2013 at 19:00 UTC', '12:00 PDT Vancouver'],
      ['at 20:00 UTC on 15 July 2027', '13:00 PDT Vancouver'],
      ['on 2027-07-15 at 20:00 UTC', '13:00 PDT Vancouver'],
      ['on July 15, 2027 at 20:00 UTC', '13:00 PDT Vancouver'],
      ['on 15/07/2027 at 20:00 UTC', '13:00 PDT Vancouver'],
      ['on 15 July 2027. The window opens at 20:00 UTC', '13:00 PDT Vancouver'],
    ];
    for (const [text, local] of cases)
      expect(annotateTimes(text, december, zones), text).toContain(`(${local}`);
  });

  it('takes the year nearest the writing when none is given', () => {
    // Written 3 December 2026: 3 May is next May (2027), in daylight time.
    expect(annotateTimes('on 3 May at 19:00 UTC', december, zones)).toContain('(12:00 PDT Vancouver');
    // Written on the blog's 3 May 2013, the same words mean that day.
    expect(annotateTimes('on Friday, 3 May at 19:00 UTC', at('2013-05-03T07:11:33Z'), zones)).toContain(
      '(12:00 PDT Vancouver',
    );
  });

  it('uses the latest date written before each time', () => {
    const text = 'Part one on 10 January 2027 at 20:00 UTC, part two on 10 July 2027 at 20:00 UTC.';
    expect(annotateTimes(text, december, zones)).toBe(
      'Part one on 10 January 2027 at 20:00 UTC (12:00 PST Vancouver · 22:00 CAT Lusaka), ' +
        'part two on 10 July 2027 at 20:00 UTC (13:00 PDT Vancouver · 22:00 CAT Lusaka).',
    );
  });

  it('keeps a date to its paragraph: the next one falls back to the event', () => {
    const text = 'The migration of 15 July 2027 is done.\n\nBack by 00:30 UTC.';
    const event = at('2027-01-10T23:50:00Z');
    expect(annotateTimes(text, { written: event, event }, zones)).toBe(
      'The migration of 15 July 2027 is done.\n\nBack by 00:30 UTC (16:30 PST Vancouver, 10 January · 02:30 CAT Lusaka).',
    );
  });

  it('counts tomorrow from the writing, and the date wins over the event', () => {
    // Written 2027-03-13 18:00 UTC; Vancouver springs forward early on the 14th.
    const written = at('2027-03-13T18:00:00Z');
    expect(annotateTimes('tomorrow at 12:00 UTC', written, zones)).toContain('(05:00 PDT Vancouver');
    expect(
      annotateTimes('on 14 March 2027 at 12:00 UTC', { written, event: at('2027-01-01T12:00:00Z') }, zones),
    ).toContain('(05:00 PDT Vancouver');
  });

  it('does not take "now" or a duration as a date', () => {
    const text = 'You can now send email again: restarted at 22:13 UTC.';
    expect(annotateTimes(text, at('2012-07-27T22:20:51Z'), zones)).toContain(
      '22:13 UTC (15:13 PDT Vancouver · 00:13 CAT Lusaka, 28 July)',
    );
  });
});

describe('a time without a date, in a post about an event', () => {
  it('is the occurrence nearest the event: back by 00:30 after 23:50 is the next day', () => {
    const event = at('2027-03-13T23:50:00Z');
    expect(annotateTimes('Back by 00:30 UTC.', { written: event, event }, zones)).toBe(
      'Back by 00:30 UTC (16:30 PST Vancouver, 13 March · 02:30 CAT Lusaka).',
    );
    // and 23:10 before an event at 00:20 is the day before.
    const early = at('2027-11-07T00:20:00Z');
    expect(annotateTimes('Down since 23:10 UTC.', { written: early, event: early }, zones)).toBe(
      'Down since 23:10 UTC (16:10 PDT Vancouver · 01:10 CAT Lusaka, 7 November).',
    );
  });

  it('is on the event’s day, not the day the post was written', () => {
    // Announced in February for 14 March 2027 (Vancouver on PDT from 10:00 UTC that day).
    const ref = { written: at('2027-02-20T23:29:00Z'), event: at('2027-03-14T09:00:00Z') };
    expect(annotateTimes('From 10:00 UTC to 11:00 UTC.', ref, zones)).toBe(
      'From 10:00 UTC (03:00 PDT Vancouver · 12:00 CAT Lusaka) to 11:00 UTC (04:00 PDT Vancouver · 13:00 CAT Lusaka).',
    );
  });

  it('with no event, is on the UTC day the post was written', () => {
    expect(annotateTimes('at 23:00 UTC', { written: at('2027-03-14T00:10:00Z'), event: null }, zones)).toBe(
      'at 23:00 UTC (16:00 PDT Vancouver · 01:00 CAT Lusaka, 15 March)',
    );
  });

  it('annotating twice changes nothing', () => {
    const ref = { written: december, event: at('2027-07-15T20:00:00Z') };
    const once = annotateTimes('on 15 July 2027 at 20:00 UTC, back by 21:00 UTC', ref, zones);
    expect(annotateTimes(once, ref, zones)).toBe(once);
  });
});
