// Subscribing through the front door: the form posted to Herald's server, the confirmation mail received by
// a real SMTP server on loopback and parsed with mailparser, its link followed; the manage page; the
// one-click unsubscribe as mail providers send it (RFC 8058); a webhook confirmed by a signed test delivery
// that a receiver verifies with the standardwebhooks package. The rows are read from the store.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_SECRET_FILE } from '../../src/subscribers/tokens.js';
import { get, linkIn, postForm, type SignupWorld, startSignupWorld } from './signup-world.js';

const HOUR = 3_600_000;

describe('e-mail sign-up with double opt-in', () => {
  let world: SignupWorld;
  let now = Date.parse('2026-12-03T10:00:00Z');
  const advance = (ms: number) => {
    now += ms;
    world.app.setNow(now);
  };
  const store = () => world.app.herald.subscribers;

  beforeAll(async () => {
    world = await startSignupWorld({ now: new Date(now).toISOString() });
  });
  afterAll(async () => {
    await world?.close();
  });

  let confirmLink = '';
  /** A confirmation link mailed while subscribed, still within its 48 hours after the unsubscribe. */
  let staleLink = '';

  it('answers a sign-up with "check your mail", mails one confirmation, and stores nothing yet', async () => {
    const answer = await postForm(`${world.url}subscribe`, {
      email: 'Client@Example.COM',
      scope: 'some',
      component: ['nc018/smtp', 'email'],
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('Check your mail');
    const mail = await world.mailbox.next('Client@example.com');
    expect(mail.subject).toBe('Confirm your subscription to NinerNet Communications System Status');
    expect(mail.from?.text).toContain('status@example.net');
    expect(mail.text).toContain('SMTP on NC018');
    expect(mail.text).toContain('Email (all of it)');
    expect(mail.html).toContain('Confirm the subscription');
    // A confirmation is not a bulk mail: no unsubscribe headers.
    expect(mail.headers.has('list-unsubscribe')).toBe(false);
    confirmLink = linkIn(mail.text ?? '', world.url, 'subscribe/confirm');
    expect(store().list()).toEqual([]);
    // No HERALD_TOKEN_SECRET: the key was generated into the data folder, readable by its owner only.
    const key = path.join(world.app.config.paths.dataDir, TOKEN_SECRET_FILE);
    expect(fs.statSync(key).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(key, 'utf8').trim()).toMatch(/^[0-9a-f]{64}$/);
  });

  it('subscribes the address when the link is followed, with the components asked for', async () => {
    advance(60_000);
    const page = await get(confirmLink);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Subscribed');
    const [row] = store().list();
    expect(row).toMatchObject({
      channel: 'email',
      address: 'Client@example.com',
      status: 'active',
      confirmedAt: now,
    });
    expect(row?.scope).toEqual([
      { system: 'email', service: null },
      { system: 'nc018', service: 'smtp' },
    ]);
  });

  it('refuses the same link followed again, and changes nothing', async () => {
    advance(60_000);
    const before = store().list();
    const page = await get(confirmLink);
    expect(page.status).toBe(409);
    expect(page.body).toContain('This link was used already');
    expect(store().list()).toEqual(before);
  });

  it('refuses a forged link and an expired one with a clear page, writing nothing', async () => {
    const forged = confirmLink.replace(/token=([^&]+)/, (_m, t: string) => {
      const token = decodeURIComponent(t);
      const [v, payload] = token.split('.');
      const other = Buffer.from(
        JSON.stringify({
          ...JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()),
          address: 'x@evil.example',
        }),
      ).toString('base64url');
      return `token=${encodeURIComponent(`${v}.${other}.${token.split('.')[2]}`)}`;
    });
    const page = await get(forged);
    expect(page.status).toBe(400);
    expect(page.body).toContain('This link is not one Herald made');
    expect((await get(`${world.url}subscribe/confirm?token=nonsense`)).status).toBe(400);

    // A fresh link for another address, followed after its 48 hours.
    advance(16 * 60_000);
    await postForm(`${world.url}subscribe`, { email: 'late@example.org' });
    const mail = await world.mailbox.next('late@example.org');
    const link = linkIn(mail.text ?? '', world.url, 'subscribe/confirm');
    advance(48 * HOUR + 1);
    const expired = await get(link);
    expect(expired.status).toBe(410);
    expect(expired.body).toContain('This link has expired');
    expect(store().byAddress('email', 'late@example.org')).toBeUndefined();
  });

  it('answers a sign-up of a subscribed address exactly as one of a new address', async () => {
    advance(HOUR);
    const known = await postForm(`${world.url}subscribe`, { email: 'Client@example.com' });
    const fresh = await postForm(`${world.url}subscribe`, { email: 'someone-new@example.com' });
    expect(known).toEqual(fresh);
    // Each gets its one mail; the subscribed one still follows what it chose until it follows the new link.
    staleLink = linkIn(
      (await world.mailbox.next('Client@example.com')).text ?? '',
      world.url,
      'subscribe/confirm',
    );
    await world.mailbox.next('someone-new@example.com');
    expect(store().byAddress('email', 'Client@example.com')?.scope).not.toBe('all');
  });

  it('lets the subscriber change components on the manage page, through the link the confirmation showed', async () => {
    const row = store().byAddress('email', 'Client@example.com');
    if (!row) throw new Error('no row');
    const manageUrl = world.app.herald.subscriberFront.links?.manage(row) ?? '';
    const page = await get(manageUrl);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Manage your subscription');
    expect(page.body).toMatch(/value="nc018\/smtp" checked/);
    const token = new URL(manageUrl).searchParams.get('token') ?? '';
    const saved = await postForm(`${world.url}subscribe/manage`, {
      token,
      scope: 'some',
      component: 'nc026',
    });
    expect(saved.status).toBe(200);
    expect(saved.body).toContain('Saved: you follow NC026 (all of it).');
    expect(store().byId(row.id)?.scope).toEqual([{ system: 'nc026', service: null }]);
    const bad = await postForm(`${world.url}subscribe/manage`, { token, scope: 'some', component: 'nc999' });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('&quot;nc999&quot; is not a component of this status page');
    expect(store().byId(row.id)?.scope).toEqual([{ system: 'nc026', service: null }]);
  });

  it('unsubscribes on the one-click POST a mail provider sends; a GET only asks', async () => {
    const row = store().byAddress('email', 'Client@example.com');
    if (!row) throw new Error('no row');
    const link = world.app.herald.subscriberFront.links?.unsubscribe(row) ?? '';
    const asked = await get(link);
    expect(asked.status).toBe(200);
    expect(asked.body).toContain('Stop all updates to this subscription?');
    expect(store().byId(row.id)?.status).toBe('active');
    advance(60_000);
    const done = await postForm(link, { 'List-Unsubscribe': 'One-Click' });
    expect(done.status).toBe(200);
    expect(done.body).toContain('Nothing more will be sent');
    expect(store().byId(row.id)).toMatchObject({ status: 'unsubscribed', unsubscribedAt: now });
    // Again: the same answer, nothing changes.
    expect((await postForm(link, { 'List-Unsubscribe': 'One-Click' })).status).toBe(200);
    expect(store().byId(row.id)?.unsubscribedAt).toBe(now);
  });

  it('does not let a confirmation link from before the unsubscribe bring the address back', async () => {
    const link = staleLink;
    const page = await get(link);
    expect(page.status).toBe(409);
    expect(store().byAddress('email', 'Client@example.com')?.status).toBe('unsubscribed');
  });
});

describe('webhook sign-up with a signed test delivery', () => {
  let world: SignupWorld;
  let receiver: http.Server;
  let receiverUrl = '';
  /** The secret the receiver verifies with; null: it takes anything unsigned as well. */
  let receiverSecret = '';
  const received: Array<{ verified: boolean; body: unknown }> = [];

  beforeAll(async () => {
    // The receiver checks webhook-timestamp against its own clock (5 minutes' tolerance): Herald's is now.
    world = await startSignupWorld({
      env: { HERALD_WEBHOOKS_ALLOW_PRIVATE: '1' },
      now: new Date().toISOString(),
    });
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        try {
          const payload = new Webhook(receiverSecret).verify(body, req.headers as Record<string, string>);
          received.push({ verified: true, body: payload });
          res.writeHead(204).end();
        } catch {
          received.push({ verified: false, body });
          res.writeHead(401).end();
        }
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/status`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => receiver?.close(() => resolve()));
    await world?.close();
  });

  const stepOf = (page: string) => ({
    secret: /<code>(whsec_[^<]+)<\/code>/.exec(page)?.[1] ?? '',
    token: /name="token" value="([^"]+)"/.exec(page)?.[1] ?? '',
  });

  it('shows the signing secret and stores nothing until the endpoint answers 2xx to a delivery signed with it', async () => {
    const step = await postForm(`${world.url}subscribe`, {
      webhook: receiverUrl,
      contact: 'ops@example.com',
      scope: 'some',
      component: 'nc018',
    });
    expect(step.status).toBe(200);
    const { secret, token } = stepOf(step.body);
    expect(secret).toMatch(/^whsec_/);
    expect(world.app.herald.subscribers.list()).toEqual([]);

    // An endpoint that verifies with another secret refuses the test: nothing is subscribed.
    receiverSecret = `whsec_${Buffer.from('another secret of 24 bytes!').toString('base64')}`;
    const refused = await postForm(`${world.url}subscribe/webhook`, { token });
    expect(refused.status).toBe(502);
    expect(refused.body).toContain('The test delivery failed: the endpoint answered 401');
    expect(received.at(-1)?.verified).toBe(false);
    expect(world.app.herald.subscribers.list()).toEqual([]);

    receiverSecret = secret;
    const confirmed = await postForm(`${world.url}subscribe/webhook`, { token });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toContain('Your webhook will receive updates for NC018 (all of it).');
    expect(received.at(-1)).toMatchObject({ verified: true, body: { type: 'subscription.test' } });
    expect(world.app.herald.subscribers.list()).toMatchObject([
      {
        channel: 'webhook',
        address: receiverUrl,
        contactEmail: 'ops@example.com',
        secret,
        status: 'active',
        scope: [{ system: 'nc018', service: null }],
      },
    ]);
    // The same step again is refused: the token was used.
    const again = await postForm(`${world.url}subscribe/webhook`, { token });
    expect(again.status).toBe(409);
  });
});

describe('with subscriptions off (no SMTP_URL)', () => {
  it('hides the form on subscribe.html, links it from every page, and answers the routes with 503', async () => {
    const { createTestHerald } = await import('../helpers/herald.js');
    const { createHttpApp, listen } = await import('../../src/server.js');
    const { testLog } = await import('../helpers/log.js');
    const app = createTestHerald();
    try {
      app.herald.site.rebuild();
      const server = await listen(
        createHttpApp({
          publicDir: app.config.paths.publicDir,
          health: () => app.herald.health(),
          log: testLog(),
          routes: [{ path: '/', router: app.herald.subscriberFront.router }],
        }),
        '127.0.0.1',
        0,
      );
      try {
        const page = await get(`${server.url}subscribe.html`);
        expect(page.status).toBe(200);
        expect(page.body).toContain('Subscriptions by e-mail and webhook are not offered here');
        expect(page.body).not.toContain('<form');
        const index = await get(`${server.url}index.html`);
        expect(index.body).toContain('<a href="subscribe.html">Subscribe to updates</a>');
        const posted = await postForm(`${server.url}subscribe`, { email: 'a@example.com' });
        expect(posted.status).toBe(503);
        expect(posted.body).toContain('Subscriptions are off');
      } finally {
        await server.close();
      }
    } finally {
      await app.close();
    }
  });
});
