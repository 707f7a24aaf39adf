// Crash safety of the chat edge, proven from outside: a real `herald start` (the compiled CLI) with Slack in
// HTTP mode and Discord's signed interactions configured against the local fakes takes bursts of signed
// commands (10 or 50 in flight), and is killed with SIGKILL at a random moment: during the burst, right after
// the last acknowledgement, or during the drain. It is restarted, and the next burst comes; the last process
// of each world is stopped with SIGTERM in the middle of a burst, must exit 0, and a final start finishes
// what it left pending. After every kill the database passes integrity_check; at the end every acknowledged
// command is recorded exactly once, and none that was not acknowledged is recorded twice.
// Seeded (createRandom): a failing world's plan is told and can be replayed; a process's timing cannot.

import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {
  commandInteraction,
  createInteractionSigner,
  FAKE_APPLICATION_ID,
  type FakeDiscord,
  type InteractionSigner,
  postInteraction,
  signedHeaders,
  startFakeDiscord,
} from '../fakes/discord.js';
import { FAKE_SLACK, type FakeSlack, postSigned, slashCommand, startFakeSlack } from '../fakes/slack.js';
import { bin, root } from '../helpers/cli.js';
import { tempDir } from '../helpers/core.js';
import { captureEnv } from '../helpers/log.js';
import { createRandom } from './crash-harness.js';

type Random = ReturnType<typeof createRandom>;
const STAFF_ROLE = '1200000000000000001';
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface ChatCampaignOptions {
  worlds: number;
  /** SIGKILLs per world; then one SIGTERM and a final start. */
  killsPerWorld: number;
  concurrency: number;
  seed: number;
  /** Commands per burst. */
  burst: readonly [number, number];
  /** Commands per burst in the first world (a long burst, to kill in the middle of hundreds). */
  firstBurst?: readonly [number, number];
}

export interface ChatCampaignSummary {
  seed: number;
  runs: number;
  sigterms: number;
  cleanExits: number;
  kills: Record<'burst' | 'after-ack' | 'drain', number>;
  sent: number;
  acknowledged: number;
  /** Acknowledged commands recorded exactly once. */
  recordedOnce: number;
  /** Not acknowledged, recorded once (taken into the inbox before the kill cut the answer). */
  unacknowledgedRecorded: number;
  integrity: { passed: number; total: number };
  elapsedMs: number;
  problems: string[];
}

interface Sent {
  token: string;
  acked: boolean;
}

interface ChatProcess {
  child: ChildProcessWithoutNullStreams;
  url: Promise<string>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

/** `herald start` (this checkout's, or the one `heraldBin` names) with standard input ended. */
export function spawnHerald(env: NodeJS.ProcessEnv, cwd: string, heraldBin = bin): ChatProcess {
  const child = spawn(process.execPath, [heraldBin, 'start'], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.end();
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => {
    stderr += d;
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: string) => {
      stdout += d;
      const m = /Status site on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout);
      if (m?.[1]) resolve(m[1]);
    });
    void exit.then(() => reject(new Error(`herald start exited before listening: ${stderr.slice(-2000)}`)));
  });
  url.catch(() => undefined);
  return { child, url, exit, stderr: () => stderr };
}

interface ChatWorld {
  index: number;
  dir: string;
  database: string;
  env: NodeJS.ProcessEnv;
  random: Random;
  slack: FakeSlack;
  discord: FakeDiscord;
  signer: InteractionSigner;
  sent: Sent[];
}

/** The shipped configuration with staff on Slack (U0STAFF) and Discord (a role), and no previews. */
function writeConfig(dir: string): string {
  const swap = (text: string, from: string, to: string) => {
    if (!text.includes(from)) throw new Error(`the shipped config no longer holds "${from}"`);
    return text.replace(from, to);
  };
  let text = fs.readFileSync(path.join(root, 'herald.config.yaml'), 'utf8');
  text = swap(text, 'users: [] # Slack user ids', 'users: ["U0STAFF"] # Slack user ids');
  text = swap(text, 'roles: [] # Discord role ids', `roles: ["${STAFF_ROLE}"] # Discord role ids`);
  text = swap(text, 'preview: true', 'preview: false');
  const file = path.join(dir, 'herald.config.yaml');
  fs.writeFileSync(file, text);
  return file;
}

