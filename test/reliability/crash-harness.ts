// Crash safety, proven from outside: Herald runs as a real process (`herald start`, the compiled CLI) against
// the local fakes of Twitter/X, Mastodon and Bluesky, is fed commands on standard input, and is killed with
// SIGKILL at a point chosen across its work: starting up, handling a command, between the database write and
// the reply, writing the site, talking to a network. Each world (a temp folder and its own fakes) sees a
// chain of such kills, every restart recovering what the one before left behind while taking new commands;
// then a last `herald start` (standard input ended) delivers everything pending and gets SIGTERM.
//
// After every kill, with the process dead: the database passes `PRAGMA integrity_check` and every site file
// and feed is whole. At the end of a world: every acknowledged command ("Recorded post N.M" printed before
// the kill) is in the database exactly once, and every post reached each outlet exactly once, in its thread.

import { type ChildProcessWithoutNullStreams, execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import YAML from 'yaml';
import { SITE_ASSETS } from '../../src/templates/html.js';
import { type FakeBluesky, startFakeBluesky } from '../fakes/bluesky.js';
import { type FakeMastodon, startFakeMastodon } from '../fakes/mastodon.js';
import { type FakeTwitter, startFakeTwitter } from '../fakes/twitter.js';
import { bin, root } from '../helpers/cli.js';
import { tempDir } from '../helpers/core.js';
import { DEBIAN_PYTHON } from '../helpers/feedparser.js';
import { captureEnv } from '../helpers/log.js';
import { socialEnv } from '../helpers/social-env.js';

/** Where a kill landed, judged afterwards from what it left behind (see `phaseOf`). */
export const PHASES = ['boot', 'command', 'database', 'site', 'publisher', 'idle'] as const;
export type Phase = (typeof PHASES)[number];

const SOCIAL = ['twitter', 'mastodon', 'bluesky'] as const;
type Social = (typeof SOCIAL)[number];
const OUTLETS = ['site', ...SOCIAL] as const;
type OutletName = (typeof OUTLETS)[number];

export interface CampaignOptions {
  /** Worlds: each a temp folder with its own database, site and fakes. */
  worlds: number;
  /** SIGKILLs per world, before the last clean restart. */
  killsPerWorld: number;
  /** Worlds run at once. */
  concurrency: number;
  seed: number;
}

export interface CampaignSummary {
  seed: number;
  worlds: number;
  /** One run = one Herald process killed with SIGKILL, then restarted. */
  runs: number;
  phases: Record<Phase, number>;
  acknowledged: number;
  /** Posts and corrections whose delivery to every outlet was checked. */
  postsChecked: number;
  duplicates: Record<OutletName, number>;
  lost: number;
  integrityChecks: { passed: number; total: number };
  siteChecks: { passed: number; total: number };
  /** Temporary files of the site's atomic writes left behind by a kill. */
  tempFilesLeft: number;
  elapsedMs: number;
  problems: string[];
}

// --- randomness: seeded, so that a failing world's plan can be told and replayed ---

export function createRandom(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    uniform: (lo: number, hi: number) => lo + (hi - lo) * next(),
    int: (lo: number, hi: number) => lo + Math.floor((hi - lo + 1) * next()),
    pick<T>(items: readonly T[]): T {
      return items[Math.floor(next() * items.length)] as T;
    },
    shuffle<T>(items: readonly T[]): T[] {
      const out = [...items];
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [out[i], out[j]] = [out[j] as T, out[i] as T];
      }
      return out;
    },
  };
}
type Random = ReturnType<typeof createRandom>;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function waitFor(done: () => boolean, timeoutMs: number, stepMs = 5): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > until) return false;
    await sleep(stepMs);
  }
  return true;
}

/** Every `system service` pair of the shipped configuration, as typed in a command. */
function shippedComponents(): string[] {
  const config = YAML.parse(fs.readFileSync(path.join(root, 'herald.config.yaml'), 'utf8')) as {
    systems: Record<string, { services: string[] }>;
  };
  return Object.entries(config.systems).flatMap(([system, { services }]) =>
    services.map((service) => `${system} ${service}`),
  );
}

// --- one Herald process ---

interface HeraldProcess {
  child: ChildProcessWithoutNullStreams;
  stdout: string;
  stderr: string;
  spawnedAt: number;
  bannerSeen: boolean;
  exited: boolean;
  killedAt: number | null;
  cpuMs?: number;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL, once. */
  kill(): void;
  /** The answers to the commands written so far, one per command, as split by the prompt. */
  replies(): string[];
  write(line: string): boolean;
}

