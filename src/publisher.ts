// The publisher: drains the outbox, outlet by outlet, and records what became of each delivery. A failing
// outlet never blocks the others; a transient failure is retried with exponential backoff and jitter.

import type { DeliveryResult, OutboundItem, Outlet } from './adapters/outlets/outlet.js';
import type { Clock } from './bot/handle-command.js';
import type { Outbox, Settlement } from './bot/ports.js';
import type { Delivery } from './bot/types.js';
import type { Logger } from './logger.js';
import type { RenderedPost } from './templates/post.js';

export interface PublishReport {
  outlet: string;
  sent: number;
  retrying: number;
  failed: number;
  errors: string[];
}

export interface DeliveryEvent {
  delivery: Delivery;
  /** What became of it: sent, retrying (with the next try) or failed. */
  status: 'sent' | 'retrying' | 'failed';
  remoteUrl: string | null;
  error: string | null;
  nextAttemptAt: number | null;
}

export interface Publisher {
  /** One pass over every outlet's due deliveries. Passes never overlap: a call during one waits for it. */
  runOnce(): Promise<PublishReport[]>;
  /** Starts the loop: a pass every `intervalMs`, and one soon after each wake(). */
  start(intervalMs: number): void;
  /** Asks for a pass now (after a command was recorded). */
  wake(): void;
  stop(): Promise<void>;
}

export interface PublisherOptions {
  outbox: Outbox;
  outlets: Outlet[];
  /** The post a delivery carries, as rendered for the outlets; undefined if it is gone. */
  render: (delivery: Delivery) => RenderedPost | undefined;
  clock: Clock;
  log: Logger;
  /** Told of every delivery's result once it is recorded (chat surfaces update their answers with it). */
  onResult?: (event: DeliveryEvent) => void;
  /** Backoff for the nth failed attempt (1-based), before jitter. */
  backoff?: (attempt: number) => number;
  random?: () => number;
}

/** The shortest time between two runs that wake() asks for. */
const WAKE_COALESCE_MS = 100;

/** Passes in one run at most: a bound on a thread's length per run, and on any surprise. */
const MAX_PASSES = 1000;

/**
 * A local outlet (the site) rewrites its shared files (the front page, the feeds, the API) on every pass, on
 * this process's one thread, and the more incidents are open the longer that takes. Under a burst of commands
 * it would pass again as soon as it finished, the chat inbox's rows and answers squeezed in between. So after
 * a pass that wrote something, its next pass waits LOCAL_REST_FACTOR times as long as that one took (at most
 * LOCAL_REST_MAX_MS): the site takes at most a quarter of the thread during a burst, and a lone command, after
 * a pass of a few milliseconds, is published as soon as before.
 */
const LOCAL_REST_FACTOR = 3;
const LOCAL_REST_MAX_MS = 5_000;

/** 5 s, 10 s, 20 s, … capped at 15 minutes. */
export const defaultBackoff = (attempt: number): number => Math.min(5_000 * 2 ** (attempt - 1), 15 * 60_000);

