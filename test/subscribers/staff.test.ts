// Staff's side of subscribers: `/status subscribers` as typed at the shell (counts per channel and
// component, failures; staff only), `herald subscribers list | export | remove` through the module src/cli.ts
// runs, and `herald doctor`'s check of the SMTP relay against a real SMTP server on loopback.
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDoctor } from '../../src/doctor/doctor.js';
import { subscribersCommand } from '../../src/subscribers/cli-commands.js';
import { renderReplyText } from '../../src/templates/text/reply.js';
import { root } from '../helpers/cli.js';
import { ops, tempDir } from '../helpers/core.js';
import { createTestHerald } from '../helpers/herald.js';
import { postForm, type SignupWorld, startSignupWorld } from './signup-world.js';

const capture = () => {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c) => {
    text += c;
  });
  return { stream, text: () => text };
};

describe('subscribers for staff', () => {
  let world: SignupWorld;
  const say = (text: string, actor = ops) => {
    const outcome = world.app.herald.handle({ text, actor });
    return { outcome, text: renderReplyText(outcome, world.app.config.core) };
  };

  beforeAll(async () => {
    world = await startSignupWorld();
    const store = world.app.herald.subscribers;
    const at = Date.parse('2012-07-27T20:00:00Z');
    // Four subscribers, as sign-ups and confirmations leave them (the sign-up itself: signup.test.ts).
    const add = (
      channel: 'email' | 'webhook',
      address: string,
      scope: Parameters<typeof store.create>[0]['scope'],
    ) =>
      store.create({
        channel,
        address,
        scope,
        at,
        contactEmail: channel === 'webhook' ? 'ops@example.org' : null,
      }).subscriber;
    for (const s of [
      add('email', 'a@example.com', 'all'),
      add('email', 'b@example.com', [{ system: 'nc018', service: 'smtp' }]),
      add('webhook', 'https://hooks.example.net/status', [{ system: 'nc018', service: null }]),
    ])
      store.confirm(s.id, at);
    add('email', 'pending@example.com', 'all');
  });
  afterAll(async () => {
    await world?.close();
  });

  it('answers /status subscribers with counts per channel and per component, and refuses non-staff', () => {
    const { outcome, text } = say('subscribers');
    expect(outcome.kind).toBe('subscribers');
    expect(text).toBe(
      [
        'Subscribers:',
        '  E-mail: 2 active, 1 pending, 0 disabled, 0 unsubscribed; no failures',
        '  Webhook: 1 active, 0 pending, 0 disabled, 0 unsubscribed; no failures',
        '  Following (active):',
        '    every component: 1 e-mail',
        '    NC018 (all of it): 1 webhook',
        '    SMTP on NC018: 1 e-mail',
      ].join('\n'),
    );
    // No address is ever shown in chat.
    expect(text).not.toContain('@');
    const stranger = say('subscribers', { platform: 'slack', id: 'U0STRANGER', name: 'stranger' });
    expect(stranger.outcome).toMatchObject({ kind: 'refused', code: 'not_staff' });
    expect(say('subscribers extra').outcome).toMatchObject({ kind: 'refused', code: 'syntax' });
    expect(say('help subscribers').text).toContain('/status subscribers');
  });

  it('lists and exports at the shell, and removes an address with all it holds (exit 0; 1 when none; 2 usage)', async () => {
    const run = async (args: string[]) => {
      const out = capture();
      const err = capture();
      const code = await subscribersCommand(args, world.app.config, {
        stdout: out.stream,
        stderr: err.stream,
      });
      return { code, out: out.text(), err: err.text() };
    };
    const list = await run(['list', '--status', 'active']);
    expect(list.code).toBe(0);
    expect(list.out).toContain('a@example.com  [all]');
    expect(list.out).toContain('https://hooks.example.net/status  [nc018]');
    expect(list.out).not.toContain('pending@example.com');
    expect(list.out.trim().split('\n').at(-1)).toBe('3 subscribers');

    const exported = await run(['export']);
    expect(exported.code).toBe(0);
    const rows = JSON.parse(exported.out) as Array<Record<string, unknown>>;
    expect(rows).toHaveLength(4);
    expect(rows.find((r) => r.address === 'b@example.com')).toMatchObject({
      components: ['nc018/smtp'],
      status: 'active',
    });
    expect(exported.out).not.toContain('whsec_');

    // The contact address of a webhook is personal data too: removing it removes the webhook.
    const removed = await run(['remove', 'OPS@Example.ORG']);
    expect(removed).toMatchObject({ code: 1 });
    const byContact = await run(['remove', 'ops@example.org']);
    expect(byContact.code).toBe(0);
    const gone = await run(['remove', 'B@EXAMPLE.COM']);
    expect(gone.code).toBe(1);
    const b = await run(['remove', 'b@EXAMPLE.COM']);
    expect(b).toMatchObject({ code: 0 });
    expect(b.out).toContain('Removed 1 subscriber with the address b@example.com');
    expect(world.app.herald.subscribers.list().map((s) => s.address)).toEqual([
      'a@example.com',
      'pending@example.com',
    ]);
    expect((await run(['remove', 'b@example.com'])).code).toBe(1);
    expect((await run(['frobnicate'])).code).toBe(2);
    expect((await run(['remove'])).code).toBe(2);
    expect((await run(['list', '--status', 'happy'])).err).toContain('usage: herald subscribers list');
  });

  it('says so when subscriptions are off', async () => {
    const off = createTestHerald();
    try {
      const outcome = off.herald.handle({ text: 'subscribers', actor: ops });
      expect(renderReplyText(outcome, off.config.core)).toBe(
        'Subscriptions are off: SMTP_URL is not set (docs/subscribers.md).',
      );
    } finally {
      await off.close();
    }
  });

  it('a sign-up through the form shows up in the counts as pending-free: nothing is stored before the confirmation', async () => {
    const before = say('subscribers').text;
    expect((await postForm(`${world.url}subscribe`, { email: 'new@example.com' })).status).toBe(200);
    await world.mailbox.next('new@example.com');
    expect(say('subscribers').text).toBe(before);
  });
});

