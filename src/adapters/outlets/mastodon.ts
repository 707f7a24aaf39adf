// The `mastodon` outlet: each delivery becomes one public status on the instance (masto's REST client).
// An incident's first post starts a thread; every later message of it (updates, corrections, retractions)
// replies to the one before. The text is fitted to the instance's own limit, read once from
// /api/v2/instance.
//
// Exactly once: every request carries an `Idempotency-Key` made from the delivery, so when a response is
// lost, or the process dies between the instance's answer and the outbox's record, the retry gets the
// status that was already made instead of a second one. Mastodon remembers a key for one hour per account
// (PostStatusService keeps it in Redis with a 3600 s expiry), so a retry later than that, after an outage
// that began with a lost answer, can still double a toot.

import { createRestAPIClient, MastoHttpError, MastoTimeoutError, type mastodon } from 'masto';
import type { Delivery } from '../../bot/types.js';
import type { Logger } from '../../logger.js';
import { formatSocialText, type Measure, mastodonMeasure } from '../../templates/social.js';
import type { DeliveryResult, OutboundItem, Outlet } from './outlet.js';

export interface MastodonOutletOptions {
  /** The instance's address, e.g. https://mastodon.social */
  url: string;
  accessToken: string;
  log: Logger;
  /** Each request is abandoned (and retried later) after this long; a hung instance never blocks a pass. */
  requestTimeoutMs?: number;
}

/** What the instance allows in a status: `max_characters`, and what each URL counts as. */
export interface MastodonLimits {
  maxCharacters: number;
  charactersReservedPerUrl: number;
}

/** Mastodon's own defaults, used when the instance does not say. */
export const DEFAULT_MASTODON_LIMITS: MastodonLimits = { maxCharacters: 500, charactersReservedPerUrl: 23 };

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Mastodon's length of a status (StatusLengthValidator): a URL counts as `charactersReservedPerUrl` only
 * when its entity extraction finds it, which is twitter-text's, with a protocol and a known top-level
 * domain (`https://status.example.com/` yes, `https://status.example/` no: that one counts in full). The
 * rest is counted in code points, never fewer than the grapheme clusters Mastodon counts.
 */
export function instanceMeasure(limits: MastodonLimits): Measure {
  return mastodonMeasure(limits.maxCharacters, limits.charactersReservedPerUrl);
}

/**
 * The key a delivery is sent with, every time: its id, and its creation time, so that a new database's
 * delivery 1 is never taken for an old one's.
 */
export const idempotencyKey = (delivery: Pick<Delivery, 'id' | 'createdAt'>): string =>
  `herald-delivery-${delivery.id}-${delivery.createdAt}`;

/** Why a request did not give a status, and what that means for this delivery and the rest of the batch. */
type Failure =
  | { retry: true; error: string; retryAt?: number; stopBatch: boolean }
  | { retry: false; error: string; stopBatch: boolean };

const positive = (n: unknown): number | undefined =>
  typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : undefined;

function limitsFrom(statuses: { maxCharacters?: unknown; charactersReservedPerUrl?: unknown } | undefined) {
  return {
    maxCharacters: positive(statuses?.maxCharacters) ?? DEFAULT_MASTODON_LIMITS.maxCharacters,
    charactersReservedPerUrl:
      positive(statuses?.charactersReservedPerUrl) ?? DEFAULT_MASTODON_LIMITS.charactersReservedPerUrl,
  };
}

const isNotFound = (error: unknown) => error instanceof MastoHttpError && error.statusCode === 404;

/** The response masto keeps as the cause of an HTTP error: where the rate-limit headers are. */
function headerOf(error: MastoHttpError, name: string): string | null {
  return error.cause instanceof Response ? error.cause.headers.get(name) : null;
}

/** A network failure in a few words: undici's `fetch failed` hides the reason in its cause. */
function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return `unexpected failure: ${String(error)}`;
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  if (error.message === 'fetch failed' && cause) {
    const code = typeof cause.code === 'string' ? cause.code : '';
    const message = typeof cause.message === 'string' ? cause.message : '';
    return `network error: ${[code, message].filter(Boolean).join(' ') || 'fetch failed'}`;
  }
  // masto 7 cannot read an error page that is not JSON (a proxy's HTML 502, say): it fails while trying,
  // with a TypeError that has lost the status code.
  return `unexpected answer from the instance (not Mastodon's JSON): ${error.message}`;
}