function spawnHerald(env: NodeJS.ProcessEnv, cwd: string, endInput: boolean): HeraldProcess {
  const child = spawn(process.execPath, [bin, 'start'], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.on('error', () => undefined); // EPIPE once it is dead
  const h: HeraldProcess = {
    child,
    stdout: '',
    stderr: '',
    spawnedAt: Date.now(),
    bannerSeen: false,
    exited: false,
    killedAt: null,
    exit: new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        h.exited = true;
        resolve({ code, signal });
      });
    }),
    kill() {
      if (h.exited || h.killedAt !== null) return;
      h.killedAt = Date.now();
      if (process.env.HERALD_CRASH_DEBUG) {
        try {
          const f = fs.readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
          h.cpuMs = (Number(f[11]) + Number(f[12])) * 10;
        } catch {}
      }
      child.kill('SIGKILL');
    },
    replies() {
      // The banner, then `herald> `; each answer is written whole, then the next prompt. The last one may
      // have been printed without the prompt after it.
      const parts = h.stdout.split('herald> ').slice(1);
      return parts.at(-1) === '' ? parts.slice(0, -1) : parts;
    },
    write(line) {
      if (h.exited || h.killedAt !== null) return false;
      child.stdin.write(`${line}\n`);
      return true;
    },
  };
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d: string) => {
    h.stdout += d;
    if (!h.bannerSeen && /Status site on http:\/\/127\.0\.0\.1:\d+\//.test(h.stdout)) h.bannerSeen = true;
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => {
    h.stderr += d;
  });
  if (endInput) child.stdin.end();
  return h;
}

// --- what the database says, read with the process dead (or read-only beside the last one) ---

interface DbPost {
  id: number;
  incident: number;
  number: number;
  text: string;
}
interface DbEdit {
  id: number;
  postId: number;
  text: string;
}
interface DbDelivery {
  id: number;
  postId: number;
  outlet: string;
  action: string;
  editId: number | null;
  status: string;
  attempts: number;
  remoteId: string | null;
  lastError: string | null;
}
interface Snapshot {
  integrity: string;
  posts: DbPost[];
  edits: DbEdit[];
  deliveries: DbDelivery[];
}

function readDatabase(file: string, integrity: boolean): Snapshot | null {
  if (!fs.existsSync(file)) return null;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const check = integrity
      ? (db.pragma('integrity_check') as Array<{ integrity_check: string }>)
          .map((r) => r.integrity_check)
          .join('; ')
      : 'not checked';
    const tables = new Set(
      db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck().all() as string[],
    );
    if (!tables.has('deliveries')) return { integrity: check, posts: [], edits: [], deliveries: [] };
    return {
      integrity: check,
      posts: db
        .prepare('SELECT id, incident_id AS incident, number, text FROM posts ORDER BY id')
        .all() as DbPost[],
      edits: db.prepare('SELECT id, post_id AS postId, text FROM post_edits ORDER BY id').all() as DbEdit[],
      deliveries: db
        .prepare(
          `SELECT id, post_id AS postId, outlet, action, edit_id AS editId, status, attempts,
                  remote_id AS remoteId, last_error AS lastError FROM deliveries ORDER BY id`,
        )
        .all() as DbDelivery[],
    };
  } finally {
    db.close();
  }
}

// --- the site, file by file ---

const TOKEN = /\bcdw\d+p\d+c\d+\b/g;
const tokensIn = (text: string): string[] => text.match(TOKEN) ?? [];

function tempFiles(publicDir: string): string[] {
  const out: string[] = [];
  for (const dir of [publicDir, path.join(publicDir, 'incidents')]) {
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir)) if (name.endsWith('.tmp')) out.push(path.join(dir, name));
  }
  return out;
}

const FEED_SCRIPT = `
import json, sys, feedparser
out = {}
for f in sys.argv[1:]:
    d = feedparser.parse(f)
    out[f] = {'bozo': bool(d.bozo), 'error': repr(d.bozo_exception) if d.bozo else None,
              'version': d.get('version', ''), 'ids': [e.get('id') for e in d.entries]}
print(json.dumps(out))
`;

interface ParsedFeed {
  bozo: boolean;
  error: string | null;
  version: string;
  ids: string[];
}
type ParsedFeeds = Record<string, ParsedFeed>;

/** Feeds already read by feedparser, by the SHA-256 of their content. */
const feedsRead = new Map<string, ParsedFeed>();

function parseFeedFiles(files: string[]): Promise<ParsedFeeds> {
  return new Promise((resolve, reject) => {
    execFile(
      DEBIAN_PYTHON,
      ['-c', FEED_SCRIPT, ...files],
      { env: { PATH: process.env.PATH, LANG: 'C.UTF-8', PYTHONIOENCODING: 'utf-8' }, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`feedparser failed: ${stderr || error.message}`));
        else resolve(JSON.parse(stdout) as ParsedFeeds);
      },
    );
  });
}

interface SiteState {
  problems: string[];
  /** Feed item ids (permalinks) by file, and each incident page's text. */
  feedIds: Map<string, string[]>;
  pages: Map<number, string>;
}

