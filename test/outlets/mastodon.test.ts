// The Mastodon outlet through the front door: commands recorded by the real core, drained by the real
// publisher, posted by masto to a local Mastodon (test/fakes/mastodon.ts). What the fake received is
// compared with the site's own rendering of each post; faults are the instance's, time is the test clock's.
import { afterEach, describe, expect, it } from 'vitest';
import {
  createMastodonOutlet,
  idempotencyKey,
  instanceMeasure,
  type MastodonOutletOptions,
} from '../../src/adapters/outlets/mastodon.js';
import type { Outlet } from '../../src/adapters/outlets/outlet.js';
import type { DeliveryAction } from '../../src/bot/types.js';
import { formatSocialText } from '../../src/templates/social.js';
import {
  FAKE_TOKEN,
  type FakeMastodon,
  type FakeMastodonOptions,
  mastodonLength,
  startFakeMastodon,
} from '../fakes/mastodon.js';
import { TEST_CREDENTIALS } from '../helpers/credentials.js';
import { testLog } from '../helpers/log.js';
import { createPublishingWorld, type PublishingWorld } from '../helpers/publishing.js';

const MINUTE = 60_000;

/** A site that always publishes: the other outlet of the world, to show it is never held up. */
const siteOutlet: Outlet = {
  name: 'site',
  threaded: false,
  external: false,
  async deliver(items) {
    return items.map((i) => ({ id: i.delivery.id, ok: true, remoteId: null, remoteUrl: null }));
  },
};

let fake: FakeMastodon | undefined;
let world: PublishingWorld | undefined;
let logged: string[] = [];
let tokens: string[] = [];

afterEach(async () => {
  world?.close();
  await fake?.close();
  world = undefined;
  fake = undefined;
  // Whatever happened, no log line carried a token.
  for (const token of tokens) expect(logged.filter((line) => line.includes(token))).toEqual([]);
  logged = [];
  tokens = [];
});

async function setup(
  options: {
    fake?: FakeMastodonOptions;
    outlet?: Partial<Omit<MastodonOutletOptions, 'url' | 'log'>>;
    others?: Outlet[];
  } = {},
) {
  const started = await startFakeMastodon({ now: () => w.core.now(), ...options.fake });
  const accessToken = options.outlet?.accessToken ?? FAKE_TOKEN;
  tokens.push(accessToken);
  const outlet = createMastodonOutlet({
    url: started.url,
    accessToken,
    log: testLog({ level: 'trace', to: (line) => logged.push(line) }),
    ...options.outlet,
  });
  const w = createPublishingWorld({ outlets: [outlet, ...(options.others ?? [])] });
  fake = started;
  world = w;
  return { fake: started, world: w, outlet };
}

const mastodonDeliveries = (w: PublishingWorld) =>
  w.core.store.deliveries({ outlet: 'mastodon' }).sort((a, b) => a.id - b.id);

/** What the outlet should send for a post as the site renders it now. */
const expectedText = (w: PublishingWorld, postId: number, action: DeliveryAction = 'publish', max = 500) =>
  formatSocialText(
    w.rendered(postId),
    action,
    instanceMeasure({ maxCharacters: max, charactersReservedPerUrl: 23 }),
  );

const statusPosts = (f: FakeMastodon) =>
  f.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/statuses');

/** Publishes, moving the test clock on a minute between runs, until no Mastodon delivery is pending. */
async function publishUntilSettled(w: PublishingWorld, step = MINUTE): Promise<number> {
  for (let runs = 1; runs <= 20; runs++) {
    await w.publish();
    if (!mastodonDeliveries(w).some((d) => d.status === 'pending')) return runs;
    w.core.setNow(w.core.now() + step);
  }
  throw new Error('Mastodon deliveries still pending after 20 runs');
}

const LONG =
  'Spam filtering on NC018 is rejecting a large share of legitimate mail since 21:15 UTC. We have ' +
  'disabled the new rule set and are replaying the deferred queue, which holds about 40,000 messages ' +
  'for 1,200 accounts. Messages sent during this period were not lost: they are delayed and will be ' +
  'delivered in the order they arrived, oldest first. Customers who use NC018 as their outgoing server ' +
  'may see “451 temporarily deferred” in their mail client; it retries by itself and nothing needs to ' +
  'be done. We will post here again when the queue is empty, or within the hour if it is not. Status ' +
  'of the other servers is unaffected: NC026, the mail relay and the web servers are all operating ' +
  'normally, see https://status.ninernet.example/ for every system at a glance.';

