// Herald's clock-driven work. Each job finds in the database what is due at the clock's time and does it
// (src/automation/: a scheduled maintenance's reminders, its start and the question at its end; the
// questions' sending). Nothing is kept in memory between runs: what was due while Herald was down is
// found on the first run after it comes back. The timer only decides when to look; tests call runDue()
// with a test clock instead of waiting.

import type { Clock } from './bot/handle-command.js';
import type { Logger } from './logger.js';

export interface JobRun {
  /** Steps taken (posted, skipped, asked, sent). */
  done: number;
  /** When the job's next step is due, if it knows (the timer wakes then); null: nothing known. */
  nextAt: number | null;
}

export interface ScheduledJob {
  name: string;
  /** Does what is due at `now`, each step in its own transaction, in order. */
  run(now: number): JobRun | Promise<JobRun>;
}

export interface JobReport extends JobRun {
  job: string;
  /** The job threw: the others ran anyway, and it is tried again at the next run. */
  error: string | null;
}

export interface Scheduler {
  /** One run of every job at the clock's time. Runs never overlap: a call during one waits for it. */
  runDue(): Promise<JobReport[]>;
  /** Starts the timer: a run now, then at the next step's time, and at least every `pollMs`. */
  start(pollMs: number): void;
  /** Asks for a run soon (a command was recorded: it may have scheduled something). */
  wake(): void;
  stop(): Promise<void>;
}

/** How often `herald start` looks even when no step is known to be due: for what `herald run` wrote. */
export const SCHEDULER_POLL_MS = 30_000;

export function createScheduler(options: { clock: Clock; jobs: ScheduledJob[]; log: Logger }): Scheduler {
  const { clock, jobs } = options;
  const log = options.log.child({ component: 'scheduler' });
  let chain: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | null = null;
  let pollMs: number | null = null;
  let stopped = false;
  /** A timed run is in progress; `again`: a wake() came during it, so another follows at once. */
  let running = false;
  let again = false;

  async function runAll(): Promise<JobReport[]> {
    const reports: JobReport[] = [];
    for (const job of jobs) {
      try {
        const result = await job.run(clock.now());
        reports.push({ job: job.name, ...result, error: null });
      } catch (error) {
        log.error({ err: error, job: job.name }, 'scheduled job failed');
        reports.push({ job: job.name, done: 0, nextAt: null, error: String(error) });
      }
    }
    return reports;
  }

  function arm(delayMs: number): void {
    if (stopped || pollMs === null) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(tick, Math.max(0, Math.min(delayMs, pollMs)));
    timer.unref();
  }

  const soonest = (reports: JobReport[]): number | null =>
    reports.reduce<number | null>(
      (min, r) => (r.nextAt !== null && (min === null || r.nextAt < min) ? r.nextAt : min),
      null,
    );

  function tick(): void {
    timer = null;
    running = true;
    again = false;
    void scheduler
      .runDue()
      .then(soonest, () => null)
      .then((next) => {
        running = false;
        arm(again ? 0 : next === null ? Number.POSITIVE_INFINITY : next - clock.now());
      });
  }

  const scheduler: Scheduler = {
    runDue() {
      const run = chain.then(runAll);
      chain = run.catch(() => undefined);
      return run;
    },
    start(every) {
      pollMs = every;
      stopped = false;
      arm(0);
    },
    wake() {
      if (pollMs === null) return;
      if (running) again = true;
      else arm(0);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await chain;
    },
  };
  return scheduler;
}
