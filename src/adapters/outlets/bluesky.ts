// The `bluesky` outlet: posts to an atproto PDS with @atproto/api, logged in with an app password. An
// incident's first post starts a thread; every later message (update, correction, retraction) replies to it.
//
// A Bluesky remote id is the record's strong ref, `<at-uri> <cid>`: a reply must name both its root and its
// parent by uri and cid.
//
// Exactly once: a delivery whose `attempts` is above 1 may have landed on an earlier attempt whose answer was
// lost (a timeout, a dropped connection, Herald killed before it recorded the result). Before sending it
// again, the outlet lists the account's own newest posts (com.atproto.repo.listRecords, which the PDS answers
// from the repository itself, so a committed write is there at once) and, if one has the same first line, the
// post's permalink and the same reply parent, records that post instead of posting again. The window that
// remains: a request the PDS is still processing when the check runs (it timed out on our side but commits
// afterwards), and an earlier attempt buried under more than LOOKBACK_PAGES × 100 newer posts of the same
// account.

import {
  type AppBskyFeedPost,
  AppBskyRichtextFacet,
  AtpAgent,
  AtUri,
  RichText,
  XRPCError,
} from '@atproto/api';
import type { Logger } from '../../logger.js';
import { BLUESKY_MEASURE, formatSocialText } from '../../templates/social.js';
import type { DeliveryResult, OutboundItem, Outlet } from './outlet.js';

const POST_COLLECTION = 'app.bsky.feed.post';
const DEFAULT_TIMEOUT_MS = 30_000;
/** How far back the exactly-once check looks: pages of 100 of the account's newest posts. */
const LOOKBACK_PAGES = 3;

export interface BlueskyOutletOptions {
  /** The PDS (or entryway), e.g. https://bsky.social. */
  serviceUrl: string;
  /** The account's handle or DID. */
  identifier: string;
  appPassword: string;
  log: Logger;
  /** The limit on each HTTP request, so that a hung PDS cannot hold the publisher. Default 30 s. */
  requestTimeoutMs?: number;
  /** The clock for a post's `createdAt`; the same clock as the outbox's. Default Date.now. */
  now?: () => number;
}

export interface StrongRef {
  uri: string;
  cid: string;
}

export const encodeRemoteId = (ref: StrongRef): string => `${ref.uri} ${ref.cid}`;

/** The strong ref in a remote id, or null when it is not one (a dry run's `dry-run`, say). */
export function decodeRemoteId(remoteId: string | null): StrongRef | null {
  const [uri, cid, ...rest] = (remoteId ?? '').split(' ');
  return uri?.startsWith('at://') && cid && rest.length === 0 ? { uri, cid } : null;
}

/** `https://bsky.app/profile/<did>/post/<rkey>`: the DID, because a handle can change. */
export function postUrl(uri: string): string {
  const at = new AtUri(uri);
  return `https://bsky.app/profile/${at.host}/post/${at.rkey}`;
}

/**
 * Link facets for `text`, which ends with `permalink`. Byte offsets come from RichText (UTF-8, so an emoji
 * before a link counts its four bytes). Only links: mentions are defused in the text, and a `#word` in a
 * status message stays words.
 */
export function linkFacets(text: string, permalink: string): AppBskyRichtextFacet.Main[] {
  const rt = new RichText({ text });
  rt.detectFacetsWithoutResolution();
  const start = text.lastIndexOf(permalink);
  const own: AppBskyRichtextFacet.Main | null =
    start < 0
      ? null
      : {
          index: {
            byteStart: rt.unicodeText.utf16IndexToUtf8Index(start),
            byteEnd: rt.unicodeText.utf16IndexToUtf8Index(start + permalink.length),
          },
          features: [{ $type: 'app.bsky.richtext.facet#link', uri: permalink }],
        };
  const overlaps = (f: AppBskyRichtextFacet.Main) =>
    own !== null && f.index.byteStart < own.index.byteEnd && own.index.byteStart < f.index.byteEnd;
  const links = (rt.facets ?? []).filter(
    (f) =>
      !overlaps(f) &&
      f.features.every(
        // A link the cut to 300 graphemes broke ends in the ellipsis: leave it as text.
        (feature) => AppBskyRichtextFacet.isLink(feature) && !feature.uri.endsWith('…'),
      ),
  );
  return [...links, ...(own ? [own] : [])].sort((a, b) => a.index.byteStart - b.index.byteStart);
}

