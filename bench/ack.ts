// 1. Acknowledgement: signed Slack slash commands over HTTP, at 1, 10 and 50 in flight, to a running
// `herald start` (its own process, Slack in HTTP mode, previews on: what an operator runs) and to a bare Bolt
// app whose handler only acknowledges (also its own process). The load comes from this process; both talk to
// the same fake Slack, in a third process (bench/fake-slack.ts), all on 127.0.0.1.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { FAKE_SLACK, slashCommand } from '../test/fakes/slack.js';

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

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts a child process and waits until its output says it is ready. */
async function startChild(args: string[], env: NodeJS.ProcessEnv, ready: RegExp) {
  const child = spawn(process.execPath, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  const collect = (d: Buffer) => {
    out += d.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  for (let i = 0; i < 600 && !ready.test(out); i++) {
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const match = ready.exec(out);
  if (!match) throw new Error(`${args.join(' ')} did not start: ${out}`);
  return { child, match, output: () => out };
}

function stop(child: ChildProcess): Promise<unknown> {
  child.kill('SIGTERM');
  return new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(null)));
}

/** What Herald's inbox said at its stop: its group commits (src/adapters/chat/inbox-worker.ts). */
export interface InboxCommits {
  commits: number;
  rows: number;
  batchSizes: Record<string, number>;
  commitMsPerCommit: number;
}

function inboxCommitsOf(output: string): InboxCommits | null {
  for (const line of output.split('\n').reverse()) {
    if (!line.includes('inbox group commits')) continue;
    try {
      return JSON.parse(line) as InboxCommits;
    } catch {}
  }
  return null;
}

export async function benchAcknowledgement(): Promise<{
  levels: Array<{ inFlight: number; herald: Latency; bare: Latency }>;
  inbox: InboxCommits | null;
}> {
  const fakeSlack = await startChild(
    ['--import', 'tsx', path.join(root, 'bench', 'fake-slack.ts')],
    { PATH: process.env.PATH },
    /origin (\S+)/,
  );
  const origin = fakeSlack.match[1] as string;
  const fake = { responseUrl: (key: string) => `${origin}/response/${key}` };
  const slackEnv = {
    PATH: process.env.PATH,
    SLACK_BOT_TOKEN: FAKE_SLACK.botToken,
    SLACK_SIGNING_SECRET: FAKE_SLACK.signingSecret,
    SLACK_API_URL: `${origin}/api/`,
  };

  // Herald, as `herald start`, staff U0STAFF, previews on (the default).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-bench-ack-'));
  const configFile = path.join(dir, 'herald.config.yaml');
  fs.writeFileSync(
    configFile,
    fs
      .readFileSync(path.join(root, 'herald.config.yaml'), 'utf8')
      .replace(/(slack:\n\s+users: )\[\]/, '$1[U0STAFF]'),
  );
  const heraldPort = await freePort();
  const herald = await startChild(
    [
      ...(process.env.PROF_OPTS ? process.env.PROF_OPTS.split(' ') : []),
      path.join(root, 'bin', 'herald.js'),
      'start',
    ],
    {
      ...slackEnv,
      HERALD_CONFIG: configFile,
      HERALD_DATA_DIR: path.join(dir, 'data'),
      HERALD_PUBLIC_DIR: path.join(dir, 'public'),
      HERALD_PORT: String(heraldPort),
      // info: the inbox's group-commit figures are logged at the stop (one more line per command than warn).
      LOG_LEVEL: 'info',
    },
    /herald> /,
  );
  const bare = await startChild(
    ['--import', 'tsx', path.join(root, 'bench', 'bare-bolt.ts')],
    { ...slackEnv, SLACK_BOT_ID: FAKE_SLACK.botId, SLACK_BOT_USER_ID: FAKE_SLACK.botUserId },
    /port (\d+)/,
  );
  const heraldUrl = `http://127.0.0.1:${heraldPort}/slack/events`;
  const bareUrl = `http://127.0.0.1:${bare.match[1]}/slack/events`;

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
    const b1 = await load(bareUrl, body, REQUESTS / 2, inFlight);
    const h1 = await load(heraldUrl, body, REQUESTS / 2, inFlight);
    const b2 = await load(bareUrl, body, REQUESTS / 2, inFlight);
    const h2 = await load(heraldUrl, body, REQUESTS / 2, inFlight);
    const merge = (a: Latency, b: Latency): Latency => ({
      p50: (a.p50 + b.p50) / 2,
      p99: Math.max(a.p99, b.p99),
      max: Math.max(a.max, b.max),
    });
    results.push({ inFlight, herald: merge(h1, h2), bare: merge(b1, b2) });
  }

  await stop(bare.child);
  await stop(herald.child);
  await stop(fakeSlack.child);
  fs.rmSync(dir, { recursive: true, force: true });
  return { levels: results, inbox: inboxCommitsOf(herald.output()) };
}
