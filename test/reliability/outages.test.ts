// Proof under faults (issue 7), outages: each outlet (Twitter, Mastodon, Bluesky, the Slack and Discord
// announcement channels) and each chat platform's API (Slack's Web API, Discord's REST API) in turn refusing
// connections, answering 5xx, answering too late (past the outlets' request timeout, 30 s in production and
// HERALD_REQUEST_TIMEOUT_MS here) and rate-limiting. The whole Herald (the composition root, its publisher,
// both chat adapters on its one HTTP server) against the local fakes; commands come in as signed Slack and
// Discord requests. Each row: the fault is put in place, commands are acknowledged within 3 s and recorded,
// the faulty outlet's deliveries wait while the others go out; then the fault clears, the test clock moves
// past backoff and reset times, and every post reaches every outlet exactly once, in order, in its thread.
//
// Faults come from the fakes' own `setFault` where they have the kind. The fake Slack has no refuse, 5xx
// or hang, and the fake Discord no refuse or hang: for those, a small proxy (below) stands in front of the
// fake's API on 127.0.0.1 and plays the fault. A refused connection cannot be limited to one route, so the
// Slack and Discord outlet rows' `refuse` is their whole API refusing, as in the platform rows.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createChatAdapters } from '../../src/app.js';
import type { Delivery } from '../../src/bot/types.js';
import { createHttpApp, listen, type RunningServer } from '../../src/server.js';
import { type FakeBluesky, startFakeBluesky } from '../fakes/bluesky.js';
import {
  commandInteraction,
  createInteractionSigner,
  FAKE_APPLICATION_ID,
  FAKE_CHANNEL_ID,
  FAKE_DISCORD_TOKEN,
  type FakeDiscord,
  type FakeUser,
  type InteractionSigner,
  postInteraction,
  signedHeaders,
  startFakeDiscord,
} from '../fakes/discord.js';
import { closeServer, listenOnLoopback } from '../fakes/loopback.js';
import { type FakeMastodon, startFakeMastodon } from '../fakes/mastodon.js';
import { FAKE_SLACK, type FakeSlack, postSigned, slashCommand, startFakeSlack } from '../fakes/slack.js';
import { type FakeTwitter, startFakeTwitter } from '../fakes/twitter.js';
import { TEST_CREDENTIALS } from '../helpers/credentials.js';
import { createTestHerald, type TestHerald } from '../helpers/herald.js';
import { testLog } from '../helpers/log.js';
import { socialEnv } from '../helpers/social-env.js';
import { sleep, until } from '../helpers/wait.js';

const silent = testLog();
/** The outlets' request timeout in these tests (HERALD_REQUEST_TIMEOUT_MS; 30 s in production). */
const REQUEST_TIMEOUT_MS = 500;
/** Past the longest backoff (15 minutes) and every reset the faults announce. */
const PAST_BACKOFF_MS = 16 * 60_000;
const ACK_LIMIT_MS = 3_000;
const BLUESKY_PASSWORD = TEST_CREDENTIALS.blueskyAppPassword;
const anna: FakeUser = { id: '1500000000000000001', username: 'anna' };

// ------------------------------------------------------------------------------------- a fault proxy

type ProxyFault =
  | { kind: 'refuse' }
  /** Answers matching requests itself (they never reach the fake). `route`: tested on `METHOD /path`. */
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: unknown; route?: RegExp }
  /** Reads matching requests and never answers (nor forwards them); clearing the fault cuts them. */
  | { kind: 'hang'; route?: RegExp }
  /**
   * Forwards the next `times` matching requests, so that they take effect on the fake, and loses the answer
   * (the client waits until its timeout): an attempt that landed but looks failed.
   */
  | { kind: 'lose-answer'; route: RegExp; times: number };

interface FaultProxy {
  /** `http://127.0.0.1:PORT`: the fake's origin, through the proxy. */
  url: string;
  setFault(fault: ProxyFault | null): Promise<void>;
  close(): Promise<void>;
}

