// The publisher drains the outbox: what each outlet received, and what the deliveries table says after.
// The outlets here are scripted stand-ins for a platform; the publisher and the outbox are the real ones.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DeliveryResult, OutboundItem, Outlet } from '../src/adapters/outlets/outlet.js';
import type { Delivery } from '../src/bot/types.js';
import { createPublisher } from '../src/publisher.js';
import { renderPost } from '../src/templates/post.js';
import { renderReplyText } from '../src/templates/reply-text.js';
import { createTestCore, ops, recorded, type TestCore } from './helpers/core.js';
import { testLog } from './helpers/log.js';
import { testSettings } from './helpers/settings.js';

const silent = testLog();

/** An outlet whose answer for each delivery is scripted; it records every batch and thread it was given. */
function scriptedOutlet(
  name: string,
  answer: (d: Delivery, call: number) => Omit<DeliveryResult, 'id'> | 'throw',
  threaded = false,
) {
  const batches: number[][] = [];
  const threads: Array<OutboundItem['thread']> = [];
  let calls = 0;
  const outlet: Outlet = {
    name,
    threaded,
    external: true,
    async deliver(items) {
      calls++;
      batches.push(items.map((i) => i.delivery.postId));
      threads.push(...items.map((i) => i.thread));
      return items.map(({ delivery }) => {
        const a = answer(delivery, calls);
        if (a === 'throw') throw new Error(`${name} exploded`);
        return { id: delivery.id, ...a } as DeliveryResult;
      });
    },
  };
  return { outlet, batches, threads };
}

let core: TestCore;
/** Renders a delivery's post as src/app.ts does. */
const render = (d: Delivery) => {
  const post = core.store.postById(d.postId);
  const incident = post && core.store.incident(post.incidentId);
  return post && incident
    ? renderPost(post, incident, { baseUrl: 'https://status.example.net/', zones: [] })
    : undefined;
};
beforeEach(() => {
  core = createTestCore({ now: '2012-07-27T21:39:27Z' });
});
afterEach(() => core.close());

