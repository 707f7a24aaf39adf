// A system's last 90 days, day by day, for the uptime bar on the status site. Pure: the incidents and the
// instant `now` are arguments. Days are UTC calendar days, like every date the site shows.

import type { ServiceDef, SystemDef } from '../bot/catalog.js';
import type { ComponentState, Incident } from '../bot/types.js';
import { formatDay } from './time.js';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** Where incidents overlap, the worse state wins. */
const SEVERITY: Record<ComponentState, number> = { operational: 0, maintenance: 1, degraded: 2, down: 3 };

/** Worst first: the order a day's text lists a component's states in. */
const AFFECTED: readonly Exclude<ComponentState, 'operational'>[] = ['down', 'degraded', 'maintenance'];

const PHRASE: Record<Exclude<ComponentState, 'operational'>, string> = {
  down: 'down',
  degraded: 'degraded',
  maintenance: 'under maintenance',
};

export function worseState(a: ComponentState, b: ComponentState): ComponentState {
  return SEVERITY[b] > SEVERITY[a] ? b : a;
}

export interface DayHistory {
  /** The UTC midnight that starts the day (epoch ms). */
  start: number;
  /** `2012-07-27` */
  date: string;
  /** `27 July 2012` */
  label: string;
  /** The worst state any of the system's components had during the day. */
  state: ComponentState;
  /** Minutes during which at least one of the system's components was not operational. */
  minutes: number;
  /** `27 July 2012: SMTP down for 34 minutes`, or `27 July 2012: No incidents`. */
  text: string;
  /** Milliseconds of the day that have passed: a whole day, or up to `now` for today. */
  observedMs: number;
  /** Milliseconds of the day the system spent in each state, its worst component deciding. */
  stateMs: Record<ComponentState, number>;
  /**
   * The whole day is before Herald's first record: nothing is known about it (shown as "no data", and left
   * out of the uptime figure), rather than taken for a day without incidents.
   */
  noData: boolean;
}

interface Segment {
  service: string;
  state: ComponentState;
  from: number;
  to: number;
}

/** The state an incident put its components in, or null for one that does not count (a notice). */
function incidentState(incident: Incident): ComponentState | null {
  if (incident.kind === 'maintenance') return 'maintenance';
  if (incident.kind !== 'outage') return null;
  // An outage recorded without its impact still took its components away.
  return incident.impact === null || incident.impact === 'operational' ? 'down' : incident.impact;
}

function segmentsOf(system: SystemDef, incidents: readonly Incident[], now: number): Segment[] {
  const segments: Segment[] = [];
  for (const incident of incidents) {
    const state = incidentState(incident);
    if (state === null) continue;
    const from =
      incident.kind === 'maintenance' ? (incident.startsAt ?? incident.openedAt) : incident.openedAt;
    const to = Math.min(incident.closedAt ?? now, now);
    if (to <= from) continue;
    for (const c of incident.components) {
      if (c.system === system.id) segments.push({ service: c.service, state, from, to });
    }
  }
  return segments;
}

const emptyStates = (): Record<ComponentState, number> => ({
  operational: 0,
  degraded: 0,
  down: 0,
  maintenance: 0,
});

/** Whole minutes, never 0 for a moment that did happen. */
export function toMinutes(ms: number): number {
  return ms <= 0 ? 0 : Math.max(1, Math.round(ms / MINUTE_MS));
}

/** `1 minute`, `34 minutes`, `2 hours`, `1 hour 26 minutes`. */
export function formatDuration(minutes: number): string {
  const unit = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (minutes < 60) return unit(minutes, 'minute');
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m === 0 ? unit(h, 'hour') : `${unit(h, 'hour')} ${unit(m, 'minute')}`;
}

