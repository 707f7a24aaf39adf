// The monitors' doors through Herald's own server: Alertmanager's webhook with its http_config credentials,
// and the generic hook signed per Standard Webhooks by the `standardwebhooks` package (valid, forged,
// replayed, stale). What is acknowledged is in the inbox; what is refused writes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertmanagerBody, basic, bearer, postAlertmanager, postStatus, signed } from './payloads.js';
import { HOOK, type MonitorWorld, startMonitorWorld } from './world.js';

let world: MonitorWorld;
beforeAll(async () => {
  world = await startMonitorWorld();
});
afterAll(async () => {
  await world?.close();
});

const smtpDown = (groupKey: string) =>
  alertmanagerBody({
    groupKey,
    alerts: [
      {
        labels: {
          alertname: 'SMTPDown',
          instance: 'nc018.ninernet.net:25',
          job: 'smtp',
          severity: 'critical',
        },
        annotations: { summary: 'SMTP does not answer on port 25' },
      },
    ],
  });

const inboxRows = () => world.herald.inbox.pending(1000).length + world.herald.proposals.list().length;

describe('POST /hooks/alertmanager', () => {
  it('refuses a request without credentials, or with wrong ones (401), and records nothing', async () => {
    const before = world.herald.proposals.list().length;
    for (const auth of [null, bearer('not-the-token'), basic('alertmanager', 'wrong'), 'Token abc']) {
      const r = await postAlertmanager(world.url, smtpDown('{}:{alertname="Refused"}'), auth);
      expect(r.status, String(auth)).toBe(401);
      expect(r.json.error).toBe('unauthorized');
    }
    await world.settled();
    expect(world.herald.proposals.list().length).toBe(before);
    expect(world.herald.proposals.group('alertmanager', '{}:{alertname="Refused"}')).toBeUndefined();
  });

  it('takes the bearer token, and basic auth, as Alertmanager’s http_config sends them', async () => {
    const viaBearer = await postAlertmanager(world.url, smtpDown('{}:{alertname="Bearer"}'), bearer());
    expect(viaBearer).toEqual({ status: 200, json: { ok: true, recorded: true } });
    const viaBasic = await postAlertmanager(
      world.url,
      smtpDown('{}:{alertname="Basic"}'),
      basic('alertmanager', HOOK.alertmanagerPassword),
    );
    expect(viaBasic.status).toBe(200);
    await world.settled();
    const groups = ['{}:{alertname="Bearer"}', '{}:{alertname="Basic"}'];
    for (const g of groups) {
      const open = world.herald.proposals.openFor('alertmanager', g);
      expect(open?.command).toMatch(/^nc018 smtp down "We are aware of a problem with SMTP on server NC018/);
    }
  });

  it('answers a body that is not Alertmanager’s payload with 400, saying why, and records nothing', async () => {
    const before = inboxRows();
    const notJson = await postAlertmanager(world.url, '{"version": "4", ');
    expect(notJson).toMatchObject({
      status: 400,
      json: { error: 'bad_request', message: 'the body is not JSON' },
    });
    const v3 = await postAlertmanager(world.url, JSON.stringify({ version: '3', alerts: [] }));
    expect(v3.status).toBe(400);
    expect(String(v3.json.message)).toContain('version');
    await world.settled();
    expect(inboxRows()).toBe(before);
  });
});

describe('POST /hooks/status (Standard Webhooks)', () => {
  const body = JSON.stringify({
    component: 'nc026 imap',
    state: 'down',
    message: 'IMAP check failed',
    id: 'imap-check',
  });

  it('takes a body signed with the secret: one proposal for the component', async () => {
    const r = await postStatus(world.url, body, signed(body));
    expect(r).toEqual({ status: 200, json: { ok: true, recorded: true } });
    await world.settled();
    const p = world.herald.proposals.openFor('status-hook', 'imap-check');
    expect(p?.command).toMatch(/^nc026 imap down "/);
    expect(p?.components).toEqual([{ system: 'nc026', service: 'imap' }]);
  });

  it('refuses a forged signature (another secret, a changed body) with 401, and records nothing', async () => {
    const before = inboxRows();
    const other = 'whsec_bm90LXRoZS1zdGF0dXMtaG9vay1zZWNyZXQtMDAwMQ==';
    const forged = await postStatus(world.url, body, signed(body, { secret: other }));
    expect(forged).toMatchObject({ status: 401, json: { error: 'forged' } });
    const headers = signed(body);
    const changed = body.replace('IMAP check failed', 'all is well');
    expect(await postStatus(world.url, changed, headers)).toMatchObject({
      status: 401,
      json: { error: 'forged' },
    });
    const unsigned = await postStatus(world.url, body, { 'content-type': 'application/json' });
    expect(unsigned.status).toBe(401);
    await world.settled();
    expect(inboxRows()).toBe(before);
  });

  it('refuses a replayed request (the same webhook-id) with 409: it was recorded once', async () => {
    const again = JSON.stringify({
      component: 'nc026 imap',
      state: 'degraded',
      message: 'slow',
      id: 'replay',
    });
    const headers = signed(again);
    expect((await postStatus(world.url, again, headers)).status).toBe(200);
    const replay = await postStatus(world.url, again, headers);
    expect(replay).toMatchObject({ status: 409, json: { error: 'replayed' } });
    await world.settled();
    const p = world.herald.proposals.openFor('status-hook', 'replay');
    expect(p?.revision).toBe(1);
    expect(world.herald.proposals.fates(p?.id ?? 0).map((f) => f.event)).toEqual(['proposed']);
  });

  it('refuses a stale request (signed more than 5 minutes ago, or ahead) with 401', async () => {
    const before = inboxRows();
    const stale = await postStatus(world.url, body, signed(body, { at: new Date(Date.now() - 10 * 60_000) }));
    expect(stale).toMatchObject({ status: 401, json: { error: 'stale' } });
    const ahead = await postStatus(world.url, body, signed(body, { at: new Date(Date.now() + 10 * 60_000) }));
    expect(ahead).toMatchObject({ status: 401, json: { error: 'stale' } });
    await world.settled();
    expect(inboxRows()).toBe(before);
  });

  it('refuses an unknown component (422) and a bad body (400), saying why', async () => {
    const unknown = JSON.stringify({ component: 'nc999 smtp', state: 'down', message: 'x' });
    const r = await postStatus(world.url, unknown, signed(unknown));
    expect(r).toMatchObject({ status: 422, json: { error: 'unknown_component' } });
    expect(String(r.json.message)).toContain('unknown system "nc999"');
    const bad = JSON.stringify({ component: 'nc018 smtp', state: 'on fire' });
    const b = await postStatus(world.url, bad, signed(bad));
    expect(b).toMatchObject({ status: 400, json: { error: 'bad_request' } });
    expect(String(b.json.message)).toContain('state');
  });
});
