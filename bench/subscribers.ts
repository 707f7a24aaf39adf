// Fan-out of one post to 10,000 e-mail subscribers (a real SMTP server on 127.0.0.1) and to 10,000 webhooks
// (a receiver on 127.0.0.1), through a real `herald start`: messages per second, Herald's peak memory
// (VmHWM), and how long another outlet (the site) takes to publish a post while the fan-out runs, against
// the same with nothing running. Part of `npm run bench` (bench/run.ts).
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { openStore } from '../src/store/sqlite-store.js';
import { startSmtpReceiver, startWebhookReceiver } from '../test/subscribers/delivery-receivers.js';

const root = path.resolve(import.meta.dirname, '..');
const bin = path.join(root, 'bin', 'herald.js');
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

export interface FanOutFigures {
  channel: 'email' | 'webhook';
  subscribers: number;
  seconds: number;
  perSecond: number;
  peakMb: number;
  /** A post on another component to the site: idle, then during the fan-out (ms, through `herald run`). */
  siteIdleMs: number;
  siteDuringMs: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
async function until(ok: () => boolean, what: string, limitMs = 300_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`bench subscribers: no ${what}`);
    await sleep(5);
  }
}

/** Seconds from `herald run` of a post on nc026 to its incident page on the site. */
async function siteDelivery(
  dir: string,
  env: NodeJS.ProcessEnv,
  command: string,
  incident: number,
): Promise<number> {
  const t0 = performance.now();
  execFileSync(process.execPath, [bin, 'run', command], { cwd: dir, env });
  const page = path.join(dir, 'public', 'incidents', `${incident}.html`);
  await until(() => fs.existsSync(page), `page of incident ${incident}`);
  return performance.now() - t0;
}

export async function benchSubscriberFanOut(channel: 'email' | 'webhook', n: number): Promise<FanOutFigures> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `herald-bench-subs-${channel}-`));
  const smtp = await startSmtpReceiver({ parse: false });
  const hooks = await startWebhookReceiver();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HERALD_CONFIG: path.join(root, 'herald.config.yaml'),
    HERALD_DATA_DIR: path.join(dir, 'data'),
    HERALD_PUBLIC_DIR: path.join(dir, 'public'),
    HERALD_HOST: '127.0.0.1',
    HERALD_PORT: '0',
    LOG_LEVEL: 'warn',
    SMTP_URL: smtp.url,
    MAIL_FROM: 'Status <status@ninernet.example>',
    HERALD_PUBLIC_URL: 'https://herald.ninernet.example',
    HERALD_WEBHOOKS_ALLOW_PRIVATE: '1',
    // A local relay takes more than the default 5 connections; set what your relay allows.
    SMTP_MAX_CONNECTIONS: process.env.BENCH_SMTP_CONNECTIONS ?? '20',
  };
  openStore(path.join(dir, 'data', 'herald.db')).close();
  const db = new Database(path.join(dir, 'data', 'herald.db'));
  const insert = db.prepare(
    `INSERT INTO subscribers (channel, address, status, all_components, secret, created_at, confirmed_at)
     VALUES (?, ?, 'active', 0, ?, 0, 0)`,
  );
  const scope = db.prepare(
    `INSERT INTO subscriber_components (subscriber_id, system, service) VALUES (?, 'nc018', '')`,
  );
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const id = insert.run(
        channel,
        channel === 'webhook' ? `${hooks.base}/h/${i}` : `client${i}@client.example`,
        channel === 'webhook' ? SECRET : null,
      ).lastInsertRowid;
      scope.run(id);
    }
  })();
  db.close();
  const child = spawn(process.execPath, [bin, 'start'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    out += d;
  });
  try {
    await until(() => /Status site on http/.test(out), 'start');
    // Subscribers follow nc018 only: the probes on nc026 go to the site and the networks, to nobody by mail.
    const siteIdleMs = await siteDelivery(dir, env, 'nc026 dns down "bench probe, idle"', 1);
    const received = () => (channel === 'email' ? smtp.mails.length : hooks.hooks.length);
    const t0 = performance.now();
    execFileSync(process.execPath, [bin, 'run', 'nc018 smtp down "bench fan-out"'], { cwd: dir, env });
    await until(() => received() >= Math.min(1000, n / 10), 'fan-out under way');
    const siteDuringMs = await siteDelivery(dir, env, 'nc026 ftp down "bench probe, during"', 3);
    await until(() => received() >= n, `${n} received`);
    const seconds = (performance.now() - t0) / 1000;
    const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const peakMb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN) / 1024;
    return { channel, subscribers: n, seconds, perSecond: n / seconds, peakMb, siteIdleMs, siteDuringMs };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await smtp.close();
    await hooks.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// `tsx bench/subscribers.ts` on its own prints the figures.
if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const n = Number(process.env.BENCH_SUBSCRIBERS ?? 10_000);
  for (const channel of ['webhook', 'email'] as const) console.log(await benchSubscriberFanOut(channel, n));
}
