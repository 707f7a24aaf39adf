// The bluesky outlet through the front door: commands recorded by the real core, delivered by the real
// publisher through @atproto/api to a fake PDS on 127.0.0.1; the test clock drives every retry.
import { afterEach, describe, expect, it } from 'vitest';
import { createBlueskyOutlet } from '../../src/adapters/outlets/bluesky.js';
import type { Outlet } from '../../src/adapters/outlets/outlet.js';
import type { DeliveryAction } from '../../src/bot/types.js';
import { BLUESKY_MEASURE, formatSocialText, graphemeLength } from '../../src/templates/social.js';
import { type FakeBluesky, type FakeBlueskyPost, startFakeBluesky } from '../fakes/bluesky.js';
import { TEST_CREDENTIALS } from '../helpers/credentials.js';
import { testLog } from '../helpers/log.js';
import { createPublishingWorld, type PublishingWorld } from '../helpers/publishing.js';

const APP_PASSWORD = TEST_CREDENTIALS.blueskyAppPassword;
const HOUR = 60 * 60_000;

let fake: FakeBluesky | undefined;
let world: PublishingWorld | undefined;

afterEach(async () => {
  world?.close();
  await fake?.close();
  world = undefined;
  fake = undefined;
});

/** A site outlet that always succeeds: the other outlet in the world. */
const alwaysOkSite: Outlet = {
  name: 'site',
  threaded: false,
  external: false,
  async deliver(items) {
    return items.map((i) => ({ id: i.delivery.id, ok: true, remoteId: null, remoteUrl: null }));
  },
};

async function setup(options: { appPassword?: string; requestTimeoutMs?: number; others?: Outlet[] } = {}) {
  fake = await startFakeBluesky({ appPassword: APP_PASSWORD });
  const lines: string[] = [];
  const log = testLog({ level: 'debug', to: (line) => lines.push(line) });
  let now = () => 0;
  const outlet = createBlueskyOutlet({
    serviceUrl: fake.url,
    identifier: fake.handle,
    appPassword: options.appPassword ?? APP_PASSWORD,
    log,
    requestTimeoutMs: options.requestTimeoutMs,
    now: () => now(),
  });
  const w = createPublishingWorld({ outlets: [...(options.others ?? []), outlet] });
  world = w;
  now = w.core.now;
  const f = fake;
  return {
    fake: f,
    world: w,
    outlet,
    logs: lines,
    deliveries: () => w.core.store.deliveries({ outlet: 'bluesky' }),
    later: (ms: number) => w.core.setNow(w.core.now() + ms),
    textOf: (postId: number, action: DeliveryAction = 'publish') =>
      formatSocialText(w.rendered(postId), action, BLUESKY_MEASURE),
    calls: (nsid: string) => f.requests.filter((r) => r.nsid === `com.atproto.${nsid}`),
  };
}

const ref = (p: FakeBlueskyPost | undefined) => ({ uri: p?.uri, cid: p?.cid });
const remoteIdOf = (p: FakeBlueskyPost | undefined) => `${p?.uri} ${p?.cid}`;

