// The 'subscribers' outlet of the outbox: its delivery of a post is the fan-out into notification rows
// (one per subscriber, in one transaction, idempotent on redo), not the sending, which the notification
// worker does on its own. So the outbox's exactly-once per outlet carries over to (post, subscriber), and
// the publisher never waits on a relay or a webhook.

import type { DeliveryResult, Outlet } from '../adapters/outlets/outlet.js';
import type { Clock } from '../bot/handle-command.js';
import type { SubscriberStore } from '../store/subscribers.js';

export const SUBSCRIBERS_OUTLET = 'subscribers';

export function createSubscribersOutlet(options: {
  subscribers: SubscriberStore;
  clock: Clock;
  /** Told after a fan-out added rows (wakes the notification worker). */
  onFanOut?: (added: number) => void;
}): Outlet {
  return {
    name: SUBSCRIBERS_OUTLET,
    threaded: false,
    // Local: a fan-out done again after a crash adds nothing.
    external: false,
    async deliver(items): Promise<DeliveryResult[]> {
      let added = 0;
      const results = items.map(({ delivery }): DeliveryResult => {
        try {
          const n = options.subscribers.fanOut({
            postId: delivery.postId,
            action: delivery.action,
            editId: delivery.editId,
            at: options.clock.now(),
          });
          added += n;
          return { id: delivery.id, ok: true, remoteId: `${n} notifications`, remoteUrl: null };
        } catch (error) {
          return { id: delivery.id, ok: false, retry: true, error: String(error) };
        }
      });
      if (added > 0) options.onFanOut?.(added);
      return results;
    },
  };
}
