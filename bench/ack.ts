// 1. Acknowledgement: signed Slack slash commands over HTTP, at 1, 10 and 50 in flight, to Herald's real
// server (express, Bolt's receiver, the core with previews on) and to a bare Bolt app whose handler only
// acknowledges. Both talk to the same fake Slack on 127.0.0.1.
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { App, LogLevel } from '@slack/bolt';
import pino from 'pino';
import { createChatAdapters, createHerald } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createHttpApp, listen } from '../src/server.js';
import { FAKE_SLACK, slashCommand, startFakeSlack } from '../test/fakes/slack.js';

export interface Latency {
  p50: number;
  p99: number;
  max: number;
}

const REQUESTS = Number(process.env.BENCH_ACK_REQUESTS ?? 300);
const root = path.resolve(import.meta.dirname, '..');

const quantile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? Number.NaN;
};

function signed(body: string): Record<string, string> {
  const ts = Math.floor(Date.now() / 1000);
  const sig = `v0=${createHmac('sha256', FAKE_SLACK.signingSecret).update(`v0:${ts}:${body}`).digest('hex')}`;
  return {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': String(ts),
    'x-slack-signature': sig,
  };
}

/** `total` requests, `inFlight` at a time; each one's time until its HTTP answer. */
async function load(url: string, bodies: () => string, total: number, inFlight: number): Promise<Latency> {
  const times: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < total) {
      next++;
      const body = bodies();
      const t0 = performance.now();
      const res = await fetch(url, { method: 'POST', headers: signed(body), body });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`ack answered ${res.status}`);
      times.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return { p50: quantile(times, 0.5), p99: quantile(times, 0.99), max: Math.max(...times) };
}

export async function benchAcknowledgement(): Promise<
  Array<{ inFlight: number; herald: Latency; bare: Latency }>
> {
  const fake = await startFakeSlack();
  const silent = pino({ level: 'silent' });

  // Herald, as `herald start` builds it, staff U0STAFF, previews on (the default).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-bench-ack-'));
  const configFile = path.join(dir, 'herald.config.yaml');
  fs.writeFileSync(
    configFile,
    fs
      .readFileSync(path.join(root, 'herald.config.yaml'), 'utf8')
      .replace(/(slack:\n\s+users: )\[\]/, '$1[U0STAFF]'),
  );
  const loaded = loadConfig(
    {
      HERALD_CONFIG: configFile,
      HERALD_DATA_DIR: path.join(dir, 'data'),
      HERALD_PUBLIC_DIR: path.join(dir, 'public'),
      SLACK_BOT_TOKEN: FAKE_SLACK.botToken,
      SLACK_SIGNING_SECRET: FAKE_SLACK.signingSecret,
      SLACK_API_URL: fake.apiUrl,
    },
    root,
  );
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  const herald = createHerald(loaded.config, { log: silent });
  const chat = await createChatAdapters(herald, silent);
  const server = await listen(
    createHttpApp({
      publicDir: loaded.config.paths.publicDir,
      health: () => herald.health(),
      log: silent,
      routes: chat.routes,
    }),
    '127.0.0.1',
    0,
  );
  await chat.start();

  // A bare Bolt app on the same machine: it only acknowledges.
  const bare = new App({
    token: FAKE_SLACK.botToken,
    signingSecret: FAKE_SLACK.signingSecret,
    botId: FAKE_SLACK.botId,
    botUserId: FAKE_SLACK.botUserId,
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } },
  });
  bare.command('/status', async ({ ack }) => {
    await ack();
  });
  const bareServer = (await bare.start({ port: 0, host: '127.0.0.1' })) as http.Server;
  const barePort = (bareServer.address() as { port: number }).port;

  let n = 0;
  const body = () =>
    new URLSearchParams(
      slashCommand(fake, {
        text: n % 3 === 2 ? 'list' : `nc018 smtp down "bench ${++n}: spam cleanup"`,
        responseKey: `bench-${n++}`,
        user: { id: 'U0STAFF', name: 'ann' },
      }),
    ).toString();

  const results = [];
  for (const inFlight of [1, 10, 50]) {
    // Interleaved, so that both see the same machine: bare, Herald, bare, Herald.
    const b1 = await load(`http://127.0.0.1:${barePort}/slack/events`, body, REQUESTS / 2, inFlight);
    const h1 = await load(new URL('slack/events', server.url).href, body, REQUESTS / 2, inFlight);
    const b2 = await load(`http://127.0.0.1:${barePort}/slack/events`, body, REQUESTS / 2, inFlight);
    const h2 = await load(new URL('slack/events', server.url).href, body, REQUESTS / 2, inFlight);
    const merge = (a: Latency, b: Latency): Latency => ({
      p50: (a.p50 + b.p50) / 2,
      p99: Math.max(a.p99, b.p99),
      max: Math.max(a.max, b.max),
    });
    results.push({ inFlight, herald: merge(h1, h2), bare: merge(b1, b2) });
  }

  await bare.stop();
  await chat.stop();
  await server.close();
  await herald.close();
  await fake.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return results;
}
