// The `twitter` outlet: each post as a tweet through twitter-api-v2, an incident's posts as one thread of
// replies. It never sends a post twice when it can know better: a retry first looks for the tweet in the
// account's own timeline. Errors come back as results (retry, with X's rate-limit reset when there is one,
// or permanent, with X's reason); credentials are never logged.

import http from 'node:http';
import {
  ApiPartialResponseError,
  ApiRequestError,
  ApiResponseError,
  type ITwitterApiClientPlugin,
  type TweetV2,
  TwitterApi,
  type TwitterApiReadWrite,
} from 'twitter-api-v2';
import type { TwitterCredentials } from '../../config.js';
import type { Logger } from '../../logger.js';
import { formatSocialText, type Measure, TWITTER_MEASURE } from '../../templates/social.js';
import { createDryRunOutlet } from './dry-run.js';
import {
  type Attempt,
  type CleanAttempts,
  deliverInOrder,
  mayHavePosted,
  type OutboundItem,
  type Outlet,
} from './outlet.js';

export interface TwitterOutletOptions {
  /** Where X's API is: `https://api.x.com/` in production, a gateway or a local fake otherwise. */
  apiUrl: string;
  /** Null runs dry (the shared dry-run outlet): each tweet is written to the log instead of being sent. */
  credentials: TwitterCredentials | null;
  log: Logger;
  /** The longest one request may take, connecting and answering included. */
  requestTimeoutMs?: number;
}

export const DEFAULT_TWITTER_API_URL = 'https://api.x.com/';
const DEFAULT_TIMEOUT_MS = 30_000;
/** X's longest page of a user's timeline: how far back a retry looks for an earlier attempt's tweet. */
const LOOKBACK = 100;

/** X's way of counting: twitter-text's weighted length (a URL is 23, a CJK character 2), at most 280. */
export const tweetMeasure: Measure = TWITTER_MEASURE;

export const tweetUrl = (id: string): string => `https://x.com/i/web/status/${id}`;

const X_PREFIX = /^https:\/\/(?:api|upload)\.(?:x|twitter)\.com\//;

/**
 * twitter-api-v2 has no base-URL setting: its prefixes are constants. This plugin points every request at
 * `apiUrl`, and bounds each one twice: the library's socket idle timeout, and an abort signal for the
 * whole exchange, so that an API that trickles bytes cannot hold the outlet either.
 */
