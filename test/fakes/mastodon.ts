// A local Mastodon instance on 127.0.0.1, as much of one as Herald's outlet meets: the instance's limits
// (GET /api/v2/instance, and /api/v1/instance for older servers), the token's account (GET
// /api/v1/accounts/verify_credentials, for `herald doctor`) and posting (POST /api/v1/statuses) with
// Mastodon's bearer tokens, its length rule, its error bodies and its Idempotency-Key. Faults on demand:
// an error status, a rate limit, a hang, refused connections and a status made whose answer is lost.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import twitterText from 'twitter-text';
import { TEST_CREDENTIALS } from '../helpers/credentials.js';
import { type AnswerDelay, closeServer, delayAnswer, listenOnLoopback } from './loopback.js';

export interface FakeStatus {
  id: string;
  /** The status text as posted. */
  text: string;
  inReplyToId: string | null;
  visibility: string;
  idempotencyKey: string | null;
  account: string;
  url: string;
}

export interface FakeRequest {
  method: string;
  path: string;
  idempotencyKey: string | null;
  /** The status code answered, or what happened instead. */
  outcome: number | 'hung' | 'destroyed';
  /** When it arrived, by the fake's clock. */
  at: number;
}

export type FakeFault =
  /** Answer every matching request with `status` (a JSON error body unless `contentType` says otherwise). */
  | { kind: 'status'; status: number; times?: number; body?: string; contentType?: string }
  /** 429 with Mastodon's X-RateLimit-Limit/Remaining/Reset; `reset` is epoch ms. */
  | { kind: 'rate-limit'; reset: number; times?: number }
  /** Read the request and never answer. */
  | { kind: 'hang'; times?: number }
  /** Make the status, then destroy the socket before answering: the client never learns it exists. */
  | { kind: 'lose-response'; times?: number }
  /** Stop listening (and drop open connections) until the fault is cleared: connections are refused. */
  | { kind: 'refuse' };

export interface FakeMastodonOptions {
  /** `configuration.statuses.max_characters`; null leaves it out, as a server that does not say. */
  maxCharacters?: number | null;
  charactersReservedPerUrl?: number;
  /** False: a server older than Mastodon 4.0, without /api/v2/instance. */
  v2?: boolean;
  /** Valid access tokens and the account each belongs to. */
  tokens?: Record<string, string>;
  /** Which requests faults apply to: posting only (the default), or every request. */
  faultsOn?: 'statuses' | 'all';
  /** The fake's clock (epoch ms), for idempotency keys' hour and the requests log. */
  now?: () => number;
  /** Each answer is sent this long after the request was handled (ms, or a function drawing it). */
  answerDelayMs?: AnswerDelay;
}

export interface FakeMastodon {
  url: string;
  /** The statuses it holds, oldest first; take one out to play its deletion. */
  statuses: FakeStatus[];
  requests: FakeRequest[];
  /** Sets the fault (replacing any), or clears it with null. Resolves once the fake listens as it says. */
  setFault(fault: FakeFault | null): Promise<void>;
  close(): Promise<void>;
}

export const FAKE_TOKEN = TEST_CREDENTIALS.mastodonToken;

/** Mastodon keeps an idempotency key for an hour (PostStatusService: `redis.setex(key, 3_600, id)`). */
const IDEMPOTENCY_TTL_MS = 3_600_000;

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * Mastodon's StatusLengthValidator: URLs that entity extraction finds (with a protocol) count as
 * `reservedPerUrl`, everything else in grapheme clusters, the content warning included.
 */
