import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { FAKE_SLACK, type FakeSlack, postSigned, slashCommand, startFakeSlack } from '../fakes/slack.js';
import {
  type CliWorld,
  createCliWorld,
  killRunningHeralds,
  type RunningHerald,
  root,
  startRunningHerald,
} from '../helpers/cli.js';
import { sleep, until } from '../helpers/wait.js';

const long = process.env.HERALD_LONG === '1';
const COMMANDS = long ? 5_000 : 1_000;
const PER_SECOND = 50;
const ACK_LIMIT_MS = 3_000;
const ann = { id: 'U0STAFF', name: 'ann' };
const TROUBLE = /SQLITE_BUSY|database is locked|Sorry: something went wrong/i;
/** Every component of the shipped catalog, so that commands spread over many incidents. */
const COMPONENTS: Array<[system: string, service: string]> = [
  ...['smtp', 'imap', 'pop', 'web', 'dns', 'ftp', 'mysql', 'lists', 'spam'].flatMap(
    (s): Array<[string, string]> => [
      ['nc018', s],
      ['nc026', s],
    ],
  ),
  ...['smtp', 'imap', 'pop', 'relay'].map((s): [string, string] => ['email', s]),
];
/**
 * Down opens an outage (or adds to the open one), degraded adds an update (or opens one), up resolves it (or
 * records one already over): each is valid whatever the order the commands of one component land in.
 */
const STATES = ['down', 'degraded', 'up'] as const;

const commandText = (k: number): string => {
  const [system, service] = COMPONENTS[k % COMPONENTS.length]!;
  const state = STATES[Math.floor(k / COMPONENTS.length) % STATES.length];
  return `${system} ${service} ${state} "load ${k}"`;
};

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;

let world: CliWorld | undefined;
let slack: FakeSlack | undefined;
let herald: RunningHerald | undefined;
afterEach(async () => {
  await herald?.stop();
  killRunningHeralds();
  await slack?.close();
  world?.cleanup();
  herald = undefined;
  slack = undefined;
  world = undefined;
});

