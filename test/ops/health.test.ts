// GET /healthz through Herald's own HTTP server: 200 and its documented fields on a fresh Herald; 503 once
// a delivery has waited longer than HERALD_HEALTH_STUCK_SECONDS (the fake Mastodon answering 503, the test
// clock moved on), and 200 again once it is delivered; 503 with the database's own error when the database
// does not answer. No real waiting: Herald's clock is the test's.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { root } from '../helpers/cli.js';
import { sampleValue } from '../helpers/prometheus.js';
import { type OpsWorld, startOpsWorld } from './ops-world.js';

const SECOND = 1_000;
const MINUTE = 60_000;

let world: OpsWorld | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});

describe('GET /healthz', () => {
  it('answers 200 on a fresh Herald, with every documented field', async () => {
    world = await startOpsWorld();
    const r = await fetch(new URL('healthz', world.server.url));
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(await r.json()).toEqual({
      ok: true,
      checkedAt: '2012-07-27T21:39:27.000Z',
      problems: [],
      database: { ok: true, error: null },
      pendingDeliveries: 0,
      oldestPendingDelivery: null,
      stuckAfterSeconds: 900,
      siteWrittenAt: null,
    });
  });

  it('has every field it reports documented in docs/monitoring.md', async () => {
    world = await startOpsWorld();
    const doc = fs.readFileSync(path.join(root, 'docs', 'monitoring.md'), 'utf8');
    for (const field of Object.keys((await world.health()).body)) expect(doc).toContain(`| \`${field}\` |`);
  });

  it('turns 503 when a delivery has waited longer than HERALD_HEALTH_STUCK_SECONDS, and 200 once it is delivered', async () => {
    world = await startOpsWorld({ env: { HERALD_HEALTH_STUCK_SECONDS: '300' } });
    const w = world;
    const t0 = w.now();
    await w.mastodon.setFault({ kind: 'status', status: 503, times: Number.POSITIVE_INFINITY });
    w.herald.record('nc018 smtp down "spam cleanup"');
    await w.publish();
    const post = w.herald.herald.store.recentPosts(1)[0];
    const stuck = w.herald.herald.store.deliveries({ status: 'pending' });
    expect(stuck.map((d) => d.outlet)).toEqual(['mastodon']);

    let h = await w.health();
    expect(h.status).toBe(200);
    expect(h.body).toMatchObject({
      ok: true,
      pendingDeliveries: 1,
      oldestPendingDelivery: {
        id: stuck[0]?.id,
        postId: post?.id,
        outlet: 'mastodon',
        queuedAt: new Date(t0).toISOString(),
        waitingSeconds: 0,
      },
      stuckAfterSeconds: 300,
      siteWrittenAt: new Date(t0).toISOString(),
    });

    // Exactly the configured time is not yet longer than it.
    w.setNow(t0 + 300 * SECOND);
    await w.publish();
    h = await w.health();
    expect(h.status).toBe(200);
    expect(h.body.oldestPendingDelivery?.waitingSeconds).toBe(300);

    w.setNow(t0 + 301 * SECOND);
    await w.publish();
    h = await w.health();
    expect(h.status).toBe(503);
    expect(h.body.ok).toBe(false);
    expect(h.body.database).toEqual({ ok: true, error: null });
    expect(h.body.oldestPendingDelivery).toMatchObject({ outlet: 'mastodon', waitingSeconds: 301 });
    expect(h.body.problems).toEqual([
      `delivery ${stuck[0]?.id} to mastodon has waited 301 s, longer than 300 s`,
    ]);
    // Prometheus sees the same from its side.
    const m = await w.metrics();
    expect(sampleValue(m, 'herald_deliveries_pending', { outlet: 'mastodon' })).toBe(1);
    expect(sampleValue(m, 'herald_deliveries_oldest_pending_seconds', { outlet: 'mastodon' })).toBe(301);
    expect(sampleValue(m, 'herald_deliveries_oldest_pending_seconds', { outlet: 'site' })).toBe(0);

    // Still failing later: still unhealthy.
    w.setNow(t0 + 10 * MINUTE);
    await w.publish();
    expect((await w.health()).status).toBe(503);

    // The instance answers again; once the post reaches it, Herald is healthy.
    await w.mastodon.setFault(null);
    w.setNow(t0 + 30 * MINUTE);
    expect((await w.health()).status).toBe(503);
    await w.publish();
    h = await w.health();
    expect(h.status).toBe(200);
    expect(h.body).toMatchObject({
      ok: true,
      problems: [],
      pendingDeliveries: 0,
      oldestPendingDelivery: null,
    });
    expect(w.mastodon.statuses.map((s) => s.text).join('\n')).toContain('spam cleanup');
  });

  it('answers 503 with the database’s own error when the database does not answer; /metrics still answers', async () => {
    world = await startOpsWorld();
    world.herald.herald.store.close();
    const h = await world.health();
    expect(h.status).toBe(503);
    expect(h.body).toMatchObject({
      ok: false,
      database: { ok: false, error: 'The database connection is not open' },
      pendingDeliveries: null,
      oldestPendingDelivery: null,
      problems: ['the database does not answer: The database connection is not open'],
    });
    // The pending gauges cannot be read, and are left out rather than reported as zero.
    const m = await world.metrics();
    expect(m.find((f) => f.name === 'herald_deliveries_pending')?.samples).toEqual([]);
    expect(m.find((f) => f.name === 'herald_deliveries_oldest_pending_seconds')?.samples).toEqual([]);
    expect(m.find((f) => f.name === 'herald_commands')).toBeDefined();
  });
});

describe('HERALD_HEALTH_STUCK_SECONDS', () => {
  const load = (value: string) =>
    loadConfig(
      { HERALD_CONFIG: path.join(root, 'herald.config.yaml'), HERALD_HEALTH_STUCK_SECONDS: value },
      root,
    );

  it.each([
    ['', 900],
    ['60', 60],
    ['3600', 3600],
  ])('%j loads as %d seconds', (value, seconds) => {
    const r = load(value);
    expect(r.ok && r.config.health.stuckSeconds).toBe(seconds);
  });

  it.each(['59', 'soon', '1.5', '-1'])('%j is a configuration problem that names the variable', (value) => {
    const r = load(value);
    expect(r.ok).toBe(false);
    expect(r.ok ? [] : r.problems.join('\n')).toMatch(/^environment HERALD_HEALTH_STUCK_SECONDS: /m);
  });
});
