// A local stand-in for a Bluesky PDS on 127.0.0.1: enough XRPC for @atproto/api's AtpAgent to log in with an
// app password, refresh its session, create posts and list them, with the faults a real one shows (5xx,
// rate limits, hangs, refused connections, and a write that lands but whose answer is lost).
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { TEST_CREDENTIALS } from '../helpers/credentials.js';
import { type AnswerDelay, closeServer, delayAnswer, listenOnLoopback } from './loopback.js';

export interface StrongRef {
  uri: string;
  cid: string;
}

export interface FakeBlueskyPost {
  uri: string;
  cid: string;
  rkey: string;
  text: string;
  facets: Array<{ index: { byteStart: number; byteEnd: number }; features: Array<Record<string, unknown>> }>;
  reply: { root: StrongRef; parent: StrongRef } | null;
  createdAt: string;
  record: Record<string, unknown>;
}

export interface FakeBlueskyRequest {
  method: string;
  /** The XRPC method, e.g. `com.atproto.repo.createRecord`. */
  nsid: string;
  /** The status answered; `hung` while never answered, `destroyed` when the socket was destroyed instead. */
  status: number | 'hung' | 'destroyed';
  /** The real time it arrived. */
  at: number;
}

/** `times`: how many matching requests the fault applies to (default: all, until cleared). `nsid`: only those. */
export type FakeBlueskyFault =
  | { kind: 'status'; status: number; error?: string; message?: string; times?: number; nsid?: string }
  /** 429 with `ratelimit-limit`, `ratelimit-remaining: 0` and `ratelimit-reset` (epoch seconds). */
  | { kind: 'rateLimit'; reset: number; times?: number; nsid?: string }
  /** Reads the request and never answers. */
  | { kind: 'hang'; times?: number; nsid?: string }
  /** createRecord: stores the post, then destroys the socket before answering. */
  | { kind: 'lostResponse'; times?: number }
  /** Stops listening: connections are refused until the fault is cleared. */
  | { kind: 'refuse' };

export interface FakeBluesky {
  url: string;
  did: string;
  handle: string;
  /** The posts it stored, oldest first. */
  posts: FakeBlueskyPost[];
  requests: FakeBlueskyRequest[];
  /** Every access and refresh token it issued, for checking that none reaches a log. */
  issuedTokens: string[];
  setFault(fault: FakeBlueskyFault | null): Promise<void>;
  /** Access tokens stop working (answered `ExpiredToken`); with `refresh`, refresh tokens too. */
  expireSessions(options?: { refresh?: boolean }): void;
  close(): Promise<void>;
}

const S32 = '234567abcdefghijklmnopqrstuvwxyz';
const RFC4648 = 'abcdefghijklmnopqrstuvwxyz234567';

function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += RFC4648[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += RFC4648[(value << (5 - bits)) & 31];
  return out;
}

/** A CIDv1 (dag-cbor, sha-256) of `content`, as the atproto libraries parse it. */
function cidOf(content: string): string {
  const digest = createHash('sha256').update(content).digest();
  return `b${base32(new Uint8Array([0x01, 0x71, 0x12, 0x20, ...digest]))}`;
}

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });
const graphemeCount = (text: string) => [...graphemes.segment(text)].length;