async function startFaultProxy(target: string): Promise<FaultProxy> {
  const to = new URL(target);
  let fault: ProxyFault | null = null;
  const held = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const route = `${req.method} ${path.split('?')[0]}`;
      const hit =
        fault && fault.kind !== 'refuse' && (!fault.route || fault.route.test(route)) ? fault : null;
      if (hit?.kind === 'hang') {
        held.add(res);
        res.on('close', () => held.delete(res));
        return;
      }
      const lose = hit?.kind === 'lose-answer' && hit.times > 0 ? hit : null;
      if (lose) {
        lose.times -= 1;
        held.add(res);
        res.on('close', () => held.delete(res));
      }
      if (hit?.kind === 'status') {
        res.writeHead(hit.status, { 'content-type': 'application/json', ...hit.headers });
        res.end(JSON.stringify(hit.body ?? { message: http.STATUS_CODES[hit.status] }));
        return;
      }
      const upstream = http.request(
        {
          host: to.hostname,
          port: to.port,
          method: req.method,
          path,
          headers: { ...req.headers, host: to.host },
        },
        (answer) => {
          if (lose) return void answer.resume();
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      upstream.end(Buffer.concat(chunks));
    });
  });
  await listenOnLoopback(server, 0);
  const { port } = server.address() as AddressInfo;
  let listening = true;
  const stop = async () => {
    listening = false;
    await closeServer(server);
    // As the fakes do: two turns, so that pooled client connections are seen gone (then refused).
    await new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
  };
  return {
    url: `http://127.0.0.1:${port}`,
    async setFault(next) {
      fault = next;
      if (next?.kind !== 'hang') for (const res of held) res.socket?.destroy();
      if (next?.kind === 'refuse' && listening) await stop();
      if (next?.kind !== 'refuse' && !listening) {
        await listenOnLoopback(server, port);
        listening = true;
      }
    },
    async close() {
      for (const res of held) res.socket?.destroy();
      if (listening) await stop();
    },
  };
}

// ------------------------------------------------------------------------------------------ the world

interface World {
  app: TestHerald;
  twitter: FakeTwitter;
  mastodon: FakeMastodon;
  bluesky: FakeBluesky;
  slack: FakeSlack;
  discord: FakeDiscord;
  slackApi: FaultProxy;
  discordApi: FaultProxy;
  signer: InteractionSigner;
  eventsUrl: string;
  interactionsUrl: string;
  now(): number;
  setNow(at: number): void;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function swap(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`the shipped config no longer holds "${from}"`);
  return text.replace(from, to);
}

