// At a maintenance's expected end Herald asks its author in chat whether it is complete: a direct message
// with Complete and Not yet. Through the front door: signed Slack button presses against Herald's HTTP
// endpoint (Bolt) and the fake Slack Web API; signed Discord interactions and the fake Discord REST API.
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDiscordAdapter, DISCORD_INTERACTIONS_PATH } from '../../src/adapters/chat/discord.js';
import { promptActionId } from '../../src/adapters/chat/slack-prompts.js';
import { createHttpApp, listen } from '../../src/server.js';
import {
  buttonInteraction,
  commandInteraction,
  createInteractionSigner,
  FAKE_APPLICATION_ID,
  FAKE_DISCORD_TOKEN,
  type FakeUser,
  postInteraction,
  signedHeaders,
  startFakeDiscord,
} from '../fakes/discord.js';
import { answerText, dmChannelOf, type SlackWorld, startSlackWorld } from '../fakes/slack.js';
import { createTestHerald } from '../helpers/herald.js';
import { testLog } from '../helpers/log.js';

const SCHEDULE =
  'maintenance nc018 web "We will migrate websites from NC018 to NC026." --start 2013-05-03 19:00 --end 2013-05-03 23:00';
const ANNOUNCED = '2013-05-01T10:00:00Z';
const ENDED = '2013-05-03T23:00:00Z';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('in Slack', () => {
  const ann = { id: 'U0STAFF', name: 'ann' };
  const bob = { id: 'U0VISITOR', name: 'bob' };

  async function scheduledBy(): Promise<SlackWorld> {
    const world = await startSlackWorld({ mode: 'http', preview: false, now: ANNOUNCED });
    cleanups.push(() => world.close());
    const sent = await world.slash(SCHEDULE, { user: ann });
    expect(answerText(await world.answer(sent.key))).toContain('Recorded post 1.1');
    world.setNow(ENDED);
    await world.herald.herald.scheduler.runDue();
    return world;
  }

  it('asks the author in a direct message; Complete, pressed by them, completes it in the core’s one way', async () => {
    const world = await scheduledBy();
    const herald = world.herald.herald;
    const dms = world.fake.messages.filter((m) => m.channel === dmChannelOf(ann.id));
    expect(dms).toHaveLength(1);
    expect(dms[0]?.text).toBe(
      'Is maintenance #1 complete? “Scheduled maintenance: Web server on server NC018” was expected to end at 23:00 UTC (16:00 PDT Vancouver · 01:00 CAT Lusaka, 4 May).',
    );
    const buttons = JSON.stringify(dms[0]?.blocks);
    expect(buttons).toContain('"action_id":"herald_prompt:complete"');
    expect(buttons).toContain('"action_id":"herald_prompt:not_yet"');
    const call = world.fake.calls.find((c) => c.method === 'chat.postMessage');
    expect(call?.args.channel).toBe(ann.id);

    // Not yet: it stays in progress, and the author is told how to complete it later.
    const notYet = await world.press(promptActionId('not_yet'), '1', {
      user: ann,
      channel: dmChannelOf(ann.id),
    });
    const told = await world.answer(notYet.key);
    expect(told.body.replace_original).toBe(false);
    expect(answerText(told)).toContain('Maintenance #1 stays in progress');
    expect(herald.store.incident(1)?.status).toBe('in_progress');

    const pressed = await world.press(promptActionId('complete'), '1', {
      user: ann,
      channel: dmChannelOf(ann.id),
    });
    expect(pressed.status).toBe(200);
    const done = await world.answer(pressed.key);
    expect(done.body.replace_original).toBe(true);
    expect(answerText(done)).toContain('Recorded post 1.3');
    expect(herald.store.incident(1)?.status).toBe('completed');
    expect(herald.store.components().find((c) => c.service === 'web')?.state).toBe('operational');
    const completion = herald.store.post(1, 3);
    expect(completion).toMatchObject({
      title: 'Scheduled maintenance: Web server on server NC018: completed',
      author: 'ann',
      state: 'operational',
      text: 'Our scheduled maintenance (Web server on server NC018) is complete, and everything is running normally again. Thank you for your patience.',
    });
    expect(herald.store.audit(1)[0]).toMatchObject({
      actor: { platform: 'slack', id: ann.id },
      code: 'resolve',
    });

    // A second press changes nothing.
    const again = await world.press(promptActionId('complete'), '1', {
      user: ann,
      channel: dmChannelOf(ann.id),
    });
    expect(answerText(await world.answer(again.key))).toContain(
      'Maintenance #1 is completed already: nothing changed.',
    );
    expect(herald.store.postsOf(1)).toHaveLength(3);
  });

  it('refuses Complete from anyone but its author or staff, and tells only them', async () => {
    const world = await scheduledBy();
    const herald = world.herald.herald;
    const pressed = await world.press(promptActionId('complete'), '1', {
      user: bob,
      channel: dmChannelOf(bob.id),
    });
    const told = await world.answer(pressed.key);
    expect(told.body.replace_original).toBe(false);
    expect(told.body.response_type).toBe('ephemeral');
    expect(answerText(told)).toContain('only ann, who was asked, or staff can answer this question');
    expect(herald.store.incident(1)?.status).toBe('in_progress');
    expect(herald.store.postsOf(1)).toHaveLength(2);
    // And a button that names no question Herald asked.
    const forged = await world.press(promptActionId('complete'), '999', { user: ann });
    expect(answerText(await world.answer(forged.key))).toContain('Herald asked no such question');
  });
});