/** Every site file present is whole: HTML ends with </html>, the feeds parse, the assets are intact. */
async function checkSite(publicDir: string): Promise<SiteState> {
  const state: SiteState = { problems: [], feedIds: new Map(), pages: new Map() };
  if (!fs.existsSync(publicDir)) return state;
  const read = (file: string) => fs.readFileSync(path.join(publicDir, file), 'utf8');
  const exists = (file: string) => fs.existsSync(path.join(publicDir, file));
  const html = fs.readdirSync(publicDir).filter((f) => f.endsWith('.html'));
  const incidents = exists('incidents')
    ? fs
        .readdirSync(path.join(publicDir, 'incidents'))
        .filter((f) => f.endsWith('.html'))
        .map((f) => `incidents/${f}`)
    : [];
  for (const file of [...html, ...incidents]) {
    const text = read(file);
    if (!/<\/html>\s*$/.test(text)) state.problems.push(`${file} is not whole (${text.length} bytes)`);
    const n = /^incidents\/(\d+)\.html$/.exec(file)?.[1];
    if (n) state.pages.set(Number(n), text);
  }
  for (const [file, content] of Object.entries(SITE_ASSETS)) {
    if (exists(file) && read(file) !== content) state.problems.push(`${file} differs from Herald's asset`);
  }
  if (exists('feed.json')) {
    try {
      const feed = JSON.parse(read('feed.json')) as { version?: string; items?: Array<{ id: string }> };
      if (feed.version !== 'https://jsonfeed.org/version/1.1' || !Array.isArray(feed.items))
        state.problems.push('feed.json is not a JSON Feed 1.1');
      else
        state.feedIds.set(
          'feed.json',
          feed.items.map((i) => i.id),
        );
    } catch (error) {
      state.problems.push(`feed.json does not parse: ${(error as Error).message}`);
    }
  }
  // feedparser reads each feed once: one the same as a feed already read (unchanged since the last kill, say)
  // is known. Herald is dead or stopped whenever this runs, so the files hold still.
  const xml = (
    [
      ['rss.xml', 'rss20'],
      ['atom.xml', 'atom10'],
    ] as const
  )
    .filter(([f]) => exists(f))
    .map(([file, version]) => ({
      file,
      version,
      hash: createHash('sha256').update(read(file)).digest('hex'),
      full: path.join(publicDir, file),
    }));
  const unread = xml.filter((x) => !feedsRead.has(x.hash));
  if (unread.length) {
    const parsed = await parseFeedFiles(unread.map((x) => x.full));
    for (const x of unread) {
      const p = parsed[x.full];
      if (p) feedsRead.set(x.hash, p);
    }
  }
  for (const { file, version, hash } of xml) {
    const p = feedsRead.get(hash);
    if (!p || p.bozo || p.version !== version)
      state.problems.push(`${file} is not a well-formed ${version} feed: ${p?.error ?? p?.version}`);
    else state.feedIds.set(file, p.ids);
  }
  return state;
}

// --- a world: a folder, three fakes, a chain of Heralds ---

interface SentCommand {
  token: string;
  kind: 'post' | 'edit';
  text: string;
  /** From the reply: the post it recorded (`Recorded post N.M`) or corrected (`Corrected post N.M`). */
  ack: { incident: number; number: number } | null;
}

type Strategy = 'boot' | 'command' | 'site' | 'publisher' | 'timed';

interface KillPlan {
  strategy: Strategy;
  /** All commands written at once, rather than each after the answer to the one before. */
  burst: boolean;
  /** boot, timed: ms after spawn or after the first command; command: ms after command `index`. */
  delay: number;
  index: number;
  /** Commands only once the restart has delivered everything the kill before left pending. */
  recoverFirst: boolean;
}

interface World {
  index: number;
  dir: string;
  publicDir: string;
  database: string;
  env: NodeJS.ProcessEnv;
  random: Random;
  twitter: FakeTwitter;
  mastodon: FakeMastodon;
  bluesky: FakeBluesky;
  components: string[];
  commands: SentCommand[];
  /** Each delivery's attempts after the last kill: what the next process starts from. */
  attempts: Map<number, number>;
  tempFiles: Set<string>;
  /** Posts a correction was sent for, as `N.M`. */
  edited: Set<string>;
}

async function createWorld(index: number, seed: number): Promise<World> {
  const random = createRandom(seed);
  // Each answer comes 5–40 ms after its request took effect: a window for a kill between the two.
  const answerDelayMs = () => random.uniform(5, 40);
  const [twitter, mastodon, bluesky] = await Promise.all([
    startFakeTwitter({ answerDelayMs }),
    startFakeMastodon({ answerDelayMs }),
    startFakeBluesky({ answerDelayMs }),
  ]);
  const dir = tempDir('herald-crash-');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    HERALD_CONFIG: path.join(root, 'herald.config.yaml'),
    HERALD_DATA_DIR: path.join(dir, 'data'),
    HERALD_PUBLIC_DIR: path.join(dir, 'public'),
    HERALD_HOST: '127.0.0.1',
    HERALD_PORT: '0',
    LOG_LEVEL: 'warn',
    ...captureEnv(),
    ...socialEnv({ twitter, mastodon, bluesky }),
  };
  return {
    index,
    dir,
    publicDir: path.join(dir, 'public'),
    database: path.join(dir, 'data', 'herald.db'),
    env,
    random,
    twitter,
    mastodon,
    bluesky,
    components: random.shuffle(shippedComponents()),
    commands: [],
    attempts: new Map(),
    tempFiles: new Set(),
    edited: new Set(),
  };
}

