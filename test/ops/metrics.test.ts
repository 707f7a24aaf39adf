// GET /metrics through Herald's own HTTP server, read by Prometheus's client library (Python's
// prometheus_client): its families and types, and its counters and histograms moving as commands come in
// from the shell, signed Slack requests and signed Discord interactions, and as deliveries are sent,
// retried (the fake Mastodon answering 503) and given up (422).
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { root } from '../helpers/cli.js';
import { ops } from '../helpers/core.js';
import { createTestHerald } from '../helpers/herald.js';
import {
  byName,
  histogramOf,
  type MetricFamily,
  parsePrometheusText,
  sampleValue,
} from '../helpers/prometheus.js';
import { type OpsWorld, startOpsWorld, VISITOR_SLACK } from './ops-world.js';

const OUTLETS = ['site', 'twitter', 'mastodon', 'bluesky'];
const MINUTE = 60_000;

let world: OpsWorld;
beforeEach(async () => {
  world = await startOpsWorld();
});
afterEach(async () => {
  await world.close();
});

/** Polls GET /metrics until `check` passes on it (chat commands are counted after their acknowledgement). */
async function metricsWhen(check: (m: MetricFamily[]) => void): Promise<MetricFamily[]> {
  return vi.waitFor(
    async () => {
      const m = await world.metrics();
      check(m);
      return m;
    },
    { timeout: 5_000, interval: 50 },
  );
}

const commands = (m: MetricFamily[], surface: string, result: string) =>
  sampleValue(m, 'herald_commands_total', { surface, result });

/** Buckets are cumulative and the +Inf bucket is the count, as Prometheus requires of a histogram. */
function expectWellFormed(h: { count: number; buckets: Map<string, number> }): void {
  const counts = [...h.buckets.values()];
  expect(counts).toEqual([...counts].sort((a, b) => a - b));
  expect(h.buckets.get('+Inf')).toBe(h.count);
}