describe('the bluesky outlet', () => {
  it('posts an incident as a thread: each message replies to the first (root) and the one before (parent)', async () => {
    const t = await setup();
    const long = 'The queue is draining in order of arrival and every message will be delivered. '.repeat(6);
    t.world.record('nc018 smtp down "Outgoing mail 📮 is queued while we clean up spam; nothing is lost."');
    t.world.record(`update 1 "${long.trim()}"`);
    t.world.record('update 1 "Half of the queue is delivered."');
    t.world.record('nc018 smtp up "Mail flows normally again."');
    const [report] = await t.world.publish();
    expect(report).toMatchObject({ outlet: 'bluesky', sent: 4, retrying: 0, failed: 0 });

    const posts = t.fake.posts;
    const deliveries = t.deliveries();
    expect(posts).toHaveLength(4);
    posts.forEach((p, i) => {
      const d = deliveries[i]!;
      const permalink = t.world.rendered(d.postId).permalink;
      expect(p.text).toBe(t.textOf(d.postId));
      expect(graphemeLength(p.text)).toBeLessThanOrEqual(300);
      expect(p.reply).toEqual(i === 0 ? null : { root: ref(posts[0]), parent: ref(posts[i - 1]) });
      const link = p.facets.find((f) => f.features.some((x) => x.uri === permalink));
      expect(link?.features).toEqual([{ $type: 'app.bsky.richtext.facet#link', uri: permalink }]);
      expect(Buffer.from(p.text).subarray(link?.index.byteStart, link?.index.byteEnd).toString()).toBe(
        permalink,
      );
      expect(d).toMatchObject({
        status: 'sent',
        attempts: 1,
        remoteId: remoteIdOf(p),
        remoteUrl: `https://bsky.app/profile/${t.fake.did}/post/${p.rkey}`,
      });
    });
    // The emoji before the link makes bytes and UTF-16 units differ: the facet must count bytes.
    expect(posts[0]?.text).toContain('📮');
    expect(posts[1]?.text).toContain('…');
    expect(t.calls('server.createSession')).toHaveLength(1);
    for (const secret of [APP_PASSWORD, ...t.fake.issuedTokens]) {
      expect(t.logs.join('\n')).not.toContain(secret);
    }
  });

  it('retries through a 503 spell, then sends every post once and in order', async () => {
    const t = await setup();
    t.world.record('nc018 smtp down "spam cleanup"');
    t.world.record('update 1 "still cleaning"');
    t.world.record('nc018 smtp up "done"');
    await t.fake.setFault({ kind: 'status', status: 503, error: 'NotEnoughResources', times: 2 });
    await t.world.publish();
    expect(t.deliveries()[0]).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: expect.stringMatching(/503/),
    });
    t.later(HOUR);
    await t.world.publish();
    expect(t.deliveries()[0]).toMatchObject({ status: 'pending', attempts: 2 });
    expect(t.fake.posts).toHaveLength(0);
    t.later(HOUR);
    await t.world.publish();
    expect(t.deliveries().map((d) => [d.status, d.attempts])).toEqual([
      ['sent', 3],
      ['sent', 1],
      ['sent', 1],
    ]);
    expect(t.fake.posts.map((p) => p.text)).toEqual(t.deliveries().map((d) => t.textOf(d.postId)));
    expect(t.calls('repo.createRecord').filter((r) => r.status === 200)).toHaveLength(3);
  });

  it('waits for the ratelimit-reset of a 429 and sends nothing before it', async () => {
    const t = await setup();
    const reset = Math.floor(t.world.core.now() / 1000) + 15 * 60;
    await t.fake.setFault({ kind: 'rateLimit', reset, times: 1, nsid: 'com.atproto.repo.createRecord' });
    t.world.record('nc018 smtp down "spam cleanup"');
    await t.world.publish();
    expect(t.deliveries()[0]).toMatchObject({
      status: 'pending',
      nextAttemptAt: reset * 1000,
      lastError: expect.stringMatching(/429/),
    });
    const seen = t.fake.requests.length;
    t.world.core.setNow(reset * 1000 - 1);
    await t.world.publish();
    expect(t.fake.requests).toHaveLength(seen);
    t.world.core.setNow(reset * 1000);
    await t.world.publish();
    expect(t.deliveries()[0]).toMatchObject({ status: 'sent', remoteId: remoteIdOf(t.fake.posts[0]) });
    expect(t.fake.posts).toHaveLength(1);
  });

  it('retries while connections are refused', async () => {
    const t = await setup();
    await t.fake.setFault({ kind: 'refuse' });
    t.world.record('nc018 smtp down "spam cleanup"');
    await t.world.publish();
    expect(t.deliveries()[0]).toMatchObject({
      status: 'pending',
      lastError: expect.stringMatching(/ECONNREFUSED/),
    });
    await t.fake.setFault(null);
    t.later(HOUR);
    await t.world.publish();
    expect(t.deliveries()[0]?.status).toBe('sent');
    expect(t.fake.posts).toHaveLength(1);
  });
});

