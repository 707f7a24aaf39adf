// Herald's Prometheus metrics (prom-client), served at GET /metrics. Each Herald has its own Registry, so
// that several in one process (the tests) never add to each other's counters; the process's own metrics
// (CPU, memory, event loop, garbage collection) are one set per process, since they describe the process.
// The counting is done at the edges (src/app.ts, the publisher's events, the chat adapters), never in the
// core.

import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Outcome } from './bot/handle-command.js';
import type { Platform } from './bot/types.js';
import type { DeliveryEvent } from './publisher.js';

/** What a chat adapter reports: how long after receiving a command it acknowledged it. */
export interface ChatMetrics {
  acknowledged(surface: Platform, seconds: number): void;
}

export interface HeraldMetrics extends ChatMetrics {
  /** The Content-Type of `render()`'s text (Prometheus text format 0.0.4). */
  readonly contentType: string;
  /** The text a scrape gets: Herald's metrics, then the process's. */
  render(): Promise<string>;
  /** What became of a command typed on `surface` (or of a preview's Publish or Cancel). */
  command(surface: Platform, outcome: Outcome): void;
  /** What became of one attempt at a delivery; `now` is Herald's clock when it was recorded. */
  delivery(event: DeliveryEvent, now: number): void;
  /** Monitors' hooks and proposals (issue 17). */
  monitors: MonitorMetrics;
}

/** Monitors (issue 17): the hooks' requests, the notifications, unmapped alerts, and proposals' fates. */
export interface MonitorMetrics {
  /** A request to a hook, and what became of it (accepted, duplicate, unauthorized, bad_request, ...). */
  hook(hook: string, result: string): void;
  notice(source: string): void;
  unmapped(source: string, count: number): void;
  /** A proposal made, revised, or given its fate (published, edited, dismissed, expired, ...). */
  fate(event: string): void;
}

/** An outlet's pending deliveries: how many, and how long the oldest has waited (Herald's clock). */
export interface PendingSummary {
  count: number;
  oldestSeconds: number;
}

export interface MetricsOptions {
  /** The outlets Herald delivers to: each has its series from the start, at zero. */
  outlets: readonly string[];
  /** Pending deliveries by outlet, read from the outbox at each scrape; throws if the database does not answer. */
  pendingByOutlet: () => ReadonlyMap<string, PendingSummary>;
  /** Proposals by fate now (open ones included), read at each scrape. */
  proposalsByFate?: () => ReadonlyMap<string, number>;
}

/** Slack and Discord want an acknowledgement within 3 s: the buckets are finest below that. */
const ACK_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10];

/** From a few hundred milliseconds (the site) to hours (a network that was down). */
const PUBLISH_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 900, 1800, 3600, 4 * 3600];

let processRegistry: Registry | null = null;

/** The process's metrics, registered once: each registration adds an event-loop monitor and a GC observer. */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