async function closeWorld(world: World, keep: boolean): Promise<void> {
  await Promise.all([world.twitter.close(), world.mastodon.close(), world.bluesky.close()]);
  if (!keep) fs.rmSync(world.dir, { recursive: true, force: true });
}

function planKill(random: Random): KillPlan {
  const strategy = random.pick<Strategy>([
    'boot',
    'command',
    'command',
    'site',
    'site',
    'publisher',
    'publisher',
    'publisher',
    'timed',
    'timed',
  ]);
  const delay =
    strategy === 'boot'
      ? random.uniform(0, 700)
      : strategy === 'timed'
        ? random.uniform(0, 1500)
        : strategy === 'command'
          ? random.uniform(0, 25)
          : strategy === 'site'
            ? random.uniform(0, 3)
            : random.uniform(0, 45);
  return {
    strategy,
    burst: strategy === 'command' && random.next() < 0.5,
    delay,
    index: random.int(0, 6),
    recoverFirst: strategy !== 'boot' && random.next() < 0.5,
  };
}

/** The commands of one process: two components of its own, each down or degraded, updated, and back up. */
function commandTexts(
  world: World,
  k: number,
): Array<(token: string) => { text: string; kind: 'post' | 'edit' } | null> {
  const a = world.components[(2 * k) % world.components.length] as string;
  const b = world.components[(2 * k + 1) % world.components.length] as string;
  const say = (token: string) => `"Drill ${token}: the queue is being checked."`;
  const post = (text: (t: string) => string) => (t: string) => ({ text: text(t), kind: 'post' as const });
  const edit = (t: string) => {
    // A post is corrected once: two corrections of one post both go out with the latest text, and X refuses
    // the second as duplicate content (see the report on issue 7). HERALD_CRASH_REEDIT=1 lets them happen.
    const acked = world.commands.filter(
      (c) =>
        c.kind === 'post' &&
        c.ack &&
        (process.env.HERALD_CRASH_REEDIT === '1' || !world.edited.has(`${c.ack.incident}.${c.ack.number}`)),
    );
    if (!acked.length) return null;
    const target = world.random.pick(acked).ack as { incident: number; number: number };
    world.edited.add(`${target.incident}.${target.number}`);
    return {
      text: `edit ${target.incident}.${target.number} "Corrected drill ${t}."`,
      kind: 'edit' as const,
    };
  };
  return [
    post((t) => `${a} ${world.random.pick(['down', 'degraded'])} ${say(t)}`),
    post((t) => `${b} ${world.random.pick(['down', 'degraded'])} ${say(t)}`),
    post((t) => `update ${a} ${say(t)}`),
    edit,
    post((t) => `update ${b} ${say(t)}`),
    post((t) => `${a} up ${say(t)}`),
    post((t) => `${b} up ${say(t)}`),
  ];
}

/** Posts sent so far to the three networks, answered or not. */
const postsSent = (w: World) =>
  w.twitter.requests.filter((r) => r.method === 'POST' && r.path === '/2/tweets').length +
  w.mastodon.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/statuses').length +
  w.bluesky.requests.filter((r) => r.nsid === 'com.atproto.repo.createRecord').length;

interface KillRecord {
  phase: Phase;
  plan: KillPlan;
  problems: string[];
  integrityOk: boolean;
  siteOk: boolean;
}

