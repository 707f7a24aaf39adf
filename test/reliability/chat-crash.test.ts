// Issue 14: "acknowledged" means "recorded" on the chat surfaces. A real `herald start` with Slack (HTTP,
// signed) and Discord (signed interactions) takes bursts of commands and is killed with SIGKILL at random
// moments, then stopped with SIGTERM; see chat-crash-harness.ts. HERALD_LONG=1 runs 1,000 kills instead of
// 100; HERALD_CRASH_SEED=N replays a campaign's plan.
import { expect, it } from 'vitest';
import { formatChatSummary, runChatCrashCampaign } from './chat-crash-harness.js';

const long = process.env.HERALD_LONG === '1';
const seed = Number(process.env.HERALD_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));

it(
  `loses no acknowledged chat command across ${long ? '1,000' : '100'} SIGKILLs and a SIGTERM per world`,
  async () => {
    const summary = await runChatCrashCampaign({
      worlds: long ? 200 : 25,
      killsPerWorld: long ? 5 : 4,
      concurrency: 2,
      seed,
      // Short bursts after the first keep the default run to minutes: each recorded notice is published to the
      // site, which bounds the drain. HERALD_LONG=1 sends 200–500 in every burst.
      burst: long ? [200, 500] : [5, 15],
      // Every campaign's first world takes one burst of hundreds, at 10 or 50 in flight, killed in its middle.
      firstBurst: [200, 500],
    });
    process.stderr.write(`${formatChatSummary(summary)}\n`);
    expect(summary.problems).toEqual([]);
    expect(summary.runs).toBe(long ? 1000 : 100);
    expect(summary.cleanExits).toBe(summary.sigterms);
    expect(summary.integrity.passed).toBe(summary.integrity.total);
    expect(summary.recordedOnce).toBe(summary.acknowledged);
    expect(summary.acknowledged).toBeGreaterThan(0);
    for (const where of ['burst', 'after-ack', 'drain'] as const)
      expect(summary.kills[where], where).toBeGreaterThan(0);
  },
  long ? 4 * 3_600_000 : 1_200_000,
);
