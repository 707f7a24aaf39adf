// The subscriber store (migrations 010 and 011) over a real SQLite file: who a post goes to, that a
// fan-out done again adds nothing, that follow-ups go only to those who got the original, that removal
// deletes the personal data, and the run of failures that disables a subscriber. And the URL guard.
import { afterAll, describe, expect, it } from 'vitest';
import type { SqliteStore } from '../../src/store/sqlite-store.js';
import { createUrlGuard, refusedAddress } from '../../src/subscribers/url-guard.js';
import { createTestCore, recorded } from '../helpers/core.js';

const core = createTestCore();
const store = core.store as SqliteStore;
const subs = store.subscribers;
afterAll(() => core.close());

const at = core.now();
const add = (address: string, scope: Parameters<typeof subs.create>[0]['scope'], confirm = true) => {
  const { subscriber } = subs.create({ channel: 'email', address, scope, at });
  if (confirm) subs.confirm(subscriber.id, at);
  return subscriber.id;
};

describe('the subscriber store', () => {
  const everything = add('all@example.com', 'all');
  const wholeNc018 = add('nc018@example.com', [{ system: 'nc018', service: null }]);
  const nc018Smtp = add('smtp@example.com', [{ system: 'nc018', service: 'smtp' }]);
  const nc026 = add('nc026@example.com', [{ system: 'nc026', service: null }]);
  const unconfirmed = add('pending@example.com', 'all', false);
  const post1 = recorded(core.run('nc018 smtp down "spam cleanup"')).post?.id as number;

  it('sends a post to the confirmed subscribers of its components only', () => {
    expect(subs.matching(post1).sort()).toEqual([everything, wholeNc018, nc018Smtp].sort());
    expect(subs.matching(post1)).not.toContain(nc026);
    expect(subs.matching(post1)).not.toContain(unconfirmed);
  });

  it('fans a post out once, however often the fan-out is done', () => {
    expect(subs.fanOut({ postId: post1, action: 'publish', editId: null, at })).toBe(3);
    expect(subs.fanOut({ postId: post1, action: 'publish', editId: null, at })).toBe(0);
    expect(subs.notifications({ postId: post1 }).map((n) => n.subscriberId)).toEqual(
      [everything, wholeNc018, nc018Smtp].sort((a, b) => a - b),
    );
  });

  it('sends an edit only to those who got the original, after it', () => {
    const late = add('late@example.com', 'all');
    const edited = recorded(core.run('edit 1.1 "Spam filter cleanup"'));
    const editId = edited.deliveries.find((d) => d.action === 'edit')?.editId ?? null;
    expect(subs.fanOut({ postId: post1, action: 'edit', editId, at })).toBe(3);
    const edits = subs.notifications({ postId: post1 }).filter((n) => n.action === 'edit');
    expect(edits.map((n) => n.subscriberId)).not.toContain(late);
    // The edits wait while their originals are pending.
    const due = subs.due(at, 100).map((d) => d.notification);
    expect(due.every((n) => n.action === 'publish')).toBe(true);
    subs.begin(due.map((n) => n.id));
    subs.settle(
      due.map((n) => ({ id: n.id, status: 'sent' as const, at })),
      10,
    );
    expect(subs.due(at, 100).map((d) => d.notification.action)).toEqual(['edit', 'edit', 'edit']);
  });

  it('counts subscribers per component and channel', () => {
    const counts = subs.counts();
    expect(counts.byChannel.find((c) => c.channel === 'email')).toMatchObject({ active: 5, pending: 1 });
    expect(counts.byComponent).toContainEqual({
      system: 'nc018',
      service: 'smtp',
      channel: 'email',
      active: 1,
      failing: 0,
    });
    expect(counts.byComponent).toContainEqual({
      system: null,
      service: null,
      channel: 'email',
      active: 2,
      failing: 0,
    });
  });

  it('disables a webhook after its run of failures and queues the mail to its contact', () => {
    const { subscriber } = subs.create({
      channel: 'webhook',
      address: 'https://hooks.example.com/herald',
      contactEmail: 'ops@example.com',
      scope: 'all',
      secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      at,
    });
    subs.confirm(subscriber.id, at);
    const post = recorded(core.run('nc026 web down "disk"')).post?.id as number;
    subs.fanOut({ postId: post, action: 'publish', editId: null, at });
    const mine = subs.notifications({ subscriberId: subscriber.id });
    expect(mine).toHaveLength(1);
    const id = mine[0]?.id as number;
    const fail = { id, status: 'retry' as const, error: 'HTTP 500', blameSubscriber: true, at };
    subs.settle([fail], 2);
    expect(subs.byId(subscriber.id)?.status).toBe('active');
    subs.settle([fail], 2);
    expect(subs.byId(subscriber.id)).toMatchObject({ status: 'disabled', failures: 2, disabledAt: at });
    const after = subs.notifications({ subscriberId: subscriber.id });
    expect(after.map((n) => [n.kind, n.status])).toEqual([
      ['post', 'dropped'],
      ['disabled', 'pending'],
    ]);
  });

  it('deletes a subscriber, its scope and its notifications when removed by address', () => {
    expect(subs.remove('nc018@example.com')).toBe(1);
    expect(subs.byAddress('email', 'nc018@example.com')).toBeUndefined();
    expect(subs.notifications({ subscriberId: wholeNc018 })).toEqual([]);
    // A webhook goes with its contact address too.
    expect(subs.remove('ops@example.com')).toBe(1);
    expect(subs.list({ channel: 'webhook' })).toEqual([]);
  });

  it('asks an unsubscribed address to confirm again, and tells nothing of an active one', () => {
    expect(subs.unsubscribe(nc026, at)).toBe(true);
    const again = subs.create({ channel: 'email', address: 'nc026@example.com', scope: 'all', at });
    expect(again).toMatchObject({ created: true, subscriber: { id: nc026, status: 'pending' } });
    const active = subs.create({ channel: 'email', address: 'all@example.com', scope: [], at });
    expect(active).toMatchObject({ created: false, subscriber: { status: 'active', scope: 'all' } });
  });
});