/** One Herald: started, fed its commands, killed as planned; then what it left is checked. */
async function runVictim(world: World, k: number): Promise<KillRecord> {
  const plan = planKill(world.random);
  const h = spawnHerald(world.env, world.dir, false);
  const timers: NodeJS.Timeout[] = [];
  const later = (ms: number) => timers.push(setTimeout(() => h.kill(), ms));
  const stops: Array<() => void> = [];
  let siteTriggered = false;
  if (plan.strategy === 'boot') later(plan.delay);

  const sent: SentCommand[] = [];
  const recoveryProblems: string[] = [];
  await waitFor(() => h.bannerSeen || h.exited, 20_000);
  if (plan.recoverFirst && h.bannerSeen && !(await waitUntilDelivered(world, h)))
    recoveryProblems.push(
      `world ${world.index} (${world.dir}): restart ${k} did not deliver what was pending`,
    );
  if (h.bannerSeen && !h.exited && h.killedAt === null) {
    if (plan.strategy === 'site') {
      // Kill a moment after the n-th temporary file of an atomic write shows up.
      const nth = world.random.int(1, 12);
      let seen = 0;
      const watcher = fs.watch(world.publicDir, (_event, name) => {
        if (name?.endsWith('.tmp') && ++seen === nth && h.killedAt === null) {
          siteTriggered = true;
          later(plan.delay);
        }
      });
      stops.push(() => watcher.close());
    }
    if (plan.strategy === 'publisher') {
      // Kill while a post is on its way to a network, or its answer on the way back.
      const nth = world.random.int(1, 4);
      const base = postsSent(world);
      const poll = setInterval(() => {
        if (postsSent(world) - base >= nth && h.killedAt === null) {
          clearInterval(poll);
          later(plan.delay);
        }
      }, 1);
      stops.push(() => clearInterval(poll));
    }
    const texts = commandTexts(world, k);
    for (let i = 0; i < texts.length; i++) {
      const token = `cdw${world.index}p${k}c${i}`;
      const command = texts[i]?.(token);
      if (!command) continue;
      if (!h.write(command.text)) break;
      const entry: SentCommand = { token, kind: command.kind, text: command.text, ack: null };
      sent.push(entry);
      world.commands.push(entry);
      if (plan.strategy === 'timed' && sent.length === 1) later(plan.delay);
      if (plan.strategy === 'command' && (i === plan.index || i === texts.length - 1)) later(plan.delay);
      if (!plan.burst) {
        const n = sent.length;
        await waitFor(() => h.replies().length >= n || h.exited, 10_000, 2);
        acknowledge(h, sent);
        await sleep(world.random.uniform(0, 30));
      }
    }
  }
  // Whatever was aimed at and missed: a kill all the same, once the work in hand is done.
  if (!(await waitFor(() => h.exited, 2_000))) h.kill();
  await h.exit;
  for (const t of timers) clearTimeout(t);
  for (const stop of stops) stop();
  acknowledge(h, sent);
  const record = await inspectAfterKill(world, h, plan, sent, siteTriggered);
  return { ...record, problems: [...recoveryProblems, ...record.problems] };
}

/** Reads the answers: the i-th command's answer follows the i-th prompt. */
function acknowledge(h: HeraldProcess, sent: SentCommand[]): void {
  const replies = h.replies();
  sent.forEach((c, i) => {
    const m = /^(?:Recorded|Corrected) post (\d+)\.(\d+)/m.exec(replies[i] ?? '');
    if (m) c.ack = { incident: Number(m[1]), number: Number(m[2]) };
  });
}

/** Where the token of a command is in the database: the posts and corrections that carry it. */
function rowsWith(snapshot: Snapshot, token: string) {
  return {
    posts: snapshot.posts.filter((p) => tokensIn(p.text).includes(token)),
    edits: snapshot.edits.filter((e) => tokensIn(e.text).includes(token)),
  };
}

/** Each acknowledged command is in the database once, where its answer said. */
function checkAcknowledged(snapshot: Snapshot, commands: SentCommand[], where: string): string[] {
  const problems: string[] = [];
  for (const c of commands) {
    const { posts, edits } = rowsWith(snapshot, c.token);
    const found = posts.length + edits.length;
    if (found > 1) problems.push(`${where}: command ${c.token} is in the database ${found} times`);
    if (!c.ack) continue;
    if (found === 0) {
      problems.push(`${where}: acknowledged command ${c.token} (${c.text}) is missing from the database`);
      continue;
    }
    const post =
      c.kind === 'post'
        ? posts[0]
        : snapshot.posts.find((p) => p.id === (edits[0] as DbEdit | undefined)?.postId);
    if (!post || post.incident !== c.ack.incident || post.number !== c.ack.number)
      problems.push(
        `${where}: command ${c.token} was answered as post ${c.ack.incident}.${c.ack.number}, the database has it at ${post ? `${post.incident}.${post.number}` : 'no post'}`,
      );
  }
  return problems;
}

/** The phase of the kill, from what it left behind; `before` is the world's state before this process. */
function phaseOf(
  h: HeraldProcess,
  sent: SentCommand[],
  snapshot: Snapshot | null,
  attemptsBefore: Map<number, number>,
  newTempFiles: number,
  siteTriggered: boolean,
): Phase {
  if (!h.bannerSeen) return 'boot';
  const unanswered = sent.filter((c) => !c.ack);
  if (
    snapshot &&
    unanswered.some((c) => {
      const { posts, edits } = rowsWith(snapshot, c.token);
      return posts.length + edits.length > 0;
    })
  )
    return 'database';
  const pendingSite =
    snapshot?.deliveries.some((d) => d.outlet === 'site' && d.status === 'pending') ?? false;
  if (newTempFiles > 0 || (siteTriggered && pendingSite)) return 'site';
  // A post on its way to a network: its attempt counted, its result not recorded.
  const inFlight = snapshot?.deliveries.some(
    (d) => d.outlet !== 'site' && d.status === 'pending' && d.attempts > (attemptsBefore.get(d.id) ?? 0),
  );
  if (inFlight) return 'publisher';
  if (unanswered.length) return 'command';
  return 'idle';
}

