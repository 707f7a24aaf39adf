// From a monitor's alerts to components and a state, by the configuration's `monitors:` section: the
// component label (`herald_component="nc018 smtp"`), else the first rule whose matchers all match; the
// state from the rule, else the state label (`severity`: critical → down, warning → degraded). Pure.

import type { Catalog } from '../bot/catalog.js';
import type { ComponentKey } from '../bot/types.js';
import { type GroupFacts, plainWords } from './drafts.js';
import { componentKeyText, type MonitorsConfig, matches, resolveComponents } from './monitors-config.js';

export interface MonitorAlert {
  status: 'firing' | 'resolved';
  labels: Readonly<Record<string, string>>;
  annotations: Readonly<Record<string, string>>;
  /** When it began firing (epoch ms), when the monitor says. */
  startsAt: number | null;
  /** The monitor's id for the alert (Alertmanager's fingerprint). */
  fingerprint: string;
  /** A state the monitor names itself (the generic hook); Alertmanager's come from the labels. */
  state?: 'down' | 'degraded';
  /** Components the monitor names itself (the generic hook, checked at its door). */
  components?: ComponentKey[];
}

/** One notification of an alert group, from either hook. */
export interface MonitorNotice {
  source: 'alertmanager' | 'status-hook';
  /** Alertmanager's groupKey; the generic hook's id, or its component. */
  groupKey: string;
  /** firing while any alert of the group fires. */
  status: 'firing' | 'resolved';
  alerts: MonitorAlert[];
  /** Alerts the monitor left out of the payload (Alertmanager's truncatedAlerts). */
  truncated: number;
}

export interface Mapped {
  status: 'firing' | 'resolved';
  /** The firing alerts that map, as the templates see them; null when none does. */
  facts: GroupFacts | null;
  /** What tells a change from a repeat: fingerprints, components, state, summary. */
  signature: string;
  /** Alerts that map to no component (or whose state is `ignore`). */
  unmapped: number;
  /** A few of their label sets, bounded, for the log. */
  examples: string[];
}

const RANK = { degraded: 1, down: 2 } as const;

function componentsOf(
  alert: MonitorAlert,
  config: MonitorsConfig,
  catalog: Catalog,
): { components: ComponentKey[]; state: 'down' | 'degraded' | null } | null {
  const named = alert.labels[config.componentLabel];
  const stateOf = (): 'down' | 'degraded' | null => {
    if (alert.state) return alert.state;
    const word = alert.labels[config.stateLabel];
    const mapped = word === undefined ? undefined : config.states[word.toLowerCase()];
    return mapped === 'ignore' ? null : (mapped ?? 'down');
  };
  if (alert.components?.length) return { components: alert.components, state: stateOf() };
  if (named !== undefined) {
    const components = resolveComponents(catalog, named);
    return typeof components === 'string' ? null : { components, state: stateOf() };
  }
  const rule = config.rules.find((r) => r.matchers.every((m) => matches(m, alert.labels)));
  if (!rule) return null;
  return { components: rule.components, state: rule.state ?? stateOf() };
}

/** A label set for the log: bounded, so that a hostile payload cannot flood it. */
const describe = (labels: Readonly<Record<string, string>>): string =>
  Object.entries(labels)
    .slice(0, 8)
    .map(([k, v]) => `${k.slice(0, 40)}=${JSON.stringify(v.slice(0, 60))}`)
    .join(',');

/** `now`: the firing time of alerts that do not say when they began. */
export function mapNotice(
  notice: MonitorNotice,
  config: MonitorsConfig,
  catalog: Catalog,
  now: number,
): Mapped {
  const components = new Map<string, ComponentKey>();
  let state: 'down' | 'degraded' | null = null;
  let unmapped = 0;
  const examples: string[] = [];
  const fingerprints: string[] = [];
  let summary: string | null = null;
  let firingSince: number | null = null;
  let count = 0;
  for (const alert of notice.alerts) {
    const mapped = componentsOf(alert, config, catalog);
    if (!mapped || mapped.state === null) {
      if (alert.status === 'firing') {
        unmapped++;
        if (examples.length < 3) examples.push(describe(alert.labels));
      }
      continue;
    }
    if (alert.status !== 'firing') continue;
    count++;
    for (const c of mapped.components) components.set(componentKeyText(c), c);
    if (state === null || RANK[mapped.state] > RANK[state]) state = mapped.state;
    fingerprints.push(alert.fingerprint);
    if (alert.startsAt !== null && (firingSince === null || alert.startsAt < firingSince)) {
      firingSince = alert.startsAt;
    }
    if (summary === null) {
      const words =
        alert.annotations.summary ?? alert.annotations.description ?? alert.labels.alertname ?? '';
      summary = plainWords(words);
    }
  }
  const keys = [...components.values()].sort((a, b) =>
    componentKeyText(a).localeCompare(componentKeyText(b)),
  );
  const facts: GroupFacts | null =
    state !== null && keys.length
      ? {
          components: keys,
          state,
          alertCount: count + notice.truncated,
          summary: summary ?? '',
          // A monitor whose clock runs ahead of Herald's says an alert began in Herald's future: as far as
          // Herald can tell it began now. Else the first draft would have no --at and the next one, once
          // Herald's clock had passed that time, would gain one: a revision of the proposal for nothing.
          firingSince: Math.min(firingSince ?? now, now),
        }
      : null;
  return {
    status: notice.status === 'firing' && facts ? 'firing' : 'resolved',
    facts,
    signature: JSON.stringify([
      fingerprints.sort(),
      keys.map(componentKeyText),
      state,
      summary,
      notice.truncated,
    ]),
    unmapped,
    examples,
  };
}