async function startWorld(): Promise<World> {
  let now = Date.parse('2013-05-03T19:00:00Z');
  const clock = { now: () => now };
  const twitter = await startFakeTwitter({ now: clock.now });
  cleanups.push(() => twitter.close());
  const mastodon = await startFakeMastodon({ now: clock.now });
  cleanups.push(() => mastodon.close());
  const bluesky = await startFakeBluesky({ appPassword: BLUESKY_PASSWORD });
  cleanups.push(() => bluesky.close());
  const slack = await startFakeSlack();
  cleanups.push(() => slack.close());
  const discord = await startFakeDiscord();
  cleanups.push(() => discord.close());
  const slackApi = await startFaultProxy(slack.origin);
  cleanups.push(() => slackApi.close());
  const discordApi = await startFaultProxy(new URL(discord.apiUrl).origin);
  cleanups.push(() => discordApi.close());
  const signer = createInteractionSigner();
  const app = createTestHerald({
    now: new Date(now).toISOString(),
    configText: (shipped) => {
      let text = swap(shipped, 'users: [] # Slack user ids', 'users: ["U0STAFF"] # Slack user ids');
      text = swap(text, 'users: [] # Discord user ids', `users: ["${anna.id}"] # Discord user ids`);
      return swap(text, 'preview: true', 'preview: false');
    },
    env: {
      HERALD_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      ...socialEnv({ twitter, mastodon, bluesky }),
      SLACK_BOT_TOKEN: FAKE_SLACK.botToken,
      SLACK_SIGNING_SECRET: FAKE_SLACK.signingSecret,
      SLACK_API_URL: `${slackApi.url}/api/`,
      SLACK_ANNOUNCE_CHANNEL: FAKE_SLACK.announceChannel,
      DISCORD_TOKEN: FAKE_DISCORD_TOKEN,
      DISCORD_APPLICATION_ID: FAKE_APPLICATION_ID,
      DISCORD_PUBLIC_KEY: signer.publicKey,
      DISCORD_API_URL: `${discordApi.url}/api`,
      DISCORD_ANNOUNCE_CHANNEL: FAKE_CHANNEL_ID,
    },
  });
  cleanups.push(() => app.close());
  const chat = await createChatAdapters(app.herald, silent, clock);
  const server: RunningServer = await listen(
    createHttpApp({
      publicDir: app.config.paths.publicDir,
      health: () => app.herald.health(),
      log: silent,
      routes: chat.routes,
    }),
    '127.0.0.1',
    0,
  );
  cleanups.push(async () => {
    // Whatever a failed row left hanging is cut first, so that the adapters need not wait it out.
    await slackApi.setFault(null);
    await discordApi.setFault(null);
    await chat.stop();
    await server.close();
  });
  await chat.start();
  return {
    app,
    twitter,
    mastodon,
    bluesky,
    slack,
    discord,
    slackApi,
    discordApi,
    signer,
    eventsUrl: new URL('slack/events', server.url).href,
    interactionsUrl: new URL('discord/interactions', server.url).href,
    now: clock.now,
    setNow(at) {
      now = at;
      app.setNow(at);
    },
  };
}

// ------------------------------------------------------------------------------------------ the rows

type OutletName = 'twitter' | 'mastodon' | 'bluesky' | 'slack' | 'discord';
const OUTLETS: OutletName[] = ['twitter', 'mastodon', 'bluesky', 'slack', 'discord'];
type Target = OutletName | 'slack-api' | 'discord-api';
type Kind = 'refuse' | '5xx' | 'slow' | '429';
const TARGETS: Target[] = [...OUTLETS, 'slack-api', 'discord-api'];
const KINDS: Kind[] = ['refuse', '5xx', 'slow', '429'];

const outletOf = (t: Target): OutletName =>
  t === 'slack-api' ? 'slack' : t === 'discord-api' ? 'discord' : t;

const SLACK_POST = /^POST \/api\/chat\.postMessage$/;
const DISCORD_POST = /^POST \/api\/v10\/channels\/\d+\/messages$/;
const RATE_WAIT_S = 60;

/**
 * Puts the fault in place. Returns the clearing, and for a 429 the earliest time a retry may be made (the
 * platform's reset), which Herald must honour.
 */