function dayHistory(
  system: SystemDef,
  segments: readonly Segment[],
  dayStart: number,
  now: number,
  serviceName: (id: string) => string,
  recordsFrom: number | null,
): DayHistory {
  const end = Math.min(dayStart + DAY_MS, now);
  // A day wholly before the first record is not observed at all; the day of the first record counts whole
  // (days are the bar's unit, and counting it from the record, which is an incident, would start every
  // uptime figure inside an outage).
  const noData = recordsFrom !== null && dayStart + DAY_MS <= recordsFrom;
  const start = noData ? end : dayStart;
  const observedMs = Math.max(0, end - start);
  const clipped = segments
    .map((s) => ({ ...s, from: Math.max(s.from, start), to: Math.min(s.to, end) }))
    .filter((s) => s.to > s.from);

  // Sweep the day in slices between incident edges; in each slice every component and the system as a
  // whole take the worst state covering it, so overlapping incidents are never counted twice.
  const edges = [...new Set([start, end, ...clipped.flatMap((s) => [s.from, s.to])])]
    .filter((t) => t >= start && t <= end)
    .sort((a, b) => a - b);
  const stateMs = emptyStates();
  const byService = new Map<string, Record<ComponentState, number>>();
  let affectedMs = 0;
  for (let i = 0; i + 1 < edges.length; i++) {
    const a = edges[i] as number;
    const b = edges[i + 1] as number;
    const covering = clipped.filter((s) => s.from <= a && s.to >= b);
    if (covering.length === 0) continue;
    affectedMs += b - a;
    let worst: ComponentState = 'operational';
    const serviceWorst = new Map<string, ComponentState>();
    for (const s of covering) {
      worst = worseState(worst, s.state);
      serviceWorst.set(s.service, worseState(serviceWorst.get(s.service) ?? 'operational', s.state));
    }
    stateMs[worst] += b - a;
    for (const [service, state] of serviceWorst) {
      const totals = byService.get(service) ?? emptyStates();
      totals[state] += b - a;
      byService.set(service, totals);
    }
  }
  stateMs.operational = observedMs - affectedMs;

  // Components in the system's display order, then any the catalog no longer lists.
  const order = [...system.services, ...[...byService.keys()].filter((s) => !system.services.includes(s))];
  const parts = order.flatMap((service) => {
    const totals = byService.get(service);
    if (!totals) return [];
    const states = AFFECTED.filter((st) => totals[st] > 0).map(
      (st) => `${PHRASE[st]} for ${formatDuration(toMinutes(totals[st]))}`,
    );
    return states.length ? [`${serviceName(service)} ${states.join(', ')}`] : [];
  });

  const state = AFFECTED.find((st) => stateMs[st] > 0) ?? 'operational';
  const label = formatDay(dayStart);
  return {
    start: dayStart,
    date: new Date(dayStart).toISOString().slice(0, 10),
    label,
    state,
    minutes: toMinutes(affectedMs),
    text: `${label}: ${noData ? 'No data (before the first record)' : parts.length ? parts.join('; ') : 'No incidents'}`,
    observedMs,
    stateMs,
    noData,
  };
}

/**
 * The last `days` UTC days up to and including today, oldest first: for each, the worst state any of the
 * system's components had from the outage and maintenance incidents overlapping it, and for how long.
 * An incident lasts from its opening (a maintenance from its start) until it closed, or until `now`.
 * `services` gives display names (`SMTP`); without it a service is named by its id. `recordsFrom`: the
 * instant of Herald's first record; days wholly before it have no data (null: every day has data).
 */
export function systemHistory(
  system: SystemDef,
  incidents: readonly Incident[],
  now: number,
  days = 90,
  services: readonly ServiceDef[] = [],
  recordsFrom: number | null = null,
): DayHistory[] {
  const serviceName = (id: string): string => services.find((s) => s.id === id)?.name ?? id;
  const segments = segmentsOf(system, incidents, now);
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  return Array.from({ length: days }, (_, i) =>
    dayHistory(system, segments, today - (days - 1 - i) * DAY_MS, now, serviceName, recordsFrom),
  );
}

/**
 * Availability over the days, to two decimals (`99.96`): time down counts as unavailable, degraded as half
 * available, and maintenance is left out of the reckoning altogether. Rounded down, so that any downtime at
 * all keeps it below `100.00`. Null when no day has data (every one is before the first record).
 */
export function uptimePercent(history: readonly DayHistory[]): string | null {
  if (history.length > 0 && history.every((d) => d.noData)) return null;
  let counted = 0;
  let lost = 0;
  for (const day of history) {
    counted += day.observedMs - day.stateMs.maintenance;
    lost += day.stateMs.down + day.stateMs.degraded / 2;
  }
  if (counted <= 0) return '100.00';
  const percent = Math.max(0, 100 * (1 - lost / counted));
  return (Math.floor(percent * 100 + 1e-9) / 100).toFixed(2);
}