describe('the mastodon outlet', () => {
  it("threads an incident's posts, each replying to the one before, fitted to 500 and worded as the site's", async () => {
    const { fake, world } = await setup();
    world.record(`nc018 smtp down "${LONG}"`);
    world.record('update 1 "The queue is down to 12,000 messages."');
    world.record('update 1 "The queue is down to 2,000 messages."');
    world.record('nc018 smtp up "Mail flows normally again; the queue is empty."');
    await world.publish();

    const deliveries = mastodonDeliveries(world);
    expect(deliveries.map((d) => d.status)).toEqual(['sent', 'sent', 'sent', 'sent']);
    expect(fake.statuses).toHaveLength(4);
    fake.statuses.forEach((status, i) => {
      const delivery = deliveries[i]!;
      expect(status.text).toBe(expectedText(world, delivery.postId));
      expect(mastodonLength(status.text)).toBeLessThanOrEqual(500);
      expect(status.inReplyToId).toBe(i === 0 ? null : fake.statuses[i - 1]!.id);
      expect(status.visibility).toBe('public');
      expect(status.idempotencyKey).toBe(idempotencyKey(delivery));
      expect(delivery).toMatchObject({ remoteId: status.id, remoteUrl: status.url, attempts: 1 });
    });
    // The long first post was cut at a word, with its permalink whole at the end.
    const first = fake.statuses[0]!.text;
    expect(first).toMatch(/…\n\nhttps:\/\/status\.ninernet\.example\/incidents\/1\.html#post-1$/);
    expect(new Set(fake.statuses.map((s) => s.idempotencyKey)).size).toBe(4);
  });

  it.each([
    { name: 'v2 says 1000', fake: { maxCharacters: 1000 }, max: 1000 },
    { name: 'only v1 (before Mastodon 4.0) says 1000', fake: { maxCharacters: 1000, v2: false }, max: 1000 },
    { name: 'the instance does not say', fake: { maxCharacters: null }, max: 500 },
  ])("uses the instance's own limit, read once: $name", async ({ fake: options, max }) => {
    const { fake, world } = await setup({ fake: options });
    world.record(`nc018 smtp down "${LONG}"`);
    world.record(`update 1 "${LONG}"`);
    await world.publish();

    const [first, second] = mastodonDeliveries(world);
    expect(fake.statuses.map((s) => s.text)).toEqual([
      expectedText(world, first!.postId, 'publish', max),
      expectedText(world, second!.postId, 'publish', max),
    ]);
    for (const s of fake.statuses) expect(mastodonLength(s.text)).toBeLessThanOrEqual(max);
    if (max === 1000) {
      // All of it fits: more than 500, nothing cut.
      expect(mastodonLength(fake.statuses[0]!.text)).toBeGreaterThan(500);
      expect(fake.statuses[0]!.text).not.toContain('…');
    }
    const instanceReads = fake.requests.filter((r) => r.path.endsWith('/instance'));
    expect(instanceReads.map((r) => r.path)).toEqual(
      options.v2 === false ? ['/api/v2/instance', '/api/v1/instance'] : ['/api/v2/instance'],
    );
  });

  it('retries through 503s, a proxy error page and refused connections, then delivers each post once, in order', async () => {
    const { fake, world } = await setup();
    await fake.setFault({ kind: 'status', status: 503, times: 3 });
    world.record('nc018 smtp down "Spam cleanup."');
    world.record('update 1 "Still cleaning."');

    await world.publish();
    expect(mastodonDeliveries(world)[0]).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: '503 Service Unavailable',
    });
    expect(await publishUntilSettled(world)).toBeGreaterThan(2);
    expect(statusPosts(fake).map((r) => r.outcome)).toEqual([503, 503, 503, 200, 200]);

    // A proxy's HTML page instead of Mastodon's JSON, then the instance refusing connections.
    await fake.setFault({
      kind: 'status',
      status: 502,
      times: 1,
      contentType: 'text/html',
      body: '<h1>502</h1>',
    });
    world.record('update 1 "Almost done."');
    await world.publish();
    expect(mastodonDeliveries(world)[2]).toMatchObject({ status: 'pending', attempts: 1 });
    await fake.setFault({ kind: 'refuse' });
    const reached = fake.requests.length;
    world.core.setNow(world.core.now() + MINUTE);
    await world.publish();
    expect(fake.requests).toHaveLength(reached);
    expect(mastodonDeliveries(world)[2]).toMatchObject({ status: 'pending', attempts: 2 });
    expect(mastodonDeliveries(world)[2]!.lastError).toMatch(/^network error: /);
    await fake.setFault(null);
    await publishUntilSettled(world);

    const deliveries = mastodonDeliveries(world);
    expect(deliveries.map((d) => d.status)).toEqual(['sent', 'sent', 'sent']);
    expect(fake.statuses.map((s) => s.text)).toEqual(deliveries.map((d) => expectedText(world, d.postId)));
    expect(fake.statuses.map((s) => s.inReplyToId)).toEqual([
      null,
      fake.statuses[0]!.id,
      fake.statuses[1]!.id,
    ]);
  });

  it("waits for the instance's rate-limit reset, and sends nothing before it", async () => {
    const { fake, world } = await setup();
    const reset = world.core.now() + 10 * MINUTE;
    await fake.setFault({ kind: 'rate-limit', reset, times: 1 });
    world.record('nc018 smtp down "Spam cleanup."');
    world.record('nc026 web down "Websites are down."');
    await world.publish();

    // One request met the limit; the other incident's post waited without spending one.
    expect(statusPosts(fake)).toHaveLength(1);
    for (const d of mastodonDeliveries(world)) {
      expect(d).toMatchObject({ status: 'pending', nextAttemptAt: reset });
      expect(d.lastError).toMatch(/^429 Too many requests/);
    }
    world.core.setNow(reset - 1);
    await world.publish();
    expect(statusPosts(fake)).toHaveLength(1);

    world.core.setNow(reset);
    await world.publish();
    expect(mastodonDeliveries(world).map((d) => d.status)).toEqual(['sent', 'sent']);
    expect(statusPosts(fake).map((r) => r.at)).toEqual([reset - 10 * MINUTE, reset, reset]);
  });

  describe('exactly once, across lost answers and crashes', () => {
    it('a status made whose answer was lost is not made again on the retry', async () => {
      const { fake, world } = await setup();
      await fake.setFault({ kind: 'lose-response', times: 1 });
      world.record('nc018 smtp down "Spam cleanup."');
      await world.publish();

      const [delivery] = mastodonDeliveries(world);
      expect(delivery).toMatchObject({ status: 'pending', attempts: 1 });
      expect(delivery!.lastError).toMatch(/^network error/);
      expect(fake.statuses).toHaveLength(1);

      await publishUntilSettled(world);
      expect(fake.statuses).toHaveLength(1);
      expect(mastodonDeliveries(world)[0]).toMatchObject({
        status: 'sent',
        attempts: 2,
        remoteId: fake.statuses[0]!.id,
      });
      expect(statusPosts(fake).map((r) => [r.outcome, r.idempotencyKey])).toEqual([
        ['destroyed', idempotencyKey(delivery!)],
        [200, idempotencyKey(delivery!)],
      ]);
    });

    it('a process that died after sending and before recording sends the same status on restart', async () => {
      const { fake, world, outlet } = await setup();
      world.record('nc018 smtp down "Spam cleanup."');
      const { outbox } = world.core.store;
      // What the publisher does, up to the network call; its result never reaches the outbox.
      const due = outbox.due(world.core.now(), { outlet: 'mastodon', ordered: true });
      outbox.begin(due.map((d) => d.id));
      const lost = await outlet.deliver(
        due.map((d) => ({
          delivery: { ...d, attempts: d.attempts + 1 },
          post: world.rendered(d.postId),
          thread: outbox.thread(d),
        })),
      );
      expect(lost).toMatchObject([{ ok: true, remoteId: fake.statuses[0]!.id }]);
      expect(mastodonDeliveries(world)[0]).toMatchObject({ status: 'pending', attempts: 1, remoteId: null });

      // Restarted: the delivery is due again and is sent with the same key.
      await world.publish();
      expect(fake.statuses).toHaveLength(1);
      expect(mastodonDeliveries(world)[0]).toMatchObject({
        status: 'sent',
        attempts: 2,
        remoteId: fake.statuses[0]!.id,
      });
      // The thread goes on from the one status there is.
      world.record('update 1 "Still cleaning."');
      await world.publish();
      expect(fake.statuses.map((s) => s.inReplyToId)).toEqual([null, fake.statuses[0]!.id]);
    });

    it('gives up on a hung instance after the timeout and retries', async () => {
      const { fake, world } = await setup({ outlet: { requestTimeoutMs: 200 } });
      await fake.setFault({ kind: 'hang', times: 1 });
      world.record('nc018 smtp down "Spam cleanup."');
      await world.publish();

      expect(mastodonDeliveries(world)[0]).toMatchObject({
        status: 'pending',
        attempts: 1,
        lastError: 'no answer from the instance within 200 ms',
      });
      expect(fake.statuses).toHaveLength(0);
      await publishUntilSettled(world);
      expect(fake.statuses).toHaveLength(1);
      expect(mastodonDeliveries(world)[0]).toMatchObject({ status: 'sent', remoteId: fake.statuses[0]!.id });
    });
  });

  it("fails a bad token's deliveries with the instance's reason, and the site publishes regardless", async () => {
    const { fake, world } = await setup({
      outlet: { accessToken: TEST_CREDENTIALS.wrong.mastodonToken },
      others: [siteOutlet],
    });
    world.record('nc018 smtp down "Spam cleanup."');
    world.record('nc026 web down "Websites are down."');
    const reports = await world.publish();

    expect(reports).toEqual([
      {
        outlet: 'mastodon',
        sent: 0,
        retrying: 0,
        failed: 2,
        errors: ['401 The access token is invalid', '401 The access token is invalid'],
      },
      { outlet: 'site', sent: 2, retrying: 0, failed: 0, errors: [] },
    ]);
    expect(world.core.store.deliveries({ outlet: 'mastodon' })).toEqual([
      expect.objectContaining({ status: 'failed', lastError: '401 The access token is invalid' }),
      expect.objectContaining({ status: 'failed', lastError: '401 The access token is invalid' }),
    ]);
    expect(world.core.store.deliveries({ outlet: 'site' }).map((d) => d.status)).toEqual(['sent', 'sent']);
    // One request learnt the token is bad; the other delivery did not spend one.
    expect(statusPosts(fake).map((r) => r.outcome)).toEqual([401]);
    expect(fake.statuses).toEqual([]);
  });

  it('posts on its own when the status it would reply to was deleted on the instance', async () => {
    const { fake, world } = await setup();
    world.record('nc018 smtp down "Spam cleanup."');
    await world.publish();
    const [deleted] = fake.statuses.splice(0, 1);
    world.record('update 1 "Still cleaning."');
    await world.publish();

    expect(statusPosts(fake).map((r) => r.outcome)).toEqual([200, 404, 200]);
    expect(fake.statuses).toEqual([
      expect.objectContaining({ inReplyToId: null, text: expect.stringMatching(/Update 2/) }),
    ]);
    expect(mastodonDeliveries(world).map((d) => [d.status, d.remoteId])).toEqual([
      ['sent', deleted!.id],
      ['sent', fake.statuses[0]!.id],
    ]);
  });

  it('posts a correction and a retraction as replies in the thread', async () => {
    const { fake, world } = await setup();
    const post = world.core.run('nc018 smtp down "Spam cleanup since 18:02 UTC."');
    if (post.kind !== 'recorded') throw new Error(post.kind);
    await world.publish();
    const published = expectedText(world, post.post!.id);

    world.record('edit 1.1 "Spam cleanup since 18:20 UTC."');
    await world.publish();
    const corrected = expectedText(world, post.post!.id, 'edit');

    world.record('retract 1.1 "Posted for the wrong server."');
    await world.publish();
    const retracted = expectedText(world, post.post!.id, 'retract');

    expect(fake.statuses.map((s) => s.text)).toEqual([published, corrected, retracted]);
    expect(corrected).toMatch(/^Correction: /);
    expect(corrected).toContain('18:20 UTC');
    expect(retracted).toMatch(/^Retracted: .*\n\nPosted for the wrong server\.\n\nhttps:/);
    expect(fake.statuses.map((s) => s.inReplyToId)).toEqual([
      null,
      fake.statuses[0]!.id,
      fake.statuses[1]!.id,
    ]);
    expect(mastodonDeliveries(world).map((d) => [d.action, d.status, d.remoteId])).toEqual([
      ['publish', 'sent', fake.statuses[0]!.id],
      ['edit', 'sent', fake.statuses[1]!.id],
      ['retract', 'sent', fake.statuses[2]!.id],
    ]);
  });
});
