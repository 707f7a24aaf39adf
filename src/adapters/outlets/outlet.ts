// The outlet port: takes due deliveries of one outlet, each with the post as rendered and the thread it
// continues, and says, for each, what became of it.

import type { Delivery } from '../../bot/types.js';
import type { RenderedPost } from '../../templates/post.js';

export interface OutboundItem {
  /** The delivery row as it is now: `attempts` counts this attempt too, so > 1 means one may have landed. */
  delivery: Delivery;
  post: RenderedPost;
  /** Remote ids on this outlet: the incident's first message and the latest one before this delivery. */
  thread: { root: string | null; parent: string | null };
}

export type DeliveryResult =
  | { id: number; ok: true; remoteId: string | null; remoteUrl: string | null }
  /** `retryAt`: when to try again (a platform's rate-limit reset); absent means back off as usual. */
  | { id: number; ok: false; retry: true; error: string; retryAt?: number }
  | { id: number; ok: false; retry: false; error: string };

export interface Outlet {
  name: string;
  /** Threaded outlets get post N only after post N-1 of the same incident was sent there. */
  threaded: boolean;
  /**
   * Calls a remote platform: each attempt is recorded before the call, so that after a crash a delivery is
   * known to have perhaps landed. Local outlets (the site, dry runs) can simply do it again.
   */
  external: boolean;
  /**
   * Delivers a batch of this outlet's due deliveries, oldest first, one after another. Never throws for one
   * delivery's fault. A threaded outlet stops at the first delivery to be retried and answers the rest as
   * retries not tried, so that no post overtakes an earlier one (the outbox then holds them behind it).
   */
  deliver(items: OutboundItem[]): Promise<DeliveryResult[]>;
}

/** What one attempt at a delivery came to, for an outlet that looks for its own earlier post before resending. */
export interface Attempt {
  result: DeliveryResult;
  /** True when this attempt cannot have posted anything (nothing was sent, or the platform said no). */
  notSent: boolean;
  /**
   * The platform is unreachable or limiting us: the rest of the batch would fail too. (Any attempt to be
   * retried halts the batch anyway, for order; `stop` says it is the platform, not this post.)
   */
  stop: boolean;
}

/**
 * Per delivery, how many of its attempts are known not to have reached the platform (all in this process):
 * while that is every earlier attempt, a retry need not look for an earlier post. A restart forgets, and looks.
 */
export type CleanAttempts = Map<number, number>;

/** Whether an earlier attempt of this delivery may have posted, so that a retry must look for it first. */
export const mayHavePosted = (clean: CleanAttempts, delivery: Delivery): boolean =>
  (clean.get(delivery.id) ?? 0) < delivery.attempts - 1;

/**
 * A batch, in order, one attempt each. Once an attempt is to be retried, the rest are not tried and wait as
 * long: a later post must not overtake it (issue 15: Discord got [1, 2, 4, 3, 5]). `clean` learns which
 * attempts posted nothing.
 */
export async function deliverInOrder(
  items: OutboundItem[],
  clean: CleanAttempts,
  attempt: (item: OutboundItem) => Promise<Attempt>,
): Promise<DeliveryResult[]> {
  const results: DeliveryResult[] = [];
  let halt: { error: string; retryAt?: number } | null = null;
  for (const item of items) {
    const { id, attempts } = item.delivery;
    const outcome: Attempt = halt
      ? {
          result: { id, ok: false, retry: true, ...halt, error: `not tried: ${halt.error}` },
          notSent: true,
          stop: true,
        }
      : await attempt(item);
    if (outcome.notSent && (clean.get(id) ?? 0) === attempts - 1) clean.set(id, attempts);
    else clean.delete(id);
    const r = outcome.result;
    if (!halt && !r.ok && r.retry)
      halt = { error: r.error, ...(r.retryAt === undefined ? {} : { retryAt: r.retryAt }) };
    results.push(r);
  }
  return results;
}