export async function createChatWorld(index: number, seed: number): Promise<ChatWorld> {
  const [slack, discord] = await Promise.all([startFakeSlack(), startFakeDiscord()]);
  const signer = createInteractionSigner();
  const dir = tempDir('herald-chat-crash-');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    HERALD_CONFIG: writeConfig(dir),
    HERALD_DATA_DIR: path.join(dir, 'data'),
    HERALD_PUBLIC_DIR: path.join(dir, 'public'),
    HERALD_HOST: '127.0.0.1',
    HERALD_PORT: '0',
    LOG_LEVEL: 'warn',
    SLACK_BOT_TOKEN: FAKE_SLACK.botToken,
    SLACK_SIGNING_SECRET: FAKE_SLACK.signingSecret,
    SLACK_API_URL: slack.apiUrl,
    DISCORD_APPLICATION_ID: FAKE_APPLICATION_ID,
    DISCORD_PUBLIC_KEY: signer.publicKey,
    DISCORD_API_URL: discord.apiUrl,
    ...captureEnv(),
  };
  return {
    index,
    dir,
    database: path.join(dir, 'data', 'herald.db'),
    env,
    random: createRandom(seed),
    slack,
    discord,
    signer,
    sent: [],
  };
}

export async function closeChatWorld(w: ChatWorld, keep: boolean): Promise<void> {
  await Promise.all([w.slack.close(), w.discord.close()]);
  if (!keep) fs.rmSync(w.dir, { recursive: true, force: true });
}

let tokens = 0;

/** Sends one signed command (Slack or Discord at random); true when Herald acknowledged it (2xx). */
async function sendOne(w: ChatWorld, base: string, token: string): Promise<boolean> {
  const text = `notice "Drill ${token}" "Drill ${token}: the queue is being checked."`;
  try {
    if (w.random.next() < 0.5) {
      const form = slashCommand(w.slack, { text, responseKey: `r-${token}` });
      const r = await postSigned(new URL('slack/events', base).href, form);
      return r.status === 200;
    }
    const interaction = commandInteraction(
      { user: { id: '1200000000000000099', username: 'ann', roles: [STAFF_ROLE] } },
      'run',
      { text },
    );
    const body = JSON.stringify(interaction);
    const r = await postInteraction(
      new URL('discord/interactions', base).href,
      body,
      signedHeaders(w.signer, body),
    );
    return r.status === 200;
  } catch {
    return false; // the connection died with the process
  }
}

/** A burst of `count` commands, `inFlight` at a time; `onAck` is told each acknowledgement. */
async function burst(
  w: ChatWorld,
  base: string,
  count: number,
  inFlight: number,
  onAck: (n: number) => void,
) {
  let next = 0;
  let acks = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      const token = `cc${w.index}t${++tokens}`;
      const sent: Sent = { token, acked: false };
      w.sent.push(sent);
      sent.acked = await sendOne(w, base, token);
      if (sent.acked) onAck(++acks);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}

function readDb(file: string, integrity: boolean): { titles: string[]; pending: number; ok: boolean } {
  const db = new Database(file, { readonly: true });
  try {
    const ok = !integrity || db.pragma('integrity_check', { simple: true }) === 'ok';
    const titles = db.prepare('SELECT title FROM incidents').pluck().all() as string[];
    const pending = db.prepare(`SELECT count(*) FROM inbox WHERE status = 'pending'`).pluck().get() as number;
    return { titles, pending, ok };
  } finally {
    db.close();
  }
}

async function waitDrained(w: ChatWorld, h: ChatProcess, timeoutMs = 300_000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (readDb(w.database, false).pending === 0) return true;
    await sleep(50);
  }
  void h;
  return false;
}

interface WorldResult {
  runs: number;
  sigterms: number;
  cleanExits: number;
  kills: ChatCampaignSummary['kills'];
  integrity: { passed: number; total: number };
  problems: string[];
}

