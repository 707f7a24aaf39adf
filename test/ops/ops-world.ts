// A Herald as `herald start` wires it for operators to watch: the composition root, its chat adapters from
// createChatAdapters (Slack over signed HTTP, Discord's signed HTTP interactions) on its one HTTP server
// with GET /healthz and GET /metrics, and a real Mastodon outlet talking to the fake instance. Twitter and
// Bluesky run dry. A test clock; the publisher is driven by the test (runOnce) besides its own wake-ups.
import { type ChatAdapters, createChatAdapters } from '../../src/app.js';
import type { HealthReport } from '../../src/health.js';
import { createHttpApp, listen, type RunningServer } from '../../src/server.js';
import {
  commandInteraction,
  createInteractionSigner,
  FAKE_APPLICATION_ID,
  type FakeDiscord,
  type FakeUser,
  postInteraction,
  signedHeaders,
  startFakeDiscord,
} from '../fakes/discord.js';
import { FAKE_TOKEN, type FakeMastodon, startFakeMastodon } from '../fakes/mastodon.js';
import { FAKE_SLACK, type FakeSlack, postSigned, slashCommand, startFakeSlack } from '../fakes/slack.js';
import { createTestHerald, type TestHerald } from '../helpers/herald.js';
import { testLog } from '../helpers/log.js';
import { type MetricFamily, parsePrometheusText } from '../helpers/prometheus.js';

export const STAFF_SLACK = { id: 'U0STAFF', name: 'ann' };
export const VISITOR_SLACK = { id: 'U0VISITOR', name: 'bob' };
export const STAFF_DISCORD: FakeUser = { id: '1500000000000000001', username: 'anna' };

export interface OpsWorld {
  herald: TestHerald;
  mastodon: FakeMastodon;
  slack: FakeSlack;
  discord: FakeDiscord;
  server: RunningServer;
  now(): number;
  setNow(at: number): void;
  /** GET /metrics, parsed by Prometheus's client library; fails the test unless it answers 200. */
  metrics(): Promise<MetricFamily[]>;
  /** GET /healthz: its status and JSON. */
  health(): Promise<{ status: number; body: HealthReport }>;
  /** `/status <text>` as a signed Slack slash command; resolves with Herald's HTTP answer (the ack). */
  slash(text: string, user?: { id: string; name: string }): Promise<{ status: number; key: string }>;
  /** `/status <subcommand>` as a signed Discord interaction; resolves with Herald's HTTP answer. */
  discordCommand(subcommand: string, values?: Record<string, string | number>): Promise<{ status: number }>;
  /** Runs the publisher until a pass has nothing left to do now. */
  publish(): Promise<void>;
  close(): Promise<void>;
}

const silent = testLog();

const swap = (text: string, from: string, to: string): string => {
  if (!text.includes(from)) throw new Error(`the shipped config no longer holds "${from}"`);
  return text.replace(from, to);
};

let keys = 0;

export async function startOpsWorld(options: { env?: NodeJS.ProcessEnv } = {}): Promise<OpsWorld> {
  let now = Date.parse('2012-07-27T21:39:27Z');
  const clock = { now: () => now };
  const cleanups: Array<() => Promise<void> | void> = [];
  const close = async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  };
  try {
    const mastodon = await startFakeMastodon({ now: clock.now });
    cleanups.push(() => mastodon.close());
    const slack = await startFakeSlack();
    cleanups.push(() => slack.close());
    const discord = await startFakeDiscord();
    cleanups.push(() => discord.close());
    const signer = createInteractionSigner();
    const herald = createTestHerald({
      now: new Date(now).toISOString(),
      configText: (shipped) => {
        let text = swap(
          shipped,
          'users: [] # Slack user ids',
          `users: ["${STAFF_SLACK.id}"] # Slack user ids`,
        );
        text = swap(
          text,
          'users: [] # Discord user ids',
          `users: ["${STAFF_DISCORD.id}"] # Discord user ids`,
        );
        return swap(text, 'preview: true', 'preview: false');
      },
      env: {
        ...options.env,
        MASTODON_URL: mastodon.url,
        MASTODON_ACCESS_TOKEN: FAKE_TOKEN,
        SLACK_BOT_TOKEN: FAKE_SLACK.botToken,
        SLACK_SIGNING_SECRET: FAKE_SLACK.signingSecret,
        SLACK_API_URL: slack.apiUrl,
        DISCORD_APPLICATION_ID: FAKE_APPLICATION_ID,
        DISCORD_PUBLIC_KEY: signer.publicKey,
        DISCORD_API_URL: discord.apiUrl,
      },
    });
    cleanups.push(() => herald.close());
    const chat: ChatAdapters = await createChatAdapters(herald.herald, silent, clock);
    // As src/cli.ts serves a running Herald.
    const server = await listen(
      createHttpApp({
        publicDir: herald.config.paths.publicDir,
        health: () => herald.herald.health(),
        metrics: herald.herald.metrics,
        log: silent,
        routes: chat.routes,
      }),
      '127.0.0.1',
      0,
    );
    cleanups.push(() => server.close());
    await chat.start();
    cleanups.push(() => chat.stop());

    return {
      herald,
      mastodon,
      slack,
      discord,
      server,
      now: () => now,
      setNow(at) {
        now = at;
        herald.setNow(at);
      },
      async metrics() {
        const r = await fetch(new URL('metrics', server.url));
        const text = await r.text();
        if (r.status !== 200) throw new Error(`GET /metrics answered ${r.status}: ${text}`);
        return parsePrometheusText(text);
      },
      async health() {
        const r = await fetch(new URL('healthz', server.url));
        return { status: r.status, body: (await r.json()) as HealthReport };
      },
      async slash(text, user = STAFF_SLACK) {
        const key = `ops-${++keys}`;
        const form = slashCommand(slack, { text, user, responseKey: key });
        const r = await postSigned(new URL('slack/events', server.url).href, form);
        return { status: r.status, key };
      },
      async discordCommand(subcommand, values = {}) {
        const body = JSON.stringify(commandInteraction({ user: STAFF_DISCORD }, subcommand, values));
        const r = await postInteraction(
          new URL('discord/interactions', server.url).href,
          body,
          signedHeaders(signer, body),
        );
        return { status: r.status };
      },
      async publish() {
        for (let i = 0; i < 20; i++) {
          const reports = await herald.herald.publisher.runOnce();
          if (reports.every((r) => r.sent + r.retrying + r.failed === 0)) return;
        }
        throw new Error('the publisher still had work after 20 passes');
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
