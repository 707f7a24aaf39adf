// Five minutes before a promised update (`--next 20:00`), Herald reminds the post's author (a Slack or
// Discord direct message, a line at herald start's prompt) and says so in each announcement channel: once,
// not again after a restart, and not at all once the promise is cleared. On a test clock: the scheduler's
// runDue() at chosen instants. Through the front door: signed Slack slash commands and signed Discord
// interactions against Herald's HTTP server, the fake Slack Web API and the fake Discord REST API.
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DISCORD_INTERACTIONS_PATH } from '../../src/adapters/chat/discord.js';
import { type ChatAdapters, createChatAdapters, createHerald } from '../../src/app.js';
import type { PromptMessage } from '../../src/automation/prompts.js';
import { loadConfig } from '../../src/config.js';
import type { JobReport } from '../../src/scheduler.js';
import { createHttpApp, listen, type RunningServer } from '../../src/server.js';
import {
  commandInteraction,
  FAKE_CHANNEL_ID,
  type FakeUser,
  postInteraction,
  signedHeaders,
} from '../fakes/discord.js';
import {
  answerText,
  dmChannelOf,
  FAKE_SLACK,
  type FakeSlackUser,
  postSigned,
  slashCommand,
} from '../fakes/slack.js';
import { createCliWorld, root } from '../helpers/cli.js';
import { ops } from '../helpers/core.js';
import { type FakePlatforms, startFakePlatforms } from '../helpers/fake-platforms.js';
import { createTestHerald, type TestHerald } from '../helpers/herald.js';
import { testLog } from '../helpers/log.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const PROMISED = '2012-07-27T19:12:00Z';
const DOWN = 'We have shut down the SMTP server on NC018 because of spam.';

// ------------------------------------------------------------------------- Herald with Slack and Discord

const STAFF_ROLE = '1600000000000000001';
const ann: FakeSlackUser = { id: 'U0STAFF', name: 'ann' };
const anna: FakeUser = { id: '1500000000000000001', username: 'anna', roles: [STAFF_ROLE] };

interface ChatWorld {
  fakes: FakePlatforms;
  app: TestHerald;
  setNow(iso: string): void;
  runDue(): Promise<JobReport[]>;
  /** `/status <text>` typed in Slack by ann; resolves with the answer's text. */
  slack(text: string): Promise<string>;
  /** `/status <subcommand>` submitted in Discord by anna; resolves with the answer's text. */
  discord(subcommand: string, values: Record<string, string>): Promise<string>;
  /** Stops the chat adapters and the server, closes Herald and opens it again on the same data. */
  restart(): Promise<void>;
}

async function chatWorld(): Promise<ChatWorld> {
  const fakes = await startFakePlatforms();
  cleanups.push(() => fakes.close());
  let now = Date.parse(PROMISED);
  const app = createTestHerald({
    now: PROMISED,
    env: fakes.env,
    configText: (shipped) =>
      shipped
        .replace('users: [] # Slack user ids', `users: ["${ann.id}"] # Slack user ids`)
        .replace('roles: [] # Discord role ids', `roles: ["${STAFF_ROLE}"]`)
        .replace('preview: true', 'preview: false'),
  });
  cleanups.push(() => app.close());
  let running: { chat: ChatAdapters; server: RunningServer } | null = null;
  const start = async () => {
    const chat = await createChatAdapters(app.herald, testLog(), { now: () => now });
    const server = await listen(
      createHttpApp({
        publicDir: app.config.paths.publicDir,
        health: () => app.herald.health(),
        log: testLog(),
        routes: chat.routes,
      }),
      '127.0.0.1',
      0,
    );
    await chat.start();
    running = { chat, server };
  };
  const stop = async () => {
    await running?.chat.stop();
    await running?.server.close();
    running = null;
  };
  cleanups.push(stop);
  await start();
  const url = (path: string) => new URL(path, running?.server.url).href;
  let keys = 0;
  return {
    fakes,
    app,
    setNow(iso) {
      now = Date.parse(iso);
      app.setNow(now);
    },
    runDue: () => app.herald.scheduler.runDue(),
    async slack(text) {
      const key = `slash-${++keys}`;
      await postSigned(
        url('/slack/events'),
        slashCommand(fakes.slack, { text, user: ann, responseKey: key }),
      );
      return answerText(await fakes.slack.waitFor(key, () => fakes.slack.responsesTo(key)[0]));
    },
    async discord(subcommand, values) {
      const interaction = commandInteraction({ user: anna }, subcommand, values);
      const body = JSON.stringify(interaction);
      const res = await postInteraction(
        url(DISCORD_INTERACTIONS_PATH),
        body,
        signedHeaders(fakes.signer, body),
      );
      if (res.status === 200) fakes.discord.answered(interaction, res.json);
      return vi.waitFor(() => {
        const content = String(fakes.discord.answer(String(interaction.token))?.content ?? '');
        expect(content).toMatch(/Recorded|Refused/);
        return content;
      });
    },
    async restart() {
      await stop();
      await app.reopen();
      await start();
    },
  };
}