async function inject(
  w: World,
  target: Target,
  kind: Kind,
): Promise<{ clear: () => Promise<void>; resetAt: number | null }> {
  const resetAt = kind === '429' ? w.now() + RATE_WAIT_S * 1000 : null;
  const resetSeconds = Math.ceil((resetAt ?? 0) / 1000);
  switch (target) {
    case 'twitter': {
      await w.twitter.setFault(
        kind === 'refuse'
          ? { kind: 'refuse' }
          : kind === '5xx'
            ? { kind: 'status', status: 503, times: Infinity }
            : kind === 'slow'
              ? { kind: 'hang', times: Infinity }
              : { kind: 'rate-limit', reset: resetSeconds, times: Infinity },
      );
      return { clear: () => w.twitter.setFault(null), resetAt };
    }
    case 'mastodon': {
      await w.mastodon.setFault(
        kind === 'refuse'
          ? { kind: 'refuse' }
          : kind === '5xx'
            ? { kind: 'status', status: 503 }
            : kind === 'slow'
              ? { kind: 'hang' }
              : { kind: 'rate-limit', reset: resetAt ?? 0 },
      );
      return { clear: () => w.mastodon.setFault(null), resetAt };
    }
    case 'bluesky': {
      await w.bluesky.setFault(
        kind === 'refuse'
          ? { kind: 'refuse' }
          : kind === '5xx'
            ? { kind: 'status', status: 503 }
            : kind === 'slow'
              ? { kind: 'hang' }
              : { kind: 'rateLimit', reset: resetSeconds },
      );
      return { clear: () => w.bluesky.setFault(null), resetAt };
    }
    case 'slack':
    case 'slack-api': {
      // The announcement outlet: chat.postMessage only; the platform: every Web API method.
      const route = target === 'slack' ? SLACK_POST : undefined;
      const scoped = route ? { route } : {};
      if (kind === '429' && target === 'slack') {
        w.slack.setFault({
          method: 'chat.postMessage',
          kind: 'rate-limit',
          retryAfter: RATE_WAIT_S,
          times: Infinity,
        });
        return { clear: async () => w.slack.setFault(null), resetAt };
      }
      await w.slackApi.setFault(
        kind === 'refuse'
          ? { kind: 'refuse' }
          : kind === '5xx'
            ? { kind: 'status', status: 503, body: { ok: false, error: 'service_unavailable' }, ...scoped }
            : kind === 'slow'
              ? { kind: 'hang', ...scoped }
              : {
                  kind: 'status',
                  status: 429,
                  headers: { 'retry-after': String(RATE_WAIT_S) },
                  body: { ok: false, error: 'ratelimited' },
                },
      );
      return { clear: () => w.slackApi.setFault(null), resetAt };
    }
    case 'discord':
    case 'discord-api': {
      // The announcement outlet: posting messages only; the platform: every REST route.
      const fakeRoute = target === 'discord' ? { route: 'POST /channels/:id/messages' } : {};
      if (kind === '5xx' || kind === '429') {
        // Discord's limit windows are short: a second here; the library also keeps it, in real time.
        const retryAfter = 1;
        w.discord.setFault(
          kind === '5xx'
            ? {
                kind: 'status',
                status: 503,
                code: 0,
                message: '503: Service Unavailable',
                times: Infinity,
                ...fakeRoute,
              }
            : { kind: 'rate-limit', retryAfter, times: Infinity, ...fakeRoute },
        );
        return {
          clear: async () => w.discord.setFault(null),
          resetAt: kind === '429' ? w.now() + retryAfter * 1000 : null,
        };
      }
      await w.discordApi.setFault(
        kind === 'refuse'
          ? { kind: 'refuse' }
          : { kind: 'hang', ...(target === 'discord' ? { route: DISCORD_POST } : {}) },
      );
      return { clear: () => w.discordApi.setFault(null), resetAt };
    }
  }
}

// ------------------------------------------------------------------------------------- the commands

interface Ack {
  via: 'slack' | 'discord';
  ms: number;
  status: number;
}

async function viaSlack(w: World, text: string): Promise<Ack> {
  const form = slashCommand(w.slack, { text, responseKey: `outage-${Math.random().toString(16).slice(2)}` });
  const started = performance.now();
  const r = await postSigned(w.eventsUrl, form);
  return { via: 'slack', ms: performance.now() - started, status: r.status };
}

async function viaDiscord(
  w: World,
  subcommand: string,
  values: Record<string, string | number>,
): Promise<Ack> {
  const interaction = commandInteraction({ user: anna }, subcommand, values);
  const body = JSON.stringify(interaction);
  const started = performance.now();
  const r = await postInteraction(w.interactionsUrl, body, signedHeaders(w.signer, body));
  const ms = performance.now() - started;
  // What Discord does with the deferral: the interaction's token then takes edits of the answer.
  if (r.status === 200) w.discord.answered(interaction, r.json);
  return { via: 'discord', ms, status: r.status };
}