async function inspectAfterKill(
  world: World,
  h: HeraldProcess,
  plan: KillPlan,
  sent: SentCommand[],
  siteTriggered: boolean,
): Promise<KillRecord> {
  const where = `world ${world.index} (${world.dir}), kill ${plan.strategy} ${JSON.stringify(plan)}`;
  if (process.env.HERALD_CRASH_DEBUG)
    process.stderr.write(
      `[crash] w${world.index} ${plan.strategy} cpu ${h.cpuMs} life ${(h.killedAt ?? Date.now()) - h.spawnedAt} ms, banner ${h.bannerSeen}, sent ${sent.length}, acked ${sent.filter((c) => c.ack).length}\n`,
    );
  const problems: string[] = [];
  const exit = await h.exit;
  if (exit.signal !== 'SIGKILL')
    problems.push(`${where}: Herald exited by itself (${exit.code}): ${h.stderr.slice(-2000)}`);
  sent.forEach((c, i) => {
    const reply = h.replies()[i];
    if (reply !== undefined && !c.ack && /\S/.test(reply.replace(/^post \d+\.\d+ to .*$/gm, '')))
      problems.push(`${where}: command ${c.text} was not recorded: ${reply}`);
  });
  let snapshot: Snapshot | null = null;
  try {
    snapshot = readDatabase(world.database, true);
  } catch (error) {
    problems.push(`${where}: the database cannot be read after the kill: ${(error as Error).message}`);
  }
  const integrityOk = snapshot === null ? !fs.existsSync(world.database) : snapshot.integrity === 'ok';
  if (!integrityOk) problems.push(`${where}: integrity_check after the kill: ${snapshot?.integrity}`);
  if (snapshot) problems.push(...checkAcknowledged(snapshot, sent, where));
  const site = await checkSite(world.publicDir);
  problems.push(...site.problems.map((p) => `${where}: after the kill, ${p}`));
  const temps = tempFiles(world.publicDir).filter((f) => !world.tempFiles.has(f));
  for (const f of temps) world.tempFiles.add(f);
  const phase = phaseOf(h, sent, snapshot, world.attempts, temps.length, siteTriggered);
  if (snapshot) for (const d of snapshot.deliveries) world.attempts.set(d.id, d.attempts);
  return { phase, plan, problems, integrityOk, siteOk: site.problems.length === 0 };
}

interface Message {
  id: string;
  text: string;
  parent: string | null;
}

function messagesOf(world: World, outlet: Social): Message[] {
  switch (outlet) {
    case 'twitter':
      return world.twitter.tweets.map((t) => ({ id: t.id, text: t.text, parent: t.in_reply_to_tweet_id }));
    case 'mastodon':
      return world.mastodon.statuses.map((s) => ({ id: s.id, text: s.text, parent: s.inReplyToId }));
    case 'bluesky':
      return world.bluesky.posts.map((p) => ({
        id: p.uri,
        text: p.text,
        parent: p.reply?.parent.uri ?? null,
      }));
  }
}

/** A remote id as the fake names the message: Bluesky's is `<uri> <cid>`. */
const remoteKey = (outlet: Social, remoteId: string | null) =>
  outlet === 'bluesky' ? (remoteId?.split(' ')[0] ?? null) : remoteId;

interface WorldResult {
  kills: KillRecord[];
  acknowledged: number;
  postsChecked: number;
  duplicates: Record<OutletName, number>;
  lost: number;
  integrity: { passed: number; total: number };
  site: { passed: number; total: number };
  tempFiles: number;
  problems: string[];
}

/** Waits (reading the database beside the running Herald) until no delivery is left to make. */
async function waitUntilDelivered(world: World, h: HeraldProcess, timeoutMs = 30_000): Promise<boolean> {
  return waitFor(
    () =>
      h.exited ||
      (readDatabase(world.database, false)?.deliveries.every((d) => d.status === 'sent') ?? false),
    timeoutMs,
    50,
  );
}