describe('GET /metrics', () => {
  it("parses as Prometheus text: Herald's families with their types, and the process's", async () => {
    const r = await fetch(new URL('metrics', world.server.url));
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(r.headers.get('cache-control')).toBe('no-store');
    const families = byName(parsePrometheusText(await r.text()));
    expect(
      Object.fromEntries(
        [
          'herald_commands',
          'herald_refusals',
          'herald_deliveries',
          'herald_deliveries_pending',
          'herald_deliveries_oldest_pending_seconds',
          'herald_ack_seconds',
          'herald_command_to_published_seconds',
        ].map((n) => [n, families.get(n)?.type]),
      ),
    ).toEqual({
      herald_commands: 'counter',
      herald_refusals: 'counter',
      herald_deliveries: 'counter',
      herald_deliveries_pending: 'gauge',
      herald_deliveries_oldest_pending_seconds: 'gauge',
      herald_ack_seconds: 'histogram',
      herald_command_to_published_seconds: 'histogram',
    });
    // The process's own metrics (prom-client's defaults) come along.
    expect(families.get('process_cpu_user_seconds')?.type).toBe('counter');
    expect(families.get('nodejs_eventloop_lag_seconds')?.type).toBe('gauge');

    // Every outlet has its series from the start, so that rate() and alerts see the first change.
    const m = [...families.values()];
    for (const outlet of OUTLETS) {
      expect(sampleValue(m, 'herald_deliveries_pending', { outlet })).toBe(0);
      expect(sampleValue(m, 'herald_deliveries_oldest_pending_seconds', { outlet })).toBe(0);
      for (const result of ['sent', 'retrying', 'failed']) {
        expect(
          families
            .get('herald_deliveries')
            ?.samples.some((s) => s.labels.outlet === outlet && s.labels.result === result),
        ).toBe(true);
      }
    }
  });

  it('counts commands by surface and result, and refusals by reason', async () => {
    world.herald.record('nc018 smtp down "spam cleanup"');
    world.herald.herald.handle({ text: 'nc099 smtp down "no such server"', actor: ops });
    world.herald.herald.handle({ text: 'list', actor: ops });
    expect((await world.slash('nc026 web degraded "slow pages"')).status).toBe(200);
    expect((await world.slash('nc018 imap down "not staff"', VISITOR_SLACK)).status).toBe(200);
    expect((await world.slash('nc018 imap down "also not staff"', VISITOR_SLACK)).status).toBe(200);
    const discord = await world.discordCommand('change', {
      system: 'nc026',
      services: 'dns',
      state: 'down',
      message: 'Lookups fail.',
    });
    expect(discord.status).toBe(200);

    const m = await metricsWhen((m) => {
      expect(commands(m, 'slack', 'refused')).toBe(2);
      expect(commands(m, 'discord', 'recorded')).toBe(1);
    });
    expect(commands(m, 'shell', 'recorded')).toBe(1);
    expect(commands(m, 'shell', 'refused')).toBe(1);
    expect(commands(m, 'shell', 'list')).toBe(1);
    expect(commands(m, 'slack', 'recorded')).toBe(1);
    expect(sampleValue(m, 'herald_refusals_total', { reason: 'unknown_system' })).toBe(1);
    expect(sampleValue(m, 'herald_refusals_total', { reason: 'not_staff' })).toBe(2);
    // Nothing counted twice, and nothing else.
    const total = byName(m)
      .get('herald_commands')
      ?.samples.reduce((n, s) => n + s.value, 0);
    expect(total).toBe(7);
  });

  it('observes the acknowledgement of each signed Slack command and Discord interaction', async () => {
    for (const text of ['list', 'help', 'nc018 web degraded "slow pages"']) {
      expect((await world.slash(text)).status).toBe(200);
    }
    expect((await world.discordCommand('list')).status).toBe(200);
    const m = await metricsWhen((m) => {
      expect(histogramOf(m, 'herald_ack_seconds', { surface: 'slack' }).count).toBe(3);
    });
    const slack = histogramOf(m, 'herald_ack_seconds', { surface: 'slack' });
    expectWellFormed(slack);
    expect(slack.sum).toBeGreaterThan(0);
    const discord = histogramOf(m, 'herald_ack_seconds', { surface: 'discord' });
    expect(discord.count).toBe(1);
    expectWellFormed(discord);
    // The shell acknowledges nothing: it answers when the command is done.
    expect(histogramOf(m, 'herald_ack_seconds', { surface: 'shell' }).count).toBe(0);
  });

  it('counts deliveries sent, retrying and failed per outlet, pending ones from the outbox, and the time to publish on Herald’s clock', async () => {
    const t0 = world.now();
    await world.mastodon.setFault({ kind: 'status', status: 503, times: Number.POSITIVE_INFINITY });
    world.herald.record('nc018 smtp down "spam cleanup"');
    await world.publish();

    let m = await world.metrics();
    for (const outlet of ['site', 'twitter', 'bluesky']) {
      expect(sampleValue(m, 'herald_deliveries_total', { outlet, result: 'sent' })).toBe(1);
      expect(sampleValue(m, 'herald_deliveries_pending', { outlet })).toBe(0);
    }
    expect(sampleValue(m, 'herald_deliveries_total', { outlet: 'mastodon', result: 'retrying' })).toBe(1);
    expect(sampleValue(m, 'herald_deliveries_total', { outlet: 'mastodon', result: 'sent' })).toBe(0);
    expect(sampleValue(m, 'herald_deliveries_pending', { outlet: 'mastodon' })).toBe(1);
    const site = histogramOf(m, 'herald_command_to_published_seconds', { outlet: 'site' });
    expect(site).toMatchObject({ count: 1, sum: 0 });
    expectWellFormed(site);
    expect(histogramOf(m, 'herald_command_to_published_seconds', { outlet: 'mastodon' }).count).toBe(0);

    // The instance recovers; ten minutes later (Herald's clock) the post reaches it.
    await world.mastodon.setFault(null);
    world.setNow(t0 + 10 * MINUTE);
    await world.publish();
    m = await world.metrics();
    expect(sampleValue(m, 'herald_deliveries_total', { outlet: 'mastodon', result: 'sent' })).toBe(1);
    expect(sampleValue(m, 'herald_deliveries_total', { outlet: 'mastodon', result: 'retrying' })).toBe(1);
    expect(sampleValue(m, 'herald_deliveries_pending', { outlet: 'mastodon' })).toBe(0);
    const mastodon = histogramOf(m, 'herald_command_to_published_seconds', { outlet: 'mastodon' });
    expect(mastodon).toMatchObject({ count: 1, sum: 600 });
    expect(mastodon.buckets.get('300')).toBe(0);
    expect(mastodon.buckets.get('600')).toBe(1);
    expectWellFormed(mastodon);

    // A refusal the instance means (422) is not retried: the delivery has failed.
    await world.mastodon.setFault({ kind: 'status', status: 422, times: 1 });
    world.herald.record('nc018 smtp up "cleaned up"');
    await world.publish();
    m = await world.metrics();
    expect(sampleValue(m, 'herald_deliveries_total', { outlet: 'mastodon', result: 'failed' })).toBe(1);
    expect(sampleValue(m, 'herald_deliveries_total', { outlet: 'mastodon', result: 'sent' })).toBe(1);
    expect(sampleValue(m, 'herald_deliveries_pending', { outlet: 'mastodon' })).toBe(0);
    expect(sampleValue(m, 'herald_deliveries_total', { outlet: 'site', result: 'sent' })).toBe(2);
  });

  it('keeps each Herald’s counts apart: two Heralds in one process', async () => {
    const other = createTestHerald();
    try {
      other.record('nc018 smtp down "spam cleanup"');
      other.record('nc018 smtp up "done"');
      world.herald.record('nc026 web down "one"');
      const mine = await world.metrics();
      const theirs = parsePrometheusText(await other.herald.metrics.render());
      expect(commands(mine, 'shell', 'recorded')).toBe(1);
      expect(commands(theirs, 'shell', 'recorded')).toBe(2);
    } finally {
      await other.close();
    }
  });

  it("names every one of Herald's metrics in docs/monitoring.md", async () => {
    const doc = fs.readFileSync(path.join(root, 'docs', 'monitoring.md'), 'utf8');
    const ours = (await world.metrics()).filter((f) => f.name.startsWith('herald_'));
    expect(ours.length).toBeGreaterThan(5);
    for (const f of ours) {
      const name = f.type === 'counter' ? `${f.name}_total` : f.name;
      expect(doc, name).toContain(`| \`${name}\` | ${f.type} |`);
    }
  });
});
