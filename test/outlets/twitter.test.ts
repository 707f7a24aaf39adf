// The twitter outlet, with the real twitter-api-v2 against a local fake of X's API, through the real core,
// outbox and publisher: commands in, what X received out. The test clock moves; real waits are only the
// tiny request timeout of the hang test.
import twitterText from 'twitter-text';
import { afterEach, describe, expect, it } from 'vitest';
import type { Outlet } from '../../src/adapters/outlets/outlet.js';
import { createTwitterOutlet, tweetMeasure, tweetUrl } from '../../src/adapters/outlets/twitter.js';
import type { DeliveryAction } from '../../src/bot/types.js';
import type { TwitterCredentials } from '../../src/config.js';
import type { Logger } from '../../src/logger.js';
import { formatSocialText } from '../../src/templates/social.js';
import {
  FAKE_TWITTER_CREDENTIALS,
  FAKE_TWITTER_USER,
  type FakeTwitter,
  startFakeTwitter,
} from '../fakes/twitter.js';
import { TEST_CREDENTIALS } from '../helpers/credentials.js';
import { testLog } from '../helpers/log.js';
import { createPublishingWorld, type PublishingWorld } from '../helpers/publishing.js';

const silent = testLog();
const MINUTE = 60_000;
const TIMELINE = `/2/users/${FAKE_TWITTER_USER.id}/tweets`;

let fake: FakeTwitter | undefined;
let world: PublishingWorld | undefined;
afterEach(async () => {
  world?.close();
  await fake?.close();
  world = undefined;
  fake = undefined;
});

/** A fake X on the test's clock, and a world whose outlets are built once its address is known. */
async function setUp(outlets: (fake: FakeTwitter) => Outlet[]) {
  const f = await startFakeTwitter({ now: () => w.core.now() });
  const w = createPublishingWorld({ outlets: outlets(f) });
  fake = f;
  world = w;
  return { fake: f, world: w };
}