describe('exactly once', () => {
  it('finds a post whose answer was lost among the account’s records, and records it instead of posting again', async () => {
    const t = await setup();
    await t.fake.setFault({ kind: 'lostResponse', times: 1 });
    t.world.record('nc018 smtp down "spam cleanup"');
    await t.world.publish();
    expect(t.fake.posts).toHaveLength(1);
    expect(t.deliveries()[0]).toMatchObject({
      status: 'pending',
      lastError: expect.stringMatching(/network/),
    });
    t.later(HOUR);
    await t.world.publish();
    expect(t.fake.posts).toHaveLength(1);
    expect(t.deliveries()[0]).toMatchObject({
      status: 'sent',
      attempts: 2,
      remoteId: remoteIdOf(t.fake.posts[0]),
    });
    expect(t.calls('repo.createRecord')).toHaveLength(1);
    expect(t.calls('repo.listRecords')).toHaveLength(1);
    // The thread goes on from the post that was found.
    t.world.record('update 1 "still cleaning"');
    await t.world.publish();
    expect(t.fake.posts[1]?.reply).toEqual({ root: ref(t.fake.posts[0]), parent: ref(t.fake.posts[0]) });
  });

  it('does not post twice when Herald was killed after sending and before recording', async () => {
    const t = await setup();
    const outbox = t.world.core.store.outbox;
    t.world.record('nc018 smtp down "spam cleanup"');
    const [d] = outbox.due(t.world.core.now(), { outlet: 'bluesky', ordered: true });
    if (!d) throw new Error('expected a due delivery');
    outbox.begin([d.id]);
    // The publisher's own steps, up to the send; its result is never recorded.
    await t.outlet.deliver([
      {
        delivery: { ...d, attempts: d.attempts + 1 },
        post: t.world.rendered(d.postId),
        thread: outbox.thread(d),
      },
    ]);
    expect(t.fake.posts).toHaveLength(1);
    await t.world.publish();
    expect(t.fake.posts).toHaveLength(1);
    expect(t.deliveries()[0]).toMatchObject({
      status: 'sent',
      attempts: 2,
      remoteId: remoteIdOf(t.fake.posts[0]),
    });
  });

  it('gives up on a hung PDS after the request timeout, and the retry posts once', async () => {
    const t = await setup({ requestTimeoutMs: 150 });
    await t.fake.setFault({ kind: 'hang', times: 1, nsid: 'com.atproto.repo.createRecord' });
    t.world.record('nc018 smtp down "spam cleanup"');
    await t.world.publish();
    expect(t.deliveries()[0]).toMatchObject({
      status: 'pending',
      lastError: expect.stringMatching(/timed out/),
    });
    t.later(HOUR);
    await t.world.publish();
    expect(t.deliveries()[0]?.status).toBe('sent');
    expect(t.fake.posts).toHaveLength(1);
  });
});

