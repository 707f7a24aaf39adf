// Hostile input at the monitors' doors: megabyte payloads, label values with markup and mentions, unknown
// components, thousands of alerts in one group. Nothing a monitor sends speaks for the provider in anything
// but plain words, pings anyone, or grows a post without bound.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertmanagerBody, postAlertmanager, postStatus, signed } from './payloads.js';
import { type MonitorWorld, startMonitorWorld } from './world.js';

let world: MonitorWorld;
beforeAll(async () => {
  world = await startMonitorWorld({
    section: `
  flap_window: "0"
  rules:
    - match: ['instance=~"nc018.*"', 'job="smtp"']
      component: nc018 smtp
  components:
    nc018 smtp:
      message: "Our monitoring says: {summary} ({count} alerts, since {time})."
`,
  });
});
afterAll(async () => {
  await world?.close();
});

const HOSTILE =
  '<!channel> @everyone <@U123> <script>alert(1)</script> **bold** [x](http://evil.example) @here';

describe('hostile monitors', () => {
  it('markup and mentions in label values never reach the proposal or the post', async () => {
    const body = alertmanagerBody({
      groupKey: '{}:{alertname="Hostile"}',
      alerts: [
        {
          labels: {
            alertname: 'Hostile',
            herald_component: 'nc018 smtp',
            severity: 'critical',
            note: HOSTILE,
          },
          annotations: { summary: HOSTILE },
        },
      ],
    });
    expect((await postAlertmanager(world.url, body)).status).toBe(200);
    await world.settled();
    const p = world.herald.proposals.openFor('alertmanager', '{}:{alertname="Hostile"}');
    expect(p).toBeDefined();
    for (const bad of ['<', '>', '@', '*', '[', 'http://']) {
      expect(p?.command).not.toContain(bad);
      expect(p?.text).not.toContain(bad);
      expect(p?.title).not.toContain(bad);
    }
    expect(p?.text).toContain(
      'Our monitoring says: channel everyone U123 script alert(1) /script bold x ( here (1 alerts',
    );
  });

  it('a 1 MB label value is taken (Alertmanager’s body), bounded in the proposal; a 1 MB generic body is refused (413)', async () => {
    const huge = `${'A'.repeat(1024 * 1024)}`;
    const body = alertmanagerBody({
      groupKey: '{}:{alertname="Huge"}',
      alerts: [
        { labels: { alertname: 'Huge', herald_component: 'nc018 smtp' }, annotations: { summary: huge } },
      ],
    });
    expect(body.length).toBeGreaterThan(1024 * 1024);
    expect((await postAlertmanager(world.url, body)).status).toBe(200);
    await world.settled();
    const p = world.herald.proposals.openFor('alertmanager', '{}:{alertname="Huge"}');
    expect([...(p?.command ?? '')].length).toBeLessThan(600);
    const status = JSON.stringify({ component: 'nc018 smtp', state: 'down', message: huge });
    const r = await postStatus(world.url, status, signed(status));
    expect(r).toMatchObject({ status: 413, json: { error: 'too_large' } });
    const tooBig = 'x'.repeat(5 * 1024 * 1024);
    expect((await postAlertmanager(world.url, tooBig)).status).toBe(413);
  });

  it('alerts naming an unknown component are logged and counted, never proposed', async () => {
    const body = alertmanagerBody({
      groupKey: '{}:{alertname="Unknown"}',
      alerts: [
        { labels: { alertname: 'Unknown', herald_component: 'nc999 smtp' } },
        { labels: { alertname: 'Unknown', instance: 'nc099.elsewhere:25', job: 'smtp' } },
      ],
    });
    expect((await postAlertmanager(world.url, body)).status).toBe(200);
    await world.settled();
    expect(world.herald.proposals.openFor('alertmanager', '{}:{alertname="Unknown"}')).toBeUndefined();
    const text = await world.herald.metrics.render();
    expect(text).toMatch(/^herald_monitor_alerts_unmapped_total\{source="alertmanager"\} 2$/m);
    const logged = world.logs
      .map((l) => JSON.parse(l))
      .find((l) => l.msg.startsWith('alerts that map to no component'));
    expect(logged).toMatchObject({ unmapped: 2, group: '{}:{alertname="Unknown"}' });
  });

  it('five thousand alerts in one group make one proposal with bounded text', async () => {
    const alerts = Array.from({ length: 5000 }, (_, i) => ({
      labels: {
        alertname: 'Many',
        instance: `nc018-${i}.ninernet.net:25`,
        job: 'smtp',
        severity: 'critical',
      },
      annotations: { summary: `SMTP ${i} down` },
      fingerprint: `f${i}`,
    }));
    const body = alertmanagerBody({ groupKey: '{}:{alertname="Many"}', alerts, truncatedAlerts: 12 });
    expect((await postAlertmanager(world.url, body)).status).toBe(200);
    await world.settled();
    const many = world.herald.proposals
      .list({ limit: 1000 })
      .filter((p) => p.groupKey === '{}:{alertname="Many"}');
    expect(many).toHaveLength(1);
    expect(many[0]?.alertCount).toBe(5012);
    expect(many[0]?.text).toContain('(5012 alerts, since');
    expect([...(many[0]?.text ?? '')].length).toBeLessThan(400);
  });
});
