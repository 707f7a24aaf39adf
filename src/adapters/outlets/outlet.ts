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
  /** Delivers a batch of this outlet's due deliveries, oldest first. Never throws for one delivery's fault. */
  deliver(items: OutboundItem[]): Promise<DeliveryResult[]>;
}
