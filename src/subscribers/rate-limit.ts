// How often Herald mails a confirmation to one address, and takes sign-ups from one client: the sign-up
// endpoint is public, and without a limit anyone could use Herald to flood a stranger's mailbox. Kept in
// memory (one Herald serves the endpoint): a restart forgets the counts, which costs at most one more
// window's worth of mails. The memory is bounded: past `maxKeys`, the oldest keys are forgotten first.

export interface RateRule {
  /** At most `max` within any `windowMs`. */
  max: number;
  windowMs: number;
}

export interface RateLimiter {
  /** Counts one for `key` at `now` and says yes, or says no (and counts nothing) if a rule is full. */
  take(key: string, now: number): boolean;
}

export function createRateLimiter(options: { rules: readonly RateRule[]; maxKeys?: number }): RateLimiter {
  const { rules } = options;
  const maxKeys = options.maxKeys ?? 100_000;
  const longest = Math.max(...rules.map((r) => r.windowMs));
  /** Each key's times, oldest first; a Map keeps insertion order, so its first key is the stalest. */
  const seen = new Map<string, number[]>();
  return {
    take(key, now) {
      const times = (seen.get(key) ?? []).filter((t) => now - t < longest);
      const allowed = rules.every((r) => times.filter((t) => now - t < r.windowMs).length < r.max);
      if (allowed) times.push(now);
      seen.delete(key);
      if (times.length) seen.set(key, times);
      while (seen.size > maxKeys) {
        const oldest = seen.keys().next().value;
        if (oldest === undefined) break;
        seen.delete(oldest);
      }
      return allowed;
    },
  };
}

/** One confirmation mail per address per 15 minutes, and at most 3 a day. */
export const ADDRESS_RULES: readonly RateRule[] = [
  { max: 1, windowMs: 15 * 60_000 },
  { max: 3, windowMs: 24 * 3_600_000 },
];

/** Signed test deliveries to one webhook URL: a few tries while its owner sets the endpoint up. */
export const WEBHOOK_TEST_RULES: readonly RateRule[] = [
  { max: 5, windowMs: 15 * 60_000 },
  { max: 20, windowMs: 24 * 3_600_000 },
];

/** Sign-ups (of any address) from one client address: 10 per hour, 50 a day. */
export const CLIENT_RULES: readonly RateRule[] = [
  { max: 10, windowMs: 3_600_000 },
  { max: 50, windowMs: 24 * 3_600_000 },
];