/** What Herald said in each place: ann's and anna's direct messages, and the two announcement channels. */
function said(w: ChatWorld) {
  const { slack, discord } = w.fakes;
  const annaDm = discord.dms.get(anna.id);
  const reminders = (texts: string[]) => texts.filter((t) => /^Update on #\d+ promised/.test(t));
  return {
    annDm: slack.messages.filter((m) => m.channel === dmChannelOf(ann.id)).map((m) => m.text),
    annaDm: discord.messages.filter((m) => m.channelId === annaDm).map((m) => m.content),
    slackChannel: reminders(
      slack.messages.filter((m) => m.channel === FAKE_SLACK.announceChannel).map((m) => m.text),
    ),
    discordChannel: reminders(
      discord.messages.filter((m) => m.channelId === FAKE_CHANNEL_ID).map((m) => m.content),
    ),
  };
}

describe('in Slack and Discord', () => {
  it('reminds each author in a direct message and each announcement channel five minutes before, once, across a restart', async () => {
    const w = await chatWorld();
    expect(await w.slack(`nc018 smtp down "${DOWN}" --next 20:00`)).toContain('Next update by');
    expect(
      await w.discord('update', { incident: '1', message: 'We are cleaning the queue.', next: '20:00' }),
    ).toContain('**Next update by:** 27 July 2012 20:00 UTC (13:00 PDT Vancouver · 22:00 CAT Lusaka)');
    expect(
      await w.discord('change', {
        system: 'nc026',
        services: 'web',
        state: 'down',
        message: 'The web server on NC026 is down.',
        next: '20:00',
      }),
    ).toContain('Recorded post 2.1');
    await w.app.herald.publisher.runOnce();
    const deliveries = w.app.herald.store.deliveries().length;
    const tweets = w.fakes.twitter.tweets.length;
    const nothing = { annDm: [], annaDm: [], slackChannel: [], discordChannel: [] };

    // Six minutes before: nothing yet, and the scheduler knows when to look again.
    w.setNow('2012-07-27T19:54:00Z');
    const early = await w.runDue();
    expect(said(w)).toEqual(nothing);
    expect(early.find((r) => r.job === 'promises')?.nextAt).toBe(Date.parse('2012-07-27T19:55:00Z'));

    // Five minutes before: post 1.2 is anna's promise now (ann's was cleared by it), #2 is anna's too.
    w.setNow('2012-07-27T19:55:00Z');
    await w.runDue();
    const once = said(w);
    expect(once).toEqual({
      annDm: [],
      annaDm: [
        expect.stringMatching(/^You promised the next update on #1 by 20:00 UTC — in 5 minutes\.\n-# /),
        expect.stringMatching(/^You promised the next update on #2 by 20:00 UTC — in 5 minutes\.\n-# /),
      ],
      slackChannel: [
        'Update on #1 promised by 20:00 UTC — in 5 minutes',
        'Update on #2 promised by 20:00 UTC — in 5 minutes',
      ],
      discordChannel: [
        expect.stringMatching(/^Update on #1 promised by 20:00 UTC — in 5 minutes\n-# /),
        expect.stringMatching(/^Update on #2 promised by 20:00 UTC — in 5 minutes\n-# /),
      ],
    });
    expect(once.discordChannel[0]).toContain(
      '“SMTP on NC018 shut down”: promised in post 1.2 by anna for 20:00 UTC (13:00 PDT Vancouver · 22:00 CAT Lusaka).',
    );
    // Plain chat messages: not threaded under the announcements, no buttons, no post anywhere.
    const inSlack = w.fakes.slack.messages.filter((m) => m.text.startsWith('Update on #'));
    expect(inSlack.map((m) => m.thread_ts)).toEqual([null, null]);
    expect(JSON.stringify(inSlack.map((m) => m.blocks))).not.toContain('"actions"');
    const inDiscord = w.fakes.discord.messages.filter((m) => m.content.includes('promised'));
    expect(inDiscord.map((m) => m.body.components)).toEqual([[], [], [], []]);
    await w.app.herald.publisher.runOnce();
    expect(w.app.herald.store.deliveries()).toHaveLength(deliveries);
    expect(w.fakes.twitter.tweets).toHaveLength(tweets);
    expect(w.app.herald.store.postsOf(1)).toHaveLength(2);

    // Again a minute later, and after a restart on the same data: nothing more.
    w.setNow('2012-07-27T19:56:00Z');
    await w.runDue();
    await w.restart();
    w.setNow('2012-07-27T19:57:00Z');
    await w.runDue();
    expect(said(w)).toEqual(once);
    expect(w.app.herald.store.steps(1).map((s) => [s.key, s.outcome])).toEqual([
      ['next-reminder:2', 'prompted'],
      ['next-reminder:2:slack-channel', 'prompted'],
      ['next-reminder:2:discord-channel', 'prompted'],
    ]);
  });

  it('reminds the Slack author in a direct message when the promise is theirs', async () => {
    const w = await chatWorld();
    await w.slack(`nc018 smtp down "${DOWN}" --next 20:00`);
    w.setNow('2012-07-27T19:55:00Z');
    await w.runDue();
    const { annDm, slackChannel } = said(w);
    expect(annDm).toEqual(['You promised the next update on #1 by 20:00 UTC — in 5 minutes.']);
    const dm = w.fakes.slack.messages.find((m) => m.channel === dmChannelOf(ann.id));
    expect(JSON.stringify(dm?.blocks)).toContain(
      '“SMTP on NC018 shut down” (post 1.1; 20:00 UTC (13:00 PDT Vancouver · 22:00 CAT Lusaka)). Post it with /status update 1 \\"…\\"; add --next TIME to promise the one after.',
    );
    expect(slackChannel).toEqual(['Update on #1 promised by 20:00 UTC — in 5 minutes']);
  });

  it('says nothing when an update cleared the promise before, or the incident was closed', async () => {
    const w = await chatWorld();
    await w.slack(`nc018 smtp down "${DOWN}" --next 20:00`);
    await w.slack('nc026 web down "The web server on NC026 is down." --next 20:00');
    w.setNow('2012-07-27T19:50:00Z');
    await w.slack('update 1 "The queue is clean; SMTP is being restarted."');
    await w.slack('resolve 2 "The web server is back."');
    w.setNow('2012-07-27T19:55:00Z');
    await w.runDue();
    w.setNow('2012-07-27T20:05:00Z');
    await w.runDue();
    expect(said(w)).toEqual({ annDm: [], annaDm: [], slackChannel: [], discordChannel: [] });
    expect(w.app.herald.store.steps(1)).toEqual([]);
    expect(w.app.herald.store.steps(2)).toEqual([]);
  });
});

// -------------------------------------------------------------------------------------- the shell author

/** A Herald as `herald start` runs it, whose shell prints Herald's messages (no Slack or Discord). */
function shellWorld(): { app: TestHerald; lines: string[]; serve(send?: (m: PromptMessage) => void): void } {
  const app = createTestHerald({ now: PROMISED });
  cleanups.push(() => app.close());
  const lines: string[] = [];
  return {
    app,
    lines,
    serve(send) {
      app.herald.servePrompts('shell', async (m) => {
        send?.(m);
        lines.push(m.line);
      });
    },
  };
}

const at = async (app: TestHerald, iso: string) => {
  app.setNow(iso);
  await app.herald.scheduler.runDue();
};

describe('at the shell', () => {
  it('gives the author a line at the prompt: not at six minutes before, at five, once, and not after a restart', async () => {
    const w = shellWorld();
    w.serve();
    w.app.record(`nc018 smtp down "${DOWN}" --next 20:00`);
    await at(w.app, '2012-07-27T19:54:00Z');
    expect(w.lines).toEqual([]);
    await at(w.app, '2012-07-27T19:55:00Z');
    const line = 'Herald reminds ops: update on #1 promised by 20:00 UTC — in 5 minutes. Type:  update 1 "…"';
    expect(w.lines).toEqual([line]);
    await at(w.app, '2012-07-27T19:55:30Z');
    await w.app.reopen();
    w.serve();
    await at(w.app, '2012-07-27T19:56:00Z');
    expect(w.lines).toEqual([line]);
    expect(w.app.herald.store.postsOf(1)).toHaveLength(1);
  });

  it('reminds once, saying how late, when Herald was down at the time', async () => {
    const w = shellWorld();
    w.serve();
    w.app.record(`nc018 smtp down "${DOWN}" --next 20:00`);
    await at(w.app, '2012-07-27T19:50:00Z');
    await w.app.reopen();
    w.serve();
    await at(w.app, '2012-07-27T20:03:00Z');
    await at(w.app, '2012-07-27T20:04:00Z');
    expect(w.lines).toEqual([
      'Herald reminds ops: update on #1 promised by 20:00 UTC — overdue by 3 minutes. Type:  update 1 "…"',
    ]);
  });

  it('drops a reminder not yet sent when an update clears the promise meanwhile', async () => {
    const w = shellWorld();
    let fail = true;
    w.serve(() => {
      if (fail) throw new Error('the terminal is gone');
    });
    w.app.record(`nc018 smtp down "${DOWN}" --next 20:00`);
    await at(w.app, '2012-07-27T19:55:00Z');
    expect(w.app.herald.store.prompts.pending()).toHaveLength(1);
    fail = false;
    w.app.record('update 1 "SMTP is being restarted."');
    await at(w.app, '2012-07-27T19:56:00Z');
    expect(w.lines).toEqual([]);
    expect(w.app.herald.store.prompts.pending()).toEqual([]);
  });

  it('reminds of nothing for a promise made less than five minutes ahead', async () => {
    const w = shellWorld();
    w.serve();
    w.app.setNow('2012-07-27T19:57:00Z');
    w.app.record(`nc018 smtp down "${DOWN}" --next 20:00`);
    await at(w.app, '2012-07-27T19:57:30Z');
    await at(w.app, '2012-07-27T19:59:00Z');
    expect(w.lines).toEqual([]);
    expect(w.app.herald.store.steps(1)).toMatchObject([
      { key: 'next-reminder:1', outcome: 'skipped', note: 'promised less than five minutes ahead' },
    ]);
  });
});

describe('herald start', () => {
  const MINUTE = 60_000;

  // bin/herald.js on the real clock: the folder is prepared in this process with a clock half an hour back,
  // so that the reminder is due (and the promise two minutes past) when it comes up; nothing waits for a time.
  it('gives its shell author a line at the prompt, once, for a reminder due while no Herald ran', async () => {
    const world = createCliWorld();
    cleanups.push(() => world.cleanup());
    const loaded = loadConfig(world.env, root);
    if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
    const now = Date.now();
    const promised = Math.floor((now - 2 * MINUTE) / MINUTE) * MINUTE;
    const typed = new Date(promised).toISOString().slice(0, 16).replace('T', ' ');
    const earlier = createHerald(loaded.config, { log: testLog(), clock: { now: () => now - 30 * MINUTE } });
    expect(earlier.handle({ text: `nc018 smtp down "${DOWN}" --next "${typed}"`, actor: ops }).kind).toBe(
      'recorded',
    );
    await earlier.close();

    const line =
      /Herald reminds ops: update on #1 promised by \d\d:\d\d UTC — overdue by \d+ minutes?\. Type: {2}update 1 "…"/;
    const r = await world.start('', { keepStdinOpen: true, ready: (stdout) => line.test(stdout) });
    expect(r.status).toBe(0);
    expect(r.stdout.match(new RegExp(line.source, 'g'))).toHaveLength(1);
    const db = new Database(path.join(world.dir, 'data', 'herald.db'), { readonly: true });
    try {
      expect(db.prepare('SELECT step, outcome FROM automation_steps').all()).toEqual([
        { step: 'next-reminder:1', outcome: 'prompted' },
      ]);
      expect(db.prepare('SELECT kind, status FROM prompts').all()).toEqual([
        { kind: 'next-reminder', status: 'sent' },
      ]);
    } finally {
      db.close();
    }
  });
});
