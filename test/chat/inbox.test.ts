// Issue 14: the chat inbox. A verified request is appended before it is acknowledged; requests of one pass of
// the event loop share one transaction; a repeated request id is recognised at the door, also after a
// restart; what was acknowledged while no worker ran is answered after the restart, through the
// response_url while its window is open and by direct message after; the replay window holds both ways.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createDiscordAdapter, DISCORD_INTERACTIONS_PATH } from '../../src/adapters/chat/discord.js';
import { createInbox } from '../../src/adapters/chat/inbox.js';
import { type Conversation, createConversation } from '../../src/adapters/chat/inbox-worker.js';
import { createSlackAdapter } from '../../src/adapters/chat/slack.js';
import { REFUSED_TEXT_MAX } from '../../src/adapters/refusal-log.js';
import { createHttpApp, listen } from '../../src/server.js';
import {
  createInteractionSigner,
  FAKE_APPLICATION_ID,
  postInteraction,
  startFakeDiscord,
} from '../fakes/discord.js';
import {
  dmChannelOf,
  FAKE_SLACK,
  type FakeSlack,
  postSigned,
  slashCommand,
  startFakeSlack,
} from '../fakes/slack.js';
import { ops } from '../helpers/core.js';
import { createTestHerald, type TestHerald } from '../helpers/herald.js';
import { testLog } from '../helpers/log.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('the inbox', () => {
  it('commits the requests of one pass of the event loop in one transaction, and knows a repeated id', async () => {
    const th = createTestHerald();
    cleanups.push(() => th.close());
    const inbox = createInbox(th.herald.inbox);
    const entry = (n: number) => ({
      requestId: `slack:T${n}`,
      platform: 'slack',
      kind: 'command',
      payload: { text: `list ${n}` },
      receivedAt: 0,
    });
    const first = await Promise.all([1, 2, 3, 4, 5].map((n) => inbox.append(entry(n))));
    expect(first.map((a) => a.fresh)).toEqual([true, true, true, true, true]);
    expect(inbox.stats.transactions).toBe(1);
    expect(inbox.stats.batchSizes.get(5)).toBe(1);
    // A later pass is a transaction of its own; ids already there are not taken twice.
    const again = await Promise.all([entry(2), entry(6)].map((e) => inbox.append(e)));
    expect(again.map((a) => a.fresh)).toEqual([false, true]);
    expect(inbox.stats.transactions).toBe(2);
    expect(th.herald.inbox.pendingCount()).toBe(6);
    await inbox.close();
    await expect(inbox.append(entry(7))).rejects.toThrow('stopping');
  });

  it('keeps 2,000 characters of a 3 MB refusal in refusals.log, with its full size', () => {
    const th = createTestHerald();
    cleanups.push(() => th.close());
    const text = `nc018 smtp sideways "${'x'.repeat(3_000_000)}"`;
    expect(th.herald.handle({ text, actor: ops }).kind).toBe('refused');
    const log = fs.readFileSync(path.join(th.config.paths.dataDir, 'refusals.log'), 'utf8');
    expect(log.length).toBeLessThan(REFUSED_TEXT_MAX + 1_000);
    const line = JSON.parse(log.trim().split('\n').at(-1) ?? '{}') as { textLength?: number; text?: string };
    expect(line.textLength).toBe(text.length);
    expect(line.text?.startsWith('nc018 smtp sideways')).toBe(true);
  });
});

/** Herald with Slack over HTTP, its worker running or not, on a folder that survives restarts. */
async function mountSlack(th: TestHerald, fake: FakeSlack, o: { work: boolean; preview: boolean }) {
  const log = testLog();
  const clock = { now: () => now };
  const conversation: Conversation = createConversation({ core: th.herald, clock, log });
  const config = th.config.slack;
  if (!config) throw new Error('Slack is not configured');
  const adapter = createSlackAdapter({
    config,
    chat: { ...th.config.chat, preview: o.preview },
    core: th.herald,
    settings: th.herald.settings,
    site: th.config.site,
    log,
    clock,
    conversation,
  });
  const server = await listen(
    createHttpApp({
      publicDir: th.config.paths.publicDir,
      health: () => th.herald.health(),
      log,
      routes: adapter.routes,
    }),
    '127.0.0.1',
    0,
  );
  await adapter.start();
  if (o.work) conversation.start();
  const url = `${server.url}slack/events`;
  return {
    url,
    conversation,
    slash: (text: string, key: string, triggerId: string, retryNum?: number) =>
      postSigned(
        url,
        slashCommand(fake, { text, responseKey: key, triggerId }),
        retryNum ? { retryNum } : {},
      ),
    async close() {
      await adapter.stop();
      await conversation.stop();
      await server.close();
    },
  };
}

let now = Date.parse('2012-07-27T21:39:27Z');

