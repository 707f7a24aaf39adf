// A local stand-in for X's API v2 on 127.0.0.1: OAuth 1.0a checked (consumer key, token and HMAC-SHA1
// signature), POST /2/tweets, GET /2/users/me and GET /2/users/:id/tweets, answered as X answers (t.co
// links with their entities, `&` `<` `>` escaped, X's JSON error bodies), the 280-weighted-character
// limit, duplicate content refused, and faults to inject: an error status, a rate limit, a hang, refused
// connections, and a tweet accepted whose answer is lost.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import twitterText from 'twitter-text';
import { TEST_CREDENTIALS } from '../helpers/credentials.js';
import { type AnswerDelay, closeServer, delayAnswer, listenOnLoopback } from './loopback.js';

export const FAKE_TWITTER_CREDENTIALS = { ...TEST_CREDENTIALS.twitter };

export const FAKE_TWITTER_USER = { id: '1000', name: 'Herald Status', username: 'heraldstatus' };

export interface FakeTweet {
  id: string;
  /** The text as the client sent it. */
  text: string;
  in_reply_to_tweet_id: string | null;
  /** Whether the request carried an `Authorization: OAuth ...` header (always, for a stored tweet). */
  oauth: boolean;
  createdAt: number;
}

export interface FakeRequest {
  /** The fake's clock (the test's, when given). */
  at: number;
  method: string;
  /** Path and query, as requested. */
  path: string;
  oauth: boolean;
  /** The status answered, or what happened instead. */
  outcome: number | 'hang' | 'lost';
}

/** `times`: how many matching requests the fault hits (default 1; Infinity for all). `route`: e.g. `POST /2/tweets`. */
export type TwitterFault = { times?: number; route?: string } & (
  | { kind: 'status'; status: number; body?: unknown }
  /** 429 with `x-rate-limit-limit`, `-remaining` (0) and `-reset` (epoch seconds) headers. */
  | { kind: 'rate-limit'; reset: number }
  /** Reads the request and never answers. */
  | { kind: 'hang' }
  /** Creates the tweet, then destroys the socket before answering. Only POST /2/tweets. */
  | { kind: 'lose-response' }
  /** A timeline that lags: GET /2/users/:id/tweets leaves out the newest tweet, as X can for a few seconds. */
  | { kind: 'stale-timeline' }
  /** Closes the listener: connections are refused until the fault is cleared. */
  | { kind: 'refuse' }
);

export interface FakeTwitter {
  /** `http://127.0.0.1:PORT/`: the API base to give the client. */
  url: string;
  tweets: FakeTweet[];
  requests: FakeRequest[];
  /** Replaces the current fault (null clears it, and listens again after `refuse`). */
  setFault(fault: TwitterFault | null): Promise<void>;
  close(): Promise<void>;
}

const problem = (status: number, title: string, detail: string, type = 'about:blank') => ({
  title,
  type,
  status,
  detail,
});

const STATUS_BODIES: Record<number, unknown> = {
  401: problem(401, 'Unauthorized', 'Unauthorized'),
  403: problem(403, 'Forbidden', 'Forbidden'),
  404: problem(404, 'Not Found Error', 'Could not find the requested resource.'),
  429: problem(429, 'Too Many Requests', 'Too Many Requests'),
  500: problem(500, 'Internal Server Error', 'Internal Server Error'),
  503: problem(503, 'Service Unavailable', 'Service Unavailable'),
};

const invalidRequest = (message: string) => ({
  errors: [{ message }],
  title: 'Invalid Request',
  detail: 'One or more parameters to your request was invalid.',
  type: 'https://api.twitter.com/2/problems/invalid-request',
});

/** RFC 3986 encoding, as OAuth 1.0a signs. */
const percentEncode = (s: string) =>
  encodeURIComponent(s).replace(/[!*'()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function parseOAuthHeader(header: string | undefined): Map<string, string> | null {
  if (!header?.startsWith('OAuth ')) return null;
  const params = new Map<string, string>();
  for (const m of header.slice(6).matchAll(/([\w.-]+)="([^"]*)"/g)) {
    params.set(decodeURIComponent(m[1] ?? ''), decodeURIComponent(m[2] ?? ''));
  }
  return params;
}