async function waitFor(what: string, done: () => boolean, timeoutMs = 5_000): Promise<void> {
  await until(what, done, timeoutMs, 5);
}

/** Two incidents, told in five posts from both chat platforms, interleaved. */
async function sendCommands(w: World, row: string): Promise<Ack[]> {
  const steps: Array<() => Promise<Ack>> = [
    () => viaSlack(w, `nc018 smtp down "${row}: SMTP on NC018 is down for a spam cleanup."`),
    () =>
      viaDiscord(w, 'change', {
        system: 'nc026',
        services: 'web',
        state: 'degraded',
        message: `${row}: websites on NC026 are slow.`,
      }),
    () => viaSlack(w, `update 1 "${row}: still cleaning up the queue on NC018."`),
    () => viaDiscord(w, 'update', { incident: '2', message: `${row}: NC026 is still slow, load is high.` }),
    () => viaSlack(w, `resolve 1 "${row}: SMTP on NC018 is back."`),
  ];
  const acks: Ack[] = [];
  for (const [i, step] of steps.entries()) {
    const ack = await step();
    acks.push(ack);
    expect(ack.status, `${ack.via} acknowledgement of command ${i + 1}`).toBe(200);
    await waitFor(`command ${i + 1} to be recorded`, () => posts(w).length === i + 1);
  }
  return acks;
}

const posts = (w: World) => [...w.app.herald.store.recentPosts(100)].sort((a, b) => a.id - b.id);
const deliveries = (w: World): Delivery[] => [...w.app.herald.store.deliveries()].sort((a, b) => a.id - b.id);

function describeDeliveries(w: World): string {
  return deliveries(w)
    .map((d) => `${d.postId}→${d.outlet}:${d.status}/${d.attempts}${d.lastError ? ` (${d.lastError})` : ''}`)
    .join('\n');
}

/**
 * Publishes (as the running publisher does, with `runOnce`) until `done` and a pass with nothing to do.
 * With `advanceMs`, a quiet pass that is not done moves the test clock on, past backoff and resets.
 */
