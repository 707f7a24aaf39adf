import { describe, expect, it } from 'vitest';
import type { Incident } from '../../src/bot/types.js';
import { formatDuration, systemHistory, uptimePercent } from '../../src/templates/history.js';
import { testSettings } from '../helpers/settings.js';

// Fixed instants only: nothing here reads the clock.
const at = (iso: string): number => Date.parse(iso);
const { catalog } = testSettings;
const nc018 = catalog.systems.find((s) => s.id === 'nc018')!;
const services = catalog.services;

let nextId = 1;
const incident = (over: Partial<Incident>): Incident => ({
  id: nextId++,
  kind: 'outage',
  status: 'resolved',
  title: 'SMTP on NC018 shut down',
  tags: [],
  components: [{ system: 'nc018', service: 'smtp' }],
  impact: 'down',
  openedAt: at('2012-07-27T21:39:27Z'),
  closedAt: at('2012-07-27T22:13:00Z'),
  startsAt: null,
  endsAt: null,
  lastNumber: 1,
  ...over,
});

/** The blog's second SMTP shutdown: 21:39:27 to 22:13 UTC on 27 July 2012. */
const shutdown = incident({});
const now = at('2012-07-28T10:00:00Z');

const day = (history: ReturnType<typeof systemHistory>, date: string) => {
  const found = history.find((d) => d.date === date);
  if (!found) throw new Error(`no day ${date}`);
  return found;
};

describe('systemHistory', () => {
  it('covers the last 90 UTC days, oldest first, ending today', () => {
    const history = systemHistory(nc018, [], now, 90, services);
    expect(history).toHaveLength(90);
    expect(history[0]?.date).toBe('2012-04-30');
    expect(history.at(-1)?.date).toBe('2012-07-28');
    expect(history.at(-1)?.label).toBe('28 July 2012');
    expect(history.every((d) => d.state === 'operational' && d.minutes === 0)).toBe(true);
    expect(history.at(-2)?.text).toBe('27 July 2012: No incidents');
  });

  it('gives a closed outage its day, its worst state and its minutes', () => {
    const history = systemHistory(nc018, [shutdown], now, 90, services);
    const d = day(history, '2012-07-27');
    expect(d.state).toBe('down');
    expect(d.minutes).toBe(34);
    expect(d.text).toBe('27 July 2012: SMTP down for 34 minutes');
    expect(day(history, '2012-07-26').text).toBe('26 July 2012: No incidents');
    expect(day(history, '2012-07-28').state).toBe('operational');
  });

  it('splits an incident that crosses midnight between the two days', () => {
    const web = incident({
      impact: 'degraded',
      components: [{ system: 'nc018', service: 'web' }],
      openedAt: at('2012-07-26T23:00:00Z'),
      closedAt: at('2012-07-27T01:30:00Z'),
    });
    const history = systemHistory(nc018, [web], now, 90, services);
    expect(day(history, '2012-07-26').text).toBe('26 July 2012: Web server degraded for 1 hour');
    expect(day(history, '2012-07-27').text).toBe('27 July 2012: Web server degraded for 1 hour 30 minutes');
    expect(day(history, '2012-07-27').minutes).toBe(90);
    expect(day(history, '2012-07-27').state).toBe('degraded');
  });

  it('runs an open incident up to now, and no further', () => {
    const open = incident({ status: 'open', openedAt: at('2012-07-28T09:30:00Z'), closedAt: null });
    const history = systemHistory(nc018, [open], now, 90, services);
    const today = history.at(-1)!;
    expect(today.text).toBe('28 July 2012: SMTP down for 30 minutes');
    expect(today.observedMs).toBe(10 * 3_600_000);
    expect(today.stateMs.down).toBe(30 * 60_000);
    expect(today.stateMs.operational).toBe(9.5 * 3_600_000);
  });

  it('lets the worst state win where incidents overlap, and names each component', () => {
    const degraded = incident({
      impact: 'degraded',
      openedAt: at('2012-07-27T21:00:00Z'),
      closedAt: at('2012-07-27T22:00:00Z'),
    });
    const imap = incident({
      impact: 'degraded',
      components: [{ system: 'nc018', service: 'imap' }],
      openedAt: at('2012-07-27T22:00:00Z'),
      closedAt: at('2012-07-27T22:10:00Z'),
    });
    const d = day(systemHistory(nc018, [shutdown, degraded, imap], now, 90, services), '2012-07-27');
    // 21:00–21:39:27 degraded only, 21:39:27–22:13 down: SMTP's own minutes are never counted twice.
    expect(d.text).toBe(
      '27 July 2012: SMTP down for 34 minutes, degraded for 39 minutes; IMAP degraded for 10 minutes',
    );
    expect(d.state).toBe('down');
    expect(d.minutes).toBe(73);
  });

  it('counts maintenance from its start, and ignores notices, other systems and the future', () => {
    const maintenance = incident({
      kind: 'maintenance',
      status: 'completed',
      impact: 'maintenance',
      components: [{ system: 'nc018', service: 'mysql' }],
      openedAt: at('2012-07-20T08:00:00Z'),
      startsAt: at('2012-07-25T02:00:00Z'),
      endsAt: at('2012-07-25T04:00:00Z'),
      closedAt: at('2012-07-25T03:45:00Z'),
    });
    const upcoming = incident({
      kind: 'maintenance',
      status: 'scheduled',
      impact: 'maintenance',
      openedAt: at('2012-07-27T08:00:00Z'),
      startsAt: at('2012-08-03T19:00:00Z'),
      endsAt: at('2012-08-03T21:00:00Z'),
      closedAt: null,
    });
    const notice = incident({ kind: 'notice', status: 'open', impact: null, closedAt: null });
    const elsewhere = incident({ components: [{ system: 'nc026', service: 'smtp' }] });
    const history = systemHistory(nc018, [maintenance, upcoming, notice, elsewhere], now, 90, services);
    expect(day(history, '2012-07-25').text).toBe(
      '25 July 2012: MySQL under maintenance for 1 hour 45 minutes',
    );
    expect(day(history, '2012-07-25').state).toBe('maintenance');
    expect(history.filter((d) => d.state !== 'operational').map((d) => d.date)).toEqual(['2012-07-25']);
  });

  it('names a service by its id when no catalog services are given', () => {
    expect(day(systemHistory(nc018, [shutdown], now), '2012-07-27').text).toBe(
      '27 July 2012: smtp down for 34 minutes',
    );
  });
});