function classify(error: unknown, timeoutMs: number): Failure {
  if (error instanceof MastoHttpError) {
    const status = error.statusCode;
    const reason = `${status} ${error.message || (error.cause instanceof Response ? error.cause.statusText : '')}`;
    if (status === 429) {
      // The instance says when its window resets (ISO 8601); sooner would only be refused again.
      const reset = headerOf(error, 'X-RateLimit-Reset');
      const at = reset ? Date.parse(reset) : Number.NaN;
      return Number.isFinite(at)
        ? { retry: true, error: `${reason} (rate limited until ${reset})`, retryAt: at, stopBatch: true }
        : { retry: true, error: reason, stopBatch: true };
    }
    // A bad or under-scoped token, or a suspended account: the same for every delivery, until staff act.
    if (status === 401 || status === 403) return { retry: false, error: reason, stopBatch: true };
    if (status === 408 || status >= 500) return { retry: true, error: reason, stopBatch: true };
    // 422 (too long, blank, ...) and other refusals of this status: this delivery only.
    return { retry: false, error: reason, stopBatch: false };
  }
  if (error instanceof MastoTimeoutError) {
    return { retry: true, error: `no answer from the instance within ${timeoutMs} ms`, stopBatch: true };
  }
  return { retry: true, error: describeNetworkError(error), stopBatch: true };
}

const resultOf = (id: number, failure: Failure): DeliveryResult =>
  failure.retry
    ? {
        id,
        ok: false,
        retry: true,
        error: failure.error,
        ...(failure.retryAt ? { retryAt: failure.retryAt } : {}),
      }
    : { id, ok: false, retry: false, error: failure.error };

/** The client the outlet posts with, and `herald doctor` checks the token with. */
export function createMastodonClient(
  url: string,
  accessToken: string,
  timeoutMs: number,
): mastodon.rest.Client {
  // masto logs to the console on its own; Herald logs what matters itself, and never the token.
  return createRestAPIClient({ url, accessToken, timeout: timeoutMs, log: 'error' });
}

export function createMastodonOutlet(options: MastodonOutletOptions): Outlet {
  const { url, accessToken, log } = options;
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  const client = createMastodonClient(url, accessToken, timeoutMs);
  let limits: Promise<MastodonLimits> | null = null;

  /** v2 since Mastodon 4.0; v1 before it; Mastodon's defaults when neither says. */
  async function readLimits(): Promise<MastodonLimits> {
    try {
      const instance = await client.v2.instance.fetch();
      return limitsFrom(instance.configuration?.statuses);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    try {
      const instance: mastodon.v1.Instance = await client.v1.instance.fetch();
      return limitsFrom(instance.configuration?.statuses);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      return DEFAULT_MASTODON_LIMITS;
    }
  }

  /** Read once and kept; a failed read is forgotten, so the next batch asks again. */
  function instanceLimits(): Promise<MastodonLimits> {
    if (!limits) {
      limits = readLimits().then(
        (read) => {
          log.debug({ outlet: 'mastodon', ...read }, 'mastodon instance limits');
          return read;
        },
        (error) => {
          limits = null;
          throw error;
        },
      );
    }
    return limits;
  }

  async function send(item: OutboundItem, read: MastodonLimits): Promise<DeliveryResult> {
    const { delivery, post, thread } = item;
    const params = {
      status: formatSocialText(post, delivery.action, instanceMeasure(read)),
      visibility: 'public',
    } as const;
    const meta = { requestInit: { headers: { 'Idempotency-Key': idempotencyKey(delivery) } } };
    let status: mastodon.v1.Status;
    try {
      status = await client.v1.statuses.create({ ...params, inReplyToId: thread.parent }, meta);
    } catch (error) {
      // The status to reply to was deleted on the instance: the thread is broken, the news still goes out.
      // Mastodon answers that 404 before it looks at the key, so the same key is safe to send again.
      if (!(thread.parent && isNotFound(error))) throw error;
      log.warn(
        {
          outlet: 'mastodon',
          delivery: delivery.id,
          requestId: delivery.requestId,
          inReplyTo: thread.parent,
        },
        'the mastodon status to reply to is gone; posting this one on its own',
      );
      status = await client.v1.statuses.create(params, meta);
    }
    log.info(
      {
        outlet: 'mastodon',
        delivery: delivery.id,
        requestId: delivery.requestId,
        attempt: delivery.attempts,
        status: status.id,
      },
      'mastodon status posted',
    );
    return { id: delivery.id, ok: true, remoteId: status.id, remoteUrl: status.url ?? null };
  }

  return {
    name: 'mastodon',
    threaded: true,
    external: true,
    async deliver(items) {
      let read: MastodonLimits;
      try {
        read = await instanceLimits();
      } catch (error) {
        const failure = classify(error, timeoutMs);
        return items.map((i) => resultOf(i.delivery.id, failure));
      }
      const results: DeliveryResult[] = [];
      // After a failure that every request would meet (instance down, rate limit, bad token), the rest of
      // the batch waits with the same answer instead of spending a request, or a timeout, each.
      let stopped: Failure | null = null;
      for (const item of items) {
        if (stopped) {
          results.push(resultOf(item.delivery.id, stopped));
          continue;
        }
        try {
          results.push(await send(item, read));
        } catch (error) {
          const failure = classify(error, timeoutMs);
          if (failure.stopBatch) stopped = failure;
          results.push(resultOf(item.delivery.id, failure));
        }
      }
      return results;
    },
  };
}