describe('the publisher', () => {
  it('sends every due delivery once and records the remote id and link', async () => {
    recorded(core.run('nc018 smtp down "spam cleanup"'));
    recorded(core.run('nc018 smtp down "still at it"'));
    const ok = scriptedOutlet('twitter', (d) => ({
      ok: true,
      remoteId: `t${d.postId}`,
      remoteUrl: `https://x.example/${d.postId}`,
    }));
    const publisher = createPublisher({
      outbox: core.store.outbox,
      render,
      outlets: [ok.outlet],
      clock: { now: core.now },
      log: silent,
    });
    const [report] = await publisher.runOnce();
    expect(report).toEqual({ outlet: 'twitter', sent: 2, retrying: 0, failed: 0, errors: [] });
    expect(ok.batches).toEqual([[1, 2]]);
    expect(
      core.store.deliveries({ outlet: 'twitter' }).map((d) => [d.status, d.remoteId, d.attempts]),
    ).toEqual([
      ['sent', 't1', 1],
      ['sent', 't2', 1],
    ]);
    await publisher.runOnce();
    expect(ok.batches).toHaveLength(1);
  });

  it('retries a transient failure with backoff, not before, and then sends it once', async () => {
    recorded(core.run('nc018 smtp down "spam cleanup"'));
    let down = true;
    const flaky = scriptedOutlet('mastodon', () =>
      down
        ? { ok: false, retry: true, error: '503 Service Unavailable' }
        : { ok: true, remoteId: 'm1', remoteUrl: null },
    );
    const publisher = createPublisher({
      outbox: core.store.outbox,
      render,
      outlets: [flaky.outlet],
      clock: { now: core.now },
      log: silent,
      backoff: (n) => 10_000 * 2 ** (n - 1),
      random: () => 1,
    });
    await publisher.runOnce();
    const [d] = core.store.deliveries({ outlet: 'mastodon' });
    expect(d).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: '503 Service Unavailable',
      nextAttemptAt: core.now() + 10_000,
    });
    core.setNow(core.now() + 9_999);
    await publisher.runOnce();
    expect(flaky.batches).toHaveLength(1);
    core.setNow(core.now() + 1);
    await publisher.runOnce();
    expect(core.store.deliveries({ outlet: 'mastodon' })[0]).toMatchObject({
      attempts: 2,
      nextAttemptAt: core.now() + 20_000,
    });
    down = false;
    core.setNow(core.now() + 20_000);
    await publisher.runOnce();
    expect(core.store.deliveries({ outlet: 'mastodon' })[0]).toMatchObject({
      status: 'sent',
      remoteId: 'm1',
      attempts: 3,
    });
    expect(flaky.batches).toHaveLength(3);
  });

  it('waits for a platform reset time when one is given, and no earlier', async () => {
    recorded(core.run('nc018 smtp down "spam cleanup"'));
    const reset = core.now() + 15 * 60_000;
    const limited = scriptedOutlet('twitter', () => ({
      ok: false,
      retry: true,
      error: '429 Too Many Requests',
      retryAt: reset,
    }));
    const publisher = createPublisher({
      outbox: core.store.outbox,
      render,
      outlets: [limited.outlet],
      clock: { now: core.now },
      log: silent,
      random: () => 0,
    });
    await publisher.runOnce();
    expect(core.store.deliveries({ outlet: 'twitter' })[0]?.nextAttemptAt).toBe(reset);
  });

  it('marks a permanent failure failed with its reason, until staff re-queue it', async () => {
    recorded(core.run('nc018 smtp down "spam cleanup"'));
    const rejecting = scriptedOutlet('bluesky', () => ({
      ok: false,
      retry: false,
      error: 'invalid credentials',
    }));
    const publisher = createPublisher({
      outbox: core.store.outbox,
      render,
      outlets: [rejecting.outlet],
      clock: { now: core.now },
      log: silent,
    });
    const [report] = await publisher.runOnce();
    expect(report).toMatchObject({ failed: 1, errors: ['invalid credentials'] });
    expect(core.store.deliveries({ status: 'failed' })).toEqual([
      expect.objectContaining({ outlet: 'bluesky', lastError: 'invalid credentials', nextAttemptAt: null }),
    ]);
    await publisher.runOnce();
    expect(rejecting.batches).toHaveLength(1);
    expect(
      core.store.outbox.requeue(null, {
        at: core.now(),
        actor: ops,
        text: 'retry all',
        result: 'ok',
        code: 'retry',
      }),
    ).toBe(1);
    expect(core.store.deliveries({ outlet: 'bluesky' })[0]?.status).toBe('pending');
  });

  it('keeps one outlet failing from blocking the others', async () => {
    recorded(core.run('nc018 smtp down "spam cleanup"'));
    const broken = scriptedOutlet('twitter', () => 'throw');
    const ok = scriptedOutlet('mastodon', () => ({ ok: true, remoteId: 'm', remoteUrl: null }));
    const publisher = createPublisher({
      outbox: core.store.outbox,
      render,
      outlets: [broken.outlet, ok.outlet],
      clock: { now: core.now },
      log: silent,
    });
    const reports = await publisher.runOnce();
    expect(reports).toEqual([
      { outlet: 'mastodon', sent: 1, retrying: 0, failed: 0, errors: [] },
      { outlet: 'twitter', sent: 0, retrying: 1, failed: 0, errors: ['twitter exploded'] },
    ]);
  });

  it('lets no hanging outlet hold up another: each drains on its own', async () => {
    recorded(core.run('nc018 smtp down "spam cleanup"'));
    recorded(core.run('nc018 smtp down "still cleaning"'));
    // Hangs until released; answers every call at once after that.
    let released = false;
    let release: () => void = () => {};
    const answer = (items: OutboundItem[]) =>
      items.map((i) => ({
        id: i.delivery.id,
        ok: true as const,
        remoteId: `t${i.delivery.postId}`,
        remoteUrl: null,
      }));
    const hanging: Outlet = {
      name: 'twitter',
      threaded: true,
      external: true,
      deliver: (items) =>
        released
          ? Promise.resolve(answer(items))
          : new Promise((resolve) => {
              release = () => {
                released = true;
                resolve(answer(items));
              };
            }),
    };
    const fast = scriptedOutlet(
      'mastodon',
      (d) => ({ ok: true, remoteId: `m${d.postId}`, remoteUrl: null }),
      true,
    );
    const publisher = createPublisher({
      outbox: core.store.outbox,
      render,
      outlets: [hanging, fast.outlet],
      clock: { now: core.now },
      log: silent,
    });
    const run = publisher.runOnce();
    // Both of mastodon's posts (the second a reply, so two passes) while twitter has not answered at all.
    await vi.waitFor(() =>
      expect(core.store.deliveries({ outlet: 'mastodon', status: 'sent' })).toHaveLength(2),
    );
    expect(core.store.deliveries({ outlet: 'twitter', status: 'sent' })).toHaveLength(0);
    release();
    await run;
    expect(core.store.deliveries({ outlet: 'twitter', status: 'sent' })).toHaveLength(2);
  });

  it('under a burst, rests the site three times as long as its last pass took before passing again', async () => {
    // A local outlet (the site) that takes this thread for 60 ms a pass, in turns of 10 ms (as writing the
    // front page and the feeds does with many incidents open, between the inbox's rows); commands arrive
    // every 5 ms, each waking the publisher.
    const passes: Array<{ start: number; end: number; posts: number[] }> = [];
    const site: Outlet = {
      name: 'site',
      threaded: false,
      external: false,
      async deliver(items) {
        const start = performance.now();
        for (let turn = 0; turn < 6; turn++) {
          const from = performance.now();
          while (performance.now() - from < 10);
          await new Promise((resolve) => setImmediate(resolve));
        }
        passes.push({ start, end: performance.now(), posts: items.map((i) => i.delivery.postId) });
        return items.map((i) => ({ id: i.delivery.id, ok: true as const, remoteId: null, remoteUrl: null }));
      },
    };
    const publisher = createPublisher({
      outbox: core.store.outbox,
      render,
      outlets: [site],
      clock: { now: core.now },
      log: silent,
    });
    publisher.start(60_000);
    for (let i = 0; i < 40; i++) {
      recorded(core.run(`nc018 smtp down "step ${i}"`));
      publisher.wake();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    // The rests grow with the passes' length, which a loaded machine stretches: waitFor's 1 s is too short.
    await vi.waitFor(
      () => expect(core.store.deliveries({ outlet: 'site', status: 'sent' })).toHaveLength(40),
      { timeout: 15_000 },
    );
    await publisher.stop();
    // Every post once, in far fewer passes than commands.
    const posts = passes.flatMap((p) => p.posts);
    expect(posts.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(passes.length).toBeLessThan(12);
    // Each pass began no sooner than three times the last one's length after it ended (a timer may fire up
    // to a millisecond early).
    expect(passes.length).toBeGreaterThan(1);
    passes.slice(1).forEach((pass, i) => {
      const before = passes[i] as (typeof passes)[number];
      expect(pass.start - before.end).toBeGreaterThanOrEqual(3 * (before.end - before.start) - 1);
    });
  });

  it("sends a threaded outlet an incident's posts in order, each with the one before it as parent", async () => {
    recorded(core.run('nc018 smtp down "spam cleanup"'));
    recorded(core.run('nc026 web down "websites are down"'));
    recorded(core.run('nc018 smtp down "still cleaning"'));
    recorded(core.run('nc018 smtp up "restarted"'));
    const social = scriptedOutlet(
      'mastodon',
      (d) => ({ ok: true, remoteId: `m${d.postId}`, remoteUrl: null }),
      true,
    );
    const publisher = createPublisher({
      outbox: core.store.outbox,
      render,
      outlets: [social.outlet],
      clock: { now: core.now },
      log: silent,
    });
    const [report] = await publisher.runOnce();
    expect(report).toMatchObject({ sent: 4 });
    // First pass: the first post of each incident; then each incident's next post once its parent is sent.
    expect(social.batches).toEqual([[1, 2], [3], [4]]);
    expect(social.threads).toEqual([
      { root: null, parent: null },
      { root: null, parent: null },
      { root: 'm1', parent: 'm1' },
      { root: 'm1', parent: 'm3' },
    ]);
  });

  it("holds an incident's later posts while an earlier one is failing, and never sends them out of order", async () => {
    recorded(core.run('nc018 smtp down "spam cleanup"'));
    recorded(core.run('nc018 smtp down "still cleaning"'));
    let down = true;
    const social = scriptedOutlet(
      'twitter',
      (d) =>
        down
          ? { ok: false, retry: true, error: '503' }
          : { ok: true, remoteId: `t${d.postId}`, remoteUrl: null },
      true,
    );
    const publisher = createPublisher({
      outbox: core.store.outbox,
      render,
      outlets: [social.outlet],
      clock: { now: core.now },
      log: silent,
      random: () => 0,
    });
    await publisher.runOnce();
    expect(social.batches).toEqual([[1]]);
    down = false;
    core.setNow(core.now() + 60 * 60_000);
    await publisher.runOnce();
    expect(social.batches).toEqual([[1], [1], [2]]);
    expect(core.store.deliveries({ outlet: 'twitter' }).map((d) => [d.postId, d.status, d.attempts])).toEqual(
      [
        [1, 'sent', 2],
        [2, 'sent', 1],
      ],
    );
  });
});

