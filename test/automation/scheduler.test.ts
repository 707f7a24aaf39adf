// The scheduler's timer, on vitest's fake timers (Date and setTimeout together): it runs its jobs at
// once, then when the soonest step they know of is due, at least every poll interval, and soon after
// wake(); a job that throws does not stop the others or the timer.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createScheduler, type JobRun, type ScheduledJob, type Scheduler } from '../../src/scheduler.js';
import { testLog } from '../helpers/log.js';

const T0 = Date.parse('2013-05-03T18:00:00Z');
const POLL = 30_000;

let scheduler: Scheduler | undefined;
beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(async () => {
  await scheduler?.stop();
  scheduler = undefined;
  vi.useRealTimers();
});

/** A job that notes when it ran (ms after T0) and answers what `next` says. */
function job(next: (now: number) => JobRun | Error): ScheduledJob & { ran: number[] } {
  const ran: number[] = [];
  return {
    name: 'noting',
    ran,
    run(now) {
      ran.push(now - T0);
      const result = next(now);
      if (result instanceof Error) throw result;
      return result;
    },
  };
}

const start = (jobs: ScheduledJob[]) => {
  scheduler = createScheduler({ clock: { now: () => Date.now() }, jobs, log: testLog() });
  scheduler.start(POLL);
  return scheduler;
};

describe('the scheduler', () => {
  it('runs at once, then when the next step is due, else every poll interval', async () => {
    const due = T0 + 5_000;
    const noting = job((now) => ({ done: 0, nextAt: now < due ? due : null }));
    start([noting]);
    await vi.advanceTimersByTimeAsync(0);
    expect(noting.ran).toEqual([0]);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(noting.ran).toEqual([0]);
    await vi.advanceTimersByTimeAsync(1);
    expect(noting.ran).toEqual([0, 5_000]);
    await vi.advanceTimersByTimeAsync(POLL);
    expect(noting.ran).toEqual([0, 5_000, 35_000]);
  });

  it('looks soon after wake(), and not again until its time', async () => {
    const noting = job(() => ({ done: 0, nextAt: null }));
    const s = start([noting]);
    await vi.advanceTimersByTimeAsync(10_000);
    s.wake();
    await vi.advanceTimersByTimeAsync(0);
    expect(noting.ran).toEqual([0, 10_000]);
    await vi.advanceTimersByTimeAsync(POLL - 1);
    expect(noting.ran).toEqual([0, 10_000]);
    await vi.advanceTimersByTimeAsync(1);
    expect(noting.ran).toEqual([0, 10_000, 40_000]);
  });

  it('runs the other jobs when one throws, and keeps its timer', async () => {
    const failing = job(() => new Error('the database is locked'));
    const noting = job(() => ({ done: 1, nextAt: null }));
    const s = start([failing, noting]);
    await vi.advanceTimersByTimeAsync(POLL);
    expect(noting.ran).toEqual([0, POLL]);
    expect(failing.ran).toEqual([0, POLL]);
    const reports = await s.runDue();
    expect(reports).toEqual([
      { job: 'noting', done: 0, nextAt: null, error: 'Error: the database is locked' },
      { job: 'noting', done: 1, nextAt: null, error: null },
    ]);
  });

  it('runs nothing after stop()', async () => {
    const noting = job(() => ({ done: 0, nextAt: null }));
    const s = start([noting]);
    await vi.advanceTimersByTimeAsync(0);
    await s.stop();
    s.wake();
    await vi.advanceTimersByTimeAsync(10 * POLL);
    expect(noting.ran).toEqual([0]);
  });
});