describe('uptimePercent', () => {
  const midnight = at('2012-07-28T00:00:00Z');
  const half = (over: Partial<Incident>) =>
    incident({ openedAt: at('2012-07-27T00:00:00Z'), closedAt: at('2012-07-27T12:00:00Z'), ...over });

  it('is 100.00 without incidents', () => {
    expect(uptimePercent(systemHistory(nc018, [], now))).toBe('100.00');
  });

  it('counts down as unavailable and degraded as half', () => {
    expect(uptimePercent(systemHistory(nc018, [half({})], midnight, 2))).toBe('50.00');
    expect(uptimePercent(systemHistory(nc018, [half({ impact: 'degraded' })], midnight, 2))).toBe('75.00');
  });

  it('leaves maintenance out of the reckoning', () => {
    const maintenance = half({
      kind: 'maintenance',
      impact: 'maintenance',
      startsAt: at('2012-07-27T00:00:00Z'),
    });
    const down = incident({ openedAt: at('2012-07-27T12:00:00Z'), closedAt: at('2012-07-27T18:00:00Z') });
    expect(uptimePercent(systemHistory(nc018, [maintenance, down], midnight, 2))).toBe('50.00');
  });

  it('rounds down, so that a minute of downtime in 90 days still shows', () => {
    const minute = incident({ openedAt: at('2012-07-27T12:00:00Z'), closedAt: at('2012-07-27T12:01:00Z') });
    expect(uptimePercent(systemHistory(nc018, [minute], midnight, 90))).toBe('99.99');
  });

  it('gives the blog’s 34-minute SMTP shutdown over the window to 28 July 10:00', () => {
    expect(uptimePercent(systemHistory(nc018, [shutdown], now, 90, services))).toBe('99.97');
  });
});

describe('formatDuration', () => {
  it('writes minutes and hours in words', () => {
    expect(formatDuration(1)).toBe('1 minute');
    expect(formatDuration(34)).toBe('34 minutes');
    expect(formatDuration(60)).toBe('1 hour');
    expect(formatDuration(121)).toBe('2 hours 1 minute');
  });
});