type Failure =
  | { ok: false; retry: true; error: string; retryAt?: number }
  | { ok: false; retry: false; error: string };

/** A failure, and whether it is the service's (so the rest of the batch would fare the same) or this item's. */
type Classified = Failure & { scope: 'service' | 'item' };

function describeError(error: XRPCError): string {
  const cause = error.cause as { name?: string; cause?: { code?: string } } | undefined;
  if (cause?.name === 'TimeoutError') return 'no answer from the PDS in time (timed out)';
  if (error.status === 1) {
    const code = cause?.cause?.code;
    return `network error: ${error.message}${code ? ` (${code})` : ''}`;
  }
  return `${error.status} ${error.error ?? ''}: ${error.message}`.replace(' :', ':');
}

/** What an error means for a delivery. Never includes request headers, so no token reaches the result. */
export function classifyError(error: unknown): Classified {
  if (!(error instanceof XRPCError)) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, retry: true, error: `bluesky: ${message}`, scope: 'service' };
  }
  const reason = `bluesky: ${describeError(error)}`;
  if (error.status === 429) {
    const reset = Number(error.headers?.['ratelimit-reset']);
    return Number.isFinite(reset) && reset > 0
      ? { ok: false, retry: true, error: reason, retryAt: reset * 1000, scope: 'service' }
      : { ok: false, retry: true, error: reason, scope: 'service' };
  }
  // 1: no answer (refused, reset, timed out); 2: an answer that was not XRPC (a proxy's page); 5xx.
  if (error.status === 1 || error.status === 2 || error.status >= 500) {
    return { ok: false, retry: true, error: reason, scope: 'service' };
  }
  if (error.status === 401 || error.status === 403) {
    return { ok: false, retry: false, error: reason, scope: 'service' };
  }
  // InvalidRequest (too long, a bad record) and the rest of 4xx: this post will never be accepted as it is.
  return { ok: false, retry: false, error: reason, scope: 'item' };
}

const isExpiredSession = (error: unknown): boolean =>
  error instanceof XRPCError &&
  (error.status === 401 || error.error === 'ExpiredToken' || error.error === 'InvalidToken');

const firstLine = (text: string): string => (text.split('\n', 1)[0] ?? '').trim();

/**
 * Whether a record is an earlier attempt of the message `text`: the same first line (the title, or
 * `Correction:` or `Retracted:` and the title, so a post's publish, corrections and retraction stay apart),
 * the post's permalink, and the same parent. Not the whole text: a correction recorded after the earlier
 * attempt changes the text the post is sent with, and the attempt that landed is the post all the same.
 */
function isSameMessage(
  value: Partial<AppBskyFeedPost.Record>,
  text: string,
  permalink: string,
  parentUri: string | null,
): boolean {
  return (
    typeof value.text === 'string' &&
    value.text.includes(permalink) &&
    firstLine(value.text) === firstLine(text) &&
    (value.reply?.parent?.uri ?? null) === parentUri
  );
}

/** The reply refs for a message of this thread, or null for a new thread. */
function replyTo(thread: OutboundItem['thread']): AppBskyFeedPost.ReplyRef | null {
  const parent = decodeRemoteId(thread.parent);
  // A root that is not a strong ref (the thread began while this outlet ran dry) gives way to the parent.
  const root = decodeRemoteId(thread.root) ?? parent;
  return parent && root ? { root, parent } : null;
}

/** The agent the outlet posts with, and `herald doctor` logs in with: each request bounded by `timeoutMs`. */
export function createBlueskyAgent(serviceUrl: string, timeoutMs: number): AtpAgent {
  const timedFetch: typeof fetch = (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    return fetch(input, {
      ...init,
      signal: init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout,
    });
  };
  return new AtpAgent({ service: serviceUrl, fetch: timedFetch });
}