describe('herald doctor checks the SMTP relay', () => {
  let relay: SMTPServer;
  let port = 0;
  const dir = tempDir('herald-doctor-smtp-');

  beforeAll(async () => {
    relay = new SMTPServer({
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      logger: false,
      onAuth(auth, _session, callback) {
        if (auth.username === 'status' && auth.password === 'right-horse-battery')
          callback(null, { user: 'status' });
        else callback(new Error('Invalid username or password'));
      },
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    port = (relay.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => relay.close(() => resolve()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const doctor = async (env: NodeJS.ProcessEnv) => {
    const out = capture();
    const code = await runDoctor({
      stdout: out.stream,
      env: {
        HERALD_CONFIG: path.join(root, 'herald.config.yaml'),
        HERALD_DATA_DIR: path.join(dir, 'data'),
        HERALD_PUBLIC_DIR: path.join(dir, 'public'),
        MAIL_FROM: 'status@example.net',
        HERALD_PUBLIC_URL: 'http://127.0.0.1:8080/',
        ...env,
      },
      cwd: dir,
    });
    const smtp = out
      .text()
      .split('\n')
      .filter((l) => /^\S+ +smtp /.test(l));
    return { code, out: out.text(), smtp };
  };

  it('passes when the relay takes the login, fails with the fix when it refuses, never printing the password', async () => {
    const good = await doctor({ SMTP_URL: `smtp://status:right-horse-battery@127.0.0.1:${port}` });
    expect(good.smtp[0]).toBe(
      `ok   smtp           the relay smtp://127.0.0.1:${port} answers and takes the login`,
    );
    expect(good.out).not.toContain('right-horse-battery');

    const bad = await doctor({ SMTP_URL: `smtp://status:wrong-pony-staple@127.0.0.1:${port}` });
    expect(bad.code).toBe(1);
    expect(bad.smtp[0]).toMatch(/^FAIL smtp {11}the relay smtp:\/\/127\.0\.0\.1:\d+ refused the login/);
    expect(bad.out).toContain('fix: check the user and password in SMTP_URL');
    expect(bad.out).not.toContain('wrong-pony-staple');
  });

  it('fails clearly when nothing listens, and is off without SMTP_URL', async () => {
    const closed = new SMTPServer({ logger: false });
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadPort = (closed.server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const dead = await doctor({ SMTP_URL: `smtp://127.0.0.1:${deadPort}` });
    expect(dead.code).toBe(1);
    expect(dead.smtp[0]).toMatch(/^FAIL smtp .*ECONNREFUSED|^FAIL smtp .*cannot use the relay/);
    const off = await doctor({ MAIL_FROM: '', HERALD_PUBLIC_URL: '' });
    expect(off.smtp[0]).toBe(
      '-    smtp           SMTP_URL not set: subscriptions are off, the site hides the form',
    );
  });
});