describe('a threaded outlet gets posts in the order they were recorded (issue 15, case 8)', () => {
  it("holds later incidents' posts behind a retry, instead of letting them overtake it", async () => {
    recorded(core.run('nc018 smtp down "spam cleanup"'));
    const sent: number[] = [];
    const social = scriptedOutlet(
      'mastodon',
      (d, call) => {
        // The first attempt at post 1 looks failed (a timeout after it landed, say).
        if (d.postId === 1 && call === 1) return { ok: false, retry: true, error: 'timed out' };
        sent.push(d.postId);
        return { ok: true, remoteId: `m${d.postId}`, remoteUrl: null };
      },
      true,
    );
    const publisher = createPublisher({
      outbox: core.store.outbox,
      render,
      outlets: [social.outlet],
      clock: { now: core.now },
      log: silent,
      random: () => 0,
    });
    await publisher.runOnce();
    // Another incident's first post, recorded while post 1 waits out its backoff, waits behind it.
    recorded(core.run('nc026 web down "websites are down"'));
    await publisher.runOnce();
    expect(social.batches).toEqual([[1]]);
    expect(
      core.store.deliveries({ outlet: 'mastodon' }).map((d) => [d.postId, d.status, d.attempts]),
    ).toEqual([
      [1, 'pending', 1],
      [2, 'pending', 0],
    ]);
    core.setNow(core.now() + 60 * 60_000);
    await publisher.runOnce();
    expect(sent).toEqual([1, 2]);
  });

  it("lets a permanently failed post hold back only its own incident's later posts", async () => {
    recorded(core.run('nc018 smtp down "spam cleanup"'));
    recorded(core.run('update 1 "still cleaning"'));
    recorded(core.run('nc026 web down "websites are down"'));
    const social = scriptedOutlet(
      'twitter',
      (d) =>
        d.postId === 1
          ? { ok: false, retry: false, error: 'refused for good' }
          : { ok: true, remoteId: `t${d.postId}`, remoteUrl: null },
      true,
    );
    const publisher = createPublisher({
      outbox: core.store.outbox,
      render,
      outlets: [social.outlet],
      clock: { now: core.now },
      log: silent,
    });
    await publisher.runOnce();
    expect(core.store.deliveries({ outlet: 'twitter' }).map((d) => [d.postId, d.status])).toEqual([
      [1, 'failed'],
      [2, 'pending'],
      [3, 'sent'],
    ]);
  });
});