it(
  `acknowledges ${COMMANDS.toLocaleString('en')} signed Slack commands at ${PER_SECOND}/s within 3 s, records each once and publishes it`,
  async () => {
    const began = performance.now();
    const fake = await startFakeSlack();
    slack = fake;
    const shipped = fs.readFileSync(path.join(root, 'herald.config.yaml'), 'utf8');
    for (const from of ['users: [] # Slack user ids', 'preview: true'])
      if (!shipped.includes(from)) throw new Error(`the shipped config no longer holds "${from}"`);
    const w = createCliWorld({
      config: shipped
        .replace('users: [] # Slack user ids', `users: ["${ann.id}"] # Slack user ids`)
        .replace('preview: true', 'preview: false'),
    });
    world = w;
    Object.assign(w.env, {
      SLACK_BOT_TOKEN: FAKE_SLACK.botToken,
      SLACK_SIGNING_SECRET: FAKE_SLACK.signingSecret,
      SLACK_API_URL: fake.apiUrl,
    });
    const running = await startRunningHerald(w);
    herald = running;
    const url = new URL('slack/events', running.url).href;

    // Paced: command k leaves at start + k × 20 ms, whether or not the earlier ones were answered.
    const acks: number[] = new Array(COMMANDS).fill(Number.NaN);
    const statuses: number[] = new Array(COMMANDS).fill(0);
    const sent: Array<Promise<void>> = [];
    const start = performance.now();
    let lateStarts = 0;
    for (let k = 0; k < COMMANDS; k++) {
      const due = start + (k * 1000) / PER_SECOND;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      else if (wait < -100) lateStarts++;
      const form = slashCommand(fake, { text: commandText(k), responseKey: `load-${k}`, user: ann });
      const t = performance.now();
      sent.push(
        postSigned(url, form).then(
          (res) => {
            acks[k] = performance.now() - t;
            statuses[k] = res.status;
          },
          () => {
            acks[k] = performance.now() - t;
            statuses[k] = -1;
          },
        ),
      );
    }
    await Promise.all(sent);
    const sendingMs = performance.now() - start;

    // Every command answered, privately, as recorded: the first message on its response_url.
    const firstAnswers = () => {
      const first = new Map<string, string>();
      for (const r of fake.responses) if (!first.has(r.key)) first.set(r.key, String(r.body.text ?? ''));
      return first;
    };
    await until('an answer to every command', () => firstAnswers().size >= COMMANDS, 60_000, 50).catch(
      () => undefined,
    );
    const first = firstAnswers();
    const answers = Array.from({ length: COMMANDS }, (_, k) => first.get(`load-${k}`) ?? '');

    // Published: wait for the outbox to drain, then read everything back (read-only) before judging it.
    const db = new Database(w.database, { readonly: true, fileMustExist: true });
    let drainedMs = Number.NaN;
    let posts: Array<{ text: string; n: number }>;
    let handled: number | undefined;
    let audited: number | undefined;
    let deliveries: Array<{ outlet: string; n: number; sent: number }>;
    let newest: string | undefined;
    try {
      const unsent = db.prepare<[], { n: number }>(
        "SELECT count(*) AS n FROM deliveries WHERE status <> 'sent'",
      );
      const drained = await until(
        'the outbox to drain',
        () => unsent.get()?.n === 0,
        long ? 300_000 : 60_000,
        50,
      )
        .then(() => true)
        .catch(() => false);
      if (drained) drainedMs = performance.now() - start - sendingMs;
      posts = db
        .prepare<[], { text: string; n: number }>('SELECT text, count(*) AS n FROM posts GROUP BY text')
        .all();
      handled = db
        .prepare<[], { n: number }>("SELECT count(*) AS n FROM handled_requests WHERE key LIKE 'slack:%'")
        .get()?.n;
      audited = db
        .prepare<[], { n: number }>(
          "SELECT count(*) AS n FROM audit WHERE platform = 'slack' AND result = 'ok'",
        )
        .get()?.n;
      deliveries = db
        .prepare<[], { outlet: string; n: number; sent: number }>(
          `SELECT outlet, count(*) AS n, sum(status = 'sent') AS sent FROM deliveries GROUP BY outlet ORDER BY outlet`,
        )
        .all();
      newest = db
        .prepare<[], { text: string }>('SELECT text FROM posts ORDER BY published_at DESC, id DESC LIMIT 1')
        .get()?.text;
    } finally {
      db.close();
    }
    const result = await running.stop();
    herald = undefined;

    if (process.env.HERALD_LOAD_DEBUG) {
      const perSecond: string[] = [];
      for (let i = 0; i < COMMANDS; i += PER_SECOND) {
        const slice = acks.slice(i, i + PER_SECOND);
        perSecond.push(`${i / PER_SECOND}s:${Math.round(Math.max(...slice))}`);
      }
      process.stderr.write(`[load] max ack per second: ${perSecond.join(' ')}\n`);
    }
    const sorted = [...acks].sort((a, b) => a - b);
    const failedAcks = statuses.filter((s) => s !== 200).length;
    const slow = acks.filter((a) => !(a <= ACK_LIMIT_MS));
    const notRecorded = answers.flatMap((a, k) => (/Recorded post \d+\.\d+/.test(a) ? [] : [`${k}: ${a}`]));
    const sentCount = deliveries.reduce((n, d) => n + d.sent, 0);
    process.stderr.write(
      `[load] ${COMMANDS} signed Slack commands at ${PER_SECOND}/s (sent over ${(sendingMs / 1000).toFixed(1)} s, ` +
        `${lateStarts} sent >100 ms late) to herald start: acks p50 ${percentile(sorted, 50).toFixed(1)} ms, ` +
        `p99 ${percentile(sorted, 99).toFixed(1)} ms, max ${(sorted.at(-1) ?? 0).toFixed(1)} ms ` +
        `(${slow.length} over 3 s, ${failedAcks} not 200); ${COMMANDS - notRecorded.length} answered as recorded; ` +
        `${posts.length} distinct posts, ${posts.filter((p) => p.n !== 1).length} recorded twice; ` +
        `${sentCount}/${COMMANDS * 4} deliveries sent (site + 3 dry runs), outbox drained ` +
        `${(drainedMs / 1000).toFixed(1)} s after the last ack; ${((performance.now() - began) / 1000).toFixed(1)} s\n`,
    );

    expect(failedAcks, 'commands not acknowledged with 200').toBe(0);
    expect(slow, 'acknowledgements slower than 3 s').toEqual([]);
    expect(notRecorded.slice(0, 5), `${notRecorded.length} commands not answered as recorded`).toEqual([]);
    // Recorded once each: one post per command, one handled request and one audit row per trigger_id.
    expect(posts).toHaveLength(COMMANDS);
    expect(posts.filter((p) => p.n !== 1)).toEqual([]);
    expect(new Set(posts.map((p) => p.text))).toEqual(new Set(answers.map((_, k) => `load ${k}`)));
    expect(handled).toBe(COMMANDS);
    expect(audited).toBe(COMMANDS);
    // Published: one delivery per outlet per post, every one sent (the site written; the social dry runs).
    expect(deliveries).toEqual(
      ['bluesky', 'mastodon', 'site', 'twitter'].map((outlet) => ({ outlet, n: COMMANDS, sent: COMMANDS })),
    );
    const feed = JSON.parse(fs.readFileSync(path.join(w.dir, 'public', 'feed.json'), 'utf8')) as {
      items: unknown[];
    };
    expect(feed.items).toHaveLength(50);
    expect(JSON.stringify(feed.items[0])).toContain(`"content_text":"${newest}"`);
    expect(result.status).toBe(0);
    expect(result.stderr).not.toMatch(TROUBLE);
    expect(fake.responses.filter((r) => TROUBLE.test(JSON.stringify(r.body)))).toEqual([]);
  },
  long ? 900_000 : 180_000,
);