export function mastodonLength(text: string, reservedPerUrl = 23, spoilerText = ''): number {
  const urls = twitterText.extractUrlsWithIndices(text, { extractUrlsWithoutProtocol: false });
  let countable = '';
  let last = 0;
  for (const { indices } of urls) {
    countable += text.slice(last, indices[0]) + 'x'.repeat(reservedPerUrl);
    last = indices[1];
  }
  countable += text.slice(last);
  return [...graphemes.segment(spoilerText + countable)].length;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function startFakeMastodon(options: FakeMastodonOptions = {}): Promise<FakeMastodon> {
  const maxCharacters = options.maxCharacters === undefined ? 500 : options.maxCharacters;
  const reservedPerUrl = options.charactersReservedPerUrl ?? 23;
  const tokens = options.tokens ?? { [FAKE_TOKEN]: 'herald' };
  const now = options.now ?? Date.now;
  const statuses: FakeStatus[] = [];
  const requests: FakeRequest[] = [];
  /** `account:key` → the status made with it and when the key is forgotten. */
  const idempotency = new Map<string, { id: string; expires: number }>();
  let fault: (FakeFault & { left: number }) | null = null;
  let nextId = 110_000_000_000_000_001n;
  let base = '';

  const json = (
    res: http.ServerResponse,
    status: number,
    body: unknown,
    headers: http.OutgoingHttpHeaders = {},
  ) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };

  function instance(version: 1 | 2) {
    const statusesConfig =
      maxCharacters === null
        ? {}
        : {
            statuses: {
              max_characters: maxCharacters,
              max_media_attachments: 4,
              characters_reserved_per_url: reservedPerUrl,
            },
          };
    const common = {
      title: 'Fake Mastodon',
      version: '4.3.0',
      description: 'A local stand-in',
      languages: ['en'],
    };
    return version === 2
      ? {
          domain: '127.0.0.1',
          source_url: 'https://github.com/mastodon/mastodon',
          ...common,
          configuration: statusesConfig,
        }
      : { uri: '127.0.0.1', short_description: '', email: '', ...common, configuration: statusesConfig };
  }

  function serialize(s: FakeStatus) {
    return {
      id: s.id,
      created_at: new Date(now()).toISOString(),
      in_reply_to_id: s.inReplyToId,
      in_reply_to_account_id: s.inReplyToId ? '1' : null,
      sensitive: false,
      spoiler_text: '',
      visibility: s.visibility,
      language: 'en',
      uri: `${base}/users/${s.account}/statuses/${s.id}`,
      url: s.url,
      replies_count: 0,
      reblogs_count: 0,
      favourites_count: 0,
      edited_at: null,
      content: s.text
        .split(/\n\s*\n/)
        .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br />')}</p>`)
        .join(''),
      reblog: null,
      account: { id: '1', username: s.account, acct: s.account, url: `${base}/@${s.account}` },
      media_attachments: [],
      mentions: [],
      tags: [],
      emojis: [],
      card: null,
      poll: null,
    };
  }

  function bearer(req: http.IncomingMessage): string | undefined {
    const match = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    return match?.[1] ? tokens[match[1]] : undefined;
  }

  function parseBody(req: http.IncomingMessage, raw: string): Record<string, unknown> {
    if (!raw) return {};
    if ((req.headers['content-type'] ?? '').startsWith('application/json')) return JSON.parse(raw);
    return Object.fromEntries(new URLSearchParams(raw));
  }

  /** POST /api/v1/statuses, in Mastodon's order: token, the status replied to, idempotency, validation. */
  function postStatus(req: http.IncomingMessage, res: http.ServerResponse, raw: string, lose: boolean) {
    const account = bearer(req);
    if (!account) return json(res, 401, { error: 'The access token is invalid' });
    const body = parseBody(req, raw);
    const text = typeof body.status === 'string' ? body.status : '';
    const replyTo =
      typeof body.in_reply_to_id === 'string' && body.in_reply_to_id ? body.in_reply_to_id : null;
    if (replyTo && !statuses.some((s) => s.id === replyTo)) {
      return json(res, 404, { error: 'The post you are trying to reply to does not appear to exist.' });
    }
    const key = typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : null;
    const remembered = key ? idempotency.get(`${account}:${key}`) : undefined;
    const existing = remembered && remembered.expires > now() && statuses.find((s) => s.id === remembered.id);
    if (existing) {
      if (lose) return req.socket.destroy();
      return json(res, 200, serialize(existing));
    }
    if (!text.trim()) return json(res, 422, { error: "Validation failed: Text can't be blank" });
    const spoiler = typeof body.spoiler_text === 'string' ? body.spoiler_text : '';
    const limit = maxCharacters ?? 500;
    if (mastodonLength(text, reservedPerUrl, spoiler) > limit) {
      return json(res, 422, { error: `Validation failed: Text character limit of ${limit} exceeded` });
    }
    const id = String(nextId++);
    const status: FakeStatus = {
      id,
      text,
      inReplyToId: replyTo,
      visibility: typeof body.visibility === 'string' ? body.visibility : 'public',
      idempotencyKey: key,
      account,
      url: `${base}/@${account}/${id}`,
    };
    statuses.push(status);
    if (key) idempotency.set(`${account}:${key}`, { id, expires: now() + IDEMPOTENCY_TTL_MS });
    if (lose) return req.socket.destroy();
    return json(res, 200, serialize(status));
  }

  /** The fault for this request, if one applies; counts it down. */
  function takeFault(isStatuses: boolean) {
    if (!fault || fault.kind === 'refuse') return null;
    if (!isStatuses && (options.faultsOn ?? 'statuses') === 'statuses') return null;
    const taken = fault;
    taken.left--;
    if (taken.left <= 0) fault = null;
    return taken;
  }

  function handle(req: http.IncomingMessage, res: http.ServerResponse, raw: string) {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const isStatuses = req.method === 'POST' && path === '/api/v1/statuses';
    const key = req.headers['idempotency-key'];
    const entry: FakeRequest = {
      method: req.method ?? 'GET',
      path,
      idempotencyKey: typeof key === 'string' ? key : null,
      outcome: 'hung',
      at: now(),
    };
    requests.push(entry);
    res.on('finish', () => {
      entry.outcome = res.statusCode;
    });
    const f = takeFault(isStatuses);
    if (f?.kind === 'hang') return;
    if (f?.kind === 'lose-response') entry.outcome = 'destroyed';
    if (f?.kind === 'status') {
      res.writeHead(f.status, { 'content-type': f.contentType ?? 'application/json; charset=utf-8' });
      return res.end(f.body ?? JSON.stringify({ error: http.STATUS_CODES[f.status] ?? 'Error' }));
    }
    if (f?.kind === 'rate-limit') {
      return json(
        res,
        429,
        { error: 'Too many requests' },
        {
          'x-ratelimit-limit': '300',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': new Date(f.reset).toISOString(),
        },
      );
    }
    if (req.method === 'GET' && path === '/api/v2/instance') {
      return options.v2 === false
        ? json(res, 404, { error: 'Record not found' })
        : json(res, 200, instance(2));
    }
    if (req.method === 'GET' && path === '/api/v1/instance') return json(res, 200, instance(1));
    if (req.method === 'GET' && path === '/api/v1/accounts/verify_credentials') {
      const account = bearer(req);
      if (!account) return json(res, 401, { error: 'The access token is invalid' });
      return json(res, 200, { id: '1', username: account, acct: account, url: `${base}/@${account}` });
    }
    if (isStatuses) return postStatus(req, res, raw, f?.kind === 'lose-response');
    return json(res, 404, { error: 'Record not found' });
  }

  const server = http.createServer((req, res) => {
    delayAnswer(res, options.answerDelayMs);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        handle(req, res, Buffer.concat(chunks).toString('utf8'));
      } catch (error) {
        json(res, 500, { error: String(error) });
      }
    });
  });

  const listen = async (port: number) => {
    await listenOnLoopback(server, port);
    return (server.address() as AddressInfo).port;
  };
  const stopListening = async () => {
    await closeServer(server);
    // Two turns of the event loop (the sockets' close, then a poll), so that a client in this process
    // usually sees its pooled connections gone and meets ECONNREFUSED rather than a closed socket.
    await new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
  };

  const port = await listen(0);
  base = `http://127.0.0.1:${port}`;

  return {
    url: base,
    statuses,
    requests,
    async setFault(next) {
      const wasRefusing = fault?.kind === 'refuse';
      fault = next
        ? { ...next, left: 'times' in next && next.times !== undefined ? next.times : Infinity }
        : null;
      if (next?.kind === 'refuse' && !wasRefusing) await stopListening();
      if (next?.kind !== 'refuse' && wasRefusing) await listen(port);
    },
    async close() {
      if (server.listening) await stopListening();
    },
  };
}