describe('staff see and retry deliveries by command', () => {
  it('`deliveries <post>` shows each outlet: sent with its link, failed with the reason; `retry` re-queues', async () => {
    recorded(core.run('nc018 smtp down "spam cleanup"'));
    const ok = scriptedOutlet('mastodon', () => ({
      ok: true,
      remoteId: '109',
      remoteUrl: 'https://mastodon.example/@ninernet/109',
    }));
    const rejecting = scriptedOutlet('bluesky', () => ({
      ok: false,
      retry: false,
      error: 'Invalid identifier or password',
    }));
    const publisher = createPublisher({
      outbox: core.store.outbox,
      render,
      outlets: [ok.outlet, rejecting.outlet],
      clock: { now: core.now },
      log: silent,
    });
    await publisher.runOnce();
    const shown = renderReplyText(core.run('deliveries 1.1'), testSettings);
    expect(shown).toContain('Post 1.1 "SMTP on NC018 shut down":');
    expect(shown).toContain('mastodon: sent 21:39 UTC, https://mastodon.example/@ninernet/109');
    expect(shown).toContain(
      'bluesky: FAILED after 1 attempt(s): Invalid identifier or password. Fix the cause, then `retry 1.1`.',
    );
    expect(shown).toMatch(/site: pending\b/);
    // `list` names the failure too.
    expect(renderReplyText(core.run('list'), testSettings)).toContain(
      'post 1 to bluesky: Invalid identifier or password',
    );

    const mallory = { platform: 'shell' as const, id: 'mallory', name: 'mallory' };
    const strict = createTestCore({
      settings: { ...testSettings, staff: { ...testSettings.staff, shell: ['ops'] } },
    });
    expect(strict.run('retry all', mallory)).toMatchObject({ kind: 'refused', code: 'not_staff' });
    strict.close();

    expect(core.run('retry 1.1')).toMatchObject({ kind: 'retried', count: 1 });
    expect(core.store.deliveries({ outlet: 'bluesky' })[0]).toMatchObject({ status: 'pending' });
    expect(core.store.audit(1)[0]).toMatchObject({ code: 'retry', text: 'retry 1.1', result: 'ok' });
    expect(renderReplyText(core.run('retry all'), testSettings)).toBe(
      'Nothing to retry: no delivery has failed.',
    );
    expect(core.run('deliveries 9.9')).toMatchObject({ kind: 'refused', code: 'unknown_post' });
  });
});