export function twitterRequestPlugin(apiUrl: string, timeoutMs: number): ITwitterApiClientPlugin {
  const base = apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`;
  return {
    onBeforeRequestConfig({ params }) {
      params.url = params.url.replace(X_PREFIX, base);
      params.timeout = timeoutMs;
    },
    onBeforeRequest({ requestOptions }) {
      requestOptions.signal = AbortSignal.timeout(timeoutMs);
    },
  };
}

const HTML_ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>' };

/** A tweet's text as it was typed: X answers with t.co links and `&`, `<`, `>` escaped. */
function typedText(tweet: TweetV2): string {
  let text = tweet.text;
  for (const u of tweet.entities?.urls ?? [])
    if (u.expanded_url) text = text.split(u.url).join(u.expanded_url);
  return text.replace(/&(?:amp|lt|gt);/g, (e) => HTML_ENTITIES[e] ?? e).normalize('NFC');
}

const firstLine = (text: string): string => (text.split('\n', 1)[0] ?? '').trim();

/**
 * The same message: its permalink (a t.co link's `expanded_url`, or the text itself when X did not make it
 * a link), the same first line (so the post's publish, its correction and its retraction stay apart), and
 * the same parent.
 */
function isSameMessage(tweet: TweetV2, text: string, permalink: string, parent: string | null): boolean {
  const typed = typedText(tweet);
  const linked =
    (tweet.entities?.urls ?? []).some((u) => u.expanded_url === permalink) || typed.includes(permalink);
  const repliesTo = tweet.referenced_tweets?.find((r) => r.type === 'replied_to')?.id ?? null;
  return linked && repliesTo === parent && firstLine(typed) === firstLine(text.normalize('NFC'));
}

/** X's own words for a refusal: `title`, `detail` and each `errors[].message` of the body. */
export function reasonOf(data: unknown): string {
  if (typeof data === 'string') return data.trim().slice(0, 300);
  if (!data || typeof data !== 'object') return '';
  const body = data as { title?: unknown; detail?: unknown; errors?: unknown };
  const errors = Array.isArray(body.errors) ? body.errors : [];
  const parts = [body.title, body.detail, ...errors.map((e) => (e as { message?: unknown } | null)?.message)];
  return [...new Set(parts.filter((p): p is string => typeof p === 'string' && p.trim() !== ''))].join(' — ');
}

/** When a 429's window opens again, in epoch ms: the latest reset among the exhausted limits. */
function resetOf(error: ApiResponseError): number | undefined {
  const limit = error.rateLimit;
  const resets: number[] = [];
  if (limit) {
    resets.push(limit.reset);
    for (const w of [limit.day, limit.userDay]) if (w && w.remaining <= 0) resets.push(w.reset);
  } else {
    const header = error.headers?.['x-rate-limit-reset'];
    resets.push(Number(Array.isArray(header) ? header[0] : header));
  }
  const valid = resets.filter((r) => Number.isFinite(r) && r > 0);
  return valid.length ? Math.max(...valid) * 1000 : undefined;
}

/**
 * The socket's error under an ApiRequestError. twitter-api-v2 1.29 documents it as `requestError`, but its
 * constructor stores it as `error`, so the getter answers undefined: both are read.
 */
export function causeOf(error: ApiRequestError): NodeJS.ErrnoException | undefined {
  const options = (error as unknown as { _options?: { error?: unknown } })._options;
  const cause: unknown = error.requestError ?? options?.error;
  return cause instanceof Error ? cause : undefined;
}

/** Retries of a duplicate-content refusal, each looking for the tweet again, before it counts as refused. */
const DUPLICATE_RETRIES = 4;

/**
 * Sorts the error of one attempt. `posting`: whether the tweet itself had been sent (an error before that,
 * in the look-up, left nothing on X).
 */
function classify(item: OutboundItem, error: unknown, posting: boolean, timeoutMs: number): Attempt {
  const { id, attempts } = item.delivery;
  const retry = (message: string, notSent: boolean, retryAt?: number): Attempt => ({
    result: { id, ok: false, retry: true, error: message, ...(retryAt === undefined ? {} : { retryAt }) },
    notSent: notSent || !posting,
    stop: true,
  });
  if (error instanceof ApiResponseError) {
    const reason = reasonOf(error.data);
    const said = `X API ${error.code}${reason ? `: ${reason}` : ''}`;
    if (error.code === 429) {
      const at = resetOf(error);
      return retry(`${said} (rate limited${at ? ` until ${new Date(at).toISOString()}` : ''})`, true, at);
    }
    // X sometimes answers 5xx after it has created the tweet: not known to be unsent.
    if (error.code >= 500 || error.code === 408) return retry(said, false);
    // On a retry, "duplicate content" most likely means an earlier attempt's tweet that the timeline did not
    // show yet: look again next time rather than give up on a tweet that is there.
    if (posting && attempts > 1 && attempts <= DUPLICATE_RETRIES + 1 && /duplicate/i.test(reason))
      return { ...retry(`${said} (looking for the earlier tweet again)`, false), stop: false };
    const what = error.code === 401 || error.code === 403 ? 'refused' : 'rejected the post';
    return {
      result: {
        id,
        ok: false,
        retry: false,
        error: `X ${what} (${error.code}): ${reason || 'no reason given'}`,
      },
      notSent: true,
      stop: false,
    };
  }
  if (error instanceof ApiRequestError) {
    const cause = causeOf(error);
    if (cause?.name === 'AbortError' || cause?.message === 'Request timeout.')
      return retry(`X API did not answer within ${timeoutMs} ms`, false);
    const refused = cause?.code === 'ECONNREFUSED' || cause?.code === 'ENOTFOUND';
    return retry(`X API unreachable: ${cause?.message ?? error.message}`, refused);
  }
  if (error instanceof ApiPartialResponseError)
    return retry(`X API answer cut short: ${error.message}`, false);
  return retry(`X API call failed: ${error instanceof Error ? error.message : String(error)}`, false);
}

/** The client the outlet posts with, and `herald doctor` checks the credentials with. */
export function createTwitterClient(
  apiUrl: string,
  credentials: TwitterCredentials,
  timeoutMs: number,
): TwitterApiReadWrite {
  return new TwitterApi(
    { ...credentials },
    {
      plugins: [twitterRequestPlugin(apiUrl, timeoutMs)],
      ...(apiUrl.startsWith('http:') ? { httpAgent: new http.Agent() } : {}),
    },
  ).readWrite;
}

export function createTwitterOutlet(options: TwitterOutletOptions): Outlet {
  const { credentials, log } = options;
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  const apiUrl = options.apiUrl || DEFAULT_TWITTER_API_URL;
  if (!credentials) return createDryRunOutlet({ name: 'twitter', measure: tweetMeasure, log });
  const client = createTwitterClient(apiUrl, credentials, timeoutMs);
  let me: Promise<string> | null = null;
  const cleanAttempts: CleanAttempts = new Map();

  function ownId(): Promise<string> {
    if (!me) {
      me = client.v2.me().then((r) => r.data.id);
      me.catch(() => {
        me = null;
      });
    }
    return me;
  }

  /**
   * The tweet an earlier attempt of this delivery left on X, if the account's latest tweets show one.
   * What this cannot see, and so may still send twice: a tweet X has created but not yet listed in the
   * timeline (seconds; the first retry comes 2.5 s or more after, and a resend of the same text is then
   * refused as duplicate content and looked for again), one pushed out of the latest LOOKBACK tweets, and
   * one deleted on X in between (sending again is then what one wants).
   */
  async function findEarlier(item: OutboundItem, text: string) {
    const page = await client.v2.userTimeline(await ownId(), {
      max_results: LOOKBACK,
      'tweet.fields': ['in_reply_to_user_id', 'referenced_tweets', 'entities', 'created_at'],
    });
    return page.tweets.find((t) => isSameMessage(t, text, item.post.permalink, item.thread.parent));
  }

  async function attempt(item: OutboundItem, text: string): Promise<Attempt> {
    const { id } = item.delivery;
    const parent = item.thread.parent;
    const sent = (tweetId: string): Attempt => ({
      result: { id, ok: true, remoteId: tweetId, remoteUrl: tweetUrl(tweetId) },
      notSent: false,
      stop: false,
    });
    let posting = false;
    try {
      // Exactly once: an earlier attempt may have reached X with its answer lost (a crash, a cut
      // connection, a timeout, a 5xx). Its tweet is then in the account's timeline: record it, don't resend.
      if (mayHavePosted(cleanAttempts, item.delivery)) {
        const earlier = await findEarlier(item, text);
        if (earlier) {
          log.info(
            { outlet: 'twitter', delivery: id, requestId: item.delivery.requestId, tweet: earlier.id },
            'tweet already on X: recorded',
          );
          return sent(earlier.id);
        }
      }
      posting = true;
      const response = await client.v2.tweet(
        parent ? { text, reply: { in_reply_to_tweet_id: parent } } : { text },
      );
      const tweetId = response.data?.id;
      if (!tweetId) throw new Error('X answered without a tweet id');
      log.info(
        { outlet: 'twitter', delivery: id, requestId: item.delivery.requestId, tweet: tweetId },
        'tweet posted',
      );
      return sent(tweetId);
    } catch (error) {
      return classify(item, error, posting, timeoutMs);
    }
  }

  return {
    name: 'twitter',
    threaded: true,
    external: true,
    deliver: (items) =>
      deliverInOrder(items, cleanAttempts, (item) =>
        attempt(item, formatSocialText(item.post, item.delivery.action, tweetMeasure)),
      ),
  };
}