describe('the webhook URL guard', () => {
  const refused = [
    '127.0.0.1',
    '10.0.0.8',
    '172.16.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '::1',
    '::',
    'fe80::1',
    'fd00:ec2::254',
    '::ffff:127.0.0.1',
    '64:ff9b::7f00:1',
  ];
  it.each(refused)('refuses %s', (address) => {
    expect(refusedAddress(address)).toMatch(/address/);
  });

  it('passes public unicast addresses', () => {
    expect(refusedAddress('93.184.215.14')).toBeNull();
    expect(refusedAddress('2606:2800:21f:cb07:6820:80da:af6b:8b2c')).toBeNull();
  });

  const resolve = async (host: string) =>
    host === 'rebind.example.com'
      ? [
          { address: '93.184.215.14', family: 4 },
          { address: '127.0.0.1', family: 4 },
        ]
      : [{ address: '93.184.215.14', family: 4 }];

  it('refuses a name that resolves to a private address, and literals, before any request', async () => {
    const guard = createUrlGuard({ allowPrivate: false, resolve });
    expect(await guard.check('https://rebind.example.com/hook')).toMatchObject({ ok: false });
    expect(await guard.check('http://[::1]:8080/hook')).toMatchObject({ ok: false });
    expect(await guard.check('http://169.254.169.254/latest/meta-data')).toMatchObject({ ok: false });
    expect(await guard.check('https://user:pw@hooks.example.com/')).toMatchObject({ ok: false });
    expect(await guard.check('https://hooks.example.com/a\r\nX: y')).toMatchObject({ ok: false });
    expect(await guard.check('ftp://hooks.example.com/')).toMatchObject({ ok: false });
    expect(await guard.check('https://hooks.example.com/hook')).toMatchObject({
      ok: true,
      address: '93.184.215.14',
    });
  });

  it('lets loopback through when private addresses are allowed (tests, private deployments)', async () => {
    const guard = createUrlGuard({ allowPrivate: true, resolve });
    expect(await guard.check('http://127.0.0.1:9/hook')).toMatchObject({ ok: true, address: '127.0.0.1' });
  });
});
