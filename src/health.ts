// What GET /healthz reports: whether the database answers, how long the oldest pending delivery has
// waited (and for which outlet), and when the site was last written. Unhealthy (503) when the database
// does not answer or a delivery has waited longer than HERALD_HEALTH_STUCK_SECONDS. The JSON's fields
// are a contract (docs/monitoring.md): add to them, never rename or remove one.

import type { Delivery } from './bot/types.js';

export type HealthReport = {
  /** True: 200. False: 503, and `problems` says why. */
  ok: boolean;
  /** When the check ran, by Herald's clock. */
  checkedAt: string;
  /** One sentence per reason for a 503; empty when ok. */
  problems: string[];
  /** A real query against the database; its error when it failed. */
  database: { ok: boolean; error: string | null };
  /** Deliveries queued or retrying, every outlet together; null when the database does not answer. */
  pendingDeliveries: number | null;
  oldestPendingDelivery: {
    id: number;
    postId: number;
    outlet: string;
    queuedAt: string;
    waitingSeconds: number;
  } | null;
  /** HERALD_HEALTH_STUCK_SECONDS: a pending delivery waiting longer than this makes Herald unhealthy. */
  stuckAfterSeconds: number;
  /** When this process last wrote the status site; null if it has not yet. */
  siteWrittenAt: string | null;
};

export interface HealthSources {
  /** Every pending delivery; a query of the database, which throws if the database does not answer. */
  pending: () => readonly Delivery[];
  siteWrittenAt: () => number | null;
  now: () => number;
  stuckSeconds: number;
}

const iso = (at: number): string => new Date(at).toISOString();

export function checkHealth(sources: HealthSources): HealthReport {
  const now = sources.now();
  const problems: string[] = [];
  let pending: readonly Delivery[] | null = null;
  let databaseError: string | null = null;
  try {
    pending = sources.pending();
  } catch (error) {
    databaseError = error instanceof Error ? error.message : String(error);
    problems.push(`the database does not answer: ${databaseError}`);
  }
  let oldest: Delivery | null = null;
  for (const d of pending ?? []) if (!oldest || d.createdAt < oldest.createdAt) oldest = d;
  const waitingSeconds = oldest ? Math.max(0, Math.floor((now - oldest.createdAt) / 1000)) : 0;
  if (oldest && waitingSeconds > sources.stuckSeconds) {
    problems.push(
      `delivery ${oldest.id} to ${oldest.outlet} has waited ${waitingSeconds} s, longer than ${sources.stuckSeconds} s`,
    );
  }
  const written = sources.siteWrittenAt();
  return {
    ok: problems.length === 0,
    checkedAt: iso(now),
    problems,
    database: { ok: databaseError === null, error: databaseError },
    pendingDeliveries: pending ? pending.length : null,
    oldestPendingDelivery: oldest
      ? {
          id: oldest.id,
          postId: oldest.postId,
          outlet: oldest.outlet,
          queuedAt: iso(oldest.createdAt),
          waitingSeconds,
        }
      : null,
    stuckAfterSeconds: sources.stuckSeconds,
    siteWrittenAt: written === null ? null : iso(written),
  };
}
