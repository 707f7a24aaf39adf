// Issue 7, concurrency: the same component changed at once from Slack, Discord and the shell. A real
// `herald start` process (Slack in HTTP mode and Discord's signed interactions on its one server, previews
// off, against the local fakes) takes a burst of signed commands while separate `herald run` processes write
// to the same database at the same moment. Afterwards the database, read with better-sqlite3, must hold one
// open incident for the component, its posts numbered 1..N without a gap or a repeat (N = the commands
// acknowledged as recorded), and no answer or log may carry SQLITE_BUSY, "database is locked" or an apology.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
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
import { FAKE_SLACK, type FakeSlack, postSigned, slashCommand, startFakeSlack } from '../fakes/slack.js';
import {
  bin,
  type CliResult,
  type CliWorld,
  createCliWorld,
  killRunningHeralds,
  type RunningHerald,
  root,
  startRunningHerald,
} from '../helpers/cli.js';
import { until } from '../helpers/wait.js';

const ROUNDS = process.env.HERALD_LONG === '1' ? 10 : 3;
const PER_SURFACE = 10;
const STAFF_ROLE = '1600000000000000001';
const anna: FakeUser = { id: '1500000000000000001', username: 'anna', roles: [STAFF_ROLE] };
const ann = { id: 'U0STAFF', name: 'ann' };
/** What must never reach a person or the log: the database's lock, or the apology for the unexpected. */
const TROUBLE = /SQLITE_BUSY|database is locked|Sorry: something went wrong/i;
/** `Recorded post 3.14` (Discord bolds it: `**Recorded post 3.14**`). */
const RECORDED = /Recorded post (\d+)\.(\d+)/;

const children = new Set<ChildProcessWithoutNullStreams>();

/** `herald run '<text>'` as a separate process, at the same time as others. */
function runShell(world: CliWorld, text: string): Promise<CliResult & { ms: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [bin, 'run', text, '--as', 'ops'], {
    cwd: world.dir,
    env: world.env,
    stdio: 'pipe',
  });
  children.add(child);
  child.stdin.end();
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) =>
    child.on('close', (status) => {
      clearTimeout(killer);
      children.delete(child);
      resolve({ status, stdout, stderr, ms: performance.now() - started });
    }),
  );
}

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
const ms = (n: number) => `${Math.round(n)} ms`;

let world: CliWorld | undefined;
let slack: FakeSlack | undefined;
let discord: FakeDiscord | undefined;
let herald: RunningHerald | undefined;
afterEach(async () => {
  await herald?.stop();
  for (const child of children) child.kill('SIGKILL');
  children.clear();
  killRunningHeralds();
  await slack?.close();
  await discord?.close();
  world?.cleanup();
  herald = undefined;
  slack = undefined;
  discord = undefined;
  world = undefined;
});

/** One answer: which surface, what it said, and the post it reported (incident.number), if recorded. */
interface Answer {
  surface: 'slack' | 'discord' | 'shell';
  text: string;
  ref: string | null;
}

const refOf = (text: string): string | null => {
  const m = RECORDED.exec(text);
  return m ? `${m[1]}.${m[2]}` : null;
};