export function createPublisher(options: PublisherOptions): Publisher {
  const { outbox, outlets, render, clock, log } = options;
  const backoff = options.backoff ?? defaultBackoff;
  const random = options.random ?? Math.random;
  let timer: NodeJS.Timeout | null = null;
  let wakeTimer: NodeJS.Timeout | null = null;
  let lastWake = 0;
  let stopped = false;

  // Group commit: the outlets that finish in the same turn of the event loop (the site and the dry runs,
  // which do not wait on a network) record their results in one transaction, one fsync.
  let pending: Settlement[] = [];
  let flush: Promise<void> | null = null;
  function settle(settlements: Settlement[]): Promise<void> {
    pending.push(...settlements);
    flush ??= new Promise<void>((resolve, reject) =>
      setImmediate(() => {
        const batch = pending;
        pending = [];
        flush = null;
        try {
          outbox.settle(batch);
          resolve();
        } catch (error) {
          reject(error);
        }
      }),
    );
    return flush;
  }

  /**
   * A threaded outlet must stop at the first delivery it is to retry (Outlet.deliver): one sent after it
   * has overtaken it, which nothing can undo. Said loudly, so that such an outlet is found and fixed.
   */
  function checkOrder(outlet: Outlet, results: readonly DeliveryResult[]): void {
    const waiting = results.findIndex((r) => !r.ok && r.retry);
    const overtaking = waiting < 0 ? undefined : results.slice(waiting + 1).find((r) => r.ok);
    if (overtaking)
      log.error(
        { outlet: outlet.name, delivery: overtaking.id, waiting: results[waiting]?.id },
        'an outlet sent a delivery past one it is to retry: its announcements are out of order',
      );
  }

  /** One pass over one outlet's due deliveries. */
  async function pass(outlet: Outlet): Promise<PublishReport> {
    const report: PublishReport = { outlet: outlet.name, sent: 0, retrying: 0, failed: 0, errors: [] };
    const due = outbox.due(clock.now(), { outlet: outlet.name, ordered: outlet.threaded });
    if (!due.length) return report;
    const items: OutboundItem[] = [];
    let results: DeliveryResult[] = [];
    for (const d of due) {
      const post = render(d);
      if (post) items.push({ delivery: { ...d, attempts: d.attempts + 1 }, post, thread: outbox.thread(d) });
      else results.push({ id: d.id, ok: false, retry: false, error: `post ${d.postId} no longer exists` });
    }
    // Recorded before the network call: after a crash, attempts > 0 says this may have reached the platform.
    if (outlet.external) outbox.begin(items.map((i) => i.delivery.id));
    try {
      results = [...results, ...(items.length ? await outlet.deliver(items) : [])];
    } catch (error) {
      // An outlet that throws has failed as a whole: every delivery of the batch is retried.
      const message = error instanceof Error ? error.message : String(error);
      log.error({ err: error, outlet: outlet.name }, 'outlet failed');
      results = due.map((d) => ({ id: d.id, ok: false as const, retry: true as const, error: message }));
    }
    if (outlet.threaded) checkOrder(outlet, results);
    const byId = new Map(due.map((d) => [d.id, d]));
    const attempts = new Map(due.map((d) => [d.id, d.attempts + 1]));
    /** A delivery's log lines carry the request id of the command that queued it (stored with the row). */
    const logOf = (id: number) => {
      const d = byId.get(id);
      return log.child({
        outlet: outlet.name,
        delivery: id,
        post: d?.postId,
        requestId: d?.requestId ?? undefined,
      });
    };
    const tell = (id: number, event: Omit<DeliveryEvent, 'delivery'>) => {
      const delivery = byId.get(id);
      if (!delivery || !options.onResult) return;
      try {
        options.onResult({
          delivery: { ...delivery, attempts: attempts.get(id) ?? delivery.attempts },
          ...event,
        });
      } catch (error) {
        log.error({ err: error }, 'a delivery listener failed');
      }
    };
    const settlements: Settlement[] = [];
    const told: Array<() => void> = [];
    for (const r of results) {
      if (r.ok) {
        settlements.push({
          id: r.id,
          status: 'sent',
          remoteId: r.remoteId,
          remoteUrl: r.remoteUrl,
          at: clock.now(),
        });
        report.sent++;
        logOf(r.id).info({ attempt: attempts.get(r.id), remoteUrl: r.remoteUrl }, 'delivery sent');
        told.push(() =>
          tell(r.id, { status: 'sent', remoteUrl: r.remoteUrl, error: null, nextAttemptAt: null }),
        );
      } else if (r.retry) {
        const attempt = attempts.get(r.id) ?? 1;
        const wait = backoff(attempt) * (0.5 + random() / 2);
        const at = Math.max(r.retryAt ?? 0, clock.now() + wait);
        settlements.push({ id: r.id, status: 'retry', error: r.error, nextAttemptAt: Math.round(at) });
        report.retrying++;
        told.push(() =>
          tell(r.id, {
            status: 'retrying',
            remoteUrl: null,
            error: r.error,
            nextAttemptAt: Math.round(at),
          }),
        );
        report.errors.push(r.error);
        logOf(r.id).warn(
          { attempt, retryAt: new Date(at).toISOString(), error: r.error },
          'delivery will be retried',
        );
      } else {
        settlements.push({ id: r.id, status: 'failed', error: r.error });
        report.failed++;
        told.push(() =>
          tell(r.id, { status: 'failed', remoteUrl: null, error: r.error, nextAttemptAt: null }),
        );
        report.errors.push(r.error);
        logOf(r.id).error({ attempt: attempts.get(r.id), error: r.error }, 'delivery failed');
      }
    }
    // Recorded first, then told: a listener that reads the store sees the outcome.
    await settle(settlements);
    for (const t of told) t();
    return report;
  }

  /**
   * Passes over one outlet until one settles nothing for good (a threaded outlet sends an incident's next
   * post only after the last, and nothing past a delivery that waits to be retried). Each outlet drains on its own, so a network that hangs until its timeout holds up
   * only itself, never the site or the other networks.
   */
  async function drain(outlet: Outlet): Promise<PublishReport> {
    const total: PublishReport = { outlet: outlet.name, sent: 0, retrying: 0, failed: 0, errors: [] };
    for (let i = 0; i < MAX_PASSES; i++) {
      let r: PublishReport;
      try {
        if (!outlet.external) {
          // Nothing more to write: done now, without waiting out the rest.
          if (i > 0 && !outbox.due(clock.now(), { outlet: outlet.name, limit: 1 }).length) break;
          await rest(outlet.name);
          if (stopped && i > 0) break;
        }
        const startedAt = performance.now();
        r = await pass(outlet);
        if (!outlet.external && r.sent + r.failed > 0) {
          const took = performance.now() - startedAt;
          restUntil.set(
            outlet.name,
            performance.now() + Math.min(LOCAL_REST_MAX_MS, LOCAL_REST_FACTOR * took),
          );
        }
      } catch (error) {
        log.error({ err: error, outlet: outlet.name }, 'publisher pass failed');
        break;
      }
      total.sent += r.sent;
      total.retrying += r.retrying;
      total.failed += r.failed;
      total.errors.push(...r.errors);
      // A permanent failure is progress too: a threaded outlet's next pass steps over what it held back.
      if (stopped || r.sent + r.failed === 0) break;
    }
    return total;
  }

  /** When each local outlet may pass again (performance.now()); see LOCAL_REST_FACTOR. */
  const restUntil = new Map<string, number>();
  /** Stopping ends every rest at once. */
  const resting = new Set<() => void>();
  function rest(name: string): Promise<void> {
    const wait = (restUntil.get(name) ?? 0) - performance.now();
    if (wait <= 0 || stopped) return Promise.resolve();
    return new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const end = () => {
        clearTimeout(timer);
        resting.delete(end);
        resolve();
      };
      timer = setTimeout(end, wait);
      resting.add(end);
    });
  }

  /** One drain per outlet at a time; a call while it runs asks for another run after it. */
  const running = new Map<string, Promise<PublishReport>>();
  const again = new Set<string>();
  function runOutlet(outlet: Outlet): Promise<PublishReport> {
    const current = running.get(outlet.name);
    if (current) {
      again.add(outlet.name);
      return current;
    }
    const run = drain(outlet).finally(() => {
      running.delete(outlet.name);
      if (again.delete(outlet.name) && !stopped) void runOutlet(outlet);
    });
    running.set(outlet.name, run);
    return run;
  }

  async function runOnce(): Promise<PublishReport[]> {
    const reports = await Promise.all(outlets.map(runOutlet));
    return reports.sort((a, b) => a.outlet.localeCompare(b.outlet));
  }

  return {
    runOnce,
    start(intervalMs) {
      stopped = false;
      // Every outlet is looked at each interval; one still draining is left to finish (runOutlet).
      timer = setInterval(() => {
        if (!stopped) void runOnce();
      }, intervalMs);
      void runOnce();
    },
    wake() {
      // Coalesced: after a burst of commands (50 a second under load) the site and the feeds are rewritten
      // at most every WAKE_COALESCE_MS, not once per command; a lone command still goes at once. Either
      // way on a later turn, so that the command's answer goes out first.
      if (stopped || wakeTimer) return;
      const wait = Math.max(0, lastWake + WAKE_COALESCE_MS - Date.now());
      wakeTimer = setTimeout(() => {
        wakeTimer = null;
        lastWake = Date.now();
        if (!stopped) void runOnce();
      }, wait);
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      if (wakeTimer) clearTimeout(wakeTimer);
      for (const end of [...resting]) end();
      await Promise.allSettled([...running.values()]);
    },
  };
}