async function slackHerald() {
  now = Date.parse('2012-07-27T21:39:27Z');
  const fake = await startFakeSlack();
  const th = createTestHerald({
    env: {
      SLACK_BOT_TOKEN: FAKE_SLACK.botToken,
      SLACK_API_URL: fake.apiUrl,
      SLACK_SIGNING_SECRET: FAKE_SLACK.signingSecret,
    },
    configText: (shipped) =>
      shipped.replace('users: [] # Slack user ids', 'users: ["U0STAFF"] # Slack user ids'),
  });
  cleanups.push(() => fake.close());
  cleanups.push(() => th.close());
  return {
    fake,
    th,
    setNow: (at: number) => {
      now = at;
      th.setNow(at);
    },
  };
}

/** Previews written, read through a second connection. */
const previews = (th: TestHerald): number => {
  const db = new Database(th.config.paths.database, { readonly: true });
  try {
    return db.prepare('SELECT count(*) FROM previews').pluck().get() as number;
  } finally {
    db.close();
  }
};

describe('Slack requests across a restart', () => {
  it('makes no second preview for a trigger_id repeated after a restart', async () => {
    const { fake, th } = await slackHerald();
    let slack = await mountSlack(th, fake, { work: true, preview: true });
    expect((await slack.slash('nc018 smtp down "spam"', 'first', 'T-REPEAT')).status).toBe(200);
    await fake.waitFor('the preview', () => fake.responsesTo('first')[0]);
    await slack.close();
    await th.reopen();
    slack = await mountSlack(th, fake, { work: true, preview: true });
    cleanups.push(() => slack.close());
    // Slack's retry of the same request, to the restarted Herald.
    expect((await slack.slash('nc018 smtp down "spam"', 'second', 'T-REPEAT', 1)).status).toBe(200);
    await slack.conversation.idle();
    expect(fake.responsesTo('second')).toEqual([]);
    const rows = th.herald.inbox.pending(10);
    expect(rows).toEqual([]);
    expect(fake.responses.filter((r) => JSON.stringify(r.body).includes('Preview'))).toHaveLength(1);
    expect(previews(th)).toBe(1);
  });

  it('answers a command taken while no worker ran through its response_url after the restart', async () => {
    const { fake, th, setNow } = await slackHerald();
    let slack = await mountSlack(th, fake, { work: false, preview: false });
    expect((await slack.slash('nc018 smtp down "spam"', 'late', 'T-LATE')).status).toBe(200);
    expect(th.herald.store.recentPosts(10)).toHaveLength(0);
    await slack.close();
    await th.reopen();
    setNow(now + 5 * 60_000);
    slack = await mountSlack(th, fake, { work: true, preview: false });
    cleanups.push(() => slack.close());
    const answer = await fake.waitFor('the answer', () => fake.responsesTo('late')[0]);
    expect(JSON.stringify(answer.body)).toContain('Recorded post 1.1');
    expect(th.herald.store.recentPosts(10)).toHaveLength(1);
    expect(fake.messages.filter((m) => m.channel === dmChannelOf('U0STAFF'))).toEqual([]);
  });

  it('sends the result as a direct message when the reply window closed while Herald was down', async () => {
    const { fake, th, setNow } = await slackHerald();
    let slack = await mountSlack(th, fake, { work: false, preview: false });
    expect((await slack.slash('nc018 smtp down "spam"', 'stale', 'T-STALE')).status).toBe(200);
    await slack.close();
    await th.reopen();
    setNow(now + 20 * 60_000);
    slack = await mountSlack(th, fake, { work: true, preview: false });
    cleanups.push(() => slack.close());
    const dm = await fake.waitFor('the direct message', () =>
      fake.messages.find((m) => m.channel === dmChannelOf('U0STAFF')),
    );
    expect(JSON.stringify(dm)).toContain('Recorded post 1.1');
    await slack.conversation.idle();
    expect(fake.responsesTo('stale')).toEqual([]);
    expect(th.herald.store.recentPosts(10)).toHaveLength(1);
  });

  it('reads the times of a command worked the next day as of when it was typed', async () => {
    // Typed at 21:39 on 27 July, `--at 21:30` means nine minutes ago. Herald was down overnight and works
    // the command at 21:35 on 28 July: read as of then, 21:30 would be that day's, five minutes before.
    const { fake, th, setNow } = await slackHerald();
    let slack = await mountSlack(th, fake, { work: false, preview: false });
    const typed = 'nc018 smtp down "spam" --at 21:30';
    expect((await slack.slash(typed, 'overnight', 'T-OVERNIGHT')).status).toBe(200);
    await slack.close();
    await th.reopen();
    setNow(Date.parse('2012-07-28T21:35:00Z'));
    slack = await mountSlack(th, fake, { work: true, preview: false });
    cleanups.push(() => slack.close());
    const dm = await fake.waitFor('the direct message', () =>
      fake.messages.find((m) => m.channel === dmChannelOf('U0STAFF')),
    );
    expect(JSON.stringify(dm)).toContain('27 July');
    const [post] = th.herald.store.recentPosts(10);
    expect(post?.eventAt).toBe(Date.parse('2012-07-27T21:30:00Z'));
    expect(th.herald.store.incident(post?.incidentId ?? 0)?.openedAt).toBe(
      Date.parse('2012-07-27T21:30:00Z'),
    );
  });

  it('removes finished rows older than a day at start, and never a pending one', async () => {
    const { fake, th, setNow } = await slackHerald();
    let slack = await mountSlack(th, fake, { work: true, preview: false });
    expect((await slack.slash('nc026 web down "disk"', 'done-early', 'T-DONE-EARLY')).status).toBe(200);
    await fake.waitFor('the first answer', () => fake.responsesTo('done-early')[0]);
    await slack.close();
    slack = await mountSlack(th, fake, { work: false, preview: false });
    expect((await slack.slash('nc018 smtp down "spam"', 'left', 'T-LEFT')).status).toBe(200);
    await slack.close();
    await th.reopen();
    setNow(now + 2 * 24 * 3_600_000);
    slack = await mountSlack(th, fake, { work: true, preview: false });
    cleanups.push(() => slack.close());
    await fake.waitFor('the late answer', () =>
      fake.messages.find((m) => m.channel === dmChannelOf('U0STAFF')),
    );
    await slack.conversation.idle();
    const db = new Database(th.config.paths.database, { readonly: true });
    try {
      expect(db.prepare('SELECT request_id, status FROM inbox ORDER BY id').all()).toEqual([
        { request_id: 'slack:T-LEFT', status: 'done' },
      ]);
    } finally {
      db.close();
    }
    expect(th.herald.store.recentPosts(10)).toHaveLength(2);
  });

  it('refuses a request signed more than five minutes from its clock, in either direction', async () => {
    const { fake, th } = await slackHerald();
    const slack = await mountSlack(th, fake, { work: true, preview: false });
    cleanups.push(() => slack.close());
    const wall = Math.floor(Date.now() / 1000);
    const send = (offsetS: number, key: string) =>
      postSigned(slack.url, slashCommand(fake, { text: 'list', responseKey: key }), {
        timestamp: wall + offsetS,
      });
    expect((await send(10 * 60, 'future')).status).toBe(401);
    expect((await send(-10 * 60, 'past')).status).toBe(401);
    expect((await send(4 * 60, 'near')).status).toBe(200);
    await fake.waitFor('the answer', () => fake.responsesTo('near')[0]);
    expect(fake.responsesTo('future')).toEqual([]);
    expect(fake.responsesTo('past')).toEqual([]);
  });
});

