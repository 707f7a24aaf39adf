// What the scheduler posts reaches every outlet through the outbox like any post: each social network and
// chat announcement channel gets each post once, threaded under the announcement, across a restart.
// Real clients (twitter-api-v2, masto, @atproto/api, Slack's and Discord's) against the local fakes.
import { afterEach, expect, it } from 'vitest';
import { FAKE_CHANNEL_ID } from '../fakes/discord.js';
import { FAKE_SLACK } from '../fakes/slack.js';
import { type FakePlatforms, startFakePlatforms } from '../helpers/fake-platforms.js';
import { createTestHerald, type TestHerald } from '../helpers/herald.js';

let app: TestHerald | undefined;
let fakes: FakePlatforms | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
  await fakes?.close();
  fakes = undefined;
});

it('each post of a maintenance that runs itself reaches every network and channel once, threaded, across a restart', async () => {
  fakes = await startFakePlatforms();
  const { twitter, mastodon, bluesky, slack, discord } = fakes;
  app = createTestHerald({ now: '2013-05-01T10:00:00Z', env: fakes.env });
  const world = app;
  const at = async (iso: string) => {
    world.setNow(iso);
    await world.herald.scheduler.runDue();
    await world.herald.publisher.runOnce();
  };
  world.record(
    'maintenance nc018 web "We will migrate websites from NC018 to NC026." --start 2013-05-03 19:00 --end 2013-05-03 23:00',
  );
  await at('2013-05-01T10:00:01Z');
  await at('2013-05-02T19:00:00Z');
  await world.reopen();
  await at('2013-05-03T18:00:00Z');
  await at('2013-05-03T19:00:00Z');
  await at('2013-05-03T23:00:00Z');
  world.record('resolve 1 "The migration of the websites is complete."');
  await at('2013-05-03T23:10:00Z');
  // And again, as the next runs after a restart would: nothing is sent twice.
  await world.reopen();
  await at('2013-05-03T23:20:00Z');

  const titles = [
    'Scheduled maintenance: Web server on server NC018',
    'Scheduled maintenance: Web server on server NC018: Update 2',
    'Scheduled maintenance: Web server on server NC018: Update 3',
    'Scheduled maintenance: Web server on server NC018: Update 4',
    'Scheduled maintenance: Web server on server NC018: completed',
  ];
  expect(world.herald.store.postsOf(1).map((p) => p.title)).toEqual(titles);
  const firstLines = (texts: string[]) => texts.map((t) => t.split('\n')[0]);

  // Twitter: each tweet replies to the one before.
  expect(firstLines(twitter.tweets.map((t) => t.text))).toEqual(titles);
  expect(twitter.tweets.map((t) => t.in_reply_to_tweet_id)).toEqual([
    null,
    ...twitter.tweets.slice(0, -1).map((t) => t.id),
  ]);
  // Mastodon: the same, by status id.
  expect(firstLines(mastodon.statuses.map((s) => s.text))).toEqual(titles);
  expect(mastodon.statuses.map((s) => s.inReplyToId)).toEqual([
    null,
    ...mastodon.statuses.slice(0, -1).map((s) => s.id),
  ]);
  // Bluesky: each reply's root is the announcement, its parent the post before.
  expect(firstLines(bluesky.posts.map((p) => p.text))).toEqual(titles);
  expect(bluesky.posts.map((p) => p.reply?.parent.uri ?? null)).toEqual([
    null,
    ...bluesky.posts.slice(0, -1).map((p) => p.uri),
  ]);
  expect(new Set(bluesky.posts.slice(1).map((p) => p.reply?.root.uri))).toEqual(
    new Set([bluesky.posts[0]?.uri]),
  );
  // Slack: the announcement in the channel, the rest in its thread.
  const announced = slack.messages.filter((m) => m.channel === FAKE_SLACK.announceChannel);
  expect(announced).toHaveLength(5);
  expect(announced.map((m) => m.thread_ts)).toEqual([null, ...Array(4).fill(announced[0]?.ts)]);
  expect(announced.map((m) => m.text).join('\n')).toContain('begins in 24 hours');
  // Discord: the announcement in the channel, the rest in the thread started from it.
  const thread = discord.threads[0];
  expect(discord.threads).toHaveLength(1);
  expect(discord.messages.map((m) => m.channelId)).toEqual([FAKE_CHANNEL_ID, ...Array(4).fill(thread?.id)]);

  expect(world.herald.store.deliveries().filter((d) => d.status !== 'sent')).toEqual([]);
});