/** The last Herald: standard input ended, left to deliver everything, then SIGTERM. */
async function recover(world: World, problems: string[]): Promise<void> {
  const where = `world ${world.index} (${world.dir}), final restart`;
  const h = spawnHerald(world.env, world.dir, true);
  const started = await waitFor(() => h.bannerSeen || h.exited, 20_000);
  if (!started || h.exited) {
    problems.push(`${where}: Herald did not start: ${h.stdout.slice(-1000)} ${h.stderr.slice(-2000)}`);
    h.kill();
    await h.exit;
    return;
  }
  if (!(await waitUntilDelivered(world, h))) {
    const waiting = (readDatabase(world.database, false)?.deliveries ?? []).filter(
      (d) => d.status !== 'sent',
    );
    problems.push(
      `${where}: not delivered within 30 s: ${waiting
        .map((d) => `#${d.id} ${d.outlet} ${d.status} after ${d.attempts}: ${d.lastError}`)
        .join('; ')}`,
    );
  }
  if (process.env.HERALD_CRASH_DEBUG)
    process.stderr.write(`[crash] w${world.index} recovered in ${Date.now() - h.spawnedAt} ms\n`);
  h.child.kill('SIGTERM');
  const stopped = await Promise.race([h.exit, sleep(15_000).then(() => null)]);
  if (!stopped) {
    problems.push(`${where}: Herald did not stop on SIGTERM`);
    h.kill();
    await h.exit;
  } else if (stopped.code !== 0) {
    problems.push(
      `${where}: Herald exited ${stopped.code ?? stopped.signal} on SIGTERM: ${h.stderr.slice(-2000)}`,
    );
  }
}

const FEED_ITEMS = (
  YAML.parse(fs.readFileSync(path.join(root, 'herald.config.yaml'), 'utf8')) as {
    site: { feedItems: number };
  }
).site.feedItems;

/**
 * Every post and correction on every network exactly once: each delivery's recorded remote id names a
 * message the fake holds, with the post's permalink and text, replying to the thread's previous message;
 * and every message the fake holds is some delivery's. On the site: each post once on its incident's page,
 * and once in each feed (the newest FEED_ITEMS of them), its latest text shown.
 */
function checkOutlets(
  world: World,
  snapshot: Snapshot,
  site: SiteState,
  result: WorldResult,
  where: string,
): string[] {
  const problems: string[] = [];
  const postById = new Map(snapshot.posts.map((p) => [p.id, p]));
  const tokensOfPost = (postId: number) => [
    ...tokensIn(postById.get(postId)?.text ?? ''),
    ...snapshot.edits.filter((e) => e.postId === postId).flatMap((e) => tokensIn(e.text)),
  ];
  for (const outlet of SOCIAL) {
    const messages = new Map(messagesOf(world, outlet).map((m) => [m.id, m]));
    const claimed = new Map<string, number>();
    const lastInThread = new Map<number, string | null>();
    for (const d of snapshot.deliveries.filter((x) => x.outlet === outlet)) {
      const post = postById.get(d.postId);
      const key = remoteKey(outlet, d.remoteId);
      const what = `${outlet} delivery #${d.id} (${d.action} of post ${post?.incident}.${post?.number})`;
      const parent = lastInThread.get(post?.incident ?? -1) ?? null;
      lastInThread.set(post?.incident ?? -1, key);
      const message = key === null ? undefined : messages.get(key);
      if (!message) {
        result.lost++;
        problems.push(`${where}: ${what} is recorded as ${d.remoteId}, which ${outlet} does not hold`);
        continue;
      }
      const other = claimed.get(message.id);
      if (other !== undefined) {
        result.lost++;
        problems.push(`${where}: ${what} and delivery #${other} are both recorded as ${message.id}`);
      }
      claimed.set(message.id, d.id);
      const permalink = `/incidents/${post?.incident}.html#post-${post?.number}`;
      const token = tokensIn(message.text)[0];
      if (
        !message.text.includes(permalink) ||
        !token ||
        !tokensOfPost(d.postId).includes(token) ||
        message.text.startsWith('Correction:') !== (d.action === 'edit')
      )
        problems.push(`${where}: ${what} is recorded as a message that is not it: ${message.text}`);
      if (message.parent !== parent)
        problems.push(`${where}: ${what} replies to ${message.parent}, not to ${parent}, the thread's last`);
    }
    for (const m of messages.values()) {
      if (claimed.has(m.id)) continue;
      result.duplicates[outlet]++;
      problems.push(
        `${where}: ${outlet} holds a message no delivery recorded (a duplicate): ${m.id} ${m.text}`,
      );
    }
  }
  const newest = new Set(
    [...snapshot.posts]
      .sort((a, b) => b.id - a.id)
      .slice(0, FEED_ITEMS)
      .map((p) => p.id),
  );
  for (const post of snapshot.posts) {
    const name = `post ${post.incident}.${post.number}`;
    const page = site.pages.get(post.incident) ?? '';
    const anchors = page.split(`id="post-${post.number}"`).length - 1;
    if (anchors > 1) result.duplicates.site += anchors - 1;
    if (anchors === 0) result.lost++;
    if (anchors !== 1) problems.push(`${where}: ${name} is on its incident's page ${anchors} times`);
    const latest = tokensOfPost(post.id).at(-1);
    if (latest && !page.includes(latest))
      problems.push(`${where}: the page of ${name} does not show ${latest}`);
    const permalink = `/incidents/${post.incident}.html#post-${post.number}`;
    for (const [file, ids] of site.feedIds) {
      const n = ids.filter((id) => id.endsWith(permalink)).length;
      const expected = newest.has(post.id) ? 1 : 0;
      if (n > 1) result.duplicates.site += n - 1;
      if (n < expected) result.lost++;
      if (n !== expected) problems.push(`${where}: ${name} is in ${file} ${n} times, not ${expected}`);
    }
  }
  return problems;
}