export function createBlueskyOutlet(options: BlueskyOutletOptions): Outlet {
  const { identifier, appPassword, log } = options;
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  const now = options.now ?? Date.now;
  const agent = createBlueskyAgent(options.serviceUrl, timeoutMs);
  let login: Promise<string> | null = null;

  /** The account's DID, logging in first when there is no session (or it could not be refreshed). */
  function session(): Promise<string> {
    if (agent.session) return Promise.resolve(agent.session.did);
    login ??= agent
      .login({ identifier, password: appPassword })
      .then((res) => {
        log.info({ outlet: 'bluesky', did: res.data.did, handle: res.data.handle }, 'logged in to Bluesky');
        return res.data.did;
      })
      .finally(() => {
        login = null;
      });
    return login;
  }

  /**
   * Runs a call with the session. The agent refreshes an expired access token by itself; when the refresh
   * token is expired too, log in again and make the call once more (the PDS refused it, so nothing landed).
   */
  async function withSession<T>(call: (did: string) => Promise<T>): Promise<T> {
    const did = await session();
    try {
      return await call(did);
    } catch (error) {
      if (!isExpiredSession(error)) throw error;
      agent.sessionManager.session = undefined;
      return call(await session());
    }
  }

  /** An earlier attempt of this message that landed (see `isSameMessage`), written since `since`. */
  async function findEarlier(
    text: string,
    permalink: string,
    parentUri: string | null,
    since: number,
  ): Promise<StrongRef | null> {
    let cursor: string | undefined;
    for (let page = 0; page < LOOKBACK_PAGES; page++) {
      const res = await withSession((repo) =>
        agent.com.atproto.repo.listRecords({ repo, collection: POST_COLLECTION, limit: 100, cursor }),
      );
      for (const record of res.data.records) {
        const value = record.value as Partial<AppBskyFeedPost.Record>;
        if (isSameMessage(value, text, permalink, parentUri)) {
          return { uri: record.uri, cid: record.cid };
        }
        // Newest first: a post written before this delivery existed, and all after it, cannot be an attempt.
        const createdAt = typeof value.createdAt === 'string' ? Date.parse(value.createdAt) : Number.NaN;
        if (createdAt < since) return null;
      }
      cursor = res.data.cursor;
      if (!cursor || res.data.records.length === 0) return null;
    }
    return null;
  }

  async function deliverOne({ delivery, post, thread }: OutboundItem): Promise<DeliveryResult | Classified> {
    const text = formatSocialText(post, delivery.action, BLUESKY_MEASURE);
    const reply = replyTo(thread);
    const sent = (ref: StrongRef): DeliveryResult => ({
      id: delivery.id,
      ok: true,
      remoteId: encodeRemoteId(ref),
      remoteUrl: postUrl(ref.uri),
    });
    try {
      if (delivery.attempts > 1) {
        const earlier = await findEarlier(
          text,
          post.permalink,
          reply?.parent.uri ?? null,
          delivery.createdAt,
        );
        if (earlier) {
          log.info(
            { outlet: 'bluesky', delivery: delivery.id, requestId: delivery.requestId, uri: earlier.uri },
            'an earlier attempt had landed; recording it instead of posting again',
          );
          return sent(earlier);
        }
      }
      const record: AppBskyFeedPost.Record = {
        $type: POST_COLLECTION,
        text,
        facets: linkFacets(text, post.permalink),
        createdAt: new Date(now()).toISOString(),
        ...(reply ? { reply } : {}),
      };
      const res = await withSession((repo) =>
        agent.com.atproto.repo.createRecord({ repo, collection: POST_COLLECTION, record }),
      );
      return sent(res.data);
    } catch (error) {
      return { ...classifyError(error), id: delivery.id };
    }
  }

  return {
    name: 'bluesky',
    threaded: true,
    external: true,
    async deliver(items) {
      const results: DeliveryResult[] = [];
      // When the service itself fails (down, rate-limited, refusing the account), the rest of the batch
      // would fail the same way: they wait with it instead of each waiting out its own timeout.
      let halted: Failure | null = null;
      for (const item of items) {
        if (halted) {
          results.push({ ...halted, id: item.delivery.id });
          continue;
        }
        const result = await deliverOne(item);
        if ('scope' in result) {
          const { scope, ...failure } = result;
          results.push({ ...failure, id: item.delivery.id });
          if (scope === 'service') halted = failure;
        } else {
          results.push(result);
        }
      }
      return results;
    },
  };
}