describe('in Discord', () => {
  const STAFF_ROLE = '1600000000000000001';
  const anna: FakeUser = { id: '1500000000000000001', username: 'anna', roles: [STAFF_ROLE] };
  const visitor: FakeUser = { id: '1500000000000000009', username: 'visitor', roles: [] };

  it('asks the author in a direct message with buttons; a visitor’s Complete is refused, the author’s completes it', async () => {
    const fake = await startFakeDiscord();
    cleanups.push(() => fake.close());
    const signer = createInteractionSigner();
    const world = createTestHerald({
      now: ANNOUNCED,
      configText: (shipped) =>
        shipped
          .replace('roles: [] # Discord role ids', `roles: ["${STAFF_ROLE}"]`)
          .replace('preview: true', 'preview: false'),
      env: {
        DISCORD_TOKEN: FAKE_DISCORD_TOKEN,
        DISCORD_APPLICATION_ID: FAKE_APPLICATION_ID,
        DISCORD_PUBLIC_KEY: signer.publicKey,
        DISCORD_API_URL: fake.apiUrl,
      },
    });
    cleanups.push(() => world.close());
    const config = world.config.discord;
    if (!config) throw new Error('Discord is not configured');
    let now = Date.parse(ANNOUNCED);
    const adapter = createDiscordAdapter({
      config,
      chat: world.config.chat,
      core: world.herald,
      settings: world.config.core,
      site: world.config.site,
      log: testLog(),
      clock: { now: () => now },
    });
    if (!adapter.router) throw new Error('no router');
    const server = await listen(
      createHttpApp({
        publicDir: path.join(world.dir, 'public'),
        health: () => world.herald.health(),
        log: testLog(),
        routes: [{ path: DISCORD_INTERACTIONS_PATH, router: adapter.router }],
      }),
      '127.0.0.1',
      0,
    );
    cleanups.push(async () => {
      await adapter.stop();
      await server.close();
    });
    const url = new URL(DISCORD_INTERACTIONS_PATH, server.url).href;
    const post = async (interaction: Record<string, unknown>) => {
      const body = JSON.stringify(interaction);
      const res = await postInteraction(url, body, signedHeaders(signer, body));
      if (res.status === 200) fake.answered(interaction, res.json);
      return res;
    };

    const schedule = commandInteraction({ user: anna }, 'run', { text: SCHEDULE });
    await post(schedule);
    await vi.waitFor(() =>
      expect(fake.answer(String(schedule.token))?.content).toMatch(/Recorded post 1\.1/),
    );

    now = Date.parse(ENDED);
    world.setNow(ENDED);
    await world.herald.scheduler.runDue();
    const dm = fake.dms.get(anna.id);
    expect(dm).toBeDefined();
    const question = fake.messages.filter((m) => m.channelId === dm);
    expect(question).toHaveLength(1);
    expect(question[0]?.content).toContain('Is maintenance #1 complete?');
    expect(question[0]?.body.allowed_mentions).toEqual({ parse: [] });
    const ids = JSON.stringify(question[0]?.body.components);
    expect(ids).toContain('"custom_id":"herald:prompt:1:complete"');
    expect(ids).toContain('"custom_id":"herald:prompt:1:not_yet"');

    // A visitor's press (in their own DM: no roles there) is refused, privately.
    const refused = buttonInteraction(
      { user: visitor, guildId: null, channelId: '1700000000000000001' },
      'herald:prompt:1:complete',
    );
    await post(refused);
    await vi.waitFor(() =>
      expect(JSON.stringify(fake.followUps.find((f) => f.token === refused.token)?.body)).toContain(
        'only anna, who was asked, or staff can answer this question',
      ),
    );
    expect(world.herald.store.incident(1)?.status).toBe('in_progress');

    // The author's press, in the DM Herald sent: the question is replaced by what was recorded.
    const complete = buttonInteraction(
      { user: anna, guildId: null, channelId: dm },
      'herald:prompt:1:complete',
    );
    await post(complete);
    const answer = await vi.waitFor(() => {
      const body = fake.answer(String(complete.token));
      expect(body?.content).toMatch(/Recorded post 1\.3/);
      return body;
    });
    expect(answer?.components).toEqual([]);
    expect(world.herald.store.incident(1)?.status).toBe('completed');
    expect(world.herald.store.audit(1)[0]).toMatchObject({
      actor: { platform: 'discord', id: anna.id },
      code: 'resolve',
    });
  });
});