it(`keeps one incident and gapless numbering under ${ROUNDS} rounds of ${PER_SURFACE} Slack + ${PER_SURFACE} Discord + ${PER_SURFACE} shell commands at once`, async () => {
  const began = performance.now();
  const fakeSlack = await startFakeSlack();
  slack = fakeSlack;
  const fakeDiscord = await startFakeDiscord();
  discord = fakeDiscord;
  const signer = createInteractionSigner();
  const swap = (text: string, from: string, to: string) => {
    if (!text.includes(from)) throw new Error(`the shipped config no longer holds "${from}"`);
    return text.replace(from, to);
  };
  let config = fs.readFileSync(`${root}/herald.config.yaml`, 'utf8');
  config = swap(config, 'users: [] # Slack user ids', `users: ["${ann.id}"] # Slack user ids`);
  config = swap(config, 'roles: [] # Discord role ids', `roles: ["${STAFF_ROLE}"] # Discord role ids`);
  config = swap(config, 'preview: true', 'preview: false');
  const w = createCliWorld({ config });
  world = w;
  Object.assign(w.env, {
    SLACK_BOT_TOKEN: FAKE_SLACK.botToken,
    SLACK_SIGNING_SECRET: FAKE_SLACK.signingSecret,
    SLACK_API_URL: fakeSlack.apiUrl,
    DISCORD_APPLICATION_ID: FAKE_APPLICATION_ID,
    DISCORD_PUBLIC_KEY: signer.publicKey,
    DISCORD_API_URL: fakeDiscord.apiUrl,
  });
  const running = await startRunningHerald(w);
  herald = running;
  const slackUrl = new URL('slack/events', running.url).href;
  const discordUrl = new URL('discord/interactions', running.url).href;

  const answers: Answer[] = [];
  const shellStderr: string[] = [];
  const acks = { slack: [] as number[], discord: [] as number[], shell: [] as number[] };
  let overlapping = 0;
  const db = new Database(w.database, { readonly: true, fileMustExist: true });
  try {
    const shellWrites = db.prepare<[], { n: number }>(
      "SELECT count(*) AS n FROM audit WHERE platform = 'shell' AND result = 'ok'",
    );
    const shellWritesSince = db.prepare<[number], { n: number }>(
      "SELECT count(*) AS n FROM audit WHERE platform = 'shell' AND result = 'ok' AND at >= ?",
    );

    for (let round = 1; round <= ROUNDS; round++) {
      // Later rounds also continue the incident by naming its component, as staff do.
      const slackText = (i: number) =>
        round > 1 && i % 3 === 0
          ? `update nc018 smtp "round ${round}: Slack update ${i}"`
          : `nc018 smtp ${i % 2 ? 'down' : 'degraded'} "round ${round}: Slack ${i}"`;
      const before = shellWrites.get()?.n ?? 0;
      const shells = Array.from({ length: PER_SURFACE }, (_, i) =>
        runShell(w, `nc018 smtp ${i % 2 ? 'degraded' : 'down'} "round ${round}: shell ${i}"`),
      );
      // The shells take a moment to start: the chat burst goes out as the first of them writes, so the
      // rest of them write while Herald is taking the burst.
      let shellsDone = false;
      void Promise.all(shells).then(() => {
        shellsDone = true;
      });
      await until('the first shell write', () => shellsDone || (shellWrites.get()?.n ?? 0) > before, 30_000);
      const burstAt = Date.now();

      const slackSent = Array.from({ length: PER_SURFACE }, async (_, i) => {
        const key = `r${round}-s${i}`;
        const t = performance.now();
        const res = await postSigned(
          slackUrl,
          slashCommand(fakeSlack, { text: slackText(i), responseKey: key, user: ann }),
        );
        acks.slack.push(performance.now() - t);
        expect(res.status, `Slack ack ${key}: ${res.body}`).toBe(200);
        const first = await until('a Slack answer', () => fakeSlack.responsesTo(key)[0], 20_000);
        const text = String(first.body.text ?? JSON.stringify(first.body));
        answers.push({ surface: 'slack', text, ref: refOf(text) });
      });
      const discordSent = Array.from({ length: PER_SURFACE }, async (_, i) => {
        const interaction =
          round > 1 && i % 3 === 1
            ? commandInteraction({ user: anna }, 'update', {
                incident: 'nc018 smtp',
                message: `round ${round}: Discord update ${i}`,
              })
            : commandInteraction({ user: anna }, 'change', {
                system: 'nc018',
                services: 'smtp',
                state: i % 2 ? 'degraded' : 'down',
                message: `round ${round}: Discord ${i}`,
              });
        // Discord takes the HTTP response as the interaction's callback; telling the fake first keeps a
        // fast edit from arriving before the test has read that response.
        fakeDiscord.answered(interaction, { type: 5, data: { flags: 64 } });
        const body = JSON.stringify(interaction);
        const t = performance.now();
        const res = await postInteraction(discordUrl, body, signedHeaders(signer, body));
        acks.discord.push(performance.now() - t);
        expect(res.status, `Discord ack: ${res.text}`).toBe(200);
        expect(res.json).toMatchObject({ type: 5, data: { flags: 64 } });
        const token = String(interaction.token);
        const first = await until(
          'a Discord answer',
          () => fakeDiscord.edits.find((e) => e.token === token),
          20_000,
        );
        const text = String(first.body.content ?? '');
        answers.push({ surface: 'discord', text, ref: refOf(text) });
      });
      await Promise.all([...slackSent, ...discordSent]);
      const ran = await Promise.all(shells);
      overlapping += shellWritesSince.get(burstAt)?.n ?? 0;
      for (const r of ran) {
        acks.shell.push(r.ms);
        expect(r.status, `herald run: ${r.stderr}`).toBe(0);
        shellStderr.push(r.stderr);
        answers.push({ surface: 'shell', text: r.stdout, ref: refOf(r.stdout) });
      }
    }

    // Everything recorded is published: `herald start` picks up what the shells wrote, too.
    const unsent = db.prepare<[], { n: number }>(
      "SELECT count(*) AS n FROM deliveries WHERE status <> 'sent'",
    );
    await until('the outbox to drain', () => unsent.get()?.n === 0, 30_000);

    const total = ROUNDS * PER_SURFACE * 3;
    expect(answers).toHaveLength(total);
    const notRecorded = answers.filter((a) => a.ref === null);
    expect(notRecorded, 'every command was acknowledged as recorded').toEqual([]);

    const open = db
      .prepare<[], { id: number; status: string; last_number: number }>(
        `SELECT i.id, i.status, i.last_number FROM incidents i
           JOIN incident_components c ON c.incident_id = i.id
           WHERE c.system = 'nc018' AND c.service = 'smtp'`,
      )
      .all();
    expect(open, 'one incident for nc018 smtp, still open').toEqual([
      { id: expect.any(Number), status: 'open', last_number: total },
    ]);
    const incident = open[0]!.id;
    const numbers = db
      .prepare<[number], { number: number }>('SELECT number FROM posts WHERE incident_id = ? ORDER BY number')
      .all(incident)
      .map((r) => r.number);
    expect(numbers).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(db.prepare<[], { n: number }>('SELECT count(*) AS n FROM posts').get()?.n).toBe(total);

    // Each answer named its own post: no two surfaces were told the same number.
    const refs = answers
      .map((a) => a.ref)
      .sort((a, b) => Number(a?.split('.')[1]) - Number(b?.split('.')[1]));
    expect(refs).toEqual(numbers.map((n) => `${incident}.${n}`));

    const byPlatform = db
      .prepare<[], { platform: string; n: number }>(
        "SELECT platform, count(*) AS n FROM audit WHERE result = 'ok' GROUP BY platform ORDER BY platform",
      )
      .all();
    expect(byPlatform).toEqual([
      { platform: 'discord', n: ROUNDS * PER_SURFACE },
      { platform: 'shell', n: ROUNDS * PER_SURFACE },
      { platform: 'slack', n: ROUNDS * PER_SURFACE },
    ]);
    const state = db
      .prepare<[], { state: string }>(
        "SELECT state FROM components WHERE system = 'nc018' AND service = 'smtp'",
      )
      .get()?.state;
    expect(['down', 'degraded']).toContain(state);

    // Nobody was told of the lock or apologised to, in any answer (first or later) or any log.
    const everyAnswer = [
      ...fakeSlack.responses.map((r) => JSON.stringify(r.body)),
      ...fakeDiscord.edits.map((e) => JSON.stringify(e.body)),
      ...answers.map((a) => a.text),
      ...shellStderr,
    ];
    expect(everyAnswer.filter((t) => TROUBLE.test(t))).toEqual([]);
    expect(shellStderr.filter(Boolean), 'herald run wrote nothing on standard error').toEqual([]);
    // Slack and Discord each allow 3 seconds for the acknowledgement.
    expect([...acks.slack, ...acks.discord].filter((a) => a > 3_000)).toEqual([]);
    const result = await running.stop();
    herald = undefined;
    expect(result.status).toBe(0);
    expect(result.stderr).not.toMatch(TROUBLE);

    const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
    const [s, d, sh] = [sorted(acks.slack), sorted(acks.discord), sorted(acks.shell)];
    process.stderr.write(
      `[concurrency] ${ROUNDS} rounds × (${PER_SURFACE} Slack + ${PER_SURFACE} Discord + ${PER_SURFACE} herald run) on nc018 smtp: ` +
        `${total} recorded, 1 incident, posts 1..${numbers.length} (0 gaps, 0 repeats), 0 BUSY/apologies; ` +
        `${overlapping}/${ROUNDS * PER_SURFACE} shell writes landed during the chat bursts; ` +
        `acks Slack p50 ${ms(percentile(s, 50))} max ${ms(s.at(-1) ?? 0)}, Discord p50 ${ms(percentile(d, 50))} max ${ms(d.at(-1) ?? 0)}; ` +
        `herald run p50 ${ms(percentile(sh, 50))} max ${ms(sh.at(-1) ?? 0)}; ` +
        `${((performance.now() - began) / 1000).toFixed(1)} s\n`,
    );
  } finally {
    db.close();
  }
}, 180_000);