describe('sessions and refusals', () => {
  it('refreshes an expired session, and logs in again when the refresh token has expired too', async () => {
    const t = await setup();
    t.world.record('nc018 smtp down "spam cleanup"');
    await t.world.publish();
    t.fake.expireSessions();
    t.world.record('update 1 "still cleaning"');
    await t.world.publish();
    expect(t.calls('server.refreshSession')).toHaveLength(1);
    t.fake.expireSessions({ refresh: true });
    t.world.record('update 1 "nearly done"');
    await t.world.publish();
    expect(t.deliveries().map((d) => d.status)).toEqual(['sent', 'sent', 'sent']);
    expect(t.fake.posts).toHaveLength(3);
    expect(t.calls('server.createSession')).toHaveLength(2);
  });

  it('fails a delivery for a bad app password with the PDS’s reason; the site outlet is unaffected', async () => {
    const t = await setup({ appPassword: TEST_CREDENTIALS.wrong.blueskyAppPassword, others: [alwaysOkSite] });
    t.world.record('nc018 smtp down "spam cleanup"');
    const reports = await t.world.publish();
    expect(reports.find((r) => r.outlet === 'bluesky')).toMatchObject({ failed: 1 });
    expect(t.deliveries()[0]).toMatchObject({
      status: 'failed',
      lastError: expect.stringContaining('Invalid identifier or password'),
    });
    expect(t.world.core.store.deliveries({ outlet: 'site' })[0]?.status).toBe('sent');
    expect(t.fake.posts).toHaveLength(0);
    expect(t.logs.join('\n')).not.toContain(TEST_CREDENTIALS.wrong.blueskyAppPassword);
  });

  it('fails a post the PDS rejects as invalid, and goes on with the rest of the batch', async () => {
    const t = await setup();
    const message = 'Invalid app.bsky.feed.post record: Record/text must not be longer than 300 graphemes';
    await t.fake.setFault({
      kind: 'status',
      status: 400,
      error: 'InvalidRequest',
      message,
      times: 1,
      nsid: 'com.atproto.repo.createRecord',
    });
    t.world.record('nc018 smtp down "spam cleanup"');
    t.world.record('nc026 web down "websites are down"');
    await t.world.publish();
    expect(t.deliveries().map((d) => [d.status, d.lastError])).toEqual([
      ['failed', expect.stringContaining(message)],
      ['sent', null],
    ]);
    expect(t.fake.posts.map((p) => p.text)).toEqual([t.textOf(t.deliveries()[1]!.postId)]);
  });
});

describe('threads begun elsewhere', () => {
  it('starts a new thread when the earlier messages were dry runs (no strong ref to reply to)', async () => {
    const t = await setup();
    t.world.record('nc018 smtp down "spam cleanup"');
    const [d] = t.deliveries();
    if (!d) throw new Error('expected a delivery');
    const [result] = await t.outlet.deliver([
      {
        delivery: { ...d, attempts: 1 },
        post: t.world.rendered(d.postId),
        thread: { root: 'dry-run', parent: 'dry-run' },
      },
    ]);
    expect(result).toMatchObject({ ok: true, remoteId: remoteIdOf(t.fake.posts[0]) });
    expect(t.fake.posts[0]?.reply).toBeNull();
  });
});

describe('corrections and retractions', () => {
  it('posts an edit as a correction and a retraction as a reply in the thread', async () => {
    const t = await setup();
    t.world.record('nc018 smtp down "spam clenaup"');
    await t.world.publish();
    t.world.record('edit 1.1 "spam cleanup"');
    await t.world.publish();
    const [first, correction] = t.fake.posts;
    expect(correction?.text).toBe(t.textOf(1, 'edit'));
    expect(correction?.text).toMatch(/^Correction: /);
    expect(correction?.text).toContain('spam cleanup');
    expect(correction?.reply).toEqual({ root: ref(first), parent: ref(first) });
    t.world.record('retract 1.1 "posted for the wrong server"');
    await t.world.publish();
    const retraction = t.fake.posts[2];
    expect(retraction?.text).toBe(t.textOf(1, 'retract'));
    expect(retraction?.text).toMatch(/^Retracted: /);
    expect(retraction?.text).toContain('posted for the wrong server');
    expect(retraction?.reply).toEqual({ root: ref(first), parent: ref(correction) });
    expect(t.deliveries().map((d) => [d.action, d.status])).toEqual([
      ['publish', 'sent'],
      ['edit', 'sent'],
      ['retract', 'sent'],
    ]);
  });
});
