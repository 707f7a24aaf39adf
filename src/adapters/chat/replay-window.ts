// Replay window: a signed request whose timestamp is more than five minutes from Herald's clock, in either
// direction, is refused (401). Slack's Bolt checks only the past, Discord's signature covers a timestamp
// nobody looks at; both go through this one check.

import type { Clock } from '../../bot/handle-command.js';

export const REPLAY_WINDOW_SECONDS = 5 * 60;

/** True when `timestamp` (seconds since the epoch, as the header says it) is within the window of `clock`. */
export function withinReplayWindow(timestamp: string | undefined, clock: Clock): boolean {
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) return false;
  return Math.abs(clock.now() / 1000 - Number(timestamp)) <= REPLAY_WINDOW_SECONDS;
}

/** The wall clock, as `herald start` injects it; tests give their own. */
export const wallClock: Clock = { now: () => Date.now() };