export function createMetrics(options: MetricsOptions): HeraldMetrics {
  const registry = new Registry();
  const registers = [registry];
  const commands = new Counter({
    name: 'herald_commands_total',
    help: 'Commands by the surface they came from and what became of them (the outcome kind).',
    labelNames: ['surface', 'result'] as const,
    registers,
  });
  const refusals = new Counter({
    name: 'herald_refusals_total',
    help: 'Refused commands by the refusal code.',
    labelNames: ['reason'] as const,
    registers,
  });
  const deliveries = new Counter({
    name: 'herald_deliveries_total',
    help: 'Delivery attempts by outlet and result: sent, retrying (a transient failure) or failed (given up).',
    labelNames: ['outlet', 'result'] as const,
    registers,
  });
  // Both gauges come from one read of the outbox at scrape, made by the first (prom-client collects in the
  // order of registration). A database that does not answer leaves them empty rather than at zero;
  // GET /healthz says why.
  let pending: ReadonlyMap<string, PendingSummary> | null = null;
  const outletsOf = (p: ReadonlyMap<string, PendingSummary>) => new Set([...options.outlets, ...p.keys()]);
  new Gauge({
    name: 'herald_deliveries_pending',
    help: 'Deliveries waiting to be sent (queued or retrying), by outlet, read from the outbox at scrape.',
    labelNames: ['outlet'] as const,
    registers,
    collect() {
      this.reset();
      try {
        pending = options.pendingByOutlet();
      } catch {
        pending = null;
        return;
      }
      for (const outlet of outletsOf(pending)) this.set({ outlet }, pending.get(outlet)?.count ?? 0);
    },
  });
  new Gauge({
    name: 'herald_deliveries_oldest_pending_seconds',
    help: "How long the oldest pending delivery has waited since its command was recorded, by outlet (Herald's clock); 0 when none.",
    labelNames: ['outlet'] as const,
    registers,
    collect() {
      this.reset();
      if (!pending) return;
      for (const outlet of outletsOf(pending)) this.set({ outlet }, pending.get(outlet)?.oldestSeconds ?? 0);
    },
  });
  const ack = new Histogram({
    name: 'herald_ack_seconds',
    help: 'From the receipt of a chat command to its acknowledgement, by surface.',
    labelNames: ['surface'] as const,
    buckets: ACK_BUCKETS,
    registers,
  });
  const published = new Histogram({
    name: 'herald_command_to_published_seconds',
    help: "From a command's record to its delivery being sent, by outlet (Herald's clock).",
    labelNames: ['outlet'] as const,
    buckets: PUBLISH_BUCKETS,
    registers,
  });
  for (const outlet of options.outlets) {
    for (const result of ['sent', 'retrying', 'failed']) deliveries.inc({ outlet, result }, 0);
  }
  const monitors = createMonitorMetrics(registers, options.proposalsByFate);

  return {
    monitors,
    contentType: registry.contentType,
    render: () => Registry.merge([registry, processMetrics()]).metrics(),
    command(surface, outcome) {
      commands.inc({ surface, result: outcome.kind });
      if (outcome.kind === 'refused') refusals.inc({ reason: outcome.code });
    },
    acknowledged(surface, seconds) {
      ack.observe({ surface }, seconds);
    },
    delivery(event, now) {
      deliveries.inc({ outlet: event.delivery.outlet, result: event.status });
      if (event.status === 'sent') {
        published.observe(
          { outlet: event.delivery.outlet },
          Math.max(0, now - event.delivery.createdAt) / 1000,
        );
      }
    },
  };
}

/** The fates a proposal's counter starts with, at zero, so that a rate() has a series from the start. */
const PROPOSAL_EVENTS = [
  'proposed',
  'revised',
  'published',
  'edited',
  'dismissed',
  'expired',
  'auto_published',
  'superseded',
];

function createMonitorMetrics(
  registers: Registry[],
  proposalsByFate?: () => ReadonlyMap<string, number>,
): MonitorMetrics {
  const hooks = new Counter({
    name: 'herald_monitor_hook_requests_total',
    help: "Requests to the monitors' hooks (/hooks/alertmanager, /hooks/status) by hook and result.",
    labelNames: ['hook', 'result'] as const,
    registers,
  });
  const notices = new Counter({
    name: 'herald_monitor_notifications_total',
    help: 'Monitor notifications worked (from the inbox), by source.',
    labelNames: ['source'] as const,
    registers,
  });
  const unmapped = new Counter({
    name: 'herald_monitor_alerts_unmapped_total',
    help: 'Firing alerts that mapped to no component (logged, never proposed), by source.',
    labelNames: ['source'] as const,
    registers,
  });
  const fates = new Counter({
    name: 'herald_proposals_total',
    help: 'Proposals made (proposed), changed in place (revised), and given their fate, by event.',
    labelNames: ['event'] as const,
    registers,
  });
  for (const event of PROPOSAL_EVENTS) fates.inc({ event }, 0);
  for (const source of ['alertmanager', 'status-hook']) {
    notices.inc({ source }, 0);
    unmapped.inc({ source }, 0);
  }
  if (proposalsByFate) {
    new Gauge({
      name: 'herald_proposals_now',
      help: 'Proposals by fate now (open: shown and waiting), read from the database at scrape.',
      labelNames: ['fate'] as const,
      registers,
      collect() {
        this.reset();
        let counts: ReadonlyMap<string, number>;
        try {
          counts = proposalsByFate();
        } catch {
          return;
        }
        for (const fate of ['open', ...PROPOSAL_EVENTS.slice(2)]) this.set({ fate }, counts.get(fate) ?? 0);
      },
    });
  }
  return {
    hook: (hook, result) => hooks.inc({ hook, result }),
    notice: (source) => notices.inc({ source }),
    unmapped: (source, count) => unmapped.inc({ source }, count),
    fate: (event) => fates.inc({ event }),
  };
}