async function publishUntil(w: World, what: string, done: () => boolean, advanceMs: number): Promise<void> {
  const until = Date.now() + 15_000;
  for (;;) {
    const reports = await w.app.herald.publisher.runOnce();
    const quiet = reports.every((r) => r.sent + r.retrying + r.failed === 0);
    if (quiet && done()) return;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}:\n${describeDeliveries(w)}`);
    if (quiet) {
      if (advanceMs) w.setNow(w.now() + advanceMs);
      await sleep(20);
    }
  }
}

// ------------------------------------------------------------------------- what reached each outlet

/** For docs/reliability.md: what the whole table saw. */
const summary = {
  faults: 0,
  commands: 0,
  slowestAck: { ms: 0, where: '' },
  deliveriesChecked: 0,
  duplicates: 0,
  outOfOrder: 0,
  /** From the last command until every outlet but the faulty one had every post. */
  othersCaughtUp: { ms: 0, where: '' },
};

interface Received {
  /** The post it carries (by its permalink, or the metadata Herald attached). */
  postId: number;
  /** The platform's id for it. */
  id: string;
  /** What it replies to, or the thread it is in: null for an incident's first post. */
  replyTo: string | null;
  /** Bluesky: the thread's root. */
  root?: string | null;
}

const PERMALINK = /incidents\/(\d+)\.html#post-(\d+)/;

function received(w: World, outlet: OutletName): Received[] {
  const all = posts(w);
  const postOf = (text: string): number => {
    const m = PERMALINK.exec(text);
    const post = m && all.find((p) => p.incidentId === Number(m[1]) && p.number === Number(m[2]));
    if (!post) throw new Error(`${outlet}: a message without a known permalink: ${text}`);
    return post.id;
  };
  switch (outlet) {
    case 'twitter':
      return w.twitter.tweets.map((t) => ({
        postId: postOf(t.text),
        id: t.id,
        replyTo: t.in_reply_to_tweet_id,
      }));
    case 'mastodon':
      return w.mastodon.statuses.map((s) => ({ postId: postOf(s.text), id: s.id, replyTo: s.inReplyToId }));
    case 'bluesky':
      return w.bluesky.posts.map((p) => ({
        postId: postOf(p.text),
        id: p.uri,
        replyTo: p.reply?.parent.uri ?? null,
        root: p.reply?.root.uri ?? null,
      }));
    case 'slack':
      return w.slack.messages
        .filter((m) => m.channel === FAKE_SLACK.announceChannel)
        .map((m) => ({ postId: Number(m.metadata?.event_payload.post), id: m.ts, replyTo: m.thread_ts }));
    case 'discord':
      return w.discord.messages.map((m) => ({
        postId: postOf(m.content),
        id: m.id,
        replyTo: m.channelId === FAKE_CHANNEL_ID ? null : m.channelId,
      }));
  }
}

/** Twitter, Mastodon and Bluesky reply to the previous post; Slack and Discord post into the first one's thread. */
const THREADED_BY_ROOT: ReadonlySet<OutletName> = new Set(['slack', 'discord']);

/** Every post reached `outlet` exactly once, in the order it was recorded, each in its incident's thread. */
function checkOutlet(w: World, outlet: OutletName): void {
  const all = posts(w);
  const got = received(w, outlet);
  const ids = got.map((r) => r.postId);
  // Counted before the assertions, so that the summary says what a failing row saw.
  summary.deliveriesChecked += got.length;
  summary.duplicates += ids.length - new Set(ids).size;
  if (ids.some((id, i) => i > 0 && id < (ids[i - 1] ?? 0))) summary.outOfOrder++;
  expect(ids, `${outlet}: posts received, in order`).toEqual(all.map((p) => p.id));
  const byPost = new Map(got.map((r) => [r.postId, r]));
  for (const post of all) {
    const r = byPost.get(post.id);
    const thread = all.filter((p) => p.incidentId === post.incidentId && p.number < post.number);
    const first = thread[0] ? byPost.get(thread[0].id) : undefined;
    const previous = thread.at(-1) ? byPost.get(thread.at(-1)?.id ?? 0) : undefined;
    const expected = THREADED_BY_ROOT.has(outlet) ? first : previous;
    expect(r?.replyTo ?? null, `${outlet}: thread of post ${post.id}`).toBe(expected?.id ?? null);
    if (outlet === 'bluesky')
      expect(r?.root ?? null, `bluesky: root of post ${post.id}`).toBe(first?.id ?? null);
    const delivery = w.app.herald.store.deliveriesOf(post.id).find((d) => d.outlet === outlet);
    expect(delivery?.status, `${outlet}: delivery of post ${post.id}`).toBe('sent');
    expect(delivery?.remoteId ?? '', `${outlet}: remote id of post ${post.id}`).toContain(r?.id ?? '?');
  }
  if (outlet === 'discord') {
    const firsts = got.filter((r) => r.replyTo === null).map((r) => r.id);
    expect(w.discord.threads.map((t) => t.messageId)).toEqual(firsts);
  }
}

// ------------------------------------------------------------------------------------------ the table

afterAll(() => {
  if (!summary.faults) return;
  const s = summary;
  console.error(
    `outages: ${s.faults} faults injected (${TARGETS.length} outlets and platforms × refuse, 5xx, slow past the timeout, 429), ` +
      `${s.commands} commands (Slack and Discord, signed), slowest ack ${Math.round(s.slowestAck.ms)} ms (${s.slowestAck.where}), ` +
      `${s.deliveriesChecked} deliveries checked, ${s.duplicates} duplicates, ${s.outOfOrder} out of order; ` +
      `other outlets caught up within ${Math.round(s.othersCaughtUp.ms)} ms (${s.othersCaughtUp.where}; request timeout ${REQUEST_TIMEOUT_MS} ms)`,
  );
});

const ROWS = TARGETS.flatMap((target) => KINDS.map((kind) => ({ target, kind })));

describe('outages: commands are acknowledged, and every post is delivered once, in order, when the fault clears', () => {
  it.each(ROWS)('$target: $kind', async ({ target, kind }) => {
    const w = await startWorld();
    const faulty = outletOf(target);
    const row = `${target} ${kind}`;

    const { clear, resetAt } = await inject(w, target, kind);
    summary.faults++;
    const acks = await sendCommands(w, row);
    summary.commands += acks.length;
    for (const ack of acks) {
      expect(ack.ms, `${ack.via} acknowledgement`).toBeLessThan(ACK_LIMIT_MS);
      if (ack.ms > summary.slowestAck.ms) summary.slowestAck = { ms: ack.ms, where: `${ack.via}, ${row}` };
    }

    // During the fault: the others are sent, the faulty outlet's deliveries wait, tried and not given up.
    const lastCommand = performance.now();
    const waiting = () => deliveries(w).filter((d) => d.outlet === faulty);
    await publishUntil(
      w,
      `the outlets other than ${faulty} to be sent`,
      () =>
        deliveries(w).every((d) => d.outlet === faulty || d.status === 'sent') &&
        waiting().some((d) => d.attempts > 0),
      PAST_BACKOFF_MS,
    );
    const caughtUp = performance.now() - lastCommand;
    if (caughtUp > summary.othersCaughtUp.ms) summary.othersCaughtUp = { ms: caughtUp, where: row };
    expect(waiting().map((d) => d.status)).toEqual(['pending', 'pending', 'pending', 'pending', 'pending']);
    const tried = waiting().filter((d) => d.attempts > 0);
    for (const d of tried) expect(d.lastError, `${faulty}: why delivery ${d.id} waits`).toBeTruthy();
    if (resetAt !== null) for (const d of tried) expect(d.nextAttemptAt ?? 0).toBeGreaterThanOrEqual(resetAt);
    expect(received(w, faulty)).toEqual([]);

    // The fault clears: past backoff and resets, everything pending goes out.
    await clear();
    w.setNow(w.now() + PAST_BACKOFF_MS);
    await publishUntil(
      w,
      'every delivery to be sent',
      () => deliveries(w).every((d) => d.status === 'sent'),
      PAST_BACKOFF_MS,
    );
    for (const outlet of OUTLETS) checkOutlet(w, outlet);
  });
});

describe('order: an outlet gets posts in the order they were recorded, whatever becomes of one attempt', () => {
  it('discord: the first post lands but its answer is lost (a timeout); the posts after it wait, then 1..5 in order', async () => {
    const w = await startWorld();
    // Issue 15 case 8: Discord received [1, 2, 4, 3, 5] when its first attempt timed out under load after
    // it had landed. Here the answer to the first message is lost on purpose, every run.
    await w.discordApi.setFault({ kind: 'lose-answer', route: DISCORD_POST, times: 1 });
    await sendCommands(w, 'discord answer lost');
    await publishUntil(
      w,
      'every delivery to be sent',
      () => deliveries(w).every((d) => d.status === 'sent'),
      PAST_BACKOFF_MS,
    );
    const first = deliveries(w).find((d) => d.outlet === 'discord');
    expect(first?.attempts, 'the lost answer was taken for a failure and tried again').toBe(2);
    // The message that landed was not posted twice (Discord's nonce), and nothing overtook it.
    checkOutlet(w, 'discord');
    for (const outlet of OUTLETS) checkOutlet(w, outlet);
  });
});