describe('Discord at the door', () => {
  async function discordHerald() {
    const fake = await startFakeDiscord();
    const signer = createInteractionSigner();
    const th = createTestHerald({
      env: {
        DISCORD_TOKEN: '',
        DISCORD_APPLICATION_ID: FAKE_APPLICATION_ID,
        DISCORD_PUBLIC_KEY: signer.publicKey,
        DISCORD_API_URL: fake.apiUrl,
      },
    });
    cleanups.push(() => fake.close());
    cleanups.push(() => th.close());
    const config = th.config.discord;
    if (!config) throw new Error('Discord is not configured');
    const log = testLog();
    const adapter = createDiscordAdapter({
      config,
      chat: th.config.chat,
      core: th.herald,
      settings: th.herald.settings,
      site: th.config.site,
      log,
      clock: { now: () => Date.parse('2012-07-27T21:39:27Z') },
    });
    const server = await listen(
      createHttpApp({
        publicDir: th.config.paths.publicDir,
        health: () => th.herald.health(),
        log,
        routes: [
          { path: DISCORD_INTERACTIONS_PATH, router: adapter.router as NonNullable<typeof adapter.router> },
        ],
      }),
      '127.0.0.1',
      0,
    );
    cleanups.push(async () => {
      await adapter.stop();
      await server.close();
    });
    const url = new URL(DISCORD_INTERACTIONS_PATH, server.url).href;
    const post = (body: string, timestamp?: number) => {
      const signed = signer.sign(body, timestamp === undefined ? undefined : String(timestamp));
      return postInteraction(url, body, {
        'x-signature-ed25519': signed.signature,
        'x-signature-timestamp': signed.timestamp,
      });
    };
    return { th, post };
  }

  it('answers 400 to signed bodies that are not interactions, and serves on', async () => {
    const { th, post } = await discordHerald();
    for (const body of [
      'null',
      '42',
      '[]',
      '"x"',
      '{}',
      '{"type":2}',
      '{"type":2,"id":1,"token":[],"data":null}',
    ])
      expect((await post(body)).status, body).toBe(400);
    const ping = await post(
      JSON.stringify({ type: 1, id: '1', application_id: FAKE_APPLICATION_ID, token: 't' }),
    );
    expect(ping.json).toEqual({ type: 1 });
    expect(th.herald.inbox.pendingCount()).toBe(0);
  });

  it('refuses an interaction signed more than five minutes from its clock, in either direction', async () => {
    const { post } = await discordHerald();
    const ping = JSON.stringify({ type: 1, id: '1', application_id: FAKE_APPLICATION_ID, token: 't' });
    const wall = Math.floor(Date.now() / 1000);
    expect((await post(ping, wall + 10 * 60)).status).toBe(401);
    expect((await post(ping, wall - 10 * 60)).status).toBe(401);
    expect((await post(ping, wall - 4 * 60)).status).toBe(200);
  });
});
