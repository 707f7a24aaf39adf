// `herald start` as an operator runs it (bin/herald.js, a separate process, the real clock): its server
// answers GET /healthz and GET /metrics, and a signed Slack command to it shows in the metrics, from the
// acknowledgement to the post reaching the site.

import fs from 'node:fs';
import path from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import type { HealthReport } from '../../src/health.js';
import { FAKE_SLACK, type FakeSlack, postSigned, slashCommand, startFakeSlack } from '../fakes/slack.js';
import {
  type CliWorld,
  createCliWorld,
  killRunningHeralds,
  type RunningHerald,
  root,
  startRunningHerald,
} from '../helpers/cli.js';
import { histogramOf, type MetricFamily, parsePrometheusText, sampleValue } from '../helpers/prometheus.js';

let fake: FakeSlack | null = null;
let world: CliWorld | null = null;
let herald: RunningHerald | null = null;
afterEach(async () => {
  await herald?.stop();
  killRunningHeralds();
  await fake?.close();
  if (world) fs.rmSync(world.dir, { recursive: true, force: true });
  herald = null;
  fake = null;
  world = null;
});

it('herald start serves /healthz and /metrics, and counts a signed Slack command through to the site', async () => {
  fake = await startFakeSlack();
  const shipped = fs.readFileSync(path.join(root, 'herald.config.yaml'), 'utf8');
  const config = shipped
    .replace('users: [] # Slack user ids', 'users: ["U0STAFF"] # Slack user ids')
    .replace('preview: true', 'preview: false');
  world = createCliWorld({ config });
  Object.assign(world.env, {
    SLACK_BOT_TOKEN: FAKE_SLACK.botToken,
    SLACK_SIGNING_SECRET: FAKE_SLACK.signingSecret,
    SLACK_API_URL: fake.apiUrl,
  });
  herald = await startRunningHerald(world);
  const base = herald.url;

  const health = await fetch(new URL('healthz', base));
  expect(health.status).toBe(200);
  expect(await health.json()).toMatchObject({ ok: true, database: { ok: true, error: null } });

  const sent = await postSigned(
    new URL('slack/events', base).href,
    slashCommand(fake, { text: 'nc018 smtp down "spam cleanup"', responseKey: 'running-1' }),
  );
  expect(sent.status).toBe(200);

  const metrics: MetricFamily[] = await vi.waitFor(
    async () => {
      const r = await fetch(new URL('metrics', base));
      expect(r.status).toBe(200);
      const m = parsePrometheusText(await r.text());
      expect(sampleValue(m, 'herald_deliveries_total', { outlet: 'site', result: 'sent' })).toBe(1);
      return m;
    },
    { timeout: 15_000, interval: 100 },
  );
  expect(sampleValue(metrics, 'herald_commands_total', { surface: 'slack', result: 'recorded' })).toBe(1);
  expect(histogramOf(metrics, 'herald_ack_seconds', { surface: 'slack' }).count).toBe(1);
  expect(histogramOf(metrics, 'herald_command_to_published_seconds', { outlet: 'site' }).count).toBe(1);
  expect(sampleValue(metrics, 'herald_deliveries_pending', { outlet: 'site' })).toBe(0);
  expect(metrics.some((f) => f.name === 'process_resident_memory_bytes')).toBe(true);

  const after = (await (await fetch(new URL('healthz', base))).json()) as HealthReport;
  expect(after).toMatchObject({ ok: true, pendingDeliveries: 0 });
  expect(typeof after.siteWrittenAt).toBe('string');
});