async function runWorld(
  index: number,
  seed: number,
  o: ChatCampaignOptions,
): Promise<WorldResult & { w: ChatWorld }> {
  const w = await createChatWorld(index, seed);
  const r: WorldResult = {
    runs: 0,
    sigterms: 0,
    cleanExits: 0,
    kills: { burst: 0, 'after-ack': 0, drain: 0 },
    integrity: { passed: 0, total: 0 },
    problems: [],
  };
  const say = (p: string) => r.problems.push(`world ${index} (seed ${seed}): ${p}`);
  for (let k = 0; k <= o.killsPerWorld; k++) {
    const last = k === o.killsPerWorld;
    const h = spawnHerald(w.env, w.dir);
    const base = await h.url;
    const [lo, hi] = index === 0 && o.firstBurst ? o.firstBurst : o.burst;
    const count = w.random.int(lo, hi);
    const inFlight = w.random.pick([10, 50]);
    const when = last ? 'sigterm' : w.random.pick(['burst', 'after-ack', 'drain'] as const);
    const cutAt = w.random.int(1, count);
    let stopped = false;
    // Once: a second SIGTERM during the graceful stop would be a second, different request.
    const stop = () => {
      if (stopped) return;
      stopped = true;
      h.child.kill(last ? 'SIGTERM' : 'SIGKILL');
    };
    const sending = burst(w, base, count, inFlight, (n) => {
      if ((when === 'burst' || when === 'sigterm') && n === cutAt) stop();
    });
    await sending;
    if (when === 'after-ack') stop();
    if (when === 'drain') {
      await sleep(w.random.uniform(0, 200));
      stop();
    }
    if (when === 'burst' || when === 'sigterm') stop(); // a burst that ended before its cut
    const exit = await h.exit;
    if (last) {
      r.sigterms++;
      if (exit.code === 0) r.cleanExits++;
      else say(`SIGTERM: exit ${exit.code} ${exit.signal ?? ''}: ${h.stderr().slice(-1500)}`);
    } else {
      r.runs++;
      r.kills[when as keyof WorldResult['kills']]++;
    }
    r.integrity.total++;
    if (readDb(w.database, true).ok) r.integrity.passed++;
    else say(`integrity_check failed after run ${k}`);
  }
  // The final start finishes whatever was left pending, then stops cleanly.
  const h = spawnHerald(w.env, w.dir);
  await h.url;
  if (!(await waitDrained(w, h))) say('the final start did not drain the inbox');
  h.child.kill('SIGTERM');
  const exit = await h.exit;
  if (exit.code !== 0) say(`final SIGTERM: exit ${exit.code}`);
  const { titles } = readDb(w.database, true);
  const counts = new Map<string, number>();
  for (const t of titles) {
    const m = /^Drill (cc\d+t\d+)$/.exec(t);
    if (m?.[1]) counts.set(m[1], (counts.get(m[1]) ?? 0) + 1);
  }
  for (const s of w.sent) {
    const n = counts.get(s.token) ?? 0;
    if (s.acked && n !== 1) say(`acknowledged ${s.token} recorded ${n} times`);
    if (!s.acked && n > 1) say(`unacknowledged ${s.token} recorded ${n} times`);
  }
  return { ...r, w };
}

export async function runChatCrashCampaign(o: ChatCampaignOptions): Promise<ChatCampaignSummary> {
  const started = Date.now();
  const summary: ChatCampaignSummary = {
    seed: o.seed,
    runs: 0,
    sigterms: 0,
    cleanExits: 0,
    kills: { burst: 0, 'after-ack': 0, drain: 0 },
    sent: 0,
    acknowledged: 0,
    recordedOnce: 0,
    unacknowledgedRecorded: 0,
    integrity: { passed: 0, total: 0 },
    elapsedMs: 0,
    problems: [],
  };
  const planner = createRandom(o.seed);
  const seeds = Array.from({ length: o.worlds }, () => planner.int(1, 2 ** 31 - 1));
  let nextWorld = 0;
  const lane = async () => {
    while (nextWorld < o.worlds) {
      const index = nextWorld++;
      const r = await runWorld(index, seeds[index] as number, o);
      summary.runs += r.runs;
      summary.sigterms += r.sigterms;
      summary.cleanExits += r.cleanExits;
      for (const k of Object.keys(r.kills) as Array<keyof typeof r.kills>) summary.kills[k] += r.kills[k];
      summary.integrity.passed += r.integrity.passed;
      summary.integrity.total += r.integrity.total;
      summary.problems.push(...r.problems);
      const titles = new Set(readDb(r.w.database, false).titles);
      for (const s of r.w.sent) {
        summary.sent++;
        if (s.acked) summary.acknowledged++;
        const recorded = titles.has(`Drill ${s.token}`);
        if (s.acked && recorded) summary.recordedOnce++;
        if (!s.acked && recorded) summary.unacknowledgedRecorded++;
      }
      await closeChatWorld(r.w, r.problems.length > 0);
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, lane));
  summary.elapsedMs = Date.now() - started;
  return summary;
}

export function formatChatSummary(s: ChatCampaignSummary): string {
  return [
    `chat crash campaign, seed ${s.seed}: ${s.runs} SIGKILL runs (${s.kills.burst} during a burst, ${s.kills['after-ack']} right after the last acknowledgement, ${s.kills.drain} during the drain), ${s.sigterms} SIGTERMs (${s.cleanExits} clean exits)`,
    `  ${s.sent} signed commands sent, ${s.acknowledged} acknowledged, ${s.recordedOnce} of those recorded exactly once; ${s.unacknowledgedRecorded} unacknowledged recorded once`,
    `  integrity_check ${s.integrity.passed}/${s.integrity.total}; ${(s.elapsedMs / 1000).toFixed(1)} s; ${s.problems.length} problems`,
    ...s.problems.slice(0, 20).map((p) => `  ! ${p}`),
  ].join('\n');
}