const twitter = (
  f: FakeTwitter,
  options: { credentials?: TwitterCredentials | null; requestTimeoutMs?: number; log?: Logger } = {},
) =>
  createTwitterOutlet({
    apiUrl: f.url,
    credentials: options.credentials === undefined ? FAKE_TWITTER_CREDENTIALS : options.credentials,
    log: options.log ?? silent,
    ...(options.requestTimeoutMs ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
  });

/** An outlet that always succeeds: another outlet of the same world. */
const site: Outlet = {
  name: 'site',
  threaded: false,
  external: false,
  deliver: async (items) =>
    items.map((i) => ({ id: i.delivery.id, ok: true, remoteId: null, remoteUrl: null })),
};

const twitterRows = (w: PublishingWorld) => w.core.store.deliveries({ outlet: 'twitter' });
const expectedText = (w: PublishingWorld, postId: number, action: DeliveryAction = 'publish') =>
  formatSocialText(w.rendered(postId), action, tweetMeasure);
const later = (w: PublishingWorld, ms = 16 * MINUTE) => w.core.setNow(w.core.now() + ms);
const paths = (f: FakeTwitter, from = 0) =>
  f.requests.slice(from).map((r) => `${r.method} ${r.path.split('?')[0]}`);

/** Each tweet after the first replies to the one before it. */
function expectOneThread(f: FakeTwitter) {
  f.tweets.forEach((t, i) => {
    expect(t.in_reply_to_tweet_id).toBe(i === 0 ? null : f.tweets[i - 1]?.id);
  });
}

/** Moves the clock past each backoff and publishes until nothing is pending. */
async function publishUntilSettled(w: PublishingWorld, rounds = 12) {
  for (let i = 0; i < rounds && twitterRows(w).some((d) => d.status === 'pending'); i++) {
    later(w);
    await w.publish();
  }
}

describe('the twitter outlet', () => {
  it('tweets an incident as one thread: the site’s post, fitted to 280, the permalink whole', async () => {
    const { fake, world } = await setUp((f) => [twitter(f)]);
    world.record('nc018 smtp down "Outgoing mail on NC018 is held while we clear a spam run from @mailer."');
    world.record(
      `update nc018 smtp "${'The queue is draining slowly because every message is checked again before it goes out; '.repeat(4)}"`,
    );
    world.record('update nc018 smtp "About half of the held mail has gone out since 22:13 UTC."');
    world.record('nc018 smtp up "All held mail has been delivered and SMTP on NC018 is back to normal."');

    await world.publish();

    const rows = twitterRows(world);
    expect(rows.map((d) => d.status)).toEqual(['sent', 'sent', 'sent', 'sent']);
    expect(fake.tweets).toHaveLength(4);
    expectOneThread(fake);
    fake.tweets.forEach((tweet, i) => {
      const row = rows[i]!;
      const post = world.rendered(row.postId);
      expect(tweet.text).toBe(expectedText(world, row.postId));
      expect(tweet.text.endsWith(`\n\n${post.permalink}`)).toBe(true);
      const parsed = twitterText.parseTweet(tweet.text);
      expect(parsed.valid).toBe(true);
      expect(parsed.weightedLength).toBeLessThanOrEqual(280);
      expect(tweet.oauth).toBe(true);
      expect(row).toMatchObject({ remoteId: tweet.id, remoteUrl: tweetUrl(tweet.id), attempts: 1 });
    });
    // The long update was cut at a word to fit; the mention was defused.
    expect(fake.tweets[1]?.text).toContain('…\n\nhttps://');
    expect(fake.tweets[0]?.text).toContain('@\u2060mailer');
    expect(BigInt(fake.tweets[3]!.id)).toBeGreaterThan(BigInt(fake.tweets[0]!.id));
    // Nothing was looked up: every first attempt goes straight to POST /2/tweets.
    expect(new Set(paths(fake))).toEqual(new Set(['POST /2/tweets']));
  });

  it('rides out a 503 outage: each post delivered once, in order, after the clock moves on', async () => {
    const { fake, world } = await setUp((f) => [twitter(f)]);
    world.record('nc018 smtp down "Outgoing mail on NC018 is held."');
    world.record('update nc018 smtp "Still held; we are on it."');
    await fake.setFault({ kind: 'status', status: 503, times: 3 });

    const [report] = await world.publish();
    expect(report).toMatchObject({ outlet: 'twitter', sent: 0, retrying: 1 });
    expect(report?.errors[0]).toBe('X API 503: Service Unavailable');
    expect(fake.tweets).toHaveLength(0);
    // Not due yet: no request reaches X while the backoff runs.
    const seen = fake.requests.length;
    await world.publish();
    expect(fake.requests).toHaveLength(seen);

    await publishUntilSettled(world);

    expect(twitterRows(world).map((d) => d.status)).toEqual(['sent', 'sent']);
    expect(fake.tweets.map((t) => t.text)).toEqual([expectedText(world, 1), expectedText(world, 2)]);
    expectOneThread(fake);
    // The 503 answered a POST, so the tweet might have been created: the retries looked before sending.
    expect(fake.requests.filter((r) => r.outcome === 503)).toHaveLength(3);
    expect(paths(fake)).toContain(`GET ${TIMELINE}`);
  });

  it('waits out a 429 until X’s reset, sending nothing before it', async () => {
    const { fake, world } = await setUp((f) => [twitter(f)]);
    const reset = Math.floor(world.core.now() / 1000) + 15 * 60;
    await fake.setFault({ kind: 'rate-limit', reset, route: 'POST /2/tweets' });
    world.record('nc018 smtp down "Outgoing mail on NC018 is held."');

    await world.publish();
    expect(twitterRows(world)[0]).toMatchObject({ status: 'pending', nextAttemptAt: reset * 1000 });
    expect(twitterRows(world)[0]?.lastError).toContain('429: Too Many Requests');

    const seen = fake.requests.length;
    world.core.setNow(reset * 1000 - 1000);
    await world.publish();
    expect(fake.requests).toHaveLength(seen);

    world.core.setNow(reset * 1000);
    await world.publish();
    expect(twitterRows(world)[0]).toMatchObject({ status: 'sent', attempts: 2 });
    expect(fake.tweets).toHaveLength(1);
    // A 429 is X saying no: nothing to look for, the retry posts straight away.
    expect(paths(fake, seen)).toEqual(['POST /2/tweets']);
  });

  it('retries refused connections, and posts straight away once X listens again', async () => {
    const { fake, world } = await setUp((f) => [twitter(f)]);
    world.record('nc018 smtp down "Outgoing mail on NC018 is held."');
    world.record('nc026 web degraded "Websites on NC026 are slow."');
    await fake.setFault({ kind: 'refuse' });

    const [report] = await world.publish();
    expect(report).toMatchObject({ sent: 0, retrying: 2 });
    expect(report?.errors[0]).toMatch(/^X API unreachable: connect ECONNREFUSED 127\.0\.0\.1/);
    // The first failure stops the batch: the second post was not tried against a dead API.
    expect(report?.errors[1]).toMatch(/^not tried: X API unreachable/);

    await fake.setFault(null);
    await publishUntilSettled(world);
    expect(fake.tweets.map((t) => t.text)).toEqual([expectedText(world, 1), expectedText(world, 2)]);
    expect(fake.tweets.map((t) => t.in_reply_to_tweet_id)).toEqual([null, null]);
    expect(paths(fake)).toEqual(['POST /2/tweets', 'POST /2/tweets']);
  });

  it('finds the tweet of a lost answer in the account’s timeline instead of tweeting twice', async () => {
    const { fake, world } = await setUp((f) => [twitter(f)]);
    world.record('nc018 smtp down "Outgoing mail on NC018 is held."');
    await fake.setFault({ kind: 'lose-response' });

    const [report] = await world.publish();
    expect(report).toMatchObject({ sent: 0, retrying: 1 });
    expect(fake.tweets).toHaveLength(1);

    later(world);
    await world.publish();
    const [tweet] = fake.tweets;
    expect(fake.tweets).toHaveLength(1);
    expect(twitterRows(world)[0]).toMatchObject({ status: 'sent', attempts: 2, remoteId: tweet?.id });
    expect(paths(fake)).toEqual(['POST /2/tweets', 'GET /2/users/me', `GET ${TIMELINE}`]);

    // The thread goes on from the tweet that was found.
    world.record('update nc018 smtp "Mail is flowing again."');
    await world.publish();
    expect(fake.tweets).toHaveLength(2);
    expect(fake.tweets[1]?.in_reply_to_tweet_id).toBe(tweet?.id);
  });

  it('looks again when the timeline lags and X calls the resend a duplicate', async () => {
    const { fake, world } = await setUp((f) => [twitter(f)]);
    world.record('nc018 smtp down "Outgoing mail on NC018 is held."');
    await fake.setFault({ kind: 'lose-response' });
    await world.publish();
    await fake.setFault({ kind: 'stale-timeline' });

    later(world);
    const [report] = await world.publish();
    expect(report?.errors).toEqual([
      'X API 403: Forbidden — You are not allowed to create a Tweet with duplicate content. (looking for the earlier tweet again)',
    ]);
    later(world);
    await world.publish();

    expect(fake.tweets).toHaveLength(1);
    expect(twitterRows(world)[0]).toMatchObject({
      status: 'sent',
      attempts: 3,
      remoteId: fake.tweets[0]?.id,
    });
  });

  it('recognises its tweet behind t.co links after a restart, and tells a correction from the post', async () => {
    // X links only known top-level domains; the harness's site is on .example, so this one moves to .com.
    let current = (f: FakeTwitter) => twitter(f);
    let inner: Outlet | undefined;
    const { fake, world } = await setUp((f) => {
      inner = current(f);
      return [
        {
          name: 'twitter',
          threaded: true,
          external: true,
          deliver: (items) =>
            inner!.deliver(
              items.map((i) => ({
                ...i,
                post: { ...i.post, permalink: i.post.permalink.replace('.example/', '.com/') },
              })),
            ),
        },
      ];
    });
    world.record('nc018 smtp down "Outgoing mail & relays on NC018 are held."');
    await world.publish();
    world.record('edit 1.1 "Outgoing mail on NC018 is held; relays are fine."');
    await fake.setFault({ kind: 'lose-response' });
    await world.publish();
    expect(fake.tweets).toHaveLength(2);

    // A restart: a new outlet, with nothing remembered.
    current = (f) => twitter(f);
    inner = current(fake);
    later(world);
    await world.publish();

    expect(fake.tweets).toHaveLength(2);
    const [post, correction] = fake.tweets;
    expect(correction?.text.startsWith('Correction: ')).toBe(true);
    expect(correction?.in_reply_to_tweet_id).toBe(post?.id);
    expect(twitterRows(world).map((d) => [d.action, d.status, d.remoteId])).toEqual([
      ['publish', 'sent', post?.id],
      ['edit', 'sent', correction?.id],
    ]);
  });

  it('gives up on a hung request after its timeout, and retries it once', async () => {
    const { fake, world } = await setUp((f) => [twitter(f, { requestTimeoutMs: 150 })]);
    world.record('nc018 smtp down "Outgoing mail on NC018 is held."');
    await fake.setFault({ kind: 'hang', route: 'POST /2/tweets' });

    const started = performance.now();
    const [report] = await world.publish();
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(report?.errors).toEqual(['X API did not answer within 150 ms']);
    expect(fake.requests.map((r) => r.outcome)).toEqual(['hang']);

    later(world);
    await world.publish();
    expect(fake.tweets).toHaveLength(1);
    expect(twitterRows(world)[0]).toMatchObject({
      status: 'sent',
      attempts: 2,
      remoteId: fake.tweets[0]?.id,
    });
  });

  it('fails a delivery on bad credentials with X’s reason, never logs them, and leaves other outlets be', async () => {
    const lines: string[] = [];
    const log = testLog({ level: 'debug', to: (line) => lines.push(line) });
    const wrong = { ...FAKE_TWITTER_CREDENTIALS, appSecret: TEST_CREDENTIALS.wrong.twitterAppSecret };
    const { fake, world } = await setUp((f) => [twitter(f, { credentials: wrong, log }), site]);
    world.record('nc018 smtp down "Outgoing mail on NC018 is held."');

    const reports = await world.publish();

    expect(reports.map((r) => [r.outlet, r.sent, r.failed])).toEqual([
      ['site', 1, 0],
      ['twitter', 0, 1],
    ]);
    expect(twitterRows(world)[0]).toMatchObject({
      status: 'failed',
      lastError: 'X refused (401): Unauthorized',
    });
    expect(world.core.store.deliveries({ outlet: 'site' })[0]?.status).toBe('sent');
    expect(fake.tweets).toHaveLength(0);
    expect(fake.requests.map((r) => [r.oauth, r.outcome])).toEqual([[true, 401]]);
    const logged = lines.join('');
    for (const secret of Object.values(wrong)) expect(logged).not.toContain(secret);
  });

  it('fails a delivery for a suspended account with X’s words', async () => {
    const { fake, world } = await setUp((f) => [twitter(f)]);
    await fake.setFault({
      kind: 'status',
      status: 403,
      body: {
        title: 'Forbidden',
        type: 'about:blank',
        status: 403,
        detail: 'Your account is suspended and is not permitted to access this feature.',
      },
    });
    world.record('nc018 smtp down "Outgoing mail on NC018 is held."');
    await world.publish();
    expect(twitterRows(world)[0]).toMatchObject({
      status: 'failed',
      lastError:
        'X refused (403): Forbidden — Your account is suspended and is not permitted to access this feature.',
    });
  });

  it('posts a correction and a retraction as replies in the incident’s thread', async () => {
    const { fake, world } = await setUp((f) => [twitter(f)]);
    world.record('nc018 smtp down "Outgoing mail on NC018 is held."');
    world.record('update nc018 smtp "Mail on NC026 is also held."');
    await world.publish();
    const sent = [expectedText(world, 1), expectedText(world, 2)];

    world.record('edit 1.1 "Outgoing mail on NC018 is held while we clear a spam run."');
    world.record('retract 1.2 "Posted to the wrong incident."');
    await world.publish();

    expect(fake.tweets.map((t) => t.text)).toEqual([
      ...sent,
      expectedText(world, 1, 'edit'),
      expectedText(world, 2, 'retract'),
    ]);
    expect(fake.tweets[2]?.text).toMatch(/^Correction: /);
    expect(fake.tweets[2]?.text).toContain('while we clear a spam run');
    expect(fake.tweets[3]?.text).toMatch(/^Retracted: [^\n]+\n\nPosted to the wrong incident\.\n\nhttps:/);
    expectOneThread(fake);
    expect(twitterRows(world).map((d) => [d.action, d.status])).toEqual([
      ['publish', 'sent'],
      ['publish', 'sent'],
      ['edit', 'sent'],
      ['retract', 'sent'],
    ]);
  });

  it('runs dry without credentials: the tweet goes to the log, nothing to X', async () => {
    const lines: string[] = [];
    const log = testLog({ level: 'info', to: (line) => lines.push(line) });
    const { fake, world } = await setUp((f) => [twitter(f, { credentials: null, log })]);
    world.record('nc018 smtp down "Outgoing mail on NC018 is held."');
    await world.publish();
    expect(twitterRows(world)[0]).toMatchObject({ status: 'sent', remoteId: 'dry-run' });
    expect(fake.requests).toHaveLength(0);
    const entry = JSON.parse(lines[0] ?? '{}');
    expect(entry).toMatchObject({ outlet: 'twitter', text: expectedText(world, 1) });
  });
});