/** Checks an OAuth 1.0a HMAC-SHA1 signature over the method, URL and query (JSON bodies are not signed). */
function validSignature(method: string, url: URL, oauth: Map<string, string>, secrets: string): boolean {
  const given = oauth.get('oauth_signature');
  if (!given) return false;
  const pairs = [...oauth].filter(([k]) => k !== 'oauth_signature');
  pairs.push(...url.searchParams);
  const params = pairs
    .map(([k, v]) => [percentEncode(k), percentEncode(v)] as const)
    .sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const base = [method, percentEncode(`${url.origin}${url.pathname}`), percentEncode(params)].join('&');
  const expected = createHmac('sha1', secrets).update(base).digest();
  const actual = Buffer.from(given, 'base64');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

interface Reply {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

const reply = (status: number, body: unknown, headers: Record<string, string> = {}): Reply => ({
  status,
  body,
  headers,
});

interface StoredTweet extends FakeTweet {
  display: string;
  urls: Array<{ start: number; end: number; url: string; expanded_url: string; display_url: string }>;
}

/** What X shows for a typed text: each URL as a t.co link (with an entity saying what it stands for), escaped. */
function linkify(text: string): Pick<StoredTweet, 'display' | 'urls'> {
  const found = twitterText.extractUrlsWithIndices(text);
  let display = '';
  let from = 0;
  const urls: StoredTweet['urls'] = [];
  for (const { url, indices } of found) {
    const [start, end] = indices;
    const tco = `https://t.co/${createHash('sha256').update(url).digest('base64url').slice(0, 10)}`;
    display += text.slice(from, start);
    const at = [...display].length;
    urls.push({
      start: at,
      end: at + tco.length,
      url: tco,
      expanded_url: url,
      display_url: url.replace(/^https?:\/\//, '').slice(0, 30),
    });
    display += tco;
    from = end;
  }
  display += text.slice(from);
  return { display: display.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'), urls };
}

export async function startFakeTwitter(
  options: {
    now?: () => number;
    credentials?: typeof FAKE_TWITTER_CREDENTIALS;
    /** Each answer is sent this long after the request was handled (ms, or a function drawing it). */
    answerDelayMs?: AnswerDelay;
  } = {},
): Promise<FakeTwitter> {
  const creds = options.credentials ?? FAKE_TWITTER_CREDENTIALS;
  const now = options.now ?? Date.now;
  const signingKey = `${percentEncode(creds.appSecret)}&${percentEncode(creds.accessSecret)}`;
  const stored: StoredTweet[] = [];
  const tweets: FakeTweet[] = [];
  const requests: FakeRequest[] = [];
  let nextId = 1_500_000_000_000_000_001n;
  let fault: (TwitterFault & { left: number }) | null = null;

  function takeFault(route: string): TwitterFault | null {
    if (!fault || fault.kind === 'refuse' || fault.left <= 0) return null;
    if (fault.route && fault.route !== route) return null;
    if (fault.kind === 'lose-response' && route !== 'POST /2/tweets') return null;
    if (fault.kind === 'stale-timeline' && route !== 'GET /2/users/:id/tweets') return null;
    fault.left--;
    return fault;
  }

  function timeline(userId: string | undefined, url: URL, stale: boolean): Reply {
    const max = Number(url.searchParams.get('max_results') ?? 10);
    if (!Number.isInteger(max) || max < 5 || max > 100)
      return reply(400, invalidRequest(`The \`max_results\` query parameter value [${max}] is not valid`));
    const fields = new Set((url.searchParams.get('tweet.fields') ?? '').split(',').filter(Boolean));
    const own = userId !== FAKE_TWITTER_USER.id ? [] : stale ? stored.slice(0, -1) : stored;
    const page = [...own].reverse().slice(0, max);
    const data = page.map((t) => ({
      id: t.id,
      text: t.display,
      edit_history_tweet_ids: [t.id],
      ...(fields.has('created_at') ? { created_at: new Date(t.createdAt).toISOString() } : {}),
      ...(fields.has('in_reply_to_user_id') && t.in_reply_to_tweet_id
        ? { in_reply_to_user_id: FAKE_TWITTER_USER.id }
        : {}),
      ...(fields.has('referenced_tweets') && t.in_reply_to_tweet_id
        ? { referenced_tweets: [{ type: 'replied_to', id: t.in_reply_to_tweet_id }] }
        : {}),
      ...(fields.has('entities') && t.urls.length ? { entities: { urls: t.urls } } : {}),
    }));
    const first = page[0];
    const last = page.at(-1);
    return reply(200, {
      ...(data.length ? { data } : {}),
      meta:
        first && last
          ? { result_count: data.length, newest_id: first.id, oldest_id: last.id }
          : { result_count: 0 },
    });
  }

  function createTweet(body: string, lose: boolean): Reply | 'lost' {
    let payload: { text?: unknown; reply?: { in_reply_to_tweet_id?: unknown } };
    try {
      payload = JSON.parse(body);
    } catch {
      return reply(400, invalidRequest('Request body is not valid JSON'));
    }
    const text = payload.text;
    if (typeof text !== 'string') return reply(400, invalidRequest('`text` is required'));
    const parsed = twitterText.parseTweet(text);
    if (!parsed.valid) {
      const why = `Tweet text is not valid (weighted length ${parsed.weightedLength}, at most 280)`;
      return reply(400, invalidRequest(why));
    }
    const replyTo = payload.reply?.in_reply_to_tweet_id;
    if (replyTo !== undefined && (typeof replyTo !== 'string' || !stored.some((t) => t.id === replyTo)))
      return reply(400, invalidRequest(`The \`reply.in_reply_to_tweet_id\` value [${replyTo}] is not valid`));
    if (stored.some((t) => t.text === text)) {
      const why = 'You are not allowed to create a Tweet with duplicate content.';
      return reply(403, problem(403, 'Forbidden', why));
    }
    const id = String(nextId++);
    const tweet: FakeTweet = {
      id,
      text,
      in_reply_to_tweet_id: typeof replyTo === 'string' ? replyTo : null,
      oauth: true,
      createdAt: now(),
    };
    const shown = linkify(text);
    stored.push({ ...tweet, ...shown });
    tweets.push(tweet);
    return lose ? 'lost' : reply(201, { data: { id, text: shown.display, edit_history_tweet_ids: [id] } });
  }

  /** Answers one request, or says that it is left hanging or that its answer is lost. */
  function answer(req: http.IncomingMessage, url: URL, body: string): Reply | 'hang' | 'lost' {
    const method = req.method ?? 'GET';
    const timelineOf = /^\/2\/users\/([^/]+)\/tweets$/.exec(url.pathname);
    const route = `${method} ${timelineOf ? '/2/users/:id/tweets' : url.pathname}`;
    const injected = takeFault(route);
    if (injected?.kind === 'hang') return 'hang';
    if (injected?.kind === 'status')
      return reply(injected.status, injected.body ?? STATUS_BODIES[injected.status] ?? {});

    const oauth = parseOAuthHeader(req.headers.authorization);
    const authorized =
      oauth?.get('oauth_consumer_key') === creds.appKey &&
      oauth.get('oauth_token') === creds.accessToken &&
      validSignature(method, url, oauth, signingKey);
    if (!authorized) return reply(401, STATUS_BODIES[401]);
    if (injected?.kind === 'rate-limit') {
      return reply(429, STATUS_BODIES[429], {
        'x-rate-limit-limit': '100',
        'x-rate-limit-remaining': '0',
        'x-rate-limit-reset': String(injected.reset),
      });
    }
    if (route === 'GET /2/users/me') return reply(200, { data: FAKE_TWITTER_USER });
    if (timelineOf && method === 'GET')
      return timeline(timelineOf[1], url, injected?.kind === 'stale-timeline');
    if (route === 'POST /2/tweets') return createTweet(body, injected?.kind === 'lose-response');
    return reply(404, STATUS_BODIES[404]);
  }

  function handle(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
    const log: FakeRequest = {
      at: now(),
      method: req.method ?? 'GET',
      path: url.pathname + url.search,
      oauth: parseOAuthHeader(req.headers.authorization) !== null,
      outcome: 0,
    };
    requests.push(log);
    const result = answer(req, url, body);
    if (result === 'hang') {
      log.outcome = 'hang';
    } else if (result === 'lost') {
      log.outcome = 'lost';
      req.socket.destroy();
    } else {
      log.outcome = result.status;
      res.writeHead(result.status, { 'content-type': 'application/json; charset=utf-8', ...result.headers });
      res.end(JSON.stringify(result.body));
    }
  }

  const server = http.createServer((req, res) => {
    delayAnswer(res, options.answerDelayMs);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  const listen = (port: number) => listenOnLoopback(server, port);
  const stop = () => closeServer(server);

  await listen(0);
  const port = (server.address() as AddressInfo).port;
  let listening = true;

  return {
    url: `http://127.0.0.1:${port}/`,
    tweets,
    requests,
    async setFault(next) {
      fault = next ? { ...next, left: next.times ?? 1 } : null;
      if (next?.kind === 'refuse' && listening) {
        listening = false;
        await stop();
      } else if (next?.kind !== 'refuse' && !listening) {
        await listen(port);
        listening = true;
      }
    },
    async close() {
      if (listening) {
        listening = false;
        await stop();
      }
    },
  };
}
