// The `discord` outlet: announcements in one channel, each incident's follow-ups in a thread started from
// its first message; the real @discordjs/rest against a local fake of Discord, through the real core,
// outbox and publisher. A 429 comes back as a retry at Discord's reset; nothing Herald sends may ping.
import { afterEach, describe, expect, it } from 'vitest';
import { createDiscordAnnounceOutlet, decodeRemoteId } from '../../src/adapters/outlets/discord-announce.js';
import {
  FAKE_CHANNEL_ID,
  FAKE_DISCORD_TOKEN,
  FAKE_GUILD_ID,
  type FakeDiscord,
  startFakeDiscord,
} from '../fakes/discord.js';
import { testLog } from '../helpers/log.js';
import { createPublishingWorld, type PublishingWorld } from '../helpers/publishing.js';

const silent = testLog();
const MINUTE = 60_000;

let fake: FakeDiscord | undefined;
let world: PublishingWorld | undefined;
afterEach(async () => {
  world?.close();
  await fake?.close();
  world = undefined;
  fake = undefined;
});

async function setUp(options: { channelId?: string } = {}) {
  const f = await startFakeDiscord();
  const w = createPublishingWorld({
    outlets: [
      createDiscordAnnounceOutlet({
        token: FAKE_DISCORD_TOKEN,
        apiUrl: f.apiUrl,
        channelId: options.channelId ?? FAKE_CHANNEL_ID,
        log: silent,
        clock: { now: () => w.core.now() },
      }),
    ],
  });
  fake = f;
  world = w;
  return { fake: f, world: w };
}

const deliveries = (w: PublishingWorld) =>
  w.core.store
    .recentPosts(100)
    .flatMap((p) => w.core.store.deliveriesOf(p.id))
    .sort((a, b) => a.id - b.id);

