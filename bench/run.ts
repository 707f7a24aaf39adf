// `npm run bench`: what users feel and what operators pay, with baselines in the same run. Prints a table
// and writes docs/benchmarks.md. Never part of `npm test`. Everything runs on this machine, on 127.0.0.1.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { createHerald, type Herald } from '../src/app.js';
import type { Actor } from '../src/bot/types.js';
import { type Config, loadConfig } from '../src/config.js';
import { migrate } from '../src/store/migrate.js';
import { openDatabase } from '../src/store/open-database.js';
import { benchAcknowledgement } from './ack.js';
import { apiRows, benchApi } from './api.js';
import { benchMonitors } from './monitors.js';
import { seedHistory } from './seed.js';
import { benchSubscriberFanOut } from './subscribers.js';

const root = path.resolve(import.meta.dirname, '..');
const SIZES = (process.env.BENCH_SIZES ?? '1000,10000,100000').split(',').map(Number);
const ops: Actor = { platform: 'shell', id: 'bench', name: 'bench' };
const silent = pino({ level: 'silent' });

interface Row {
  what: string;
  figure: string;
  target: string;
  met: boolean | null;
}
const rows: Row[] = [];
const row = (what: string, figure: string, target = '', met: boolean | null = null) => {
  rows.push({ what, figure, target, met });
  console.log(
    `${met === null ? ' ' : met ? '✓' : '✗'} ${what}: ${figure}${target ? `  (target ${target})` : ''}`,
  );
};

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};
const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 1)} ms`;

function configFor(dir: string): Config {
  const loaded = loadConfig(
    {
      HERALD_DATA_DIR: path.join(dir, 'data'),
      HERALD_PUBLIC_DIR: path.join(dir, 'public'),
      HERALD_PORT: '0',
    },
    root,
  );
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  return loaded.config;
}

function worldWithHistory(posts: number): { dir: string; herald: Herald; config: Config } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `herald-bench-${posts}-`));
  const config = configFor(dir);
  seedHistory(config.paths.database, posts, Date.now());
  return { dir, config, herald: createHerald(config, { log: silent, publishOnChange: false }) };
}

/** 2. From a command to the site's index, its incident page and the three feeds rewritten. */
async function commandToPublished(herald: Herald, runs: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const text =
      i % 2 === 0
        ? `nc026 web down "bench outage ${i}: websites are down"`
        : `nc026 web up "bench ${i}: back"`;
    const t0 = performance.now();
    const outcome = herald.handle({ text, actor: ops });
    if (outcome.kind !== 'recorded') throw new Error(`bench command refused: ${JSON.stringify(outcome)}`);
    await herald.publisher.runOnce();
    times.push(performance.now() - t0);
  }
  return times;
}

/** 4. Peak resident memory of `herald start` over a database with this history. */
async function peakMemory(dir: string): Promise<number> {
  const child = spawn(process.execPath, [path.join(root, 'bin', 'herald.js'), 'start'], {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      HERALD_CONFIG: path.join(root, 'herald.config.yaml'),
      HERALD_DATA_DIR: path.join(dir, 'data'),
      HERALD_PUBLIC_DIR: path.join(dir, 'public'),
      HERALD_PORT: '0',
      LOG_LEVEL: 'info',
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    out += d;
  });
  const until = async (ok: () => boolean, what: string) => {
    for (let i = 0; i < 1200 && !ok(); i++) await new Promise((r) => setTimeout(r, 100));
    if (!ok()) throw new Error(`herald start: no ${what}; output: ${out}`);
  };
  await until(() => out.includes('herald> '), 'prompt');
  child.stdin.write('nc018 smtp down "memory bench"\n');
  await until(() => out.includes('Recorded post'), 'reply');
  // The whole site is rewritten in the background at start: measure after it is done.
  await until(() => out.includes('site rebuilt'), 'rebuild at start');
  await new Promise((r) => setTimeout(r, 1000));
  const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN);
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  return hwm / 1024;
}

/** 5. Posts per second through the core, against raw better-sqlite3 inserts of the same rows. */
function storeThroughput(n: number): { core: number; raw: number } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-bench-store-'));
  const config = configFor(dir);
  const herald = createHerald(config, { log: silent, publishOnChange: false });
  herald.handle({ text: 'notice "Bench series" "opening"', actor: ops });
  let t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const o = herald.handle({ text: `update 1 "bench update ${i}: ${'words '.repeat(30)}"`, actor: ops });
    if (o.kind !== 'recorded') throw new Error(JSON.stringify(o));
  }
  const core = n / ((performance.now() - t0) / 1000);
  void herald.close();

  const rawDb = openDatabase(path.join(dir, 'raw.db'));
  migrate(rawDb);
  rawDb
    .prepare(
      `INSERT INTO incidents (id, kind, status, title, opened_at, last_number) VALUES (1, 'notice', 'open', 'Bench', 0, 0)`,
    )
    .run();
  const post = rawDb.prepare(
    `INSERT INTO posts (incident_id, number, title, text, tags, author, published_at) VALUES (1, ?, ?, ?, '[]', 'bench', ?)`,
  );
  const bump = rawDb.prepare('UPDATE incidents SET last_number = ? WHERE id = 1');
  const delivery = rawDb.prepare(
    `INSERT INTO deliveries (post_id, outlet, action, status, attempts, created_at, next_attempt_at) VALUES (?, ?, 'publish', 'pending', 0, ?, ?)`,
  );
  const audit = rawDb.prepare(
    `INSERT INTO audit (at, platform, actor_id, actor_name, text, result, code, incident_id, post_id) VALUES (?, 'shell', 'bench', 'bench', ?, 'ok', 'update', 1, ?)`,
  );
  const one = rawDb.transaction((i: number) => {
    const now = Date.now();
    const text = `bench update ${i}: ${'words '.repeat(30)}`;
    const id = Number(post.run(i + 1, `Bench: Update ${i + 1}`, text, now).lastInsertRowid);
    bump.run(i + 1);
    for (const o of ['site', 'twitter', 'mastodon', 'bluesky']) delivery.run(id, o, now, now);
    audit.run(now, text, id);
  });
  t0 = performance.now();
  for (let i = 0; i < n; i++) one.immediate(i);
  const raw = n / ((performance.now() - t0) / 1000);
  rawDb.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return { core, raw };
}

async function main() {
  console.log(
    `Herald benchmarks on ${os.cpus()[0]?.model ?? 'an unknown CPU'} (${os.cpus().length} cores), Node ${process.version}\n`,
  );

  // Monitors (issue 17): Alertmanager's webhook to the proposal posted in the fake Slack's staff channel.
  const mon = await benchMonitors();
  row(
    `monitors: Alertmanager webhook → proposal posted in the staff channel (${mon.board}, real Bolt, fake Slack; ${mon.latencies.length} runs)`,
    `p50 ${ms(pct(mon.latencies, 50))}, p99 ${ms(pct(mon.latencies, 99))}, max ${ms(Math.max(...mon.latencies))} (after ${mon.cold.length} warm-up runs; the first two after the start: ${mon.cold.slice(0, 2).map(ms).join(', ')})`,
    'p99 < 50 ms',
    pct(mon.latencies, 99) < 50,
  );
  row(
    'monitors: 1,000 alerts in one burst (1,000 concurrent notifications) / one notification of 1,000 alerts',
    `${ms(mon.burst.ms)} for ${mon.burst.proposals} proposals, heap ${mon.burst.heapBeforeMb.toFixed(1)} → ${mon.burst.heapAfterMb.toFixed(1)} MB / ${ms(mon.oneGroup.ms)} for ${mon.oneGroup.proposals} proposal`,
    'bounded memory',
    mon.burst.proposals === 1000 &&
      mon.oneGroup.proposals === 1 &&
      mon.burst.heapAfterMb - mon.burst.heapBeforeMb < 64,
  );
  const ack = await benchAcknowledgement();
  for (const r of ack.levels) {
    // Issue 14's targets: the acknowledgement now includes the durable inbox insert.
    const p99Ok = r.herald.p99 <= 1.5 * r.bare.p99;
    const p50Ok = r.inFlight !== 1 || r.herald.p50 - r.bare.p50 <= 1;
    row(
      `acknowledgement, ${r.inFlight} in flight (Herald / bare Bolt)`,
      `p50 ${ms(r.herald.p50)} / ${ms(r.bare.p50)}, p99 ${ms(r.herald.p99)} / ${ms(r.bare.p99)}, max ${ms(r.herald.max)} / ${ms(r.bare.max)}, p99 ratio ${(r.herald.p99 / r.bare.p99).toFixed(2)}×`,
      r.inFlight === 1 ? 'p99 ≤ 1.5× bare Bolt, p50 within 1 ms' : 'p99 ≤ 1.5× bare Bolt',
      p99Ok && p50Ok,
    );
  }
  if (ack.inbox) {
    const sizes = Object.entries(ack.inbox.batchSizes)
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([size, n]) => `${size}:${n}`)
      .join(' ');
    row(
      'inbox group commits during the acknowledgement runs',
      `${ack.inbox.commits} commits for ${ack.inbox.rows} requests, ${ms(ack.inbox.commitMsPerCommit)} per commit (insert + fsync); batch size:count ${sizes}`,
    );
  }

  const published: Record<number, number> = {};
  let memoryAt = '';
  let memory = Number.NaN;
  for (const size of SIZES) {
    const w = worldWithHistory(size);
    w.herald.site.rebuild();
    const times = await commandToPublished(w.herald, 40);
    published[size] = pct(times, 50);
    row(
      `command → published, ${size.toLocaleString('en')} posts of history`,
      `p50 ${ms(pct(times, 50))}, p99 ${ms(pct(times, 99))}`,
    );
    const t0 = performance.now();
    const files = w.herald.site.rebuild().length;
    const rebuild = performance.now() - t0;
    row(
      `full rebuild, ${size.toLocaleString('en')} posts (${files.toLocaleString('en')} files)`,
      `${(rebuild / 1000).toFixed(2)} s`,
      size === 100_000 ? '< 10 s' : '',
      size === 100_000 ? rebuild < 10_000 : null,
    );
    await w.herald.close();
    if (size === Math.max(...SIZES)) {
      memory = await peakMemory(w.dir);
      memoryAt = size.toLocaleString('en');
    }
    fs.rmSync(w.dir, { recursive: true, force: true });
  }
  const small = published[Math.min(...SIZES)] ?? Number.NaN;
  const large = published[Math.max(...SIZES)] ?? Number.NaN;
  row(
    'command → published, largest history against smallest',
    `${ms(large)} vs ${ms(small)}: ${(large / small).toFixed(2)}×`,
    '< 20 ms, and ≤ 1.5×',
    large < 20 && large <= 1.5 * small,
  );
  row(
    `peak resident memory of herald start, ${memoryAt} posts`,
    `${memory.toFixed(0)} MB`,
    '< 200 MB',
    memory < 200,
  );

  // Issue 18: what the JSON API files add (bench/api.ts), at the largest history.
  for (const r of apiRows(await benchApi(Math.max(...SIZES)))) row(r.what, r.figure, r.target, r.met);

  const store = storeThroughput(Number(process.env.BENCH_STORE_POSTS ?? 500));
  row(
    'posts recorded per second: core / raw better-sqlite3 (one transaction each, synchronous=FULL)',
    `${store.core.toFixed(0)} / ${store.raw.toFixed(0)}: ${((store.core / store.raw) * 100).toFixed(0)}%`,
    '≥ 50% of raw',
    store.core >= store.raw / 2,
  );

  await benchSubscribers();
  writeReport();
}

/** 6. Subscribers (issue 16): bench/subscribers.ts. */
async function benchSubscribers() {
  const n = Number(process.env.BENCH_SUBSCRIBERS ?? 10_000);
  for (const [channel, limit] of [
    ['webhook', 30],
    ['email', 60],
  ] as const) {
    const f = await benchSubscriberFanOut(channel, n);
    row(
      `fan-out of one post to ${n.toLocaleString('en')} ${channel === 'email' ? 'mail addresses' : 'webhooks'}`,
      `${f.seconds.toFixed(1)} s, ${f.perSecond.toFixed(0)}/s; peak memory ${f.peakMb.toFixed(0)} MB`,
      `< ${limit} s, < 200 MB`,
      f.seconds < limit && f.peakMb < 200,
    );
    row(
      `another post to the site during that ${channel} fan-out / idle (herald run → page written)`,
      `${ms(f.siteDuringMs)} / ${ms(f.siteIdleMs)}`,
    );
  }
}

function writeReport() {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const lines = [
    '# Benchmarks',
    '',
    `Measured by \`npm run bench\` (bench/run.ts) on ${new Date().toISOString().slice(0, 10)}: ${cpu}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.type()} ${os.release()}. Everything ran on this machine, over 127.0.0.1.`,
    '',
    '| | measure | figure | target |',
    '|---|---|---|---|',
    ...rows.map(
      (r) => `| ${r.met === null ? '' : r.met ? '✓' : '✗'} | ${r.what} | ${r.figure} | ${r.target} |`,
    ),
    '',
    '## How each is measured',
    '',
    '1. **Acknowledgement**: signed Slack slash commands over HTTP to a running `herald start` (its own process:',
    "   express, Bolt's receiver, the core, previews on), at 1, 10 and 50 in flight; the time from sending the request",
    '   to the HTTP answer (the ack), 300 requests per level, interleaved with the baseline. Baseline in the same run:',
    '   a bare Bolt app whose handler only acknowledges, also in its own process (bench/bare-bolt.ts). The load runs',
    "   in the bench process, the fake Slack that takes Herald's answers in a third (bench/fake-slack.ts).",
    '2. **Command to published**: `herald.handle()` of a state change, then one publisher run, until the incident',
    '   page, the index and the three feeds are rewritten (fsync and rename each), over 40 commands, with 1,000,',
    '   10,000 and 100,000 posts of history (10 posts per incident, all delivered).',
    '3. **Full rebuild**: every incident page, the index and the feeds, as `herald publish --rebuild` does.',
    '4. **Memory**: `VmHWM` (peak resident set) of a `herald start` process that rebuilt the site at start over the',
    '   largest history, took a command and published it.',
    '5. **Store**: posts recorded per second through the core (parse, decide, one IMMEDIATE transaction writing the',
    '   post, four deliveries and the audit row) against raw better-sqlite3 inserts of the same rows with the same',
    '   durability settings (WAL, `synchronous=FULL`, one transaction per post).',
    '6. **JSON API files**: the site outlet with the API files (docs/api.md) and the same outlet without them, over',
    '   the same database at the largest history, publishing the incident of each of 40 commands in turn (order',
    '   alternating); the figure is the median of the per-command differences, in wall time and in CPU time',
    '   (user + system of the process: less sensitive to other load on the machine). The rebuilds are the second',
    '   of each, after a warm-up. Alone: `BENCH_SIZES=100000 npm run bench`.',
    '7. **Subscribers** (bench/subscribers.ts): a real `herald start` with 10,000 confirmed subscribers of one',
    '   system, all mail (a real `smtp-server` on 127.0.0.1, `SMTP_MAX_CONNECTIONS=20`) or all webhooks (a',
    "   receiver on 127.0.0.1); from `herald run` of a post to the last message received, Herald's `VmHWM`, and",
    '   the time from `herald run` of a post on another system to its incident page, during the fan-out and idle',
    "   (both include the CLI's start and the running Herald's 2 s poll).",
    "8. **Monitors** (bench/monitors.ts): Alertmanager's webhook v4 posted to `POST /hooks/alertmanager` of a Herald",
    '   wired as `herald start` wires it (durable inbox, its worker, the Slack board with real Bolt), to the',
    '   `chat.postMessage` received in the staff channel of a fake Slack on 127.0.0.1; 200 runs after 10 warm-up',
    '   runs. Then 1,000 notifications at once (a new group each) and one notification of 1,000 alerts.',
    '',
    'Rerun: `npm run bench` (all), or `BENCH_SIZES=1000,10000 npm run bench` for a quicker pass.',
    '',
  ];
  const extra = path.join(root, 'docs', 'benchmarks-notes.md');
  if (fs.existsSync(extra)) lines.push(fs.readFileSync(extra, 'utf8'));
  fs.writeFileSync(path.join(root, 'docs', 'benchmarks.md'), lines.join('\n'));
  console.log('\nwrote docs/benchmarks.md');
}

await main();