export async function startFakeBluesky(
  options: {
    handle?: string;
    appPassword?: string;
    /** Each answer is sent this long after the request was handled (ms, or a function drawing it). */
    answerDelayMs?: AnswerDelay;
  } = {},
): Promise<FakeBluesky> {
  const handle = options.handle ?? 'status.ninernet.example';
  const appPassword = options.appPassword ?? TEST_CREDENTIALS.blueskyAppPassword;
  const did = 'did:plc:ninernetstatus2345abcd';
  const posts: FakeBlueskyPost[] = [];
  const requests: FakeBlueskyRequest[] = [];
  const issuedTokens: string[] = [];
  const access = new Set<string>();
  const refresh = new Set<string>();
  let fault: (FakeBlueskyFault & { left: number }) | null = null;
  let lastTid = 0n;

  function nextTid(): string {
    const micros = BigInt(Date.now()) * 1000n;
    lastTid = micros > lastTid ? micros : lastTid + 1n;
    let tid = (lastTid << 10n) | 7n;
    let out = '';
    for (let i = 0; i < 13; i++) {
      out = S32[Number(tid & 31n)] + out;
      tid >>= 5n;
    }
    return out;
  }

  function issue() {
    const accessJwt = `fake-access-${randomBytes(12).toString('hex')}`;
    const refreshJwt = `fake-refresh-${randomBytes(12).toString('hex')}`;
    access.add(accessJwt);
    refresh.add(refreshJwt);
    issuedTokens.push(accessJwt, refreshJwt);
    return { did, handle, accessJwt, refreshJwt, active: true };
  }

  function bearer(req: http.IncomingMessage): string | null {
    const auth = req.headers.authorization;
    return auth?.startsWith('Bearer ') ? auth.slice(7) : null;
  }

  type Answer = { status: number; body: unknown; headers?: Record<string, string> };
  const fail = (status: number, error: string, message: string): Answer => ({
    status,
    body: { error, message },
  });

  /** Checks the access token: an answer to send instead, or null when it is good. */
  function unauthorized(req: http.IncomingMessage): Answer | null {
    const token = bearer(req);
    if (!token) return fail(401, 'AuthenticationRequired', 'Authentication Required');
    if (!access.has(token)) return fail(400, 'ExpiredToken', 'Token has expired');
    return null;
  }

  function createRecord(body: Record<string, unknown>): Answer {
    const record = body.record as Record<string, unknown> | undefined;
    if (body.repo !== did && body.repo !== handle) return fail(400, 'InvalidRequest', 'Could not find repo');
    if (body.collection !== 'app.bsky.feed.post' || !record || record.$type !== 'app.bsky.feed.post') {
      return fail(400, 'InvalidRequest', 'Invalid app.bsky.feed.post record');
    }
    const text = record.text;
    if (typeof text !== 'string' || typeof record.createdAt !== 'string') {
      return fail(
        400,
        'InvalidRequest',
        'Invalid app.bsky.feed.post record: Record must have text and createdAt',
      );
    }
    if (graphemeCount(text) > 300) {
      return fail(
        400,
        'InvalidRequest',
        'Invalid app.bsky.feed.post record: Record/text must not be longer than 300 graphemes',
      );
    }
    const rkey = nextTid();
    const uri = `at://${did}/app.bsky.feed.post/${rkey}`;
    const cid = cidOf(JSON.stringify(record) + rkey);
    posts.push({
      uri,
      cid,
      rkey,
      text,
      facets: (record.facets as FakeBlueskyPost['facets'] | undefined) ?? [],
      reply: (record.reply as FakeBlueskyPost['reply'] | undefined) ?? null,
      createdAt: record.createdAt,
      record,
    });
    return { status: 200, body: { uri, cid, validationStatus: 'valid' } };
  }

  function listRecords(params: URLSearchParams): Answer {
    if (params.get('repo') !== did && params.get('repo') !== handle) {
      return fail(400, 'InvalidRequest', 'Could not find repo');
    }
    const limit = Math.min(Number(params.get('limit') ?? 50), 100);
    const cursor = params.get('cursor');
    const reverse = params.get('reverse') === 'true';
    const ordered = reverse ? [...posts] : [...posts].reverse();
    const after = cursor ? ordered.filter((p) => (reverse ? p.rkey > cursor : p.rkey < cursor)) : ordered;
    const page = after.slice(0, limit);
    const last = page.at(-1);
    return {
      status: 200,
      body: {
        records: page.map((p) => ({ uri: p.uri, cid: p.cid, value: p.record })),
        ...(last && page.length === limit ? { cursor: last.rkey } : {}),
      },
    };
  }

  function route(
    req: http.IncomingMessage,
    nsid: string,
    params: URLSearchParams,
    body: Record<string, unknown>,
  ): Answer {
    switch (nsid) {
      case 'com.atproto.server.describeServer':
        return { status: 200, body: { did: 'did:web:pds.ninernet.example', availableUserDomains: [] } };
      case 'com.atproto.server.createSession':
        return (body.identifier === handle || body.identifier === did) && body.password === appPassword
          ? { status: 200, body: issue() }
          : fail(401, 'AuthenticationRequired', 'Invalid identifier or password');
      case 'com.atproto.server.refreshSession': {
        const token = bearer(req);
        if (!token || !refresh.has(token)) return fail(400, 'ExpiredToken', 'Token has expired');
        refresh.delete(token);
        return { status: 200, body: issue() };
      }
      case 'com.atproto.server.getSession':
        return unauthorized(req) ?? { status: 200, body: { did, handle, active: true } };
      case 'com.atproto.repo.createRecord':
        return unauthorized(req) ?? createRecord(body);
      case 'com.atproto.repo.listRecords':
        return listRecords(params);
      default:
        return fail(501, 'MethodNotImplemented', `Method Not Implemented: ${nsid}`);
    }
  }

  /** The fault for this request, counting it down; null when none applies. */
  function takeFault(nsid: string): FakeBlueskyFault | null {
    if (!fault || fault.kind === 'refuse' || fault.left <= 0) return null;
    const only = fault.kind === 'lostResponse' ? 'com.atproto.repo.createRecord' : fault.nsid;
    if (only && only !== nsid) return null;
    fault.left--;
    return fault;
  }

  const server = http.createServer((req, res) => {
    delayAnswer(res, options.answerDelayMs);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const nsid = url.pathname.replace(/^\/xrpc\//, '');
    const entry: FakeBlueskyRequest = { method: req.method ?? 'GET', nsid, status: 'hung', at: Date.now() };
    requests.push(entry);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const send = (answer: Answer) => {
        const payload = JSON.stringify(answer.body);
        entry.status = answer.status;
        res.writeHead(answer.status, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(payload),
          ...answer.headers,
        });
        res.end(payload);
      };
      let body: Record<string, unknown> = {};
      try {
        const text = Buffer.concat(chunks).toString('utf8');
        body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        send(fail(400, 'InvalidRequest', 'Request body is not JSON'));
        return;
      }
      const f = takeFault(nsid);
      if (f?.kind === 'hang') return;
      if (f?.kind === 'status') {
        send(fail(f.status, f.error ?? 'InternalServerError', f.message ?? `Fault ${f.status}`));
        return;
      }
      if (f?.kind === 'rateLimit') {
        send({
          ...fail(429, 'RateLimitExceeded', 'Rate Limit Exceeded'),
          headers: {
            'ratelimit-limit': '5000',
            'ratelimit-remaining': '0',
            'ratelimit-reset': String(f.reset),
            'ratelimit-policy': '5000;w=3600',
          },
        });
        return;
      }
      const answer = route(req, nsid, url.searchParams, body);
      if (f?.kind === 'lostResponse') {
        entry.status = 'destroyed';
        req.socket.destroy();
        return;
      }
      send(answer);
    });
  });

  const listen = (port: number) => listenOnLoopback(server, port);
  const stop = () => closeServer(server);

  await listen(0);
  const { port } = server.address() as AddressInfo;
  let refusing = false;

  return {
    url: `http://127.0.0.1:${port}`,
    did,
    handle,
    posts,
    requests,
    issuedTokens,
    async setFault(next) {
      if (refusing && next?.kind !== 'refuse') {
        refusing = false;
        await listen(port);
      }
      fault = next
        ? { ...next, left: 'times' in next && next.times !== undefined ? next.times : Infinity }
        : null;
      if (next?.kind === 'refuse' && !refusing) {
        refusing = true;
        await stop();
      }
    },
    expireSessions(opts = {}) {
      access.clear();
      if (opts.refresh) refresh.clear();
    },
    async close() {
      if (!refusing) await stop();
      refusing = true;
    },
  };
}