describe('Discord announcements', () => {
  it('announces an incident’s first post in the channel, and its follow-ups in a thread started from it', async () => {
    const { fake, world } = await setUp();
    world.record('nc018 smtp down "We have shut down the SMTP server on NC018." --at 21:39');
    world.record('nc026 web degraded "Websites on NC026 are slow."');
    await world.publish();
    world.core.setNow('2012-07-27T22:15:00Z');
    world.record('update nc018 smtp "Still cleaning up the spam."');
    world.record('resolve nc018 smtp "SMTP on NC018 is back at 22:13 UTC." --at 22:13');
    await world.publish();

    const [first, second, update, resolved] = fake.messages;
    expect(fake.messages).toHaveLength(4);
    expect(first?.channelId).toBe(FAKE_CHANNEL_ID);
    expect(second?.channelId).toBe(FAKE_CHANNEL_ID);
    expect(fake.threads.map((t) => [t.parentId, t.messageId, t.name])).toEqual([
      [FAKE_CHANNEL_ID, first?.id, '#1 SMTP on NC018 shut down'],
      [FAKE_CHANNEL_ID, second?.id, '#2 Web server on NC026 degraded'],
    ]);
    expect(update?.channelId).toBe(first?.id);
    expect(resolved?.channelId).toBe(first?.id);
    expect(first?.content).toBe(
      [
        '**SMTP on NC018 shut down**',
        '27 July 2012 21:39 UTC (14:39 PDT Vancouver · 23:39 CAT Lusaka): We have shut down the SMTP server on NC018.',
        '<https://status.ninernet.example/incidents/1.html#post-1>',
      ].join('\n\n'),
    );
    expect(resolved?.content).toContain('22:13 UTC (15:13 PDT Vancouver · 00:13 CAT Lusaka, 28 July)');

    const rows = deliveries(world);
    expect(rows.every((d) => d.status === 'sent')).toBe(true);
    const firstRow = rows.find((d) => d.postId === 1);
    expect(decodeRemoteId(firstRow?.remoteId ?? '')).toEqual({ messageId: first?.id, threadId: first?.id });
    expect(firstRow?.remoteUrl).toBe(
      `https://discord.com/channels/${FAKE_GUILD_ID}/${FAKE_CHANNEL_ID}/${first?.id}`,
    );
    const last = rows.at(-1);
    expect(last?.remoteUrl).toBe(
      `https://discord.com/channels/${FAKE_GUILD_ID}/${first?.id}/${resolved?.id}`,
    );
  });

  it('lets @everyone through as text, with no mention allowed', async () => {
    const { fake, world } = await setUp();
    world.record('nc018 smtp down "@everyone @here <@123> <@&456>: **mail** is down"');
    await world.publish();
    const sent = fake.messages[0];
    expect(sent?.content).toContain('@everyone @here <@123> <@&456>: \\*\\*mail\\*\\* is down');
    expect(sent?.body.allowed_mentions).toEqual({ parse: [] });
    for (const r of fake.requests.filter((x) => x.route === 'POST /channels/:id/messages')) {
      expect((r.body as { allowed_mentions?: unknown }).allowed_mentions).toEqual({ parse: [] });
    }
  });

  it('puts corrections and retractions in the incident’s thread', async () => {
    const { fake, world } = await setUp();
    world.record('nc018 smtp down "SMTP was stopped at 18:02 UTC."');
    await world.publish();
    world.record('edit 1.1 "SMTP was stopped at 18:20 UTC."');
    world.record('retract 1.1 "Posted by mistake."');
    await world.publish();
    const [, correction, retraction] = fake.messages;
    expect(correction?.channelId).toBe(fake.messages[0]?.id);
    expect(correction?.content).toMatch(
      /^\*\*Correction: SMTP on NC018 shut down\*\*\n\nSMTP was stopped at 18:20 UTC/,
    );
    expect(retraction?.content).toMatch(/^\*\*Retracted: SMTP on NC018 shut down\*\*\n\nPosted by mistake\./);
  });

  it('on a 429, retries at Discord’s reset instead of waiting inside the library', async () => {
    const { fake, world } = await setUp();
    world.record('nc018 smtp down "Spam."');
    fake.setFault({ kind: 'rate-limit', retryAfter: 120, route: 'POST /channels/:id/messages' });
    const started = Date.now();
    const [report] = await world.publish();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(report).toMatchObject({ outlet: 'discord', sent: 0, retrying: 1 });
    const [row] = deliveries(world);
    expect(row?.status).toBe('pending');
    expect(row?.lastError).toMatch(/Discord rate limit/);
    expect(row?.nextAttemptAt).toBeGreaterThanOrEqual(world.core.now() + 120_000);
    expect(fake.messages).toHaveLength(0);

    world.core.setNow(world.core.now() + 3 * MINUTE);
    await world.publish();
    expect(fake.messages).toHaveLength(1);
    expect(deliveries(world)[0]?.status).toBe('sent');
  });

  it('fails for good when Discord refuses the channel, saying what to check', async () => {
    const { world } = await setUp({ channelId: '999' });
    world.record('nc018 smtp down "Spam."');
    const [report] = await world.publish();
    expect(report).toMatchObject({ failed: 1 });
    expect(deliveries(world)[0]?.lastError).toMatch(
      /^Discord 404 \(code 10003\): Unknown Channel\. Check that the bot/,
    );
  });

  it('starts the thread with the next post when it could not be started with the first', async () => {
    const { fake, world } = await setUp();
    world.record('nc018 smtp down "Spam."');
    fake.setFault({
      kind: 'status',
      status: 403,
      code: 50013,
      message: 'Missing Permissions',
      route: 'POST /channels/:id/messages/:id/threads',
    });
    await world.publish();
    const [row] = deliveries(world);
    expect(row?.status).toBe('sent');
    expect(decodeRemoteId(row?.remoteId ?? '')?.threadId).toBeNull();
    world.record('update 1 "Still at it."');
    await world.publish();
    expect(fake.threads.map((t) => t.messageId)).toEqual([fake.messages[0]?.id]);
    expect(fake.messages[1]?.channelId).toBe(fake.messages[0]?.id);
  });

  it('sends a retried delivery once: Discord returns the message its nonce already made', async () => {
    const { fake, world } = await setUp();
    world.record('nc018 smtp down "Spam."');
    const outlet = createDiscordAnnounceOutlet({
      token: FAKE_DISCORD_TOKEN,
      apiUrl: fake.apiUrl,
      channelId: FAKE_CHANNEL_ID,
      log: silent,
      clock: { now: () => world.core.now() },
    });
    const [row] = deliveries(world);
    if (!row) throw new Error('no delivery');
    const item = {
      delivery: { ...row, attempts: 1 },
      post: world.rendered(row.postId),
      thread: { root: null, parent: null },
    };
    const [a] = await outlet.deliver([item]);
    const [b] = await outlet.deliver([{ ...item, delivery: { ...row, attempts: 2 } }]);
    expect(fake.messages).toHaveLength(1);
    expect(a).toMatchObject({ ok: true });
    expect(b).toMatchObject({ ok: true, remoteId: a?.ok ? a.remoteId : '' });
  });
});