async function runWorld(index: number, seed: number, kills: number): Promise<WorldResult> {
  const world = await createWorld(index, seed);
  const result: WorldResult = {
    kills: [],
    acknowledged: 0,
    postsChecked: 0,
    duplicates: { site: 0, twitter: 0, mastodon: 0, bluesky: 0 },
    lost: 0,
    integrity: { passed: 0, total: 0 },
    site: { passed: 0, total: 0 },
    tempFiles: 0,
    problems: [],
  };
  const problems = result.problems;
  try {
    for (let k = 0; k < kills; k++) {
      const record = await runVictim(world, k);
      result.kills.push(record);
      problems.push(...record.problems);
      result.integrity.total++;
      if (record.integrityOk) result.integrity.passed++;
      result.site.total++;
      if (record.siteOk) result.site.passed++;
    }
    await recover(world, problems);
    const where = `world ${world.index} (seed ${seed}, ${world.dir}), at the end`;
    const snapshot = readDatabase(world.database, true);
    if (!snapshot) throw new Error(`${where}: no database`);
    result.integrity.total++;
    if (snapshot.integrity === 'ok') result.integrity.passed++;
    else problems.push(`${where}: integrity_check: ${snapshot.integrity}`);
    const site = await checkSite(world.publicDir);
    result.site.total++;
    if (site.problems.length === 0) result.site.passed++;
    problems.push(...site.problems.map((p) => `${where}: ${p}`));
    problems.push(...checkAcknowledged(snapshot, world.commands, where));
    result.acknowledged = world.commands.filter((c) => c.ack).length;
    result.tempFiles = world.tempFiles.size;

    problems.push(...checkOutlets(world, snapshot, site, result, where));
    result.postsChecked = snapshot.posts.length + snapshot.edits.length;
  } catch (error) {
    problems.push(`world ${index} (seed ${seed}, ${world.dir}): ${(error as Error).stack ?? String(error)}`);
  } finally {
    await closeWorld(world, problems.length > 0);
  }
  return result;
}

export async function runCrashCampaign(options: CampaignOptions): Promise<CampaignSummary> {
  if (!fs.existsSync(path.join(root, 'dist', 'cli.js')))
    throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does)');
  // Each process of a world takes two components of its own.
  if (2 * options.killsPerWorld > shippedComponents().length)
    throw new Error(`at most ${Math.floor(shippedComponents().length / 2)} kills per world`);
  const started = Date.now();
  const summary: CampaignSummary = {
    seed: options.seed,
    worlds: options.worlds,
    runs: 0,
    phases: Object.fromEntries(PHASES.map((p) => [p, 0])) as Record<Phase, number>,
    acknowledged: 0,
    postsChecked: 0,
    duplicates: { site: 0, twitter: 0, mastodon: 0, bluesky: 0 },
    lost: 0,
    integrityChecks: { passed: 0, total: 0 },
    siteChecks: { passed: 0, total: 0 },
    tempFilesLeft: 0,
    elapsedMs: 0,
    problems: [],
  };
  const seeds = createRandom(options.seed);
  const worldSeeds = Array.from({ length: options.worlds }, () => Math.floor(seeds.next() * 2 ** 32));
  let nextWorld = 0;
  const worker = async () => {
    while (nextWorld < options.worlds) {
      const index = nextWorld++;
      const r = await runWorld(index, worldSeeds[index] as number, options.killsPerWorld);
      summary.runs += r.kills.length;
      for (const k of r.kills) summary.phases[k.phase]++;
      summary.acknowledged += r.acknowledged;
      summary.postsChecked += r.postsChecked;
      for (const o of OUTLETS) summary.duplicates[o] += r.duplicates[o];
      summary.lost += r.lost;
      summary.integrityChecks.passed += r.integrity.passed;
      summary.integrityChecks.total += r.integrity.total;
      summary.siteChecks.passed += r.site.passed;
      summary.siteChecks.total += r.site.total;
      summary.tempFilesLeft += r.tempFiles;
      summary.problems.push(...r.problems);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  summary.elapsedMs = Date.now() - started;
  return summary;
}

/** The one line docs/reliability.md quotes. */
export function formatSummary(s: CampaignSummary): string {
  const phases = PHASES.map((p) => `${p} ${s.phases[p]}`).join(', ');
  const dups = OUTLETS.map((o) => `${o} ${s.duplicates[o]}`).join(', ');
  return (
    `crash safety: ${s.runs} runs (SIGKILL then restart) in ${s.worlds} worlds, seed ${s.seed}; ` +
    `kills by phase: ${phases}; ${s.acknowledged} acknowledged commands; ` +
    `${s.postsChecked} posts and corrections checked on 4 outlets; duplicates: ${dups}; lost ${s.lost}; ` +
    `integrity checks passed ${s.integrityChecks.passed}/${s.integrityChecks.total}; ` +
    `site checks passed ${s.siteChecks.passed}/${s.siteChecks.total}; ` +
    `temp files left ${s.tempFilesLeft}; ${(s.elapsedMs / 1000).toFixed(1)} s`
  );
}
