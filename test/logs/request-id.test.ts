// A request id follows each command from chat to every delivery: through the real `herald` (bin/herald.js),
// a command from each surface (a signed Slack slash command, a signed Discord interaction, a shell line, and
// `herald run`, which only records: the `herald start` after it delivers) is found in the log file
// (LOG_FILE) on its own lines and on the line of each of its deliveries, sent or retried, and the id is in
// the database beside each delivery.

import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
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
import { type CliWorld, createCliWorld, root } from '../helpers/cli.js';
import { TEST_CREDENTIALS } from '../helpers/credentials.js';
import { until } from '../helpers/wait.js';

const STAFF_ROLE = '1600000000000000001';
const anna: FakeUser = { id: '1500000000000000001', username: 'anna', roles: [STAFF_ROLE] };
const ann = { id: 'U0STAFF', name: 'ann' };

interface LogLine {
  level: number;
  msg: string;
  requestId?: string;
  post?: number;
  outlet?: string;
  delivery?: number;
  [key: string]: unknown;
}

const readLog = (file: string): LogLine[] =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as LogLine);

let world: CliWorld | undefined;
let slack: FakeSlack | undefined;
let discord: FakeDiscord | undefined;
let refusing: http.Server | undefined;
afterEach(async () => {
  await slack?.close();
  await discord?.close();
  refusing?.closeAllConnections();
  await new Promise((resolve) => (refusing ? refusing.close(resolve) : resolve(undefined)));
  world?.cleanup();
  world = slack = discord = refusing = undefined;
});

/** An X that answers every request with a 503: each tweet is retried later. */
async function startRefusingTwitter(): Promise<string> {
  const server = http.createServer((_req, res) => {
    res.writeHead(503, { 'content-type': 'application/json' });
    res.end('{"title":"Service Unavailable","detail":"over capacity","status":503}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  refusing = server;
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

describe('request ids', () => {
  it('follow each command from Slack, Discord, the shell and herald run to every one of its deliveries', async () => {
    slack = await startFakeSlack();
    discord = await startFakeDiscord();
    const twitterUrl = await startRefusingTwitter();
    const signer = createInteractionSigner();
    let config = fs.readFileSync(`${root}/herald.config.yaml`, 'utf8');
    config = config
      .replace('users: [] # Slack user ids', `users: ["${ann.id}"] # Slack user ids`)
      .replace('roles: [] # Discord role ids', `roles: ["${STAFF_ROLE}"] # Discord role ids`)
      .replace('preview: true', 'preview: false');
    const w = createCliWorld({ config });
    world = w;
    const logFile = `${w.dir}/herald.log`;
    Object.assign(w.env, {
      LOG_FILE: logFile,
      LOG_FILE_LEVEL: 'debug',
      SLACK_BOT_TOKEN: FAKE_SLACK.botToken,
      SLACK_SIGNING_SECRET: FAKE_SLACK.signingSecret,
      SLACK_API_URL: slack.apiUrl,
      SLACK_ANNOUNCE_CHANNEL: FAKE_SLACK.announceChannel,
      DISCORD_APPLICATION_ID: FAKE_APPLICATION_ID,
      DISCORD_PUBLIC_KEY: signer.publicKey,
      DISCORD_API_URL: discord.apiUrl,
      TWITTER_API_KEY: TEST_CREDENTIALS.twitter.appKey,
      TWITTER_API_SECRET: TEST_CREDENTIALS.twitter.appSecret,
      TWITTER_ACCESS_TOKEN: TEST_CREDENTIALS.twitter.accessToken,
      TWITTER_ACCESS_SECRET: TEST_CREDENTIALS.twitter.accessSecret,
      TWITTER_API_URL: twitterUrl,
    });

    // Recorded by one process, delivered by the next: the id has to come from the database.
    const ran = w.run(['run', 'nc026 web slow "websites load slowly"', '--as', 'ops']);
    expect(ran.status, ran.stderr).toBe(0);

    const db = () => new Database(w.database, { readonly: true, fileMustExist: true });
    const fakeSlack = slack;
    const fakeDiscord = discord;
    const interaction = commandInteraction({ user: anna }, 'change', {
      system: 'email',
      services: 'imap',
      state: 'down',
      message: 'IMAP is down',
    });
    const result = await w.start('nc018 dns down "name servers unreachable"\n', {
      whenReady: async (url) => {
        const sent = await postSigned(
          new URL('slack/events', url).href,
          slashCommand(fakeSlack, {
            text: 'nc018 smtp down "spam cleanup"',
            user: ann,
            triggerId: 'T-one-trigger',
            responseKey: 'k1',
          }),
        );
        expect(sent.status).toBe(200);
        fakeDiscord.answered(interaction, { type: 5, data: { flags: 64 } });
        const body = JSON.stringify(interaction);
        const posted = await postInteraction(
          new URL('discord/interactions', url).href,
          body,
          signedHeaders(signer, body),
        );
        expect(posted.status).toBe(200);
        // Every delivery but X's is sent; X's have been tried and wait for their retry.
        await until(
          'the deliveries of four posts to be sent or retried',
          () => {
            const conn = db();
            try {
              const rows = conn
                .prepare<[], { n: number }>(
                  `SELECT count(*) AS n FROM deliveries
                    WHERE status = 'sent' OR (outlet = 'twitter' AND last_error IS NOT NULL)`,
                )
                .get();
              const posts = conn.prepare<[], { n: number }>('SELECT count(*) AS n FROM posts').get();
              return posts?.n === 4 && rows?.n === 4 * 5;
            } finally {
              conn.close();
            }
          },
          20_000,
        );
      },
    });
    expect(result.status, result.stderr).toBe(0);

    const conn = db();
    const deliveries = conn
      .prepare<
        [],
        { id: number; post_id: number; outlet: string; status: string; request_id: string | null }
      >('SELECT id, post_id, outlet, status, request_id FROM deliveries ORDER BY id')
      .all();
    conn.close();
    const lines = readLog(logFile);
    const recorded = lines.filter((l) => l.msg === 'command recorded');
    const ids = recorded.map((l) => l.requestId ?? '').sort();
    expect(ids).toEqual([
      `discord:${String(interaction.id)}`,
      expect.stringMatching(/^run:[\w-]{11}$/),
      expect.stringMatching(/^shell:[\w-]{11}$/),
      'slack:T-one-trigger',
    ]);

    for (const command of recorded) {
      const mine = deliveries.filter((d) => d.post_id === command.post);
      // The site, the three networks (X refusing; Mastodon and Bluesky dry runs) and Slack's channel.
      expect(mine.map((d) => d.outlet).sort()).toEqual(['bluesky', 'mastodon', 'site', 'slack', 'twitter']);
      for (const d of mine) {
        expect(d.request_id).toBe(command.requestId);
        const said = lines.filter((l) => l.delivery === d.id && l.outlet === d.outlet);
        const outcome = d.outlet === 'twitter' ? 'delivery will be retried' : 'delivery sent';
        expect(said.map((l) => l.msg)).toContain(outcome);
        // Every line about the delivery, the outlet's own too, carries the command's id.
        for (const l of said) expect(l.requestId, JSON.stringify(l)).toBe(command.requestId);
      }
    }
    // The outlets' own lines are among them: the dry runs' and the chat announcements'.
    const outletLines = lines.filter((l) => l.requestId && /dry run|announce/.test(l.msg));
    expect(outletLines.length).toBeGreaterThanOrEqual(4 * 3);
  });
});
