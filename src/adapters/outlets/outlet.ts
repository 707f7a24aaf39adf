// The outlet port: takes due deliveries of one outlet and says, for each, what became of it.

import type { Delivery } from '../../bot/types.js';

export type DeliveryResult =
  | { id: number; ok: true; remoteId: string | null; remoteUrl: string | null }
  /** `retryAt`: when to try again (a platform's rate-limit reset); absent means back off as usual. */
  | { id: number; ok: false; retry: true; error: string; retryAt?: number }
  | { id: number; ok: false; retry: false; error: string };

export interface Outlet {
  name: string;
  /** Delivers a batch of this outlet's due deliveries, oldest first. Never throws for one delivery's fault. */
  deliver(deliveries: Delivery[]): Promise<DeliveryResult[]>;
}
